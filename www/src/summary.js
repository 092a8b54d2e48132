// The summary in plain words, for a reader who reads nothing else. Every number comes from the
// result; the words only choose between "higher" and "lower", and say when the runs disagree.

import { fmtInt, fmtPct, fmtUsd, fmtNumber, quarterText } from './format.js';
import { UNCERTAINTY_NOTE, withUncertainty } from './uncertainty.js';

function last(a) {
  return a[a.length - 1];
}

/** "310 higher", "0.4 pp lower", "about the same". */
function change(d, fmtAbs, higher = 'higher', lower = 'lower') {
  if (Number.isNaN(d)) return null;
  const txt = fmtAbs(Math.abs(d));
  if (parseFloat(txt.replace(/[^0-9.]/g, '')) === 0) return 'about the same';
  return `${txt} ${d > 0 ? higher : lower}`;
}

/** Whether 90% of paired runs agree on the sign of the difference at quarter i. */
function clear(band, i) {
  return band.p5[i] > 0 || band.p95[i] < 0;
}

/** Sum of the means over the last four quarters (or fewer): an expected yearly total. */
function yearMean(band) {
  const n = band.mean.length;
  let s = 0;
  for (let i = Math.max(0, n - 4); i < n; i++) if (!Number.isNaN(band.mean[i])) s += band.mean[i];
  return s;
}

/** How the summary names the quarters `yearMean` adds up: the last four, or all of a short run. */
function lastYearPhrase(n, quarter) {
  if (n === 1) return `In ${quarterText(quarter)}`;
  if (n < 4) return `Across the ${n} quarters simulated`;
  return quarter.endsWith('Q4') ? `Across ${quarter.slice(0, 4)}` : 'Across the last four quarters';
}

function concentration(h) {
  if (h > 1800) return 'highly concentrated by the 2023 Merger Guidelines (above 1,800)';
  if (h >= 1000) return 'moderately concentrated by the 2023 Merger Guidelines (1,000 to 1,800)';
  return 'unconcentrated by the 2023 Merger Guidelines (below 1,000)';
}

/**
 * Paragraphs (arrays of strings) summarising a comparison.
 * @param result   a comparison result from the model
 * @param labels   {reform: 'SB 1047 as passed', baseline: 'no regulation'} as used in a sentence
 * @param same     whether baseline and reform are the same scenario
 */
export function summarize(result, labels, same) {
  const b = result.baseline.metrics;
  const r = result.reform.metrics;
  const d = result.difference.metrics;
  const i = result.quarters.length - 1;
  const quarter = result.quarters[i];
  const year = quarter.slice(0, 4);
  const endOfYear = quarter.endsWith('Q4');
  const when = endOfYear ? `In ${year}` : `In ${quarterText(quarter)}`;
  const yearly = lastYearPhrase(result.quarters.length, quarter);
  const out = [];

  const h = r.hhi;
  let s1 = `${when}, under ${labels.reform}, HHI is ${fmtInt(h.p50[i])} (90% of runs ${fmtInt(h.p5[i])}–${fmtInt(h.p95[i])}), ${concentration(h.p50[i])}`;
  if (same) {
    s1 += '. Baseline and reform are the same scenario, so every difference is zero.';
    out.push(s1);
  } else {
    // "Higher" compares the two medians shown; whether the runs agree comes from the paired
    // differences (the reform's run minus the baseline's run with the same random numbers).
    const c = change(h.p50[i] - b.hhi.p50[i], fmtInt);
    s1 += c === 'about the same' ? `; about the same as with ${labels.baseline} (${fmtInt(b.hhi.p50[i])})` : `; ${c} than with ${labels.baseline} (${fmtInt(b.hhi.p50[i])})`;
    if (d.hhi.p5[i] === 0 && d.hhi.p95[i] === 0) s1 += ', and at least 90% of paired runs give exactly the same HHI.';
    else if (clear(d.hhi, i)) s1 += `, and 90% of paired runs agree on the direction (${signed(d.hhi.p5[i], fmtInt)} to ${signed(d.hhi.p95[i], fmtInt)}).`;
    else s1 += `, though paired runs disagree on the direction (90% between ${signed(d.hhi.p5[i], fmtInt)} and ${signed(d.hhi.p95[i], fmtInt)}).`;
    out.push(s1);
  }

  const ou = r.open_share_usage.p50[i];
  const om = r.open_share_models.p50[i];
  out.push(
    same
      ? `Open models take ${fmtPct(ou)} of use, and ${fmtPct(om)} of new models are released with open weights.`
      : `Open models take ${fmtPct(ou)} of use against ${fmtPct(b.open_share_usage.p50[i])}, and ${fmtPct(om)} of new models are released with open weights against ${fmtPct(b.open_share_models.p50[i])}.`,
  );

  // Developers based outside the regime's jurisdiction (model v1.4): their share of use and of
  // open models' use (medians), and how often the best open model is theirs (0 or 1 per run: the
  // mean over runs is how often).
  if (r.outside_share_usage && r.outside_share_open_usage && r.open_frontier_outside) {
    const su = r.outside_share_usage.p50[i];
    const so = r.outside_share_open_usage.p50[i];
    const fo = r.open_frontier_outside.mean[i];
    out.push(
      same
        ? `Developers based outside the jurisdiction take ${fmtPct(su)} of use and ${fmtPct(so)} of open models’ use, and make the best open model in ${fmtPct(fo)} of runs.`
        : `Developers based outside the jurisdiction take ${fmtPct(su)} of use against ${fmtPct(b.outside_share_usage.p50[i])}, and ${fmtPct(so)} of open models’ use against ${fmtPct(b.outside_share_open_usage.p50[i])}; they make the best open model in ${fmtPct(fo)} of runs against ${fmtPct(b.open_frontier_outside.mean[i])}.`,
    );
  }

  const dev = (x) => fmtInt(x);
  out.push(
    same
      ? `${dev(r.n_developers.p50[i])} developers are active and the top four hold ${fmtPct(r.cr4.p50[i])} of use; open models trail the frontier by ${fmtNumber(r.open_lag_quarters.p50[i], 2)} quarters.`
      : `${dev(r.n_developers.p50[i])} developers are active against ${dev(b.n_developers.p50[i])}, and the top four hold ${fmtPct(r.cr4.p50[i])} of use against ${fmtPct(b.cr4.p50[i])}; open models trail the frontier by ${fmtNumber(r.open_lag_quarters.p50[i], 2)} quarters against ${fmtNumber(b.open_lag_quarters.p50[i], 2)}.`,
  );

  const harmR = yearMean(r.harm_usd);
  const harmB = yearMean(b.harm_usd);
  const comp = yearMean(r.compliance_spend_usd);
  const liab = yearMean(r.liability_paid_usd);
  out.push(
    `${yearly}, incidents cause an average of ${fmtUsd(harmR, 2)} of harm${same ? '' : ` against ${fmtUsd(harmB, 2)}`}; developers spend ${fmtUsd(comp, 2)} on compliance and pay ${fmtUsd(liab, 2)} in damages and penalties.`,
  );
  if (withUncertainty(result)) out.push(UNCERTAINTY_NOTE);
  return out;
}

function signed(x, f) {
  if (x > 0) return `+${f(x)}`;
  if (x < 0) return `−${f(-x)}`;
  return f(0);
}

/** One short sentence for the screen-reader status after each update. */
export function headline(result, labels) {
  const i = result.quarters.length - 1;
  return `Updated: HHI ${fmtInt(result.reform.metrics.hhi.p50[i])} under ${labels.reform} against ${fmtInt(result.baseline.metrics.hhi.p50[i])} with ${labels.baseline} in ${quarterText(result.quarters[i])}.`;
}

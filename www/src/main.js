// The regsim web app: scenario panel, summary, charts, links and files.
// User-, URL- and file-derived text only ever reaches the page through textContent or attributes.

import './style.css';
import 'uplot/dist/uPlot.min.css';
import init, * as api from '../pkg/regsim.js';
import wasmUrl from '../pkg/regsim_bg.wasm?url';
import { Catalog, MODEL_OF_FORMAT, diffFromPreset, presetPhrase, presetTitle, fromFile, fromQuery, isCustom, runScenarios, toFile, toQuery } from './state.js';
import { SHARED_PATHS, UI_GROUPS, clone, controlModel, fallbackValue, getPath, setPath } from './params.js';
import { el, idOf, makeControl } from './controls.js';
import { CHARTS, Chart, chartCsv, chartPng, dataTables, palette, quarterText, readout } from './charts.js';
import { headline, summarize } from './summary.js';
import { withUncertainty } from './uncertainty.js';
import { RunPool } from './pool.js';
import { measure } from './timing.js';
import { elementSnippet, figureAttributes, iframeSnippet } from './embed/snippets.js';
import { cdnBase } from './embed/cdn.js';
import { DriversPanel } from './drivers-panel.js';
import { driversAttributes } from './embed/snippets.js';

performance.mark('regsim:start');

const title = presetTitle;
const phrase = presetPhrase;

const $ = (id) => document.getElementById(id);

// Start compiling the model at once; the workers get the compiled module.
const modulePromise = (async () => {
  try {
    return await WebAssembly.compileStreaming(fetch(wasmUrl));
  } catch {
    const bytes = await (await fetch(wasmUrl)).arrayBuffer();
    return WebAssembly.compile(bytes);
  }
})();

let cat; // Catalog
// The workers start loading at once, in parallel with the page's own start-up.
// (Tests set __regsimWorkers and __regsimStallMs, how long a busy worker may be silent.)
const pool = new RunPool(modulePromise, window.__regsimWorkers ?? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)), { stallMs: window.__regsimStallMs, full: true });
let state; // {baseline, reformBase, reform}
let mode = 'levels';
let result = null;
let resultLabels = null;
let resultSame = false;
const controls = new Map(); // path → control
const charts = []; // {def, chart, fig, plot, readout, table}
let runSeq = 0;
let drawnSeq = 0;
let pendingInput = null; // timeStamp of the input event that asked for the newest run
let drivers = null; // the "What drives this?" view (drivers-panel.js)
const MAX_FILE_BYTES = 2_000_000;

// ---------------------------------------------------------------- messages

/**
 * Show a message above the summary. A sticky one (a link or file that could not be used) stays
 * until dismissed or replaced; any other goes once the next run can start.
 */
function showMessage(titleText, lines, sticky = false, note = false) {
  if (sticky) $('message').dataset.sticky = '1';
  else delete $('message').dataset.sticky;
  // A note (a link of an earlier model, opened as this one) is news, not a failure.
  $('message').classList.toggle('note', note);
  $('message-title').textContent = titleText;
  const list = $('message-list');
  list.replaceChildren(...lines.slice(0, 12).map((l) => el('li', {}, l)));
  if (lines.length > 12) list.append(el('li', {}, `… and ${lines.length - 12} more`));
  $('message').hidden = false;
}

function hideMessage() {
  $('message').hidden = true;
}

function actionStatus(text) {
  $('action-status').textContent = text;
}

// ---------------------------------------------------------------- presets

function labels() {
  const custom = isCustom(cat, state);
  return {
    baseline: phrase(state.baseline),
    reform: custom ? `a custom reform based on ${phrase(state.reformBase)}` : phrase(state.reformBase),
    baselineTitle: title(state.baseline),
    reformTitle: custom ? `Custom (based on ${title(state.reformBase)})` : title(state.reformBase),
  };
}

function buildPresetMenus() {
  const b = $('baseline');
  const r = $('reform');
  for (const n of cat.names) {
    b.append(el('option', { value: n }, title(n)));
    r.append(el('option', { value: n }, title(n)));
  }
  r.append(el('option', { value: 'custom' }, 'Custom'));
  b.addEventListener('change', () => {
    state.baseline = b.value;
    changed();
  });
  r.addEventListener('change', () => {
    if (r.value === 'custom') {
      // Nothing to change yet: show where custom values are made.
      renderPresets();
      const first = document.querySelector('#params details');
      if (first) first.open = true;
      document.querySelector('#params input, #params select')?.focus();
      actionStatus('Change any control to make a custom reform.');
      return;
    }
    selectReformPreset(r.value);
  });
  $('reset-reform').addEventListener('click', () => selectReformPreset(state.reformBase));
}

function selectReformPreset(name) {
  const shared = SHARED_PATHS.map((p) => [p, getPath(state.reform, p)]);
  state.reformBase = name;
  state.reform = cat.preset(name);
  for (const [p, v] of shared) setPath(state.reform, p, v);
  renderControls();
  changed();
}

function renderPresets() {
  const custom = isCustom(cat, state);
  $('baseline').value = state.baseline;
  $('baseline-desc').textContent = cat.descriptions[state.baseline] ?? '';
  const r = $('reform');
  const customOpt = r.querySelector('option[value="custom"]');
  const customText = custom ? `Custom (based on ${title(state.reformBase)})` : 'Custom…';
  if (customOpt.textContent !== customText) customOpt.textContent = customText;
  r.value = custom ? 'custom' : state.reformBase;
  const desc = $('reform-desc');
  if (custom) {
    const diff = diffFromPreset(cat, state);
    const shown = diff.slice(0, 4).map(([p, v]) => {
      const c = controls.get(p);
      const was = getPath(cat.presets[state.reformBase], p);
      return `${c.model.label} ${c.model.format(v)} (preset ${c.model.format(was)})`;
    });
    desc.textContent = `${title(state.reformBase)} with ${diff.length} change${diff.length === 1 ? '' : 's'}: ${shown.join('; ')}${diff.length > 4 ? '; …' : '.'}`;
  } else {
    desc.textContent = cat.descriptions[state.reformBase] ?? '';
  }
  $('reset-reform').hidden = !custom;
  const changedPaths = new Set(custom ? diffFromPreset(cat, state).map(([p]) => p) : []);
  for (const [p, c] of controls) c.row.classList.toggle('changed', changedPaths.has(p));
}

// ---------------------------------------------------------------- controls

function buildControls() {
  const root = $('params');
  const bySpecGroup = new Map();
  for (const s of cat.specs) {
    if (!bySpecGroup.has(s.group)) bySpecGroup.set(s.group, []);
    bySpecGroup.get(s.group).push(s);
  }
  const narrow = matchMedia('(max-width: 999px)').matches;
  const groups = [...UI_GROUPS];
  // Any spec group the table does not name still gets a section.
  for (const g of bySpecGroup.keys()) if (!groups.some((u) => u.groups.includes(g))) groups.push({ id: g, title: g, groups: [g] });
  for (const g of groups) {
    const specs = g.groups.flatMap((x) => bySpecGroup.get(x) ?? []);
    if (!specs.length) continue;
    const det = el('details', { class: 'group', id: `group-${g.id}` });
    if (g.open && !narrow) det.open = true;
    const sum = el('summary', {}, g.title);
    sum.append(el('span', { class: 'count' }, ` (${specs.length})`));
    det.append(sum);
    if (g.note) det.append(el('p', { class: 'group-note' }, g.note));
    for (const s of specs) det.append(buildControl(s));
    root.append(det);
  }
}

function presetValues(path) {
  return cat.names.map((n) => getPath(cat.presets[n], path));
}

function buildControl(spec) {
  const m = controlModel(spec, presetValues(spec.path));
  const c = makeControl(m, {
    id: idOf(spec.path),
    onSet: userSet,
    current: () => getPath(state.reform, spec.path),
    fallback: () => fallbackValue(m, presetValues(spec.path)),
  });
  controls.set(spec.path, c);
  return c.row;
}

function userSet(c, value, event, source) {
  const path = c.model.path;
  if (Object.is(getPath(state.reform, path), value)) {
    if (source !== 'range') c.render(value);
    return;
  }
  setPath(state.reform, path, value);
  c.render(value);
  changed(event);
}

function renderControls() {
  for (const [p, c] of controls) c.render(getPath(state.reform, p));
}

// ---------------------------------------------------------------- state changes, runs

let urlTimer = null;
function scheduleUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => history.replaceState(null, '', `?${toQuery(cat, state, mode, drivers?.state ?? null)}`), 150);
}

function changed(event) {
  renderPresets();
  scheduleUrl();
  $('link-box').hidden = true;
  run(event?.timeStamp ?? performance.now());
}

function setStatus(kind, text) {
  document.body.dataset.status = kind;
  $('status-text').textContent = text ?? '';
}

let progressTimer = null;

/** Hide the progress bar and the Stop button, and cancel their showing if they have not appeared yet. */
function stopProgress() {
  clearTimeout(progressTimer);
  $('progress').hidden = true;
  $('stop-run').hidden = true;
}

/** Stop the run in flight; the charts keep the last finished result, and the settings stay. */
function stopRun() {
  if (document.body.dataset.status !== 'running') return;
  runSeq++;
  pool.cancel();
  stopProgress();
  setStatus('stopped', 'Stopped: the charts show the last finished run, not these settings. Change any setting to run again.');
  actionStatus('The run was stopped.');
}

async function run(inputTs) {
  const seq = ++runSeq;
  pendingInput = inputTs;
  const { baseline, reform, replicates } = runScenarios(cat, state);
  const problems = cat.problems(reform, { name: panelName });
  if (problems.length) {
    drivers?.invalid();
    stopProgress();
    setStatus('invalid', 'Not run: the charts and summary still show the last settings that could run.');
    $('charts').classList.add('stale');
    $('summary').classList.add('stale');
    showMessage('The reform cannot run as set:', problems);
    return;
  }
  if (!$('message').dataset.sticky) hideMessage();
  $('summary').classList.remove('stale');
  if (document.body.dataset.status === 'invalid') $('status-text').textContent = '';
  const lab = labels();
  const same = state.baseline === state.reformBase && !isCustom(cat, state);
  // The drivers view waits: a comparison asked for by the reader goes first.
  drivers?.pause();
  document.body.dataset.status = 'running';
  clearTimeout(progressTimer);
  const progress = $('progress');
  progressTimer = setTimeout(() => {
    if (seq !== runSeq) return;
    progress.hidden = false;
    $('stop-run').hidden = false;
    $('charts').classList.add('stale');
  }, 300);
  let res;
  try {
    res = await pool.run(baseline, reform, replicates, (done, total) => {
      if (seq !== runSeq) return;
      progress.max = total;
      progress.value = done;
      if (!progress.hidden) $('status-text').textContent = `Running ${total.toLocaleString('en-US')} simulations: ${Math.round((100 * done) / total)}%`;
    });
  } catch (e) {
    if (seq !== runSeq) return;
    stopProgress();
    setStatus('error', '');
    showMessage('The simulation failed:', [String(e.message ?? e)]);
    drivers?.invalid();
    return;
  }
  if (res === null || seq !== runSeq) return; // superseded
  stopProgress();
  $('charts').classList.remove('stale');
  if (res.restarted) showMessage('A simulation worker was replaced:', [`${res.restarted}. A new worker did its runs again, and the charts show their result; nothing needs reloading.`]);
  result = res.result;
  resultLabels = lab;
  resultSame = same;
  draw();
  setStatus('idle', headline(result, lab));
  // uPlot paints its canvases in a microtask; this one runs after them.
  queueMicrotask(() => {
    const now = performance.now();
    drawnSeq = seq;
    document.body.dataset.drawn = String(drawnSeq);
    document.body.dataset.draws = String(Number(document.body.dataset.draws ?? 0) + 1);
    if (!performance.getEntriesByName('regsim:first-chart').length) performance.mark('regsim:first-chart');
    document.dispatchEvent(new CustomEvent('regsim:drawn', { detail: { seq, inputTs: pendingInput, drawnTs: now, runMs: res.ms, replicates } }));
    drivers?.refresh();
  });
}

/** A field as the panel names it: "Shortest cadence (decision.cadence_min)". */
function panelName(path) {
  const c = controls.get(path);
  return c ? `${c.model.label} (${path})` : path;
}

/** Whether the current settings cannot run (their link or snippet would only show an error). */
function cannotRun() {
  if (document.body.dataset.status !== 'invalid') return false;
  actionStatus('These settings cannot run (see the message above the summary); change them first.');
  return true;
}

// ---------------------------------------------------------------- drawing

function buildCharts() {
  const root = $('charts');
  const descs = Object.fromEntries(Array.from(api.metrics(), (m) => [m.name, m.description]));
  for (const def of CHARTS) {
    const id = `chart-${def.id}`;
    const fig = el('figure', { class: 'chart', id, 'aria-labelledby': `${id}-title` });
    const cap = el('figcaption');
    cap.append(el('h3', { id: `${id}-title` }, def.title));
    cap.append(el('p', { class: 'chart-desc' }, `${def.metrics.map((m) => descs[m]).filter(Boolean).join('. ')}.`));
    fig.append(cap);
    const plot = el('div', { class: 'plot', role: 'img' });
    fig.append(plot);
    const ro = el('p', { class: 'readout', 'aria-hidden': 'true' }, ' ');
    fig.append(ro);
    const actions = el('div', { class: 'chart-actions' });
    const csv = el('button', { type: 'button', 'aria-label': `Download data (CSV): ${def.title}` }, 'Download data (CSV)');
    const png = el('button', { type: 'button', 'aria-label': `Download image (PNG): ${def.title}` }, 'Download image (PNG)');
    actions.append(csv, png);
    fig.append(actions);
    const det = el('details', { class: 'table' });
    det.append(el('summary', {}, 'Data table'));
    const tableWrap = el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `Data table: ${def.title}` });
    det.append(tableWrap);
    fig.append(det);
    root.append(fig);
    const chart = new Chart(plot, def);
    const entry = { def, chart, fig, plot, ro, det, tableWrap };
    chart.onCursor = (i) => {
      if (!result) return;
      ro.textContent = i === null ? ' ' : readout(def, result, mode, { baseline: resultLabels.baselineTitle, reform: resultLabels.reformTitle }, i);
    };
    det.addEventListener('toggle', () => det.open && renderTable(entry));
    csv.addEventListener('click', () => {
      if (!result) return;
      download(new Blob([chartCsv(def, result)], { type: 'text/csv' }), `regsim-${def.id}-${fileTag()}.csv`);
    });
    png.addEventListener('click', async () => {
      if (!result) return;
      try {
        const legend = legendItems();
        if (def.names) legend.push(...def.names.map((n, k) => ({ color: palette().axis, label: n, dash: k === 1 })));
        const blob = await chartPng(
          chart,
          `${def.title} (${mode === 'diff' ? 'difference, reform − baseline' : def.unit})`,
          legend,
          `regsim · ${resultLabels.reform} against ${resultLabels.baseline} · ${result.replicates} paired runs, ${quarterText(result.quarters[0])}–${quarterText(result.quarters[result.quarters.length - 1])} · line: median; shading: 50% and 90% of runs · ${currentLink()}`,
        );
        download(blob, `regsim-${def.id}-${fileTag()}.png`);
      } catch (e) {
        actionStatus(`The image could not be made: ${e.message}`);
      }
    });
    charts.push(entry);
  }
  let raf = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(raf);
    raf = requestAnimationFrame(() => charts.forEach((c) => c.chart.resize()));
  }).observe(root);
}

function fileTag() {
  const r = isCustom(cat, state) ? `custom-${state.reformBase}` : state.reformBase;
  return `${r}-vs-${state.baseline}`;
}

function legendItems() {
  const pal = palette();
  if (mode === 'diff') return [{ color: pal.diff, label: `${resultLabels.reformTitle} − ${resultLabels.baselineTitle}` }];
  return [
    { color: pal.base, label: `Baseline: ${resultLabels.baselineTitle}` },
    { color: pal.reform, label: `Reform: ${resultLabels.reformTitle}` },
  ];
}

function renderLegend() {
  const lg = $('legend');
  const items = legendItems().map((it) => {
    const span = el('span', { class: 'legend-item' });
    const sw = el('span', { class: 'swatch' });
    sw.style.setProperty('--sw', it.color);
    span.append(sw, document.createTextNode(it.label));
    return span;
  });
  const unc = withUncertainty(result);
  const bands = el('span', { class: 'legend-item legend-bands' }, `Line: median; shading: 50% and 90% of runs${unc ? ', with parameter uncertainty' : ''}`);
  lg.replaceChildren(...items, bands);
  $('chart-note').textContent =
    (mode === 'diff'
      ? `Paired differences, reform − baseline, over ${result.replicates} runs that share their random numbers. Above zero: the reform raises the measure.`
      : `Medians over ${result.replicates} runs of each scenario; the reform uses the baseline’s random numbers.`) +
    (unc ? ' With parameter uncertainty: each pair of runs also shares one of the calibration’s accepted parameter sets, so the bands hold what the model does not know as well as chance.' : '');
}

function draw() {
  if (!result) return;
  const t0 = performance.now();
  const years = result.years;
  const span = `${Math.floor(years[0])}–${Math.floor(years[years.length - 1])}`;
  for (const c of charts) {
    c.chart.update(result, mode, resultLabels);
    c.plot.setAttribute(
      'aria-label',
      mode === 'diff'
        ? `${c.def.title}: chart of the difference, ${resultLabels.reform} minus ${resultLabels.baseline}, ${span}. Values are in the data table.`
        : `${c.def.title}: chart of ${resultLabels.baseline} and ${resultLabels.reform}, ${span}, medians with 50% and 90% bands. Values are in the data table.`,
    );
    if (c.det.open) renderTable(c);
  }
  renderLegend();
  const paras = summarize(result, resultLabels, resultSame);
  $('summary').replaceChildren(...paras.map((p, k) => el('p', { class: k === 0 ? 'headline' : null }, p)));
  measure('regsim:draw', t0, performance.now());
}

function renderTable(c) {
  if (!result) return;
  c.tableWrap.replaceChildren(...dataTables(c.def, result, { baseline: resultLabels.baselineTitle, reform: resultLabels.reformTitle }));
}

// ---------------------------------------------------------------- links and files

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  actionStatus(`Downloaded ${name}.`);
}

function currentLink() {
  return `${location.origin}${location.pathname}?${toQuery(cat, state, mode, drivers?.state ?? null)}`;
}

function buildActions() {
  $('copy-link').addEventListener('click', async () => {
    if (cannotRun()) return;
    const link = currentLink();
    history.replaceState(null, '', link);
    const box = $('link-box');
    const text = $('link-text');
    text.value = link;
    box.hidden = false;
    try {
      await navigator.clipboard.writeText(link);
      actionStatus('Link copied. It reproduces this view.');
    } catch {
      text.focus();
      text.select();
      actionStatus('Copy the selected link (Ctrl+C or ⌘C).');
    }
  });
  $('download-scenario').addEventListener('click', () => {
    download(new Blob([toFile(cat, state)], { type: 'application/json' }), `regsim-scenario-${fileTag()}.json`);
  });
  const file = $('open-file');
  $('open-scenario').addEventListener('click', () => file.click());
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    file.value = '';
    if (!f) return;
    let r;
    if (f.size > MAX_FILE_BYTES) {
      // Not even read: a huge file would hold the page while it is decoded.
      r = { errors: [`the file is ${f.size.toLocaleString('en-US')} bytes long; scenario files are at most ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes`] };
    } else {
      try {
        r = fromFile(cat, await f.text());
      } catch (e) {
        r = { errors: [`the file cannot be read (${String(e?.message ?? e).slice(0, 120)})`] };
      }
    }
    if (r.errors) {
      // What the reader had set stays as it was: a bad file changes nothing.
      showMessage(`The file “${f.name.slice(0, 80)}” could not be used; your settings are unchanged:`, r.errors, true);
      actionStatus(`Could not open ${f.name.slice(0, 80)}.`);
      return;
    }
    hideMessage();
    adopt(r.state);
    if (r.migrated) showMigrated(`The file “${f.name.slice(0, 80)}”`, r.migrated);
    actionStatus(`Opened ${f.name.slice(0, 80)}.`);
  });
  $('stop-run').addEventListener('click', stopRun);
  $('message-close').addEventListener('click', () => {
    delete $('message').dataset.sticky;
    hideMessage();
  });
}

/**
 * Say that a link or file of an earlier model was opened as this one: what that means, and what
 * it kept. `migrated` is fromQuery's or fromFile's.
 */
function showMigrated(what, migrated) {
  const old = MODEL_OF_FORMAT[migrated.from];
  const now = MODEL_OF_FORMAT[cat.schemaVersion] ?? `schema ${cat.schemaVersion}`;
  const changed = diffFromPreset(cat, state);
  const lines = [
    `It is shown with model ${now} (regsim ${cat.version}), so its numbers differ from those it showed then.`,
    changed.length
      ? `The values it changed are kept: ${changed
          .slice(0, 6)
          .map(([p, v]) => `${controls.get(p)?.model.label ?? p} ${controls.get(p)?.model.format(v) ?? v}`)
          .join('; ')}${changed.length > 6 ? '; …' : ''}.`
      : 'It changed no parameter of its preset.',
    `Everything else takes model ${now}’s calibrated defaults and presets.`,
  ];
  if (migrated.premium) {
    const p = migrated.premium;
    lines.push(
      p.from === null
        ? `Model ${now} sets a derivative’s quality as a premium over open weights’: a derivative premium of ${p.to} keeps derivatives where this ${what === 'This link' ? 'link' : 'file'}’s open-weights quality shift put them in model ${old}.`
        : `Its derivative quality shift (market.xi_derivative ${p.from}) is model ${now}’s derivative premium over open weights: ${p.to} (xi_derivative − xi_open).`,
    );
  }
  showMessage(`${what} was made for model ${old}.`, lines, true, true);
}

// ---------------------------------------------------------------- embed

function buildEmbed() {
  const dlg = $('embed-dialog');
  const opener = $('embed-open');
  const metric = $('embed-metric');
  const diff = $('embed-diff');
  const withDrivers = $('embed-drivers');
  const status = $('embed-status');
  for (const c of CHARTS) metric.append(el('option', { value: c.id }, c.title));
  const render = () => {
    const lab = labels();
    const chart = CHARTS.find((c) => c.id === metric.value) ?? CHARTS[0];
    const d = withDrivers.checked ? drivers?.state : null;
    metric.disabled = !!d;
    diff.disabled = !!d;
    const caption = d ? `What drives this? ${lab.reformTitle} against ${lab.baselineTitle}` : `${chart.title}: ${lab.reformTitle} against ${lab.baselineTitle}${diff.checked ? ' (difference)' : ''}`;
    const attrs = d ? driversAttributes(cat, state, d, caption) : figureAttributes(cat, state, { metric: chart.id, difference: diff.checked, caption });
    const base = new URL('./', location.href);
    $('embed-cdn').value = elementSnippet(cdnBase(cat.version), attrs);
    $('embed-element').value = elementSnippet(base, attrs);
    $('embed-iframe').value = iframeSnippet(base, attrs, `${caption} (regsim, live)`);
  };
  opener.addEventListener('click', () => {
    if (cannotRun()) return;
    diff.checked = mode === 'diff';
    $('embed-drivers-label').hidden = !drivers?.state;
    withDrivers.checked = !!drivers?.state;
    status.textContent = '';
    render();
    dlg.showModal();
  });
  metric.addEventListener('change', render);
  diff.addEventListener('change', render);
  withDrivers.addEventListener('change', render);
  dlg.addEventListener('close', () => opener.focus());
  for (const [button, box, what] of [
    ['embed-copy-cdn', 'embed-cdn', 'CDN'],
    ['embed-copy-element', 'embed-element', 'web component'],
    ['embed-copy-iframe', 'embed-iframe', 'iframe'],
  ]) {
    $(button).addEventListener('click', async () => {
      const text = $(box);
      try {
        await navigator.clipboard.writeText(text.value);
        status.textContent = `Copied the ${what} snippet.`;
      } catch {
        text.focus();
        text.select();
        status.textContent = 'Copy the selected snippet (Ctrl+C or ⌘C).';
      }
    });
  }
}

function adopt(s) {
  state = s;
  renderControls();
  changed();
}

function setMode(m) {
  mode = m;
  document.body.dataset.mode = mode;
  for (const r of document.querySelectorAll('input[name="mode"]')) r.checked = r.value === mode;
}

function buildModeToggle() {
  for (const r of document.querySelectorAll('input[name="mode"]')) {
    r.addEventListener('change', () => {
      if (!r.checked) return;
      setMode(r.value);
      for (const c of charts) c.ro.textContent = ' ';
      draw();
      scheduleUrl();
    });
  }
}

// ---------------------------------------------------------------- start

async function start() {
  try {
    const module = await modulePromise;
    await init({ module_or_path: module });
    cat = new Catalog(api);
  } catch (e) {
    setStatus('error', '');
    $('summary').replaceChildren(el('p', {}, 'The model could not be loaded in this browser (it needs WebAssembly with SIMD and module workers: Chrome or Edge 91, Firefox 89, Safari 16.4 or later).'));
    showMessage('The model could not start:', [String(e?.message ?? e)]);
    return;
  }
  $('summary').replaceChildren(el('p', {}, 'Running the first simulations…'));
  $('model-version').textContent = `Model: regsim ${cat.version}. One version gives the same numbers for the same scenario; a change of results is a new version.`;
  const q = fromQuery(cat, location.search);
  if (q.errors) {
    state = cat.defaultState();
    showMessage('This link could not be used, so the default scenario is shown:', q.errors, true);
    history.replaceState(null, '', `?${toQuery(cat, state)}`);
  } else {
    state = q.state ?? cat.defaultState();
    if (q.view) setMode(q.view);
    if (!q.state) history.replaceState(null, '', `?${toQuery(cat, state)}`);
  }
  drivers = new DriversPanel({
    cat,
    pool,
    current: () => ({ ...runScenarios(cat, state), labels: labels(), runnable: document.body.dataset.status !== 'invalid' }),
    onChange: scheduleUrl,
    download,
    link: currentLink,
  });
  // Start the first run, then build the page while the workers compute.
  run(performance.now());
  buildPresetMenus();
  buildControls();
  buildCharts();
  buildActions();
  buildEmbed();
  buildModeToggle();
  renderControls();
  renderPresets();
  drivers.build();
  if (q.drivers) drivers.open(q.drivers);
  if (q.migrated) {
    showMigrated('This link', q.migrated);
    // The address bar now holds the link of this model's format.
    history.replaceState(null, '', `?${toQuery(cat, state, mode, drivers.state)}`);
  }
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', draw);
  window.__regsim = {
    get state() {
      return clone(state);
    },
    get result() {
      return result;
    },
    get drivers() {
      return drivers && { state: drivers.state, status: drivers.status, table: drivers.table, view: drivers.view };
    },
    cat,
  };
}

start();

//! Calibration by history matching in waves (MODEL.md §8.5; Vernon, Goldstein & Bower 2010;
//! Andrianakis et al. 2015), by direct simulation: no emulator, since a parameter set's 16
//! replicates of four years take milliseconds.
//!
//! Wave 1 samples the prior (the uncertain parameters' ranges, [`prior`]) by Latin hypercube;
//! every set runs `replicates` baseline replicates and each §8.6 target gets its implausibility
//! I = distance / √(σ_obs² + σ_md² + v/n). A set is non-implausible when every I ≤ the cutoff
//! (3). Each later wave samples around the previous wave's non-implausible sets, with more
//! replicates: each new set is one of them moved by a normal step of half their spread in each
//! parameter (scaled by the prior's width, reflected at its ends). The bounding box of those sets
//! would not do: in twenty dimensions it is nearly the whole prior (docs/calibration.md). The
//! search stops when the sets' spread stops shrinking or the planned waves run out; a last,
//! confirming wave then runs the non-implausible sets themselves again with the last plan's
//! replicates (new draws), and the accepted set is those still non-implausible. Every wave is
//! reported with its sizes, rates, each target's pass rate (also with no model discrepancy) and
//! the target that rules out the most.

use super::design::DesignKind;
use super::experiment::{Experiment, ExperimentSpec, FactorSpec, SummarySpec};
use super::sweep::run_points;
use super::targets::{target_specs, TargetSpec, TargetValue, CALIBRATION_QUARTERS};
pub use super::prior::{prior, PriorRange};
use crate::scenario::{Scenario, ScenarioError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::time::Instant;

/// Sizes of one wave.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct WavePlan {
    /// Parameter sets.
    pub samples: u32,
    /// Replicates per set.
    pub replicates: u32,
}

/// How to history-match.
#[derive(Clone, Debug)]
pub struct Options {
    /// The exploring waves' sizes (the search stops earlier when the region stops shrinking).
    pub waves: Vec<WavePlan>,
    /// Replicates of the confirming wave.
    pub confirm_replicates: u32,
    /// Implausibility cutoff.
    pub cutoff: f64,
    /// A wave whose non-implausible sets keep at least this fraction of the previous wave's spread
    /// (per parameter, geometric mean of standard-deviation ratios) ends the search.
    pub stop_ratio: f64,
    /// Seed of the first wave (wave w uses seed + w − 1).
    pub seed: u64,
    /// Threads.
    pub threads: usize,
}

/// One parameter set's outcome. The record keeps each accepted set's target means and largest
/// implausibility; its values are in `accepted_sets.csv`, in the same order.
#[derive(Clone, Debug, Serialize)]
pub struct SetResult {
    /// Parameter values, in prior order.
    #[serde(skip)]
    pub values: Vec<f64>,
    /// Per target: mean over replicates.
    pub means: Vec<f64>,
    /// Per target: implausibility at the stated discrepancy.
    #[serde(skip)]
    pub implausibility: Vec<f64>,
    /// Per target: implausibility with no model discrepancy.
    #[serde(skip)]
    pub implausibility_no_md: Vec<f64>,
    /// The largest implausibility.
    pub max_implausibility: f64,
}

impl SetResult {
    /// Largest implausibility (stated discrepancy).
    pub fn max_i(&self) -> f64 {
        self.implausibility.iter().copied().fold(0.0, f64::max)
    }

    fn max_i_no_md(&self) -> f64 {
        self.implausibility_no_md.iter().copied().fold(0.0, f64::max)
    }
}

/// What one wave found.
#[derive(Clone, Debug, Serialize)]
pub struct WaveReport {
    /// Wave number, from 1.
    pub wave: usize,
    /// Parameter sets run.
    pub sets: usize,
    /// Replicates per set.
    pub replicates: u32,
    /// How the sets were drawn.
    pub design: String,
    /// Spread of its non-implausible sets per prior parameter: standard deviation as a fraction
    /// of the prior's width.
    pub spread: Vec<f64>,
    /// Non-implausible sets.
    pub non_implausible: usize,
    /// Their share.
    pub rate: f64,
    /// Non-implausible sets with no model discrepancy.
    pub non_implausible_no_md: usize,
    /// Per target: share of sets with I ≤ cutoff.
    pub pass_rates: Vec<f64>,
    /// Per target: the same with no model discrepancy.
    pub pass_rates_no_md: Vec<f64>,
    /// Per target: sets it alone rules out (every other target passes).
    pub ruled_out_alone: Vec<usize>,
    /// The target with the lowest pass rate.
    pub rules_out_most: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The whole search.
#[derive(Clone, Debug, Serialize)]
pub struct Calibration {
    /// Method, in words.
    pub method: String,
    /// The prior.
    pub prior: Vec<PriorRange>,
    /// Target names, sources and bounds.
    pub targets: Vec<TargetRecord>,
    /// Cutoff.
    pub cutoff: f64,
    /// Model discrepancy as a fraction of σ_obs.
    pub discrepancy: f64,
    /// Each wave.
    pub waves: Vec<WaveReport>,
    /// Why the search stopped.
    pub stopped: String,
    /// The accepted sets (the last wave's non-implausible ones).
    pub accepted: Vec<SetResult>,
    /// Index in `accepted` of the default: the most central member among those meeting every
    /// target's bound itself (or the most central of all when none does).
    pub default_index: Option<usize>,
    /// Accepted members meeting every target's bound itself.
    pub meeting_every_bound: usize,
}

/// A target as the record shows it.
#[derive(Clone, Debug, Serialize)]
pub struct TargetRecord {
    /// Name.
    pub name: String,
    /// Source.
    pub source: String,
    /// Bound, as text.
    pub bound: String,
}

/// Run one wave on `base`: `plan.samples` sets, a Latin hypercube over the prior or, when
/// `points` is given, those points (coordinates in the unit cube of the prior), each with
/// `plan.replicates` replicates of the calibration years.
#[allow(clippy::too_many_arguments)]
pub fn run_wave(base: &Scenario, prior: &[PriorRange], points: Option<Vec<Vec<f64>>>, plan: WavePlan, seed: u64, threads: usize, targets: &[TargetSpec], progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Vec<SetResult>, ScenarioError> {
    let factors = prior.iter().map(|p| FactorSpec { path: p.path.clone(), min: Some(p.min), max: Some(p.max), scale: None, levels: None, arm: Default::default() }).collect();
    let y0 = base.simulation.start_year;
    let summaries = targets
        .iter()
        .map(|t| SummarySpec {
            metric: t.summary.metric.name().into(),
            stat: t.summary.stat,
            from: Some(y0 + (t.summary.from / 4) as u32),
            to: Some(y0 + (t.summary.to / 4) as u32 - 1),
            name: Some(t.summary.name.clone()),
        })
        .collect();
    let spec = ExperimentSpec {
        name: Some("history matching".into()),
        // The whole base scenario is laid over the preset, so the preset does not matter.
        baseline: "none".into(),
        reform: None,
        scenario: Some(serde_json::to_value(base).expect("a scenario serializes")),
        baseline_scenario: None,
        reform_scenario: None,
        set: vec![],
        baseline_set: vec![],
        reform_set: vec![],
        replicates: plan.replicates,
        seed,
        quarters: Some(CALIBRATION_QUARTERS),
        design: DesignKind::Lhs { samples: plan.samples },
        factors,
        summaries,
    };
    let mut e = Experiment::new(spec)?;
    if let Some(p) = points {
        e.points = p;
    }
    let mut out = Vec::with_capacity(e.len());
    let total = e.len();
    run_points(&e, 0, total, threads, &mut |i, rows| {
        let values = e.factors.iter().zip(&e.points[i]).map(|(f, &u)| f.range.number_at(u)).collect();
        let tv: Vec<TargetValue> = (0..targets.len()).map(|t| TargetValue::of(rows.iter().map(|r| r[t]))).collect();
        let implausibility: Vec<f64> = tv.iter().zip(targets).map(|(v, t)| v.implausibility(t, t.discrepancy)).collect();
        let implausibility_no_md = tv.iter().zip(targets).map(|(v, t)| v.implausibility(t, 0.0)).collect();
        let max_implausibility = implausibility.iter().copied().fold(0.0, f64::max);
        out.push(SetResult { values, means: tv.iter().map(|v| v.mean).collect(), implausibility, implausibility_no_md, max_implausibility });
        progress(i + 1, total);
    })?;
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn report(wave: usize, plan: WavePlan, design: String, prior: &[PriorRange], sets: &[SetResult], targets: &[TargetSpec], cutoff: f64, seconds: f64) -> WaveReport {
    let n = sets.len().max(1) as f64;
    let ni = sets.iter().filter(|s| s.max_i() <= cutoff).count();
    let ni0 = sets.iter().filter(|s| s.max_i_no_md() <= cutoff).count();
    let pass = |no_md: bool| -> Vec<f64> {
        (0..targets.len()).map(|t| sets.iter().filter(|s| (if no_md { &s.implausibility_no_md } else { &s.implausibility })[t] <= cutoff).count() as f64 / n).collect()
    };
    let pass_rates = pass(false);
    let ruled_out_alone = (0..targets.len())
        .map(|t| sets.iter().filter(|s| s.implausibility[t] > cutoff && s.implausibility.iter().enumerate().all(|(u, &i)| u == t || i <= cutoff)).count())
        .collect();
    let worst = (0..targets.len()).min_by(|&a, &b| pass_rates[a].total_cmp(&pass_rates[b])).unwrap_or(0);
    let accepted: Vec<&SetResult> = sets.iter().filter(|s| s.max_i() <= cutoff).collect();
    WaveReport {
        wave,
        sets: sets.len(),
        replicates: plan.replicates,
        design,
        spread: spread(prior, &accepted),
        non_implausible: ni,
        rate: ni as f64 / n,
        non_implausible_no_md: ni0,
        pass_rates_no_md: pass(true),
        pass_rates,
        ruled_out_alone,
        rules_out_most: targets.get(worst).map_or(String::new(), |t| t.name.clone()),
        seconds,
    }
}

/// A set's coordinates in the unit cube of the prior.
fn unit(prior: &[PriorRange], s: &SetResult) -> Vec<f64> {
    prior.iter().zip(&s.values).map(|(p, &x)| (x - p.min) / (p.max - p.min)).collect()
}

/// Per parameter, the standard deviation of the sets' unit coordinates.
fn spread(prior: &[PriorRange], sets: &[&SetResult]) -> Vec<f64> {
    let units: Vec<Vec<f64>> = sets.iter().map(|s| unit(prior, s)).collect();
    (0..prior.len())
        .map(|j| {
            let n = units.len().max(1) as f64;
            let m = units.iter().map(|u| u[j]).sum::<f64>() / n;
            (units.iter().map(|u| (u[j] - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt()
        })
        .collect()
}

/// `n` points around `sets`: each a set taken in turn, moved in every coordinate by a normal step
/// of `width` × that coordinate's spread, reflected into [0, 1].
fn around(prior: &[PriorRange], sets: &[&SetResult], n: usize, width: f64, seed: u64) -> Vec<Vec<f64>> {
    let sd = spread(prior, sets);
    let units: Vec<Vec<f64>> = sets.iter().map(|s| unit(prior, s)).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(crate::rng::mix64(seed ^ 0x000A_200D));
    (0..n)
        .map(|i| {
            units[i % units.len()]
                .iter()
                .zip(&sd)
                .map(|(&u, &s)| {
                    // A standard normal step by Box–Muller.
                    let (a, b): (f64, f64) = (rng.random::<f64>().max(f64::MIN_POSITIVE), rng.random());
                    let z = (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos();
                    let mut x = u + width * s * z;
                    // Reflect at the prior's ends (twice covers any step below one width).
                    for _ in 0..2 {
                        if x < 0.0 {
                            x = -x;
                        }
                        if x > 1.0 {
                            x = 2.0 - x;
                        }
                    }
                    x.clamp(0.0, 1.0)
                })
                .collect()
        })
        .collect()
}

/// Geometric mean over parameters of the ratio of spreads (new / old).
fn shrink(old: &[f64], new: &[f64]) -> f64 {
    let logs: Vec<f64> = old.iter().zip(new).filter(|(o, _)| **o > 0.0).map(|(o, n)| (n.max(1e-12) / o).ln()).collect();
    if logs.is_empty() { 1.0 } else { (logs.iter().sum::<f64>() / logs.len() as f64).exp() }
}

/// Width of the steps around non-implausible sets, in units of their spread.
const STEP: f64 = 0.5;

/// History-match the baseline `base` over `prior`, reporting each finished wave and all its sets
/// to `on_wave` and progress within a wave to `progress(wave, done, total)`.
pub fn history_match(base: &Scenario, prior: &[PriorRange], o: &Options, on_wave: &mut dyn FnMut(&WaveReport, &[SetResult]), progress: &(dyn Fn(usize, usize, usize) + Sync)) -> Result<Calibration, ScenarioError> {
    let targets = target_specs(base.simulation.start_year);
    let mut waves: Vec<WaveReport> = Vec::new();
    let mut last: Vec<SetResult> = Vec::new();
    let mut stopped = "every planned wave ran".to_string();
    for (w, plan) in o.waves.iter().enumerate() {
        let start = Instant::now();
        let seed = o.seed + w as u64;
        let (points, design) = if w == 0 {
            (None, "Latin hypercube over the prior".to_string())
        } else {
            let previous: Vec<&SetResult> = last.iter().collect();
            (Some(around(prior, &previous, plan.samples as usize, STEP, seed)), format!("around wave {w}'s {} non-implausible sets (normal steps of {STEP} × their spread)", previous.len()))
        };
        let sets = run_wave(base, prior, points, *plan, seed, o.threads, &targets, &|d, t| progress(w + 1, d, t))?;
        let rep = report(w + 1, *plan, design, prior, &sets, &targets, o.cutoff, start.elapsed().as_secs_f64());
        on_wave(&rep, &sets);
        let ratio = waves.last().map(|prev| shrink(&prev.spread, &rep.spread));
        waves.push(rep);
        last = sets.into_iter().filter(|s| s.max_i() <= o.cutoff).collect();
        if last.len() < 2 {
            stopped = format!("wave {} left {} non-implausible set(s): nothing to sample around", w + 1, last.len());
            break;
        }
        if let Some(ratio) = ratio.filter(|&r| r >= o.stop_ratio && w + 1 < o.waves.len()) {
            stopped = format!("after wave {}, the non-implausible sets kept {:.0}% of the previous wave's spread per parameter (at least {:.0}%): the region stopped shrinking", w + 1, 100.0 * ratio, 100.0 * o.stop_ratio);
            break;
        }
    }
    if !last.is_empty() {
        // Confirm: the same sets again, with new draws and more replicates.
        let start = Instant::now();
        let w = waves.len();
        let plan = WavePlan { samples: last.len() as u32, replicates: o.confirm_replicates };
        let points = last.iter().map(|s| unit(prior, s)).collect();
        let sets = run_wave(base, prior, Some(points), plan, o.seed + w as u64, o.threads, &targets, &|d, t| progress(w + 1, d, t))?;
        let rep = report(w + 1, plan, format!("confirmation: wave {w}'s {} non-implausible sets again, new draws", last.len()), prior, &sets, &targets, o.cutoff, start.elapsed().as_secs_f64());
        on_wave(&rep, &sets);
        waves.push(rep);
        last = sets.into_iter().filter(|s| s.max_i() <= o.cutoff).collect();
    }
    let meets = |s: &SetResult| s.means.iter().zip(&targets).all(|(&m, t)| t.bound.holds(m));
    let default_index = most_central(prior, &last, &meets);
    Ok(Calibration {
        method: "history matching in waves (Vernon, Goldstein & Bower 2010), by direct simulation: a Latin hypercube over the prior, then each wave around the last wave's non-implausible sets with more replicates; non-implausible when every target's implausibility is at most the cutoff".into(),
        prior: prior.to_vec(),
        targets: targets.iter().map(|t| TargetRecord { name: t.name.clone(), source: t.source.into(), bound: t.bound.text() }).collect(),
        cutoff: o.cutoff,
        discrepancy: targets.first().map_or(0.0, |t| t.discrepancy),
        waves,
        stopped,
        meeting_every_bound: last.iter().filter(|s| meets(s)).count(),
        accepted: last,
        default_index,
    })
}

/// The member nearest the accepted sets' centre (parameters scaled by their prior width) among
/// those for which `eligible` holds, or among all when none does.
fn most_central(prior: &[PriorRange], sets: &[SetResult], eligible: &dyn Fn(&SetResult) -> bool) -> Option<usize> {
    if sets.is_empty() {
        return None;
    }
    let scaled = |s: &SetResult, j: usize| (s.values[j] - prior[j].min) / (prior[j].max - prior[j].min);
    let centre: Vec<f64> = (0..prior.len()).map(|j| sets.iter().map(|s| scaled(s, j)).sum::<f64>() / sets.len() as f64).collect();
    let dist = |s: &SetResult| (0..prior.len()).map(|j| (scaled(s, j) - centre[j]).powi(2)).sum::<f64>();
    let any = sets.iter().any(eligible);
    (0..sets.len()).filter(|&i| !any || eligible(&sets[i])).min_by(|&a, &b| dist(&sets[a]).total_cmp(&dist(&sets[b])))
}

/// A wave's sets as CSV: parameter values, each target's mean and implausibility, the largest.
pub fn wave_csv(prior: &[PriorRange], sets: &[SetResult]) -> String {
    let n = sets.first().map_or(0, |s| s.means.len());
    let mut cols: Vec<String> = prior.iter().map(|p| p.path.clone()).collect();
    cols.extend((0..n).map(|t| format!("target_{t}_mean")));
    cols.extend((0..n).map(|t| format!("target_{t}_implausibility")));
    cols.push("max_implausibility".into());
    let mut out = cols.join(",") + "\n";
    let f = super::sweep::number_text;
    for s in sets {
        let row: Vec<String> = s.values.iter().chain(&s.means).chain(&s.implausibility).map(|&x| f(x)).chain([f(s.max_i())]).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// Sets as the compact text the library reads: a header of parameter paths, then one line of
/// values per set (shortest round-trip text).
pub fn sets_csv(prior: &[PriorRange], sets: &[&SetResult]) -> String {
    let mut out = prior.iter().map(|p| p.path.as_str()).collect::<Vec<_>>().join(",");
    out.push('\n');
    for s in sets {
        out.push_str(&s.values.iter().map(|&x| super::sweep::number_text(x)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// Every accepted set, as [`sets_csv`].
pub fn accepted_csv(c: &Calibration) -> String {
    sets_csv(&c.prior, &c.accepted.iter().collect::<Vec<_>>())
}

/// Sets that parameter uncertainty cycles through: `n` of the accepted ones, drawn without
/// replacement by ChaCha8 (seed 1), in the order drawn; all of them when there are fewer.
pub fn uncertainty_csv(c: &Calibration, n: usize) -> String {
    use rand::seq::SliceRandom;
    let mut order: Vec<usize> = (0..c.accepted.len()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(1));
    order.truncate(n);
    sets_csv(&c.prior, &order.iter().map(|&i| &c.accepted[i]).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prior_is_the_table_of_uncertain_ranges() {
        let p = prior();
        assert!(p.len() >= 15, "{}", p.len());
        assert!(p.iter().any(|r| r.path == "market.xi_open"));
        assert!(p.iter().all(|r| r.min < r.max));
        assert!(p.iter().any(|r| r.path == "derivatives.initial" && r.integer));
    }

    #[test]
    fn a_tiny_wave_reports_its_rates_and_the_most_central_member() {
        let base = crate::scenario::preset("none").unwrap();
        let prior: Vec<PriorRange> = prior().into_iter().filter(|p| p.path == "market.xi_open" || p.path == "market.nest_lambda").collect();
        let o = Options { waves: vec![WavePlan { samples: 8, replicates: 2 }, WavePlan { samples: 8, replicates: 2 }], confirm_replicates: 3, cutoff: f64::INFINITY, stop_ratio: 0.9, seed: 3, threads: 2 };
        let mut seen = 0;
        let c = history_match(&base, &prior, &o, &mut |_, _| seen += 1, &|_, _, _| {}).unwrap();
        assert_eq!(seen, c.waves.len());
        assert_eq!(c.waves[0].sets, 8);
        assert_eq!(c.waves[0].non_implausible, 8, "an infinite cutoff accepts everything");
        let confirm = c.waves.last().unwrap();
        assert!(confirm.design.starts_with("confirmation") && confirm.replicates == 3 && confirm.sets == 8);
        assert!(c.default_index.is_some());
        let csv = accepted_csv(&c);
        assert!(csv.starts_with("market.nest_lambda,market.xi_open\n") || csv.starts_with("market.xi_open,market.nest_lambda\n"), "{csv}");
        assert_eq!(csv.lines().count(), 1 + c.accepted.len());
    }
}

//! How robust a finding is to what is not known (MODEL.md §8.5): a reform's paired effect on a
//! summary at the default parameters, with its band, and the share of the calibration's accepted
//! parameter sets in which the effect has the same sign. Below 90% a finding is "not robust".

use super::summary::Summary;
use super::targets::mean_se;
use crate::ensemble::{self, run_replicate};
use crate::calibration::with_values;
use crate::scenario::Scenario;
use serde::Serialize;

/// Share of accepted sets below which a finding is reported as not robust.
pub const ROBUST: f64 = 0.9;

/// A finding's effect and its robustness.
#[derive(Clone, Debug, Serialize)]
pub struct Robustness {
    /// The summary's name.
    pub summary: String,
    /// Baseline mean at the default.
    pub baseline: f64,
    /// Mean paired effect (reform − baseline) at the default.
    pub effect: f64,
    /// Its standard error.
    pub se: f64,
    /// 5th and 95th percentiles of the per-replicate paired effects at the default.
    pub band: (f64, f64),
    /// Accepted sets run.
    pub sets: usize,
    /// Share of them whose mean paired effect has the default effect's sign.
    pub same_sign: f64,
    /// Median over sets of their mean paired effect.
    pub median_over_sets: f64,
    /// Each set's mean paired effect, in the order of the sets.
    pub per_set: Vec<f64>,
}

impl Robustness {
    /// "robust" or "not robust".
    pub fn verdict(&self) -> &'static str {
        if self.same_sign >= ROBUST { "robust" } else { "not robust" }
    }
}

/// The robustness of a reform's effect on each summary: `default_replicates` paired replicates at
/// the default, then `per_set` at each of `sets` (rows of values for `paths`), on `threads`
/// threads. Without a reform, of the baseline's level (its "effect" is the level, its baseline
/// 0). `progress(done, total)` counts paired runs.
#[allow(clippy::too_many_arguments)]
pub fn robustness(baseline: &Scenario, reform: Option<&Scenario>, summaries: &[Summary], paths: &[String], sets: &[Vec<f64>], default_replicates: u32, per_set: u32, threads: usize, progress: &(dyn Fn(usize, usize) + Sync)) -> Vec<Robustness> {
    let levels = reform.is_none();
    let reform = ensemble::paired(baseline, reform.unwrap_or(baseline));
    let total = default_replicates as usize + sets.len() * per_set as usize;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
    // Every (set, replicate) pair is a task; set None is the default.
    let tasks: Vec<(Option<usize>, u32)> = (0..default_replicates).map(|r| (None, r)).chain((0..sets.len()).flat_map(|j| (0..per_set).map(move |r| (Some(j), r)))).collect();
    let scenarios: Vec<(Scenario, Scenario)> = sets.iter().map(|row| (with_values(baseline, paths, row), with_values(&reform, paths, row))).collect();
    let results = crate::ensemble::parallel_map(&tasks, threads, &|&(set, rep)| {
        let (b, r) = match set {
            None => (baseline, &reform),
            Some(j) => (&scenarios[j].0, &scenarios[j].1),
        };
        let rb = run_replicate(b, rep);
        let out = if levels {
            summaries.iter().map(|s| (0.0, s.of(&rb))).collect::<Vec<(f64, f64)>>()
        } else {
            let rr = run_replicate(r, rep);
            summaries.iter().map(|s| (s.of(&rb), s.of(&rr))).collect()
        };
        tick();
        out
    });
    summaries
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let at_default: Vec<(f64, f64)> = results[..default_replicates as usize].iter().map(|r| r[k]).collect();
            let diffs: Vec<f64> = at_default.iter().map(|(b, r)| r - b).collect();
            let (effect, se) = mean_se(&diffs);
            let baseline_mean = mean_se(&at_default.iter().map(|p| p.0).collect::<Vec<_>>()).0;
            let mut sorted: Vec<f64> = diffs.iter().copied().filter(|x| x.is_finite()).collect();
            sorted.sort_by(|a, b| a.total_cmp(b));
            let band = (ensemble::quantile(&sorted, 0.05), ensemble::quantile(&sorted, 0.95));
            let by_set: Vec<f64> = (0..sets.len())
                .map(|j| {
                    let start = default_replicates as usize + j * per_set as usize;
                    let d: Vec<f64> = results[start..start + per_set as usize].iter().map(|r| r[k].1 - r[k].0).collect();
                    mean_se(&d).0
                })
                .collect();
            let mut per_set: Vec<f64> = by_set.iter().copied().filter(|x| x.is_finite()).collect();
            let same = per_set.iter().filter(|&&x| x.signum() == effect.signum() && x != 0.0).count();
            per_set.sort_by(|a, b| a.total_cmp(b));
            Robustness {
                summary: s.name.clone(),
                baseline: baseline_mean,
                effect,
                se,
                band,
                sets: per_set.len(),
                same_sign: if per_set.is_empty() { f64::NAN } else { same as f64 / per_set.len() as f64 },
                median_over_sets: ensemble::quantile(&per_set, 0.5),
                per_set: by_set,
            }
        })
        .collect()
}

/// The robustness table as Markdown.
pub fn markdown(rows: &[Robustness], per_set: u32) -> String {
    let f = |x: f64| if x.abs() >= 1e5 || (x != 0.0 && x.abs() < 1e-3) { format!("{x:.3e}") } else { format!("{x:.4}") };
    let mut out = format!("| summary | baseline | paired effect ± se | p5–p95 of runs | sets with its sign ({per_set} replicates each) | median over sets | verdict |\n|---|---|---|---|---|---|---|\n");
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} ± {} | {} to {} | {:.0}% of {} | {} | {} |\n",
            r.summary,
            f(r.baseline),
            f(r.effect),
            f(r.se),
            f(r.band.0),
            f(r.band.1),
            100.0 * r.same_sign,
            r.sets,
            f(r.median_over_sets),
            r.verdict()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Metric;
    use crate::analysis::summary::Stat;

    #[test]
    fn an_effect_is_robust_when_its_sign_holds_in_every_set() {
        let none = crate::scenario::preset("none").unwrap();
        let mut high = none.clone();
        high.regime.cover_rule = crate::scenario::CoverRule::All;
        high.regime.compliance_fixed = 5e8;
        let mut base = none.clone();
        base.regime.cover_rule = crate::scenario::CoverRule::All;
        let (mut base, mut high) = (base, high);
        base.simulation.quarters = 8;
        high.simulation.quarters = 8;
        let s = Summary { name: "compliance".into(), metric: Metric::ComplianceSpendUsd, stat: Stat::Total, from: 0, to: 8 };
        let a = crate::calibration::accepted();
        let rows = robustness(&base, Some(&high), &[s], &a.paths, &a.sets[..3], 4, 2, 2, &|_, _| {});
        assert_eq!(rows[0].sets, 3);
        assert!(rows[0].effect > 0.0 && rows[0].same_sign == 1.0, "{:?}", rows[0]);
        assert_eq!(rows[0].verdict(), "robust");
    }
}

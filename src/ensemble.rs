//! Ensembles: replicates with their own seeds, bands over replicates, and comparisons of a
//! baseline against a reform with common random numbers (replicate i of both uses the same seed,
//! and every draw is keyed, so the two stay paired).

use crate::metrics::{Metric, RunMetrics};
use crate::model::Simulation;
use crate::rng::replicate_seed;
use crate::scenario::{validate, FieldError, Scenario, ScenarioError, MAX_REPLICATES};

/// Per-quarter summary of a metric over replicates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Band {
    /// Mean over replicates with a value.
    pub mean: Vec<f64>,
    /// 5th percentile.
    pub p5: Vec<f64>,
    /// 25th percentile.
    pub p25: Vec<f64>,
    /// Median.
    pub p50: Vec<f64>,
    /// 75th percentile.
    pub p75: Vec<f64>,
    /// 95th percentile.
    pub p95: Vec<f64>,
}

/// The statistics a band reports, in output order.
pub const STATS: [&str; 6] = ["mean", "p5", "p25", "p50", "p75", "p95"];

impl Band {
    /// The series of one statistic by name (see [`STATS`]).
    pub fn stat(&self, name: &str) -> Option<&[f64]> {
        Some(match name {
            "mean" => &self.mean,
            "p5" => &self.p5,
            "p25" => &self.p25,
            "p50" => &self.p50,
            "p75" => &self.p75,
            "p95" => &self.p95,
            _ => return None,
        })
    }

    /// Summarise `series[replicate][quarter]`; missing (NaN) values are left out, and a quarter
    /// with no value at all gives NaN.
    pub fn from_series<'a>(series: impl Iterator<Item = &'a [f64]> + Clone, quarters: usize) -> Band {
        let mut b = Band::default();
        let mut column = Vec::new();
        for q in 0..quarters {
            column.clear();
            column.extend(series.clone().map(|s| s[q]).filter(|x| !x.is_nan()));
            column.sort_by(|a, b| a.total_cmp(b));
            let mean = if column.is_empty() { f64::NAN } else { column.iter().sum::<f64>() / column.len() as f64 };
            b.mean.push(mean);
            b.p5.push(quantile(&column, 0.05));
            b.p25.push(quantile(&column, 0.25));
            b.p50.push(quantile(&column, 0.50));
            b.p75.push(quantile(&column, 0.75));
            b.p95.push(quantile(&column, 0.95));
        }
        b
    }
}

/// Quantile of sorted data by linear interpolation between order statistics (Hyndman & Fan type 7,
/// the default of R and NumPy); NaN for no data.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Replicates of one scenario and their bands.
#[derive(Clone, Debug)]
pub struct EnsembleResult {
    /// The scenario run (with `simulation.replicates` set to the count actually run).
    pub scenario: Scenario,
    /// Quarter labels.
    pub quarters: Vec<String>,
    /// Each replicate's metrics.
    pub runs: Vec<RunMetrics>,
    /// Bands per metric, in [`Metric::ALL`] order.
    pub bands: Vec<Band>,
}

impl EnsembleResult {
    /// The band of one metric.
    pub fn band(&self, m: Metric) -> &Band {
        &self.bands[m.index()]
    }

    fn from_runs(scenario: Scenario, runs: Vec<RunMetrics>) -> Self {
        let quarters = scenario.quarter_labels();
        let n = quarters.len();
        let bands = Metric::ALL.iter().map(|&m| Band::from_series(runs.iter().map(|r| r.get(m)), n)).collect();
        EnsembleResult { scenario, quarters, runs, bands }
    }
}

/// Baseline against reform, paired replicate by replicate.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The baseline ensemble.
    pub baseline: EnsembleResult,
    /// The reform ensemble.
    pub reform: EnsembleResult,
    /// Bands of the paired differences (reform − baseline), per metric.
    pub difference: Vec<Band>,
}

impl Comparison {
    /// The band of paired differences of one metric.
    pub fn difference(&self, m: Metric) -> &Band {
        &self.difference[m.index()]
    }
}

/// Check a scenario and a replicate count; every problem at once.
pub fn check(s: &Scenario, replicates: u32) -> Result<(), ScenarioError> {
    let mut errors = validate(s);
    // The scenario's own replicate count is validated above; report the requested one only when
    // it is another number, so that one mistake gives one message.
    let reported = replicates == s.simulation.replicates && errors.iter().any(|e| e.field == "simulation.replicates");
    if (replicates == 0 || replicates > MAX_REPLICATES) && !reported {
        errors.push(FieldError {
            field: "simulation.replicates".into(),
            value: replicates.to_string(),
            allowed: format!("a whole number from 1 to {MAX_REPLICATES}"),
        });
    }
    if errors.is_empty() { Ok(()) } else { Err(ScenarioError(errors)) }
}

/// Run replicate `index` of a scenario (assumed valid). With parameter uncertainty, the replicate
/// runs accepted set `index` mod n of the calibration ([`crate::calibration::with_set`]).
pub fn run_replicate(s: &Scenario, index: u32) -> RunMetrics {
    let seed = replicate_seed(s.simulation.seed, index as u64);
    // The figures' core wasm build leaves the calibration's sets out (it refuses such scenarios
    // when it reads them, see wasm.rs); every other build runs them.
    #[cfg(any(feature = "full-api", not(target_arch = "wasm32")))]
    if s.simulation.uncertainty {
        return Simulation::new(&crate::calibration::with_set(s, index), seed).run();
    }
    Simulation::new(s, seed).run()
}

/// Run `replicates` replicates of a scenario on this thread.
pub fn run(s: &Scenario, replicates: u32) -> Result<EnsembleResult, ScenarioError> {
    run_with_progress(s, replicates, &mut |_, _| {})
}

/// Like [`run`], calling `progress(done, total)` after each replicate.
pub fn run_with_progress(s: &Scenario, replicates: u32, progress: &mut dyn FnMut(u32, u32)) -> Result<EnsembleResult, ScenarioError> {
    check(s, replicates)?;
    let mut runs = Vec::with_capacity(replicates as usize);
    for i in 0..replicates {
        runs.push(run_replicate(s, i));
        progress(i + 1, replicates);
    }
    Ok(finish(s, replicates, runs))
}

fn finish(s: &Scenario, replicates: u32, runs: Vec<RunMetrics>) -> EnsembleResult {
    let mut scenario = s.clone();
    scenario.simulation.replicates = replicates;
    EnsembleResult::from_runs(scenario, runs)
}

/// Check that two scenarios can be compared: both valid, and the same horizon and start.
pub fn check_pair(baseline: &Scenario, reform: &Scenario, replicates: u32) -> Result<(), ScenarioError> {
    let mut errors = Vec::new();
    for r in [check(baseline, replicates), check(reform, replicates)] {
        if let Err(e) = r {
            for fe in e.0 {
                if !errors.contains(&fe) {
                    errors.push(fe);
                }
            }
        }
    }
    if baseline.simulation.quarters != reform.simulation.quarters {
        errors.push(FieldError {
            field: "simulation.quarters".into(),
            value: format!("{} (reform) against {} (baseline)", reform.simulation.quarters, baseline.simulation.quarters),
            allowed: "the same horizon for baseline and reform".into(),
        });
    }
    if baseline.simulation.start_year != reform.simulation.start_year {
        errors.push(FieldError {
            field: "simulation.start_year".into(),
            value: format!("{} (reform) against {} (baseline)", reform.simulation.start_year, baseline.simulation.start_year),
            allowed: "the same start year for baseline and reform".into(),
        });
    }
    if errors.is_empty() { Ok(()) } else { Err(ScenarioError(errors)) }
}

/// Compare a reform against a baseline with common random numbers: both run with the baseline's
/// seed, replicate by replicate.
pub fn compare(baseline: &Scenario, reform: &Scenario, replicates: u32) -> Result<Comparison, ScenarioError> {
    compare_with_progress(baseline, reform, replicates, &mut |_, _| {})
}

/// Like [`compare`], calling `progress(done, total)` after each run (2 × replicates in all).
pub fn compare_with_progress(baseline: &Scenario, reform: &Scenario, replicates: u32, progress: &mut dyn FnMut(u32, u32)) -> Result<Comparison, ScenarioError> {
    check_pair(baseline, reform, replicates)?;
    let reform_paired = paired(baseline, reform);
    let (mut b, mut r) = (Vec::new(), Vec::new());
    for i in 0..replicates {
        b.push(run_replicate(baseline, i));
        progress(2 * i + 1, 2 * replicates);
        r.push(run_replicate(&reform_paired, i));
        progress(2 * i + 2, 2 * replicates);
    }
    Ok(comparison(baseline, &reform_paired, replicates, b, r))
}

/// The reform as it is run in a comparison: with the baseline's seed.
pub fn paired(baseline: &Scenario, reform: &Scenario) -> Scenario {
    let mut r = reform.clone();
    r.simulation.seed = baseline.simulation.seed;
    r
}

/// Assemble a comparison from already-run paired replicates (for callers that run them
/// elsewhere, e.g. on several threads or workers).
pub fn comparison(baseline: &Scenario, reform: &Scenario, replicates: u32, b: Vec<RunMetrics>, r: Vec<RunMetrics>) -> Comparison {
    let n = baseline.simulation.quarters as usize;
    let difference = Metric::ALL
        .iter()
        .map(|&m| {
            let diffs: Vec<Vec<f64>> = b.iter().zip(&r).map(|(x, y)| x.get(m).iter().zip(y.get(m)).map(|(a, c)| c - a).collect()).collect();
            Band::from_series(diffs.iter().map(|d| d.as_slice()), n)
        })
        .collect();
    Comparison { baseline: finish(baseline, replicates, b), reform: finish(reform, replicates, r), difference }
}

/// Run the replicates `indices` of a scenario (assumed valid) on up to `threads` threads. Each
/// replicate is independent and stored by position, so the result is the same for any thread
/// count.
#[cfg(not(target_arch = "wasm32"))]
pub fn run_parallel(s: &Scenario, indices: &[u32], threads: usize, on_done: &(dyn Fn() + Sync)) -> Vec<RunMetrics> {
    parallel_map(indices, threads, &|&i| {
        let r = run_replicate(s, i);
        on_done();
        r
    })
}

/// `f` over `items` on up to `threads` threads, each taking the next item when it is free;
/// results in item order, so the same whatever the thread count.
#[cfg(not(target_arch = "wasm32"))]
pub fn parallel_map<T: Sync, R: Send>(items: &[T], threads: usize, f: &(dyn Fn(&T) -> R + Sync)) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, items.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len() {
                    break;
                }
                let r = f(&items[i]);
                out.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
            });
        }
    });
    out.into_inner().unwrap_or_else(|p| p.into_inner()).into_iter().map(|r| r.expect("every item ran")).collect()
}

/// Assemble an ensemble from already-run replicates.
pub fn ensemble(s: &Scenario, replicates: u32, runs: Vec<RunMetrics>) -> EnsembleResult {
    finish(s, replicates, runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&x, 0.5), 2.5);
        assert_eq!(quantile(&x, 0.0), 1.0);
        assert_eq!(quantile(&x, 1.0), 4.0);
        assert!((quantile(&x, 0.05) - 1.15).abs() < 1e-12);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn bands_skip_missing_values() {
        let a = [1.0, f64::NAN];
        let b = [3.0, f64::NAN];
        let band = Band::from_series([&a[..], &b[..]].into_iter(), 2);
        assert_eq!(band.mean[0], 2.0);
        assert!(band.mean[1].is_nan() && band.p50[1].is_nan());
    }
}

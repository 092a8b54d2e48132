//! Summaries of ensembles for validation and calibration: per-replicate means over a window,
//! paired differences with their standard errors, and the calibration targets of MODEL.md §6.1.

use crate::ensemble::{self, Comparison, EnsembleResult};
use crate::metrics::Metric;
use crate::scenario::{preset, FieldError, Scenario, ScenarioError};

/// Mean of the non-missing values of `xs[range]` (NaN when none).
pub fn window_mean(xs: &[f64], from: usize, to: usize) -> f64 {
    let (s, n) = xs[from.min(xs.len())..to.min(xs.len())].iter().filter(|x| !x.is_nan()).fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n > 0 { s / n as f64 } else { f64::NAN }
}

/// Mean and standard error of a sample (NaNs left out).
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    let n = v.len() as f64;
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let m = v.iter().sum::<f64>() / n;
    if v.len() < 2 {
        return (m, f64::NAN);
    }
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// Per-replicate mean of a metric over quarters `from..to`.
pub fn replicate_means(r: &EnsembleResult, m: Metric, from: usize, to: usize) -> Vec<f64> {
    r.runs.iter().map(|run| window_mean(run.get(m), from, to)).collect()
}

/// A paired effect: reform − baseline per replicate, averaged over a window.
#[derive(Clone, Copy, Debug)]
pub struct PairedEffect {
    /// Mean of the paired differences.
    pub mean: f64,
    /// Its standard error.
    pub se: f64,
    /// Baseline mean over the window.
    pub baseline: f64,
    /// Reform mean over the window.
    pub reform: f64,
}

impl PairedEffect {
    /// Mean divided by its standard error.
    pub fn z(&self) -> f64 {
        self.mean / self.se
    }
}

/// The paired effect of a comparison on one metric over quarters `from..to`.
pub fn paired_effect(c: &Comparison, m: Metric, from: usize, to: usize) -> PairedEffect {
    let b = replicate_means(&c.baseline, m, from, to);
    let r = replicate_means(&c.reform, m, from, to);
    let d: Vec<f64> = b.iter().zip(&r).map(|(x, y)| y - x).collect();
    let (mean, se) = mean_se(&d);
    PairedEffect { mean, se, baseline: mean_se(&b).0, reform: mean_se(&r).0 }
}

/// One calibration target of MODEL.md §6.1 and what the model gives.
#[derive(Clone, Debug)]
pub struct Target {
    /// What is measured, with the years of its window.
    pub name: String,
    /// Where the target comes from.
    pub source: &'static str,
    /// Lowest acceptable value.
    pub low: f64,
    /// Highest acceptable value.
    pub high: f64,
    /// The ensemble's value.
    pub value: f64,
    /// 5th and 95th percentiles of the per-replicate values.
    pub band: (f64, f64),
}

impl Target {
    /// Whether the ensemble value lies within the target range.
    pub fn met(&self) -> bool {
        self.value >= self.low && self.value <= self.high
    }
}

fn band(mut v: Vec<f64>) -> (f64, f64) {
    v.retain(|x| x.is_finite());
    v.sort_by(|a, b| a.total_cmp(b));
    (ensemble::quantile(&v, 0.05), ensemble::quantile(&v, 0.95))
}

fn level(r: &EnsembleResult, m: Metric, from: usize, to: usize) -> (f64, (f64, f64)) {
    let v = replicate_means(r, m, from, to);
    (mean_se(&v).0, band(v))
}

/// Yearly growth factor over years `y0` → `y0 + years` (each year = 4 quarters), as the geometric
/// mean of year-on-year ratios of means pooled over replicates; the band is over replicates.
fn growth(r: &EnsembleResult, m: Metric, y0: usize, years: usize) -> (f64, (f64, f64)) {
    let pooled = |y: usize| {
        let year: Vec<f64> = r.runs.iter().flat_map(|run| run.get(m).iter().skip(4 * y).take(4).copied()).collect();
        window_mean(&year, 0, year.len())
    };
    let g = libm::pow(pooled(y0 + years) / pooled(y0), 1.0 / years as f64);
    let per: Vec<f64> = r
        .runs
        .iter()
        .map(|run| libm::pow(window_mean(run.get(m), 4 * (y0 + years), 4 * (y0 + years) + 4) / window_mean(run.get(m), 4 * y0, 4 * y0 + 4), 1.0 / years as f64))
        .collect();
    (g, band(per))
}

/// Quarters the calibration targets need: their windows reach the end of the fourth year.
pub const CALIBRATION_QUARTERS: u32 = 16;

/// The §6.1 calibration targets measured on a baseline (`none`) ensemble of `replicates` runs.
pub fn calibration_targets(replicates: u32) -> Result<Vec<Target>, ScenarioError> {
    calibration_targets_of(&preset("none").expect("preset none exists"), replicates)
}

/// The §6.1 calibration targets measured on an ensemble of a given baseline scenario. Each target
/// is a window of the first four years (2025–2028 in the default scenario, whose start year the
/// sources describe); a horizon shorter than [`CALIBRATION_QUARTERS`] is an error.
pub fn calibration_targets_of(s: &Scenario, replicates: u32) -> Result<Vec<Target>, ScenarioError> {
    if s.simulation.quarters < CALIBRATION_QUARTERS {
        return Err(ScenarioError(vec![FieldError {
            field: "simulation.quarters".into(),
            value: s.simulation.quarters.to_string(),
            allowed: format!("at least {CALIBRATION_QUARTERS} for calibration (its targets cover the first four years)"),
        }]));
    }
    let r = ensemble::run(s, replicates)?;
    let y0 = s.simulation.start_year;
    let years = |from: u32, to: u32| format!("{}–{}", y0 + from, y0 + to);
    let mut t = Vec::new();
    let mut push = |name: String, source, low, high, (value, band): (f64, (f64, f64))| t.push(Target { name, source, low, high, value, band });
    push(format!("HHI, mean {}", years(0, 1)), "DOJ/FTC 2023 bands; MODEL.md §6.1", 1800.0, 3200.0, level(&r, Metric::Hhi, 0, 8));
    push(format!("open share of models, mean {}", years(0, 1)), "Epoch AI; AI Index 2025", 0.35, 0.7, level(&r, Metric::OpenShareModels, 0, 8));
    push(format!("open share of use, mean {}", years(0, 1)), "Menlo 13–19%; OpenRouter ≈30% of tokens", 0.08, 0.35, level(&r, Metric::OpenShareUsage, 0, 8));
    push(format!("final-run cost of a new top model, mean {} ($)", years(0, 1)), "Cottier et al. 2024; Epoch AI", 1e8, 1e9, level(&r, Metric::NewTopModelCostUsd, 0, 8));
    push(format!("growth of new top model cost, ×/yr {}→{}", y0, y0 + 2), "Cottier et al. 2024: 2.4×/yr", 2.0, 3.0, growth(&r, Metric::NewTopModelCostUsd, 0, 2));
    push(format!("growth of incidents, ×/yr {}→{}", y0, y0 + 2), "AI Index 2025: +56% in 2024", 1.3, 1.8, growth(&r, Metric::Incidents, 0, 2));
    push(format!("open share of use, mean {}", years(2, 3)), "open use persists (Menlo, OpenRouter)", 0.05, 1.0, level(&r, Metric::OpenShareUsage, 8, 16));
    push(format!("open share of models, mean {}", years(2, 3)), "open releases persist (Epoch AI)", 0.2, 1.0, level(&r, Metric::OpenShareModels, 8, 16));
    Ok(t)
}

/// The targets as a Markdown table.
pub fn targets_markdown(targets: &[Target]) -> String {
    let mut out = String::from("| target | source | range | model (p5–p95 over runs) | met |\n|---|---|---|---|---|\n");
    let f = |x: f64| if x.abs() >= 1e5 { format!("{x:.3e}") } else { format!("{x:.3}") };
    for t in targets {
        // A share whose only bound is a floor has `high` = 1.
        let range = if t.high == 1.0 { format!("≥ {}", f(t.low)) } else { format!("{}–{}", f(t.low), f(t.high)) };
        out.push_str(&format!("| {} | {} | {} | {} ({}–{}) | {} |\n", t.name, t.source, range, f(t.value), f(t.band.0), f(t.band.1), if t.met() { "yes" } else { "**no**" }));
    }
    out
}

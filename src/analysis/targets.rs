//! Summaries of ensembles for validation and calibration: per-replicate means over a window,
//! paired differences with their standard errors, and the calibration targets of MODEL.md §8.6
//! with their implausibility (§8.5).

use super::summary::{Stat, Summary};
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

/// How a target bounds its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// Between two values.
    Range(f64, f64),
    /// At most this.
    AtMost(f64),
    /// At least this.
    AtLeast(f64),
}

impl Bound {
    /// Whether `x` meets the bound itself.
    pub fn holds(self, x: f64) -> bool {
        match self {
            Bound::Range(lo, hi) => x >= lo && x <= hi,
            Bound::AtMost(b) => x <= b,
            Bound::AtLeast(b) => x >= b,
        }
    }

    /// The observation's standard deviation σ_obs: a range reads as its midpoint with 3σ its
    /// half-width; a one-sided bound b has 3σ = b / 10 (MODEL.md §8.5–8.6).
    pub fn sigma_obs(self) -> f64 {
        match self {
            Bound::Range(lo, hi) => (hi - lo) / 6.0,
            Bound::AtMost(b) | Bound::AtLeast(b) => b.abs() / 30.0,
        }
    }

    /// How far `x` lies from what is observed: from the midpoint of a range, past a one-sided
    /// bound (0 on its right side).
    pub fn distance(self, x: f64) -> f64 {
        match self {
            Bound::Range(lo, hi) => (x - 0.5 * (lo + hi)).abs(),
            Bound::AtMost(b) => (x - b).max(0.0),
            Bound::AtLeast(b) => (b - x).max(0.0),
        }
    }

    /// The bound as text: "1,800–3,200", "≤ 2", "≥ 0.05".
    pub fn text(self) -> String {
        match self {
            Bound::Range(lo, hi) => format!("{}–{}", show(lo), show(hi)),
            Bound::AtMost(b) => format!("≤ {}", show(b)),
            Bound::AtLeast(b) => format!("≥ {}", show(b)),
        }
    }
}

fn show(x: f64) -> String {
    if x.abs() >= 1e5 { format!("{x:.3e}") } else { format!("{x}") }
}

/// One calibration target (MODEL.md §8.6): a summary of each baseline run, its bound, its source
/// and its model discrepancy.
#[derive(Clone, Debug)]
pub struct TargetSpec {
    /// What is measured, with the years of its window.
    pub name: String,
    /// Where the target comes from.
    pub source: &'static str,
    /// The summary of a run it reads.
    pub summary: Summary,
    /// Its bound.
    pub bound: Bound,
    /// Model discrepancy σ_md as a fraction of σ_obs (an assumption).
    pub discrepancy: f64,
}

/// Model discrepancy of every target, as a fraction of its σ_obs (an assumption): the model's structure is
/// simpler than the market it stands for, by about half the spread of the evidence.
pub const DISCREPANCY: f64 = 0.5;

/// Quarters the calibration targets need: their windows reach the end of the fourth year.
pub const CALIBRATION_QUARTERS: u32 = 16;

/// The calibration targets of MODEL.md §8.6, in yearly windows from the scenario's start year (the
/// sources describe 2025–2028; the windows move with `simulation.start_year`).
pub fn target_specs(start_year: u32) -> Vec<TargetSpec> {
    let y = |k: u32| start_year + k;
    let t = |name: String, source, metric, stat, from: u32, to: u32, bound| TargetSpec {
        name,
        source,
        summary: Summary { name: String::new(), metric, stat, from: 4 * from as usize, to: 4 * (to as usize + 1) },
        bound,
        discrepancy: DISCREPANCY,
    };
    let (mean, growth) = (Stat::Mean, Stat::Growth);
    let mut v = vec![
        t(format!("HHI, {}", y(0)), "DOJ/FTC 2023 bands; Menlo Ventures shares", Metric::Hhi, mean, 0, 0, Bound::Range(1800.0, 3200.0)),
        t(format!("HHI, {}", y(1)), "DOJ/FTC 2023 bands; Menlo Ventures shares", Metric::Hhi, mean, 1, 1, Bound::Range(1800.0, 3200.0)),
        t(format!("open share of models, {}–{}", y(0), y(1)), "Epoch AI; AI Index 2025", Metric::OpenShareModels, mean, 0, 1, Bound::Range(0.35, 0.70)),
        t(format!("open share of use, {}", y(0)), "Menlo 13%; OpenRouter 26.7% average, a third by late 2025", Metric::OpenShareUsage, mean, 0, 0, Bound::Range(0.13, 0.35)),
        t(format!("open share of use, {}", y(1)), "Menlo 13%; OpenRouter, rising", Metric::OpenShareUsage, mean, 1, 1, Bound::Range(0.13, 0.35)),
        t(format!("open share of use, {} against {}", y(1), y(0)), "OpenRouter: rising through 2025", Metric::OpenShareUsage, growth, 0, 1, Bound::AtLeast(0.8)),
        t(format!("open lag, {} (quarters)", y(0)), "Epoch AI ECI: 3.5 months (1.1–5.3)", Metric::OpenLagQuarters, mean, 0, 0, Bound::AtMost(2.0)),
        t(format!("open lag, {} (quarters)", y(1)), "Epoch AI ECI: about 4 months, steady since 2023", Metric::OpenLagQuarters, mean, 1, 1, Bound::AtMost(2.0)),
        t(format!("outside developers' share of open use, {}", y(0)), "OpenRouter: Chinese open models about half of open tokens", Metric::OutsideShareOpenUsage, mean, 0, 0, Bound::Range(0.3, 0.7)),
        t(format!("final-run cost of a new top model, {}–{} ($)", y(0), y(1)), "Cottier et al. 2024; Epoch AI", Metric::NewTopModelCostUsd, mean, 0, 1, Bound::Range(1e8, 1e9)),
        t(format!("growth of that cost, ×/yr {}→{}", y(0), y(2)), "Cottier et al. 2024: 2.4×/yr", Metric::NewTopModelCostUsd, growth, 0, 2, Bound::Range(2.0, 3.0)),
        t(format!("growth of incidents, ×/yr {}→{}", y(0), y(2)), "AI Index 2025: +56% in 2024", Metric::Incidents, growth, 0, 2, Bound::Range(1.3, 1.8)),
        t(format!("open share of use, {}–{}", y(2), y(3)), "open use persists since 2023 (Menlo, OpenRouter)", Metric::OpenShareUsage, mean, 2, 3, Bound::AtLeast(0.05)),
        t(format!("open share of models, {}–{}", y(2), y(3)), "open releases persist (Epoch AI)", Metric::OpenShareModels, mean, 2, 3, Bound::AtLeast(0.2)),
    ];
    for (i, spec) in v.iter_mut().enumerate() {
        spec.summary.name = format!("target_{i}");
    }
    v
}

/// A target's value at one parameter set: mean and variance over replicates, and its implausibility.
#[derive(Clone, Copy, Debug)]
pub struct TargetValue {
    /// Mean over replicates (NaN-free runs).
    pub mean: f64,
    /// Variance over replicates (n − 1).
    pub var: f64,
    /// Replicates with a value.
    pub n: usize,
}

impl TargetValue {
    /// Mean and variance of per-replicate values (NaNs left out).
    pub fn of(xs: impl Iterator<Item = f64>) -> TargetValue {
        let v: Vec<f64> = xs.filter(|x| !x.is_nan()).collect();
        let n = v.len();
        let mean = if n > 0 { v.iter().sum::<f64>() / n as f64 } else { f64::NAN };
        let var = if n > 1 { v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
        TargetValue { mean, var, n }
    }

    /// Implausibility I = distance / √(σ_obs² + σ_md² + v/n) (Vernon, Goldstein & Bower 2010);
    /// infinite when no replicate has a value.
    pub fn implausibility(&self, t: &TargetSpec, discrepancy: f64) -> f64 {
        if self.n == 0 {
            return f64::INFINITY;
        }
        let so = t.bound.sigma_obs();
        let sd = discrepancy * so;
        t.bound.distance(self.mean) / (so * so + sd * sd + self.var / self.n as f64).sqrt()
    }
}

/// One calibration target and what the model gives.
#[derive(Clone, Debug)]
pub struct Target {
    /// The target.
    pub spec: TargetSpec,
    /// The ensemble's mean.
    pub value: f64,
    /// 5th and 95th percentiles of the per-replicate values.
    pub band: (f64, f64),
    /// Implausibility at the stated discrepancy.
    pub implausibility: f64,
}

impl Target {
    /// Whether the ensemble value meets the target's bound itself.
    pub fn met(&self) -> bool {
        self.spec.bound.holds(self.value)
    }
}

fn band(mut v: Vec<f64>) -> (f64, f64) {
    v.retain(|x| x.is_finite());
    v.sort_by(|a, b| a.total_cmp(b));
    (ensemble::quantile(&v, 0.05), ensemble::quantile(&v, 0.95))
}

/// The §8.6 calibration targets measured on the baseline (`none`) with `replicates` runs.
pub fn calibration_targets(replicates: u32) -> Result<Vec<Target>, ScenarioError> {
    calibration_targets_of(&preset("none").expect("preset none exists"), replicates)
}

/// The §8.6 calibration targets measured on an ensemble of a given baseline scenario; a horizon
/// shorter than [`CALIBRATION_QUARTERS`] is an error.
pub fn calibration_targets_of(s: &Scenario, replicates: u32) -> Result<Vec<Target>, ScenarioError> {
    if s.simulation.quarters < CALIBRATION_QUARTERS {
        return Err(ScenarioError(vec![FieldError {
            field: "simulation.quarters".into(),
            value: s.simulation.quarters.to_string(),
            allowed: format!("at least {CALIBRATION_QUARTERS} for calibration (its targets cover the first four years)"),
        }]));
    }
    let r = ensemble::run(s, replicates)?;
    Ok(target_specs(s.simulation.start_year)
        .into_iter()
        .map(|spec| {
            let per: Vec<f64> = r.runs.iter().map(|run| spec.summary.of(run)).collect();
            let tv = TargetValue::of(per.iter().copied());
            let implausibility = tv.implausibility(&spec, spec.discrepancy);
            Target { value: tv.mean, band: band(per), implausibility, spec }
        })
        .collect())
}

/// The targets as a Markdown table.
pub fn targets_markdown(targets: &[Target]) -> String {
    let mut out = String::from("| target | source | range | model (p5–p95 over runs) | implausibility | met |\n|---|---|---|---|---|---|\n");
    let f = |x: f64| if x.abs() >= 1e5 { format!("{x:.3e}") } else { format!("{x:.3}") };
    for t in targets {
        out.push_str(&format!(
            "| {} | {} | {} | {} ({}–{}) | {:.2} | {} |\n",
            t.spec.name,
            t.spec.source,
            t.spec.bound.text(),
            f(t.value),
            f(t.band.0),
            f(t.band.1),
            t.implausibility,
            if t.met() { "yes" } else { "**no**" }
        ));
    }
    out
}

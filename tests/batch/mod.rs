//! Helpers for batch experiments run as wasm tests (see `docs/batch.md`).
//!
//! An experiment file in `tests/` runs comparisons with the core API (`regsim::ensemble`),
//! summarises each replicate (the value at the horizon, or the total over the horizon), pairs
//! baseline and reform replicate by replicate (common random numbers), prints a CSV table between
//! marker lines, and asserts the direction of the effects it is about.
//!
//! Not every experiment uses every helper.
#![allow(dead_code)]

use regsim::ensemble::{self, Comparison};
use regsim::metrics::{Metric, RunMetrics};
use regsim::scenario::Scenario;

/// How one replicate's series of a metric becomes one number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Summary {
    /// The value in the last quarter.
    Final,
    /// The sum over all quarters (for flows: spend, harm, incidents, entries).
    Total,
    /// The mean over all quarters.
    Mean,
}

impl Summary {
    /// Name used in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Summary::Final => "final",
            Summary::Total => "total",
            Summary::Mean => "mean",
        }
    }

    /// Summarise one series; missing values (NaN) are left out (NaN when all are missing).
    pub fn of(self, xs: &[f64]) -> f64 {
        match self {
            Summary::Final => xs.last().copied().unwrap_or(f64::NAN),
            Summary::Total | Summary::Mean => {
                let (sum, n) = xs.iter().filter(|x| !x.is_nan()).fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
                match (self, n) {
                    (_, 0) => f64::NAN,
                    (Summary::Total, _) => sum,
                    _ => sum / n as f64,
                }
            }
        }
    }
}

/// A paired effect of a reform on one metric: reform − baseline, replicate by replicate.
#[derive(Clone, Debug)]
pub struct Effect {
    pub metric: Metric,
    pub summary: Summary,
    /// Replicate pairs where both values are present.
    pub n: usize,
    pub baseline_mean: f64,
    pub reform_mean: f64,
    /// Mean of the paired differences.
    pub diff_mean: f64,
    /// Standard error of that mean (sample standard deviation / √n).
    pub diff_se: f64,
}

impl Effect {
    /// The paired effect of `c` on `metric`, each replicate summarised by `summary`.
    pub fn of(c: &Comparison, metric: Metric, summary: Summary) -> Effect {
        effect(&c.baseline.runs, &c.reform.runs, metric, summary)
    }

    /// Mean difference in standard errors (±inf when every pair differs by the same amount).
    pub fn z(&self) -> f64 {
        if self.diff_se > 0.0 {
            self.diff_mean / self.diff_se
        } else if self.diff_mean == 0.0 {
            0.0
        } else {
            self.diff_mean.signum() * f64::INFINITY
        }
    }

    /// The reform raises the metric by more than two standard errors.
    pub fn increases(&self) -> bool {
        self.n >= 2 && self.z() > 2.0
    }

    /// The reform lowers the metric by more than two standard errors.
    pub fn decreases(&self) -> bool {
        self.n >= 2 && self.z() < -2.0
    }

    /// Header of [`Effect::csv_row`].
    pub const CSV_HEADER: &'static str = "experiment,metric,summary,replicates,baseline_mean,reform_mean,diff_mean,diff_se,z";

    /// One CSV row, labelled with the experiment (e.g. the reform's name).
    pub fn csv_row(&self, experiment: &str) -> String {
        format!(
            "{experiment},{},{},{},{},{},{},{},{:.2}",
            self.metric.name(),
            self.summary.name(),
            self.n,
            self.baseline_mean,
            self.reform_mean,
            self.diff_mean,
            self.diff_se,
            self.z()
        )
    }
}

/// The paired effect between two lists of runs of the same replicates (index i of each pairs up).
pub fn effect(baseline: &[RunMetrics], reform: &[RunMetrics], metric: Metric, summary: Summary) -> Effect {
    let pairs: Vec<(f64, f64)> = baseline
        .iter()
        .zip(reform)
        .map(|(b, r)| (summary.of(b.get(metric)), summary.of(r.get(metric))))
        .filter(|(b, r)| !b.is_nan() && !r.is_nan())
        .collect();
    let n = pairs.len();
    let mean = |f: &dyn Fn(&(f64, f64)) -> f64| if n == 0 { f64::NAN } else { pairs.iter().map(f).sum::<f64>() / n as f64 };
    let diff_mean = mean(&|(b, r)| r - b);
    let var = if n < 2 { f64::NAN } else { pairs.iter().map(|(b, r)| (r - b - diff_mean).powi(2)).sum::<f64>() / (n - 1) as f64 };
    Effect {
        metric,
        summary,
        n,
        baseline_mean: mean(&|p| p.0),
        reform_mean: mean(&|p| p.1),
        diff_mean,
        diff_se: (var / n as f64).sqrt(),
    }
}

/// Run replicates `0..replicates` of a scenario (assumed valid; see `regsim::ensemble::check`).
pub fn runs(s: &Scenario, replicates: u32) -> Vec<RunMetrics> {
    (0..replicates).map(|i| ensemble::run_replicate(s, i)).collect()
}

/// Compare `reform` against `baseline` on already-run baseline replicates (so that one baseline
/// serves several reforms): the reform runs with the baseline's seed, replicate by replicate.
pub fn compare_against(baseline: &Scenario, baseline_runs: &[RunMetrics], reform: &Scenario) -> Comparison {
    let n = baseline_runs.len() as u32;
    ensemble::check_pair(baseline, reform, n).unwrap_or_else(|e| panic!("{e}"));
    let reform = ensemble::paired(baseline, reform);
    let reform_runs = runs(&reform, n);
    ensemble::comparison(baseline, &reform, n, baseline_runs.to_vec(), reform_runs)
}

/// Print a CSV table between marker lines, so that it can be cut out of the test output:
///
/// ```sh
/// wasm-pack test --node --release --test my_experiment -- --nocapture \
///   | sed -n '/^BEGIN CSV my_table$/,/^END CSV my_table$/p' | sed '1d;$d' > my_table.csv
/// ```
///
/// In wasm the text goes to the JavaScript console (`console.log`); the test runner shows it with
/// `--nocapture`, or when the test fails.
pub fn print_csv(name: &str, csv: &str) {
    let text = format!("BEGIN CSV {name}\n{}\nEND CSV {name}", csv.trim_end());
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::console_log!("{}", text);
    #[cfg(not(target_arch = "wasm32"))]
    println!("{text}");
}

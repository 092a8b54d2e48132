//! Summaries: one number per run from a metric's series, over a window of years.

use super::targets::window_mean;
use crate::metrics::{Metric, RunMetrics};
use serde::{Deserialize, Serialize};

/// How a window of a metric becomes one number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    /// Mean over the window's quarters (missing values left out).
    #[default]
    Mean,
    /// The window's last quarter.
    Final,
    /// Sum over the window's quarters (missing values left out).
    Total,
    /// Yearly growth factor from the window's first year to its last: (mean of the last year /
    /// mean of the first year)^(1 / years between them).
    Growth,
}

impl Stat {
    /// Its name in files.
    pub fn name(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::Final => "final",
            Stat::Total => "total",
            Stat::Growth => "growth",
        }
    }
}

/// One summary: a metric, a statistic and a window of quarters `[from, to)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Column name in outputs.
    pub name: String,
    /// The metric summarised.
    pub metric: Metric,
    /// The statistic.
    pub stat: Stat,
    /// First quarter of the window (index from the start).
    pub from: usize,
    /// One past the last quarter of the window.
    pub to: usize,
}

impl Summary {
    /// The summary of one run.
    pub fn of(&self, run: &RunMetrics) -> f64 {
        let xs = run.get(self.metric);
        match self.stat {
            Stat::Mean => window_mean(xs, self.from, self.to),
            Stat::Final => xs.get(self.to.saturating_sub(1)).copied().unwrap_or(f64::NAN),
            Stat::Total => xs[self.from.min(xs.len())..self.to.min(xs.len())].iter().filter(|x| !x.is_nan()).sum(),
            Stat::Growth => {
                let years = (self.to - self.from) / 4 - 1;
                let first = window_mean(xs, self.from, self.from + 4);
                let last = window_mean(xs, self.to - 4, self.to);
                libm::pow(last / first, 1.0 / years as f64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_a_window() {
        let mut run = RunMetrics::with_capacity(12);
        for q in 0..12 {
            run.push(Metric::Incidents, if q < 4 { 10.0 } else if q < 8 { 15.0 } else { 40.0 });
        }
        let s = |stat, from, to| Summary { name: "x".into(), metric: Metric::Incidents, stat, from, to }.of(&run);
        assert_eq!(s(Stat::Mean, 0, 8), 12.5);
        assert_eq!(s(Stat::Final, 0, 8), 15.0);
        assert_eq!(s(Stat::Total, 4, 8), 60.0);
        assert!((s(Stat::Growth, 0, 12) - 2.0).abs() < 1e-12, "10 → 40 over two years is 2×/yr");
        assert!((s(Stat::Growth, 0, 8) - 1.5).abs() < 1e-12);
    }
}

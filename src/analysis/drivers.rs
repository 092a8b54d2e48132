//! "What drives this?": the experiments behind the app's tornado and Morris views, built in one
//! place so that the app, its embedded figures and the native tests run the same design.
//!
//! A tornado puts each of the most uncertain parameters ([`crate::calibration::most_uncertain`])
//! at the low and then the high end of its uncertain range, the others as the scenario has them,
//! and runs baseline and reform with paired replicates; a Morris screening moves the same
//! parameters along random trajectories over their ranges.

use super::design::DesignKind;
use super::experiment::{ExperimentSpec, FactorSpec, SummarySpec};
use super::summary::Stat;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Each parameter at its two ends, one at a time.
    Tornado,
    /// Morris elementary effects.
    Morris,
}

/// What to analyse, as the app's link and the figures' attributes say it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriversSpec {
    /// The view.
    pub kind: Kind,
    /// Metric name.
    pub metric: String,
    /// First year of the window.
    pub from: u32,
    /// Last year of the window.
    pub to: u32,
    /// How many of the most uncertain parameters (default 20).
    #[serde(default = "default_count")]
    pub count: u32,
    /// Paired replicates per point (default 16).
    #[serde(default = "default_replicates")]
    pub replicates: u32,
    /// Morris trajectories (default 10).
    #[serde(default = "default_trajectories")]
    pub trajectories: u32,
}

fn default_count() -> u32 {
    20
}
fn default_replicates() -> u32 {
    16
}
fn default_trajectories() -> u32 {
    10
}

/// The experiment of a drivers view for a baseline and a reform, each a whole scenario (as the
/// app runs them); the runs stop at the end of the window's last year.
pub fn experiment(baseline: &Value, reform: &Value, d: &DriversSpec) -> ExperimentSpec {
    let params = crate::calibration::most_uncertain();
    let factors = params
        .iter()
        .take(d.count as usize)
        .map(|p| FactorSpec { path: p.path.into(), min: Some(p.low), max: Some(p.high), scale: None, levels: None, arm: Default::default() })
        .collect();
    let start = baseline.pointer("/simulation/start_year").and_then(Value::as_u64).unwrap_or(2025) as u32;
    let quarters = baseline.pointer("/simulation/quarters").and_then(Value::as_u64).unwrap_or(40) as u32;
    let seed = baseline.pointer("/simulation/seed").and_then(Value::as_u64).unwrap_or(1);
    let needed = (d.to.saturating_sub(start) + 1).saturating_mul(4);
    let preset_of = |v: &Value| {
        let label = v.get("label").and_then(Value::as_str).unwrap_or("none");
        label.strip_prefix("custom (based on ").and_then(|l| l.strip_suffix(')')).unwrap_or(label).to_string()
    };
    ExperimentSpec {
        name: Some(format!("what drives {} {}–{}", d.metric, d.from, d.to)),
        baseline: preset_of(baseline),
        reform: Some(preset_of(reform)),
        scenario: None,
        baseline_scenario: Some(baseline.clone()),
        reform_scenario: Some(reform.clone()),
        set: vec![],
        baseline_set: vec![],
        reform_set: vec![],
        replicates: d.replicates,
        seed,
        quarters: Some(needed.clamp(1, quarters.max(1))),
        design: match d.kind {
            Kind::Tornado => DesignKind::OneAtATime,
            Kind::Morris => DesignKind::Morris { trajectories: d.trajectories, levels: 4 },
        },
        factors,
        summaries: vec![SummarySpec { metric: d.metric.clone(), stat: Stat::Mean, from: Some(d.from), to: Some(d.to), name: Some("value".into()) }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::experiment::Experiment;

    #[test]
    fn a_tornado_has_the_base_and_two_ends_per_parameter_and_stops_at_the_window() {
        let b = serde_json::to_value(crate::scenario::preset("none").unwrap()).unwrap();
        let r = serde_json::to_value(crate::scenario::preset("sb1047").unwrap()).unwrap();
        let d = DriversSpec { kind: Kind::Tornado, metric: "hhi".into(), from: 2026, to: 2027, count: 3, replicates: 2, trajectories: 10 };
        let e = Experiment::new(experiment(&b, &r, &d)).unwrap();
        assert_eq!(e.len(), 7);
        assert_eq!(e.baseline.simulation.quarters, 12);
        assert_eq!(e.reform.as_ref().unwrap().regime.cover_cost, Some(1e8));
        assert_eq!(e.summary_columns(), ["value_baseline", "value_reform", "value_effect"]);
        let rows = e.run_point(1).unwrap();
        assert_eq!(rows.len(), 2);
        let m = Experiment::new(experiment(&b, &r, &DriversSpec { kind: Kind::Morris, ..d })).unwrap();
        assert_eq!(m.len(), 10 * 4);
    }
}

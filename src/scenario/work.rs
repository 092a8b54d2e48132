//! How much work one run of a scenario asks for, estimated up front from the scenario alone, and
//! the cap beyond which validation refuses it (with the estimate, the cap and the field to lower).
//!
//! The estimate is an upper bound, in expectation, of what a run does: every alive developer
//! decides every quarter, valuing its whole option grid over its planning horizon; developers
//! enter at twice the entry rate (the most their attractiveness allows) and never leave;
//! derivatives enter at three times theirs (likewise) and never leave; every model trained stays
//! on the market. Its unit is about a nanosecond of one core of the machine the constants were
//! measured on (`examples/work_probe.rs` measures them again; docs/hardening.md has the figures).
//! Incidents are not in it: their work is bounded per quarter by the model itself
//! (`model::incident_strata`).

use super::Scenario;

/// Most work a run may ask for (about 5 s of one core where the constants were measured, for the
/// heaviest accepted runs; most take far less, since few firms decide every quarter and firms
/// exit). The default scenario asks for about 400 times less, and each preset over 200 quarters
/// for about 20 times less.
pub const MAX_WORK: f64 = 6e9;

/// Work of valuing one option: a fixed part, and a part per quarter of the planning horizon.
const PER_OPTION: f64 = 40.0;
const PER_OPTION_QUARTER: f64 = 4.0;
/// Work per model version on the market, per derivative and per quarter, each quarter.
const PER_MODEL: f64 = 30.0;
const PER_DERIVATIVE: f64 = 120.0;
const PER_QUARTER: f64 = 2_000.0;

/// The most developers entering per quarter, per unit of `entry.rate` (attractiveness ≤ 2), and
/// the most derivatives, per unit of `derivatives.entry_rate` (attractiveness ≤ 3).
const ENTRY_FACTOR: f64 = 2.0;
const DERIVATIVE_ENTRY_FACTOR: f64 = 3.0;

/// The work one run of a scenario asks for, by what causes it.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkEstimate {
    /// All of it (work units, about a nanosecond each).
    pub total: f64,
    /// Developers' decisions.
    pub decisions: f64,
    /// The market's model versions.
    pub models: f64,
    /// Derivatives.
    pub derivatives: f64,
}

/// Estimate the work of one run (see the module's documentation). Meaningful for scenarios whose
/// fields are within their ranges.
pub fn estimate(s: &Scenario) -> WorkEstimate {
    let quarters = s.simulation.quarters as f64;
    let start: f64 = s.archetypes().iter().map(|(_, a)| a.count as f64).sum();
    let entry = ENTRY_FACTOR * s.entry.rate;
    let d = &s.decision;
    // Options of a training decision: every level in every mode, up to three threshold points in
    // every mode, and keeping the current model; widening values three more.
    let options = 3.0 * d.levels as f64 + 3.0 * 3.0 + 1.0 + 3.0;
    let per_decision = options * (PER_OPTION + PER_OPTION_QUARTER * d.horizon as f64);
    let cadence = d.cadence_min.max(1) as f64;
    let (mut decisions, mut models, mut derivatives) = (0.0, 0.0, 0.0);
    let mut versions = start;
    for t in 1..=s.simulation.quarters {
        let alive = start + entry * t as f64;
        decisions += alive * per_decision;
        versions += alive / cadence;
        models += versions * PER_MODEL;
        derivatives += (s.derivatives.initial as f64 + DERIVATIVE_ENTRY_FACTOR * s.derivatives.entry_rate * t as f64) * PER_DERIVATIVE;
    }
    WorkEstimate { total: decisions + models + derivatives + quarters * PER_QUARTER, decisions, models, derivatives }
}

/// The fields that make a scenario's work large, most effective first: for each, the estimate
/// with that field at its default instead (`defaults`), and its path. The developers at the start
/// are stood for by the largest archetype's count.
pub fn heaviest_fields(s: &Scenario, defaults: &Scenario) -> Vec<(&'static str, f64)> {
    let (values, default_values) = (super::flatten::numeric_fields(s), super::flatten::numeric_fields(defaults));
    let value_of = |v: &[(String, Option<f64>)], path: &str| v.iter().find(|(p, _)| p == path).and_then(|(_, x)| *x);
    let biggest = s.archetypes().iter().max_by_key(|(_, a)| a.count).map_or("startup", |(n, _)| n);
    let count = super::spec::find(&format!("firms.{biggest}.count")).map(|p| p.path);
    let levers = ["simulation.quarters", "entry.rate", "decision.levels", "decision.horizon", "decision.cadence_min", "derivatives.entry_rate", "derivatives.initial"];
    let mut out = Vec::new();
    for path in levers.into_iter().chain(count) {
        let (Some(x), Some(d)) = (value_of(&values, path), value_of(&default_values, path)) else { continue };
        // A longer shortest cadence means fewer decisions; every other lever, a smaller value.
        let lighter = if path == "decision.cadence_min" { x.max(d).min(s.decision.cadence_max as f64) } else { x.min(d) };
        if let Some(t) = with_lever(s, path, lighter) {
            out.push((path, estimate(&t).total));
        }
    }
    out.sort_by(|a, b| a.1.total_cmp(&b.1));
    out
}

/// `s` with one of the levers of [`heaviest_fields`] set to `x` (a whole number for a count).
/// Set directly, not through `apply_set`: that would bring the whole JSON reader of scenarios
/// into the figures' model, which validates every scenario (about 40 KB gzipped of wasm).
fn with_lever(s: &Scenario, path: &str, x: f64) -> Option<Scenario> {
    let mut t = s.clone();
    let whole = x.round() as u32;
    match path {
        "simulation.quarters" => t.simulation.quarters = whole,
        "entry.rate" => t.entry.rate = x,
        "decision.levels" => t.decision.levels = whole,
        "decision.horizon" => t.decision.horizon = whole,
        "decision.cadence_min" => t.decision.cadence_min = whole,
        "derivatives.entry_rate" => t.derivatives.entry_rate = x,
        "derivatives.initial" => t.derivatives.initial = whole,
        _ => {
            let name = path.strip_prefix("firms.")?.strip_suffix(".count")?;
            t.archetype_mut(name)?.count = whole;
        }
    }
    Some(t)
}

/// A number of work units as a message shows it: "8.1 billion".
pub fn show_work(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.1} billion", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.1} million", x / 1e6)
    } else {
        format!("{x:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{apply_set, preset, PRESET_NAMES};

    #[test]
    fn presets_are_far_below_the_cap_even_over_200_quarters() {
        for name in PRESET_NAMES {
            let s = preset(name).unwrap();
            assert!(estimate(&s).total * 100.0 < MAX_WORK, "{name}: {:?}", estimate(&s));
            let long = apply_set(&s, "simulation.quarters=200").unwrap();
            assert!(estimate(&long).total * 10.0 < MAX_WORK, "{name} over 200 quarters: {:?}", estimate(&long));
        }
    }

    #[test]
    fn the_heaviest_field_is_the_one_that_lowers_the_estimate_most() {
        let s = ["simulation.quarters=200", "entry.rate=100"].iter().fold(Scenario::default(), |s, kv| apply_set(&s, kv).unwrap());
        let fields = heaviest_fields(&s, &Scenario::default());
        assert_eq!(fields[0].0, "entry.rate", "{fields:?}");
        assert!(fields[0].1 < estimate(&s).total);
    }
}

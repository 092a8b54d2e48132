//! Validation: every problem at once, each naming the field path, the value and what is allowed.

use super::spec::{param_specs, Kind};
use super::{work, Scenario, SCHEMA_VERSION};
use serde::Serialize;
use std::fmt;

/// Longest horizon a scenario may ask for, in quarters.
pub const MAX_QUARTERS: u32 = 200;
/// Most replicates in one ensemble (a comparison runs twice this many).
pub const MAX_REPLICATES: u32 = 4096;
/// Most developers at the start, summed over archetypes (100× the default fits).
pub const MAX_INITIAL_FIRMS: u32 = 10_000;

/// One problem with a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `market.beta_frontier`.
    pub field: String,
    /// The offending value as text.
    pub value: String,
    /// What is allowed.
    pub allowed: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} is not allowed; expected {}", self.field, self.value, self.allowed)
    }
}

/// A number as an error message shows it: `NaN`, `inf`, `-inf`, `0.25`, and very large or very
/// small magnitudes in exponent form (`1e300`, not 301 digits).
pub fn show_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x != 0.0 && !(1e-6..1e21).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Check a scenario against the parameter table and the cross-field rules. Returns every problem;
/// an empty vector means the scenario is valid.
pub fn validate(s: &Scenario) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut err = |field: &str, value: String, allowed: String| {
        errors.push(FieldError { field: field.to_string(), value, allowed })
    };
    if s.schema_version != SCHEMA_VERSION {
        err("schema_version", s.schema_version.to_string(), format!("{SCHEMA_VERSION}"));
    }
    // serde_json would turn non-finite floats into null, so numbers come from the struct itself.
    let values = super::flatten::numeric_fields(s);
    for spec in param_specs() {
        match spec.kind {
            Kind::Number | Kind::Integer | Kind::OptionalNumber => {
                let nullable = spec.kind == Kind::OptionalNumber;
                let x = match values.iter().find(|(p, _)| p == spec.path) {
                    Some((_, x)) => *x,
                    None => continue,
                };
                let Some(x) = x else {
                    if nullable {
                        continue;
                    }
                    err(spec.path, "null".into(), spec.allowed());
                    continue;
                };
                if !x.is_finite() || x < spec.min || x > spec.max {
                    err(spec.path, show_number(x), spec.allowed());
                }
            }
            // Booleans and choices are checked by their Rust types when the scenario is read.
            Kind::Bool | Kind::Choice { .. } => {}
        }
    }
    let mut total = 0u32;
    for (name, a) in s.archetypes() {
        total = total.saturating_add(a.count);
        if a.open_at_start > a.count {
            err(&format!("firms.{name}.open_at_start"), a.open_at_start.to_string(), format!("at most firms.{name}.count ({})", a.count));
        }
        if a.log_flop_min > a.log_flop_max {
            err(&format!("firms.{name}.log_flop_min"), show_number(a.log_flop_min), format!("at most firms.{name}.log_flop_max ({})", show_number(a.log_flop_max)));
        }
    }
    if total == 0 {
        err("firms.startup.count", "0".into(), "at least one developer at the start, summed over archetypes".into());
    }
    if total > MAX_INITIAL_FIRMS {
        err("firms.*.count", total.to_string(), format!("at most {MAX_INITIAL_FIRMS} developers at the start, summed over archetypes"));
    }
    if s.decision.cadence_min > s.decision.cadence_max {
        err("decision.cadence_min", s.decision.cadence_min.to_string(), format!("at most decision.cadence_max ({})", s.decision.cadence_max));
    }
    // The work of a run is estimated only for a scenario valid otherwise, whose numbers it can trust.
    if errors.is_empty() {
        if let Some(e) = too_much_work(s, &values) {
            errors.push(e);
        }
    }
    errors
}

/// The refusal of a scenario whose run would ask for more than [`work::MAX_WORK`]: it names the
/// field whose default would lower the estimate most, the estimate, the cap and the other fields
/// that weigh.
fn too_much_work(s: &Scenario, values: &[(String, Option<f64>)]) -> Option<FieldError> {
    let w = work::estimate(s);
    if !(w.total > work::MAX_WORK) {
        return None;
    }
    let defaults = Scenario::default();
    let fields = work::heaviest_fields(s, &defaults);
    let (field, with_default) = fields[0];
    let shown = |v: &[(String, Option<f64>)]| v.iter().find(|(p, _)| p == field).and_then(|(_, x)| *x).map_or_else(|| "this value".into(), show_number);
    let others: Vec<&str> = fields[1..].iter().filter(|(_, x)| *x < w.total).take(4).map(|(p, _)| *p).collect();
    let also = match others.as_slice() {
        [] => String::new(),
        [one] => format!("; {one} weighs too"),
        [rest @ .., last] => format!("; {} and {last} weigh too", rest.join(", ")),
    };
    let show = work::show_work;
    Some(FieldError {
        field: field.into(),
        value: shown(values),
        allowed: format!(
            "a value for which one run's estimated work stays within the cap of {} units (about 5 s of one core): this run would ask for about {} (decisions {}, model versions {}, derivatives {}), and for about {} with {field} at its default ({}){also}",
            show(work::MAX_WORK),
            show(w.total),
            show(w.decisions),
            show(w.models),
            show(w.derivatives),
            show(with_default),
            shown(&super::flatten::numeric_fields(&defaults)),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        assert_eq!(validate(&Scenario::default()), vec![]);
    }

    #[test]
    fn reports_every_problem_with_field_value_and_range() {
        let mut s = Scenario::default();
        s.market.beta_frontier = f64::NAN;
        s.market.demand0 = -1.0;
        s.simulation.quarters = 201;
        s.simulation.replicates = MAX_REPLICATES + 1;
        s.firms.startup.open_at_start = 21;
        s.regime.cover_cost = Some(f64::INFINITY);
        let errs = validate(&s);
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in ["market.beta_frontier", "market.demand0", "simulation.quarters", "simulation.replicates", "firms.startup.open_at_start", "regime.cover_cost"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        let q = errs.iter().find(|e| e.field == "simulation.quarters").unwrap();
        assert_eq!(q.value, "201");
        assert!(q.allowed.contains("200"), "{}", q.allowed);
        let b = errs.iter().find(|e| e.field == "market.beta_frontier").unwrap();
        assert_eq!(b.value, "NaN");
    }

    #[test]
    fn too_much_work_is_refused_naming_the_field_the_estimate_and_the_cap() {
        let mut s = Scenario::default();
        s.simulation.quarters = 200;
        s.entry.rate = 100.0;
        s.decision.levels = 64;
        s.decision.horizon = 40;
        let errs = validate(&s);
        assert_eq!(errs.len(), 1, "{errs:?}");
        let e = &errs[0];
        let text = e.to_string();
        assert_eq!(e.field, "entry.rate", "{text}");
        assert_eq!(e.value, "100");
        assert!(text.contains("cap of 6.0 billion units") && text.contains("this run would ask for about") && text.contains("at its default (1)"), "{text}");
        for other in ["simulation.quarters", "decision.levels", "decision.horizon"] {
            assert!(text.contains(other), "{other} missing: {text}");
        }
        // A valid scenario just under the cap runs; the work check sees only otherwise valid ones.
        s.simulation.quarters = 2;
        assert_eq!(validate(&s), vec![]);
        s.simulation.quarters = 201;
        assert!(validate(&s).iter().all(|e| e.field == "simulation.quarters" && !e.allowed.contains("cap")));
    }
}

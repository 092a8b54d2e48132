//! Random valid scenarios drawn from every parameter's documented range, read from the parameter
//! table (`regsim::scenario::spec::param_specs()`), so that a parameter added to the table is
//! drawn without a change here. Used by the property tests (tests/properties.rs) and the work
//! probe (examples/work_probe.rs, which includes this file by path).
//!
//! A scenario is a preset and, for each parameter, either nothing (the preset's value) or a
//! number u in [0, 1] that picks a value from the parameter's range: its ends with some weight
//! (edges are where things break), else uniformly, or log-uniformly for parameters the table
//! marks as logarithmic and for whole numbers over wide ranges. Cross-field rules that validation
//! enforces are then repaired (open ≤ count, min ≤ max, total firms within the cap), and the run's
//! size is brought within `Limits` by shortening the horizon and thinning the firms.
#![allow(dead_code)]

use regsim::scenario::spec::{param_specs, Kind, ParamSpec};
use regsim::scenario::{apply_json_overlay, preset, validate, work, Scenario, PRESET_NAMES};
use serde_json::{Map, Value};

/// How large a drawn scenario's run may be.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Longest horizon drawn (quarters).
    pub max_quarters: u32,
    /// Most work a run may ask for (`work::estimate`), at most `work::MAX_WORK`.
    pub max_work: f64,
}

/// Lowest positive value of a logarithmic range whose minimum is 0: this many orders of magnitude
/// below its maximum.
const LOG_DECADES: f64 = 9.0;

/// A parameter's value for a draw `u` in [0, 1].
pub fn value_for(spec: &ParamSpec, u: f64, max_quarters: u32) -> Value {
    let u = u.clamp(0.0, 1.0);
    let (lo, mut hi) = (spec.min, spec.max);
    if spec.path == "simulation.quarters" {
        hi = hi.min(max_quarters as f64);
    }
    // The ends of the range get 5% each; `v` spreads the rest over the range.
    let edge = |u: f64| if u < 0.05 { Some(lo) } else if u > 0.95 { Some(hi) } else { None };
    let v = ((u - 0.05) / 0.9).clamp(0.0, 1.0);
    let log_between = |a: f64, b: f64, v: f64| (a.ln() + (b.ln() - a.ln()) * v).exp();
    let number = |u: f64, v: f64| -> f64 {
        if let Some(x) = edge(u) {
            return x;
        }
        if spec.log_scale && hi > 0.0 {
            let a = if lo > 0.0 { lo } else { hi * 10f64.powf(-LOG_DECADES) };
            log_between(a, hi, v).clamp(lo, hi)
        } else {
            lo + (hi - lo) * v
        }
    };
    match &spec.kind {
        Kind::Bool => Value::Bool(u >= 0.5),
        Kind::Choice { options } => Value::String(options[((u * options.len() as f64) as usize).min(options.len() - 1)].to_string()),
        Kind::OptionalNumber if u < 0.15 => Value::Null,
        Kind::OptionalNumber => json_number(number((u - 0.15) / 0.85, ((u - 0.15) / 0.85 - 0.05) / 0.9)),
        Kind::Number => json_number(number(u, v)),
        Kind::Integer => {
            let x = match edge(u) {
                Some(x) => x,
                // Wide ranges of whole numbers (counts up to 100,000, seeds) log-uniformly on x + 1.
                None if hi - lo > 1000.0 => log_between(lo + 1.0, hi + 1.0, v) - 1.0,
                None => lo + (hi - lo + 1.0) * v - 0.5,
            };
            Value::from(x.round().clamp(lo, hi) as u64)
        }
    }
}

fn json_number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// A scenario from a preset index and one optional draw per parameter (in `param_specs()`
/// order; missing or `None` keeps the preset's value), repaired and sized to `limits`. `None`
/// when validation still refuses it (a cross-field rule this file does not know about).
pub fn scenario_from_draws(preset_index: usize, draws: &[Option<f64>], limits: Limits) -> Option<Scenario> {
    let base = preset(PRESET_NAMES[preset_index % PRESET_NAMES.len()]).expect("a preset");
    let mut overlay = Value::Object(Map::new());
    for (spec, u) in param_specs().iter().zip(draws) {
        let Some(u) = u else { continue };
        set_path(&mut overlay, spec.path, value_for(spec, *u, limits.max_quarters));
    }
    let mut s = apply_json_overlay(&base, &overlay).ok()?;
    s.simulation.quarters = s.simulation.quarters.min(limits.max_quarters).max(1);
    repair(&mut s);
    shrink_to(&mut s, limits.max_work.min(work::MAX_WORK));
    validate(&s).is_empty().then_some(s)
}

fn set_path(root: &mut Value, path: &str, value: Value) {
    let mut cursor = root;
    let keys: Vec<&str> = path.split('.').collect();
    for key in &keys[..keys.len() - 1] {
        cursor = cursor.as_object_mut().expect("objects").entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    }
    cursor.as_object_mut().expect("objects").insert(keys[keys.len() - 1].to_string(), value);
}

/// Most developers at the start, summed over archetypes (validation's cap).
const MAX_FIRMS: u64 = 10_000;

/// Apply `f` to every archetype of a scenario (the objects under `firms` that have a `count`), as
/// JSON, so that archetypes added later are covered too.
fn each_archetype(s: &mut Scenario, mut f: impl FnMut(&mut Map<String, Value>, u64)) {
    let mut v = serde_json::to_value(&*s).expect("a scenario serializes");
    let firms = v["firms"].as_object_mut().expect("firms");
    let total: u64 = firms.values().filter_map(|a| a.get("count")?.as_u64()).sum();
    for a in firms.values_mut() {
        if let Some(a) = a.as_object_mut().filter(|a| a.contains_key("count")) {
            f(a, total);
        }
    }
    *s = serde_json::from_value(v).expect("the same shape");
}

/// Repair the cross-field rules of `scenario::validate`.
fn repair(s: &mut Scenario) {
    each_archetype(s, |a, total| {
        let mut count = a["count"].as_u64().unwrap_or(0);
        if total > MAX_FIRMS {
            count = count * MAX_FIRMS / total;
        }
        a.insert("count".into(), count.into());
        let open = a["open_at_start"].as_u64().unwrap_or(0).min(count);
        a.insert("open_at_start".into(), open.into());
        let (lo, hi) = (a["log_flop_min"].as_f64().unwrap_or(0.0), a["log_flop_max"].as_f64().unwrap_or(0.0));
        if lo > hi {
            a.insert("log_flop_min".into(), hi.into());
            a.insert("log_flop_max".into(), lo.into());
        }
    });
    if s.archetypes().iter().all(|(_, a)| a.count == 0) {
        s.firms.startup.count = 1;
    }
    if s.decision.cadence_min > s.decision.cadence_max {
        std::mem::swap(&mut s.decision.cadence_min, &mut s.decision.cadence_max);
    }
}

/// Bring a run's estimated work within `max_work`: halve the horizon, then the firms, entry and
/// derivatives, then the option grid, until it fits.
fn shrink_to(s: &mut Scenario, max_work: f64) {
    for _ in 0..64 {
        if work::estimate(s).total <= max_work {
            return;
        }
        if s.simulation.quarters > 4 {
            s.simulation.quarters /= 2;
        } else if s.archetypes().iter().map(|(_, a)| a.count).sum::<u32>() > 8 || s.entry.rate > 1.0 || s.derivatives.entry_rate > 10.0 || s.derivatives.initial > 100 {
            each_archetype(s, |a, _| {
                let count = a["count"].as_u64().unwrap_or(0).div_ceil(2);
                a.insert("count".into(), count.into());
                let open = a["open_at_start"].as_u64().unwrap_or(0).min(count);
                a.insert("open_at_start".into(), open.into());
            });
            s.entry.rate /= 2.0;
            s.derivatives.entry_rate /= 2.0;
            s.derivatives.initial /= 2;
        } else {
            s.decision.levels = (s.decision.levels / 2).max(1);
            s.decision.horizon = (s.decision.horizon / 2).max(1);
        }
    }
}

/// A scenario drawn with `next()` giving uniform numbers in [0, 1): each parameter is drawn with
/// probability `p_drawn`, else keeps the preset's value.
pub fn draw_with(next: &mut dyn FnMut() -> f64, p_drawn: f64, limits: Limits) -> Option<Scenario> {
    let preset_index = (next() * PRESET_NAMES.len() as f64) as usize;
    let draws: Vec<Option<f64>> = param_specs().iter().map(|_| if next() < p_drawn { Some(next()) } else { None }).collect();
    scenario_from_draws(preset_index, &draws, limits)
}

/// A drawn scenario, shown (when a property fails) as the JSON of the fields where it differs
/// from the preset its label names: short enough to paste into a regression test.
#[derive(Clone)]
pub struct Drawn(pub Scenario);

impl std::fmt::Debug for Drawn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let base = preset(&self.0.label).unwrap_or_default();
        let (a, b) = (serde_json::to_value(&self.0).unwrap_or_default(), serde_json::to_value(&base).unwrap_or_default());
        write!(f, "preset {:?} with {}", self.0.label, diff(&a, &b))
    }
}

/// The fields of `a` that differ from `b`, as a JSON object (nested as in a scenario).
pub fn diff(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut out = Map::new();
            for (k, v) in x {
                let d = diff(v, y.get(k).unwrap_or(&Value::Null));
                if !(d.is_object() && d.as_object().is_some_and(|o| o.is_empty())) && y.get(k) != Some(v) {
                    out.insert(k.clone(), d);
                }
            }
            Value::Object(out)
        }
        _ => a.clone(),
    }
}

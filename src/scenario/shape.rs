//! Reading scenarios from JSON values field by field: every unknown field and every value of a
//! type its field cannot hold is named (all at once), so that deserialising what is left cannot
//! fail. Ranges are not checked here (`validate` does, naming each field's allowed range).
//!
//! One walk over the default scenario's shape serves the CLI (`--scenario` files, shard files,
//! experiments) and the browser: a path-tracking deserialiser would do the same with tens of
//! kilobytes more code in the browser's model.

use super::overrides::{short_json, ScenarioError};
use super::spec::{find, Kind};
use super::validate::FieldError;
use super::{Scenario, SCHEMA_VERSION};
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The default scenario as a JSON value: the shape every scenario has.
pub fn default_value() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| serde_json::to_value(Scenario::default()).expect("a scenario serializes"))
}

/// What a field allows, from the parameter table (or, for fields outside it, from its type).
pub fn allowed(path: &str, default: &Value) -> String {
    if let Some(s) = find(path) {
        return s.allowed();
    }
    match default {
        _ if path == "schema_version" => format!("{SCHEMA_VERSION}"),
        Value::Object(_) => "a JSON object".into(),
        Value::String(_) => "a string".into(),
        Value::Bool(_) => "true or false".into(),
        Value::Number(n) if n.is_u64() => format!("a whole number from 0 to {}", u32::MAX),
        Value::Number(_) => "a number".into(),
        _ => "a number, or null for none".into(),
    }
}

/// The largest whole number an integer field's type holds (u32, or u64 kept exact in JS).
fn integer_limit(path: &str) -> f64 {
    find(path).map_or(u32::MAX as f64, |s| s.max.max(u32::MAX as f64))
}

/// A whole number at most `limit`, as an integer JSON value (JSON numbers written 40.0 included).
fn whole(v: &Value, limit: f64) -> Option<Value> {
    if v.is_u64() {
        return v.as_u64().filter(|&x| x as f64 <= limit).map(Value::from);
    }
    let x = v.as_f64()?;
    (x.is_finite() && x.fract() == 0.0 && x >= 0.0 && x <= limit).then(|| Value::from(x as u64))
}

/// The value a leaf field would hold, or `None` when its type does not fit.
fn leaf(v: &Value, path: &str, default: &Value) -> Option<Value> {
    let number = || v.as_f64().map(|_| v.clone());
    match find(path).map(|s| &s.kind) {
        Some(Kind::Number) => number(),
        Some(Kind::OptionalNumber) => if v.is_null() { Some(Value::Null) } else { number() },
        Some(Kind::Integer) => whole(v, integer_limit(path)),
        Some(Kind::Bool) => v.as_bool().map(Value::Bool),
        Some(Kind::Choice { options }) => v.as_str().filter(|s| options.contains(s)).map(|s| Value::String(s.into())),
        None => match default {
            Value::Bool(_) => v.as_bool().map(Value::Bool),
            Value::String(_) => v.as_str().map(|s| Value::String(s.into())),
            Value::Number(n) if n.is_u64() => whole(v, integer_limit(path)),
            Value::Number(_) => number(),
            Value::Null => if v.is_null() { Some(Value::Null) } else { number() },
            _ => None,
        },
    }
}

/// The path of field `key` under `prefix` (`market.beta_frontier`); an empty key is shown as `""`,
/// so that an error about it still names a field (the fuzzers found it named by nothing).
pub fn child_path(prefix: &str, key: &str) -> String {
    let shown = if key.is_empty() { "\"\"" } else { key };
    if prefix.is_empty() { shown.to_string() } else { format!("{prefix}.{shown}") }
}

/// Lay `over` onto `target` (a scenario, or a group of one, as a JSON object) field by field:
/// fields it has replace the target's; an unknown field or a value of the wrong type is named in
/// `errors` and left out.
pub fn lay(target: &mut Map<String, Value>, over: &Value, prefix: &str, errors: &mut Vec<FieldError>) {
    let Value::Object(over) = over else {
        let field = if prefix.is_empty() { "scenario" } else { prefix };
        errors.push(FieldError { field: field.into(), value: short_json(over), allowed: "a JSON object".into() });
        return;
    };
    for (k, v) in over {
        let path = child_path(prefix, k);
        let known = target.keys().cloned().collect::<Vec<_>>().join(", ");
        let Some(t) = target.get_mut(k) else {
            errors.push(FieldError { field: path, value: short_json(v), allowed: format!("a known field: one of {known}") });
            continue;
        };
        match t {
            Value::Object(inner) => {
                if v.is_object() {
                    lay(inner, v, &path, errors);
                } else {
                    errors.push(FieldError { field: path.clone(), value: short_json(v), allowed: "a JSON object".into() });
                }
            }
            _ => match leaf(v, &path, t) {
                Some(x) => *t = x,
                None => errors.push(FieldError { field: path.clone(), value: short_json(v), allowed: allowed(&path, t) }),
            },
        }
    }
}

/// `over` laid onto `base` (a scenario as a JSON value), then read as a scenario; every problem
/// at once.
pub fn read_over(mut base: Value, over: &Value) -> Result<Scenario, ScenarioError> {
    let mut errors = Vec::new();
    if let Value::Object(target) = &mut base {
        lay(target, over, "", &mut errors);
    }
    if !errors.is_empty() {
        return Err(ScenarioError(errors));
    }
    // Every field now has its type: this cannot fail, but would say so rather than panic.
    serde_json::from_value(base).map_err(|e| ScenarioError(vec![FieldError { field: "scenario".into(), value: "this value".into(), allowed: e.to_string() }]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_problem_is_named_and_whole_numbers_may_be_written_as_floats() {
        let e = read_over(default_value().clone(), &json!({"market": {"xi_open": "low", "nope": 1}, "firms": {"startup": {"count": 2.5}}, "regime": 3})).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["firms.startup.count", "market.nope", "market.xi_open", "regime"]);
        let s = read_over(default_value().clone(), &json!({"simulation": {"quarters": 8.0}, "firms": {"startup": {"count": 3}}})).unwrap();
        assert_eq!((s.simulation.quarters, s.firms.startup.count, s.firms.startup.capital), (8, 3, Scenario::default().firms.startup.capital));
    }
}

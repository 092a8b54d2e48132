//! Building scenarios from text: whole or partial JSON laid over a base, and `key=value` overrides.
//! Every failure names the field, the value and what is allowed.

use super::spec::{find, param_specs, Kind, ParamSpec};
use super::validate::FieldError;
use super::{preset, Scenario, PRESET_NAMES};
use serde_json::{Map, Value};
use std::fmt;

/// Everything wrong with a requested scenario (never empty).
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError(pub Vec<FieldError>);

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    fn one(field: &str, value: impl Into<String>, allowed: impl Into<String>) -> Self {
        ScenarioError(vec![FieldError { field: field.into(), value: value.into(), allowed: allowed.into() }])
    }

    /// An unknown preset name.
    pub fn unknown_preset(name: &str) -> Self {
        Self::one("preset", format!("{name:?}"), format!("one of {}", PRESET_NAMES.join(", ")))
    }
}

/// The scenario of a preset, or an error naming the allowed presets.
pub fn preset_or_error(name: &str) -> Result<Scenario, ScenarioError> {
    preset(name).ok_or_else(|| ScenarioError::unknown_preset(name))
}

/// A JSON value as an error message shows it, cut at 60 characters.
pub fn short_json(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 { format!("{}…", s.chars().take(60).collect::<String>()) } else { s }
}

/// Read a scenario from a JSON value (missing fields take defaults); every unknown field and
/// every value of the wrong type is named with its path, its value and what the field allows. A
/// scenario of schema version 1 (model v1.3) is mapped onto this version first
/// ([`super::migrate`]).
pub fn from_value(v: Value) -> Result<Scenario, ScenarioError> {
    if super::migrate::version_of(&v) == Some(1) {
        return super::migrate::upgrade_whole(&v);
    }
    super::shape::read_over(super::shape::default_value().clone(), &v)
}

/// Parse a complete or partial scenario from JSON text (missing fields take defaults).
pub fn parse_scenario_json(text: &str) -> Result<Scenario, ScenarioError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ScenarioError::one("scenario", "the file", format!("valid JSON ({e})")))?;
    from_value(v)
}

/// Lay a partial scenario (a JSON object) over `base`: fields present in the overlay replace
/// those of the base; every unknown field or mistyped value is an error naming its path.
pub fn apply_json_overlay(base: &Scenario, overlay: &Value) -> Result<Scenario, ScenarioError> {
    let overlay = super::migrate::upgrade(overlay)?;
    super::shape::read_over(serde_json::to_value(base).expect("a scenario always serializes"), &overlay)
}

/// Apply one `path=value` override, e.g. `regime.cover_cost=1e8` or `regime.cover_log_flop=none`.
pub fn apply_set(base: &Scenario, assignment: &str) -> Result<Scenario, ScenarioError> {
    let malformed = || ScenarioError::one("--set", format!("{assignment:?}"), "KEY=VALUE, e.g. regime.compliance_fixed=5e6");
    let Some((path, raw)) = assignment.split_once('=') else {
        return Err(malformed());
    };
    let (path, raw) = (path.trim(), raw.trim());
    if path.is_empty() {
        return Err(malformed());
    }
    let value = if path == "label" {
        Value::String(raw.to_string())
    } else {
        let Some(spec) = find(path) else {
            return Err(ScenarioError::one("--set", format!("{path:?}"), known_paths_near(path)));
        };
        parse_value(path, raw, spec)?
    };
    let mut overlay = Value::Object(Map::new());
    let mut cursor = &mut overlay;
    let keys: Vec<&str> = path.split('.').collect();
    for (i, key) in keys.iter().enumerate() {
        let obj = cursor.as_object_mut().expect("built as objects");
        if i + 1 == keys.len() {
            obj.insert(key.to_string(), value.clone());
            break;
        }
        cursor = obj.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    }
    apply_json_overlay(base, &overlay)
}

/// The parameter paths that share the unknown `path`'s group, or the groups when none does.
fn known_paths_near(path: &str) -> String {
    let group = path.rsplit_once('.').map_or("", |(g, _)| g);
    let near: Vec<&str> = param_specs().iter().map(|p| p.path).filter(|p| !group.is_empty() && p.rsplit_once('.').is_some_and(|(g, _)| g == group)).collect();
    if near.is_empty() {
        let mut groups: Vec<&str> = Vec::new();
        for g in param_specs().iter().map(|p| p.path.split('.').next().unwrap_or(p.path)) {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        format!("a known parameter, under one of {} (`regsim params` lists them)", groups.join(", "))
    } else {
        format!("a known parameter: one of {}", near.join(", "))
    }
}

fn parse_value(path: &str, raw: &str, spec: &ParamSpec) -> Result<Value, ScenarioError> {
    let lower = raw.to_ascii_lowercase();
    let refuse = |allowed: String| ScenarioError::one(path, format!("{raw:?}"), allowed);
    match &spec.kind {
        Kind::Bool => match lower.as_str() {
            "true" | "yes" | "on" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "off" | "0" => Ok(Value::Bool(false)),
            _ => Err(refuse("true or false (or yes/no, on/off, 1/0)".into())),
        },
        Kind::Choice { options } => {
            if options.contains(&lower.as_str()) {
                Ok(Value::String(lower))
            } else {
                Err(refuse(spec.allowed()))
            }
        }
        Kind::OptionalNumber if matches!(lower.as_str(), "none" | "null" | "inf" | "infinity") => Ok(Value::Null),
        Kind::Number | Kind::Integer | Kind::OptionalNumber => {
            let x: f64 = raw.parse().map_err(|_| refuse(spec.allowed()))?;
            if !x.is_finite() || x < spec.min || x > spec.max || (spec.kind == Kind::Integer && x.fract() != 0.0) {
                return Err(refuse(spec.allowed()));
            }
            if spec.kind == Kind::Integer {
                // Parsed as an integer, not through f64, so that a large seed keeps every digit.
                return raw.parse::<u64>().map(Value::from).or(Ok(Value::from(x as u64)));
            }
            Ok(serde_json::Number::from_f64(x).map(Value::Number).expect("finite"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_overrides_a_field_and_rejects_bad_ones_by_name() {
        let s = apply_set(&Scenario::default(), "regime.compliance_fixed=5e6").unwrap();
        assert_eq!(s.regime.compliance_fixed, 5e6);
        let s = apply_set(&preset("sb1047").unwrap(), "regime.cover_log_flop=none").unwrap();
        assert_eq!(s.regime.cover_log_flop, None);
        let e = apply_set(&Scenario::default(), "market.beta_frontier=abc").unwrap_err();
        assert_eq!(e.0[0].field, "market.beta_frontier");
        assert!(e.0[0].value.contains("abc"));
        let e = apply_set(&Scenario::default(), "market.nope=1").unwrap_err();
        assert!(e.0[0].value.contains("market.nope") && e.0[0].allowed.contains("market.beta_frontier"), "{e}");
        let e = apply_set(&Scenario::default(), "nope=1").unwrap_err();
        assert!(e.0[0].allowed.contains("regime") && e.0[0].allowed.contains("market"), "{e}");
        for bad in ["=5", " = ", "novalue"] {
            let e = apply_set(&Scenario::default(), bad).unwrap_err();
            assert_eq!(e.0[0].field, "--set");
            assert!(e.0[0].allowed.contains("KEY=VALUE"), "{e}");
        }
        let e = apply_set(&Scenario::default(), "regime.derivative_liability=maybe").unwrap_err();
        assert!(e.to_string().contains("\"maybe\"") && e.to_string().contains("true or false"), "{e}");
        let s = apply_set(&Scenario::default(), "simulation.seed=9007199254740991").unwrap();
        assert_eq!(s.simulation.seed, 9_007_199_254_740_991);
        let e = apply_set(&Scenario::default(), "simulation.quarters=500").unwrap_err();
        assert!(e.to_string().contains("simulation.quarters") && e.to_string().contains("200"));
        let e = apply_set(&Scenario::default(), "regime.liability_rule=harsh").unwrap_err();
        assert!(e.0[0].allowed.contains("negligence"));
    }

    #[test]
    fn partial_json_names_the_bad_path() {
        let s = parse_scenario_json(r#"{"market": {"beta_frontier": 2.8}}"#).unwrap();
        assert_eq!(s.market.beta_frontier, 2.8);
        let e = parse_scenario_json(r#"{"market": {"beta_frontier": "high"}}"#).unwrap_err();
        assert_eq!(e.0[0].field, "market.beta_frontier");
        let e = parse_scenario_json(r#"{"market": {"betta": 1}}"#).unwrap_err();
        assert!(e.to_string().contains("betta") && e.0[0].allowed.starts_with("a known field: one of ") && e.0[0].allowed.contains("demand0"), "{e}");
        // Found by fuzzing: an unknown field named "" was reported with an empty field name.
        for json in [r#"{"": {"demand5": 0}}"#, r#"{"market": {"": 1}}"#] {
            let e = parse_scenario_json(json).unwrap_err();
            assert!(!e.0[0].field.is_empty() && e.0[0].allowed.starts_with("a known field"), "{json}: {e}");
            let e = apply_json_overlay(&Scenario::default(), &serde_json::from_str(json).unwrap()).unwrap_err();
            assert!(e.0[0].field.ends_with("\"\"") && e.0[0].allowed.starts_with("a known field"), "{json}: {e}");
        }
        let e = apply_json_overlay(&Scenario::default(), &serde_json::json!({"regime": {"cover_flop": 26}})).unwrap_err();
        assert_eq!(e.0[0].field, "regime.cover_flop");
        assert!(e.0[0].allowed.contains("cover_log_flop"), "{e}");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_named_with_what_the_field_allows() {
        let cases = [
            (r#"{"regime": {"compliance_fixed": "abc"}}"#, "regime.compliance_fixed", "\"abc\"", "a finite number from"),
            (r#"{"firms": {"startup": {"count": 1.5}}}"#, "firms.startup.count", "1.5", "a whole number from"),
            (r#"{"firms": {"startup": {"count": -3}}}"#, "firms.startup.count", "-3", "a whole number from"),
            (r#"{"regime": {"liability_rule": "harsh"}}"#, "regime.liability_rule", "\"harsh\"", "one of"),
            (r#"{"regime": null}"#, "regime", "null", "a JSON object"),
        ];
        for (json, field, value, allowed) in cases {
            let e = parse_scenario_json(json).unwrap_err();
            let f = &e.0[0];
            assert_eq!((f.field.as_str(), f.value.as_str()), (field, value), "{e}");
            assert!(f.allowed.starts_with(allowed) && !f.allowed.contains("invalid type"), "{e}");
        }
    }
}

//! Scenarios of earlier schema versions, mapped onto this one.
//!
//! Version 1 is model v1.3. Its scenario files, links and saved objects carry every field or the
//! ones a user changed. Mapped onto version 2 (model v1.4):
//! - a field at v1.3's default value is dropped, so it takes v1.4's (re-calibrated) default: a
//!   v1.3 default was never a user's choice, and v1.3's calibration is not v1.4's; for the
//!   regime, the default is that of the preset the scenario's label names (v1.3's presets set
//!   the regime only, with the same values as v1.4's), so a rule changed from the preset's stays;
//! - a field with another value keeps it;
//! - `market.xi_derivative` (a derivative's absolute quality shift) becomes
//!   `market.derivative_premium`, its shift over open weights': `xi_derivative − xi_open`, with
//!   v1.3's values of both, so a derivative's utility is the same;
//! - fields new in v1.4 (developers outside the regime's reach, adoption, distillation) take
//!   their defaults, or the preset's for the regime's reach.
//!
//! What cannot be mapped (an unknown field, a premium outside its range) is an error naming it.

use super::overrides::ScenarioError;
use super::spec::find;
use super::validate::FieldError;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The default scenario of schema version 1 (model v1.3), one field a line (`path=value`, the
/// value a JSON scalar), so that the browser's model needs no JSON text parser for it.
const V1_DEFAULTS: &str = include_str!("v1_defaults.txt");

fn v1_defaults() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let mut root = Value::Object(Map::new());
        for line in V1_DEFAULTS.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let (path, raw) = line.split_once('=').expect("path=value");
            let value = match raw {
                "null" => Value::Null,
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ if raw.starts_with('"') => Value::String(raw.trim_matches('"').to_string()),
                _ => serde_json::Number::from_f64(raw.parse().expect("a number")).map_or(Value::Null, Value::Number),
            };
            let keys: Vec<&str> = path.split('.').collect();
            let mut cursor = &mut root;
            for k in &keys[..keys.len() - 1] {
                cursor = cursor.as_object_mut().expect("objects").entry(k.to_string()).or_insert_with(|| Value::Object(Map::new()));
            }
            cursor.as_object_mut().expect("objects").insert(keys[keys.len() - 1].to_string(), value);
        }
        root
    })
}

/// Fields of the regime that v1.4 added (the regime's reach).
const NEW_REGIME_FIELDS: [&str; 3] = ["market_share", "binds_outside", "foreign_enforcement"];

/// The preset a label names ("sb1047", or "custom (based on sb1047)"), if any.
fn preset_named(label: &str) -> Option<super::Scenario> {
    let name = label.strip_prefix("custom (based on ").and_then(|l| l.strip_suffix(')')).unwrap_or(label);
    super::preset(name)
}

/// Version 1's defaults for a scenario labelled `label`: v1.3's default scenario with the regime
/// of the preset the label names.
fn v1_defaults_of(label: &str) -> Value {
    let mut d = v1_defaults().clone();
    if let Some(p) = preset_named(label) {
        let mut regime = serde_json::to_value(&p.regime).expect("a regime serializes");
        if let Value::Object(r) = &mut regime {
            for f in NEW_REGIME_FIELDS {
                r.remove(f);
            }
        }
        d["regime"] = regime;
    }
    d
}

/// The schema version a scenario object says it has (none: the current one).
pub fn version_of(v: &Value) -> Option<u64> {
    // 1 and 1.0 alike (a JavaScript number or a parsed text).
    v.get("schema_version").and_then(Value::as_f64).filter(|x| x.fract() == 0.0 && *x >= 0.0).map(|x| x as u64)
}

fn error(field: &str, value: String, allowed: String) -> ScenarioError {
    ScenarioError(vec![FieldError { field: field.into(), value, allowed }])
}

/// Map a (whole or partial) scenario object of schema version 1 onto version 2: the result is a
/// partial scenario holding only what version 1 changed from its defaults, to be laid over the
/// preset its label names (or the default). Objects of version 2 come back unchanged.
pub fn upgrade(v: &Value) -> Result<Value, ScenarioError> {
    match version_of(v) {
        None | Some(2) => Ok(v.clone()),
        Some(1) => {
            let Value::Object(obj) = v else { return Err(error("scenario", super::short_json(v), "a JSON object".into())) };
            let defaults = &v1_defaults_of(obj.get("label").and_then(Value::as_str).unwrap_or("none"));
            let mut out = Map::new();
            changed(obj, defaults, "", &mut out)?;
            // The derivative's absolute shift becomes a premium over open weights'.
            let market = obj.get("market");
            let xi_d = market.and_then(|m| m.get("xi_derivative"));
            let xi_o = market.and_then(|m| m.get("xi_open"));
            if xi_d.is_some() || xi_o.is_some() {
                let num = |x: Option<&Value>, default: &Value, name: &str| -> Result<f64, ScenarioError> {
                    x.unwrap_or(default).as_f64().ok_or_else(|| error(&format!("market.{name}"), x.map_or("null".into(), super::short_json), "a finite number".into()))
                };
                let d = num(xi_d, &defaults["market"]["xi_derivative"], "xi_derivative")?;
                let o = num(xi_o, &defaults["market"]["xi_open"], "xi_open")?;
                let (dd, od) = (defaults["market"]["xi_derivative"].as_f64().unwrap_or(0.0), defaults["market"]["xi_open"].as_f64().unwrap_or(0.0));
                let m = out.entry("market").or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = m {
                    m.remove("xi_derivative");
                    if d != dd || o != od {
                        let premium = d - o;
                        let spec = find("market.derivative_premium").expect("a parameter");
                        if !(premium >= spec.min && premium <= spec.max) {
                            return Err(error("market.xi_derivative", format!("{d} with market.xi_open {o} (schema version 1)"), format!("a derivative shift within {} of open weights', so that market.derivative_premium = xi_derivative − xi_open fits its range", spec.max)));
                        }
                        m.insert("derivative_premium".into(), serde_json::json!(premium));
                    }
                    if m.is_empty() {
                        out.remove("market");
                    }
                }
            }
            out.insert("schema_version".into(), Value::from(super::SCHEMA_VERSION));
            Ok(Value::Object(out))
        }
        Some(n) => Err(error("schema_version", n.to_string(), format!("1 (model v1.3) or {} (this model)", super::SCHEMA_VERSION))),
    }
}

/// A whole scenario object of any version as a scenario of this one: version 1 is upgraded and
/// laid over the preset its label names ("sb1047", or "custom (based on sb1047)"), or over the
/// default when it names none.
pub fn upgrade_whole(v: &Value) -> Result<super::Scenario, ScenarioError> {
    let up = upgrade(v)?;
    let base = preset_named(up.get("label").and_then(Value::as_str).unwrap_or("none")).unwrap_or_default();
    super::apply_json_overlay(&base, &up)
}

/// As [`upgrade_whole`], as a JSON value with every field's type checked (not yet validated):
/// for callers that read scenarios themselves (the browser's model).
pub fn upgrade_whole_value(v: &Value) -> Result<Value, ScenarioError> {
    let up = upgrade(v)?;
    let base = preset_named(up.get("label").and_then(Value::as_str).unwrap_or("none")).unwrap_or_default();
    let mut merged = serde_json::to_value(&base).expect("a scenario serializes");
    let mut errors = Vec::new();
    if let Value::Object(target) = &mut merged {
        super::shape::lay(target, &up, "", &mut errors);
    }
    if errors.is_empty() { Ok(merged) } else { Err(ScenarioError(errors)) }
}

/// Copy into `out` the fields of `obj` that differ from `defaults`; unknown fields are errors.
fn changed(obj: &Map<String, Value>, defaults: &Value, prefix: &str, out: &mut Map<String, Value>) -> Result<(), ScenarioError> {
    for (k, v) in obj {
        let path = super::shape::child_path(prefix, k);
        if path == "schema_version" {
            continue;
        }
        if path == "label" {
            out.insert(k.clone(), v.clone());
            continue;
        }
        let Some(d) = defaults.get(k) else {
            let known = defaults.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>().join(", ")).unwrap_or_default();
            return Err(error(&path, super::short_json(v), format!("a field of a version 1 scenario: one of {known}")));
        };
        match (v, d) {
            (Value::Object(inner), Value::Object(_)) => {
                let mut sub = Map::new();
                changed(inner, d, &path, &mut sub)?;
                if !sub.is_empty() {
                    out.insert(k.clone(), Value::Object(sub));
                }
            }
            _ if same(v, d) => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(())
}

/// Equal as values (1 and 1.0 are the same number).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_v1_default_scenario_keeps_only_its_label() {
        let up = upgrade(v1_defaults()).unwrap();
        assert_eq!(up, json!({"label": "none", "schema_version": 2}));
    }

    #[test]
    fn changed_fields_stay_and_the_derivative_shift_becomes_a_premium() {
        let mut v = v1_defaults().clone();
        v["label"] = json!("sb1047");
        v["regime"]["compliance_fixed"] = json!(5e6);
        v["market"]["xi_open"] = json!(-2.0);
        let up = upgrade(&v).unwrap();
        assert_eq!(up["regime"]["compliance_fixed"], json!(5e6));
        assert_eq!(up["market"]["xi_open"], json!(-2.0));
        assert_eq!(up["market"]["derivative_premium"], json!(1.5), "−0.5 − (−2)");
        assert!(up["market"].get("xi_derivative").is_none());
        assert!(up.get("simulation").is_none(), "unchanged groups go");
        // A partial object: only what it has.
        let up = upgrade(&json!({"schema_version": 1, "market": {"xi_derivative": 0.5}})).unwrap();
        assert_eq!(up, json!({"schema_version": 2, "market": {"derivative_premium": 1.5}}));
    }

    #[test]
    fn a_rule_changed_from_the_labelled_preset_stays() {
        let mut v = v1_defaults_of("sb1047");
        v["label"] = json!("custom (based on sb1047)");
        v["regime"]["liability_rule"] = json!("none");
        let s = upgrade_whole(&v).unwrap();
        assert_eq!(s.regime.liability_rule, crate::scenario::LiabilityRule::None, "changed from sb1047's negligence");
        assert_eq!(s.regime.cover_cost, Some(1e8), "the rest of sb1047");
        assert_eq!(s.regime.market_share, 0.07, "v1.4's reach for the preset");
        // A v1.3 sb1047 scenario as saved: exactly v1.4's sb1047 with v1.4's defaults.
        let mut plain = v1_defaults_of("sb1047");
        plain["label"] = json!("sb1047");
        assert_eq!(upgrade_whole(&plain).unwrap(), crate::scenario::preset("sb1047").unwrap());
    }

    #[test]
    fn what_cannot_be_mapped_is_named() {
        let e = upgrade(&json!({"schema_version": 1, "market": {"nope": 1}})).unwrap_err();
        assert_eq!(e.0[0].field, "market.nope");
        let e = upgrade(&json!({"schema_version": 1, "market": {"xi_derivative": 9.5, "xi_open": -3}})).unwrap_err();
        assert_eq!(e.0[0].field, "market.xi_derivative");
        let e = upgrade(&json!({"schema_version": 7})).unwrap_err();
        assert!(e.to_string().contains("schema_version") && e.to_string().contains("1 (model v1.3)"), "{e}");
        assert_eq!(upgrade(&json!({"schema_version": 2, "x": 1})).unwrap(), json!({"schema_version": 2, "x": 1}), "the current version passes through");
    }
}

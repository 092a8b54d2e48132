//! The JavaScript API: the only module with `#[wasm_bindgen]`, thin wrappers over the core.
//!
//! Scenarios cross as plain objects (serde-wasm-bindgen; missing fields take defaults); results
//! cross as `Float64Array`s, one per metric and statistic. Bad input throws a JS `Error` whose
//! message names the field, the value and what is allowed; nothing panics across the boundary.
//!
//! ```js
//! import init, { preset, Experiment } from "./pkg/regsim.js";
//! await init();
//! const exp = new Experiment(preset("none"), preset("sb1047"), 32);
//! while (!exp.step(8)) { /* report exp.progress() */ }
//! const r = exp.result();   // r.difference.hhi.mean is a Float64Array
//! ```

use crate::ensemble::{self, Band, STATS};
use crate::metrics::{Metric, RunMetrics};
use crate::model::Simulation;
use crate::scenario::{self, FieldError, Scenario, ScenarioError};
use js_sys::{Array, Float64Array, Object, Reflect};
use wasm_bindgen::prelude::*;

fn js_error(msg: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&msg.to_string()).into()
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(js_error)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Reflect::set on a plain object we created cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// A JS value as an error message shows it: `"forty"`, `NaN`, `1000000000`, `null`, `an array`.
fn describe(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        let quoted = format!("{s:?}");
        return if quoted.chars().count() > 60 { format!("{}…", quoted.chars().take(60).collect::<String>()) } else { quoted };
    }
    if let Some(x) = v.as_f64() {
        return scenario::show_number(x);
    }
    if let Some(b) = v.as_bool() {
        return b.to_string();
    }
    if v.is_null() {
        "null".into()
    } else if v.is_undefined() {
        "undefined".into()
    } else if Array::is_array(v) {
        "an array".into()
    } else if v.is_function() {
        "a function".into()
    } else if v.is_object() {
        "an object".into()
    } else {
        format!("a value of type {}", v.js_typeof().as_string().unwrap_or_default())
    }
}

/// An object literal (or `Object.create(null)`): not an array, a function, a `Map` or a class
/// instance, whose fields would not be read as a scenario's.
fn is_plain_object(v: &JsValue) -> bool {
    if !v.is_object() || Array::is_array(v) || v.is_function() {
        return false;
    }
    let proto = Object::get_prototype_of(v);
    proto.is_null() || proto == Object::get_prototype_of(&Object::new().into())
}

/// A whole-number argument `name` from 0 to `max`, checked (wasm-bindgen would wrap −1 to
/// 4294967295 and read NaN, strings or objects as 0).
fn whole_arg(name: &str, v: &JsValue, max: u32) -> Result<u32, JsValue> {
    match v.as_f64() {
        Some(x) if is_whole(v, max as f64) => Ok(x as u32),
        _ => Err(js_error(FieldError { field: name.into(), value: describe(v), allowed: format!("a whole number from 0 to {max}") })),
    }
}

/// A string argument `name` (wasm-bindgen would trap on a number or an object).
fn string_arg(name: &str, v: &JsValue, allowed: &str) -> Result<String, JsValue> {
    v.as_string().ok_or_else(|| js_error(FieldError { field: name.into(), value: describe(v), allowed: allowed.into() }))
}

/// An optional replicate count: a number (not a numeric string or an array), or null/undefined
/// for the scenario's own.
fn replicates_arg(v: &JsValue) -> Result<Option<f64>, FieldError> {
    if v.is_null() || v.is_undefined() {
        return Ok(None);
    }
    v.as_f64().map(Some).ok_or_else(|| FieldError {
        field: "replicates".into(),
        value: describe(v),
        allowed: format!("a whole number from 1 to {}", scenario::MAX_REPLICATES),
    })
}

/// The largest whole number an integer field's type holds (u32, or u64 kept exact in JS).
fn integer_limit(path: &str) -> f64 {
    scenario::spec::find(path).map_or(u32::MAX as f64, |s| s.max.max(u32::MAX as f64))
}

fn is_whole(v: &JsValue, limit: f64) -> bool {
    v.as_f64().is_some_and(|x| x.is_finite() && x.fract() == 0.0 && x >= 0.0 && x <= limit)
}

/// What a field allows (`scenario::shape::allowed`), naming a group's fields.
fn allowed(path: &str, default: &serde_json::Value) -> String {
    match default {
        serde_json::Value::Object(fields) if scenario::spec::find(path).is_none() => format!("an object with fields {}", fields.keys().cloned().collect::<Vec<_>>().join(", ")),
        _ => scenario::shape::allowed(path, default),
    }
}

/// Whether a leaf value has the type its field needs. Ranges are left to `scenario::validate`,
/// which reports them with the field's allowed range (NaN included); what fails here could not be
/// deserialised at all.
fn leaf_ok(v: &JsValue, path: &str, default: &serde_json::Value) -> bool {
    use scenario::spec::Kind;
    use serde_json::Value;
    match scenario::spec::find(path).map(|s| &s.kind) {
        Some(Kind::Number) => v.as_f64().is_some(),
        Some(Kind::OptionalNumber) => v.is_null() || v.as_f64().is_some(),
        Some(Kind::Integer) => is_whole(v, integer_limit(path)),
        Some(Kind::Bool) => v.as_bool().is_some(),
        Some(Kind::Choice { options }) => v.as_string().is_some_and(|s| options.contains(&s.as_str())),
        None => match default {
            Value::Bool(_) => v.as_bool().is_some(),
            Value::String(_) => v.as_string().is_some(),
            Value::Number(n) if n.is_u64() => is_whole(v, integer_limit(path)),
            Value::Number(_) => v.as_f64().is_some(),
            Value::Null => v.is_null() || v.as_f64().is_some(),
            _ => false,
        },
    }
}

/// Lay a JS object over `target` (the default scenario as a JS object) field by field, checked
/// against the default scenario's shape: every unknown field and every value of the wrong type is
/// reported and left out, so it keeps its default. serde-wasm-bindgen alone would ignore unknown
/// fields, stop at the first wrong one, and reject a partial developer archetype.
fn overlay(obj: &Object, target: &Object, shape: &serde_json::Map<String, serde_json::Value>, prefix: &str, errors: &mut Vec<FieldError>) {
    for key in Object::keys(obj).iter() {
        let Some(k) = key.as_string() else { continue };
        let path = scenario::shape::child_path(prefix, &k);
        let Some(default) = shape.get(&k) else {
            let value = Reflect::get(obj, &key).map_or_else(|_| "a value".into(), |v| describe(&v));
            let known = shape.keys().cloned().collect::<Vec<_>>().join(", ");
            errors.push(FieldError { field: path, value, allowed: format!("a known field: one of {known}") });
            continue;
        };
        let v = match Reflect::get(obj, &key) {
            Ok(v) if v.is_undefined() => continue, // missing: keeps its default
            Ok(v) => v,
            Err(_) => {
                errors.push(FieldError { field: path.clone(), value: "a value that cannot be read".into(), allowed: allowed(&path, default) });
                continue;
            }
        };
        match default {
            serde_json::Value::Object(fields) if is_plain_object(&v) => match Reflect::get(target, &key) {
                Ok(inner) if inner.is_object() => overlay(v.unchecked_ref(), inner.unchecked_ref(), fields, &path, errors),
                _ => errors.push(FieldError { field: path.clone(), value: describe(&v), allowed: allowed(&path, default) }),
            },
            _ if !default.is_object() && leaf_ok(&v, &path, default) => set(target, &k, &v),
            _ => errors.push(FieldError { field: path.clone(), value: describe(&v), allowed: allowed(&path, default) }),
        }
    }
}

/// Read a scenario from a JS value (missing fields take defaults). Returns the scenario, with any
/// unknown or wrongly typed field left at its default, and the problems found; `None` when the
/// value is not a scenario object at all. `what` names the value in an error about it as a whole.
fn read(value: &JsValue, what: &str) -> (Option<Scenario>, Vec<FieldError>) {
    if !is_plain_object(value) {
        let e = FieldError { field: what.into(), value: describe(value), allowed: "a scenario object (see defaultScenario())".into() };
        return (None, vec![e]);
    }
    // A scenario of model v1.3 (schema version 1) is mapped onto this one as a whole, then read
    // (in the full build; the figures' smaller build names what it cannot read).
    #[cfg(feature = "full-api")]
    if Reflect::get(value, &JsValue::from_str("schema_version")).ok().and_then(|v| v.as_f64()) == Some(1.0) {
        let upgraded = serde_wasm_bindgen::from_value::<serde_json::Value>(value.clone())
            .map_err(|e| vec![FieldError { field: what.into(), value: describe(value), allowed: format!("a scenario object ({e})") }])
            .and_then(|v| scenario::migrate::upgrade_whole_value(&v).map_err(|e| e.0))
            .and_then(|v| to_js(&v).map_err(|_| vec![FieldError { field: what.into(), value: describe(value), allowed: "a scenario object".into() }]));
        return match upgraded {
            Ok(v) => read(&v, what),
            Err(e) => (None, e),
        };
    }
    let default = Scenario::default();
    let (Ok(serde_json::Value::Object(shape)), Ok(merged)) = (serde_json::to_value(&default), to_js(&default)) else {
        return (None, vec![FieldError { field: what.into(), value: "a scenario".into(), allowed: "a scenario object".into() }]);
    };
    let mut errors = Vec::new();
    overlay(value.unchecked_ref(), merged.unchecked_ref(), &shape, "", &mut errors);
    // `overlay` has checked every field's type, so this cannot fail; it is reported all the same,
    // never a panic. (No path-tracking deserialiser: it would add tens of kilobytes of code.)
    match serde_wasm_bindgen::from_value::<Scenario>(merged) {
        Ok(s) => (Some(s), errors),
        Err(e) => {
            errors.push(FieldError { field: what.into(), value: describe(value), allowed: format!("a scenario object ({e})") });
            (None, errors)
        }
    }
}

/// Read and validate a scenario: the scenario, or every problem with it at once.
fn checked(value: &JsValue, what: &str) -> Result<Scenario, Vec<FieldError>> {
    let (s, mut errors) = read(value, what);
    if let Some(s) = &s {
        for e in scenario::validate(s) {
            if !errors.iter().any(|x| x.field == e.field) {
                errors.push(e);
            }
        }
        // The core build (what a figure loads) has no calibrated sets to draw from; the pages'
        // workers send such scenarios to the full build (www/src/worker.js).
        #[cfg(not(feature = "full-api"))]
        if s.simulation.uncertainty {
            errors.push(FieldError { field: "simulation.uncertainty".into(), value: "true".into(), allowed: "false in the model's core build; the full build (www/pkg) runs parameter uncertainty".into() });
        }
    }
    match s {
        Some(s) if errors.is_empty() => Ok(s),
        _ => Err(errors),
    }
}

/// Prefix the fields of errors about one arm of a comparison (`reform.simulation.quarters`).
fn in_arm(arm: &str, errors: Vec<FieldError>) -> impl Iterator<Item = FieldError> + '_ {
    errors.into_iter().map(move |mut e| {
        if e.field != arm {
            e.field = format!("{arm}.{}", e.field);
        }
        e
    })
}

/// Read and validate; every problem at once, in the thrown message.
fn parse_valid(value: JsValue, what: &str) -> Result<Scenario, JsValue> {
    checked(&value, what).map_err(|e| js_error(ScenarioError(e)))
}

/// Preset names, in menu order.
#[wasm_bindgen(js_name = presetNames)]
pub fn preset_names() -> Array {
    scenario::PRESET_NAMES.iter().map(|n| JsValue::from_str(n)).collect()
}

/// One-line description of a preset.
#[wasm_bindgen(js_name = presetDescription)]
pub fn preset_description(name: JsValue) -> Result<String, JsValue> {
    let name = preset_name(&name)?;
    scenario::preset_description(&name).map(str::to_string).ok_or_else(|| js_error(ScenarioError::unknown_preset(&name)))
}

fn preset_name(v: &JsValue) -> Result<String, JsValue> {
    string_arg("preset", v, &format!("one of {}", scenario::PRESET_NAMES.join(", ")))
}

/// The scenario of a preset, as a plain object.
#[wasm_bindgen]
pub fn preset(name: JsValue) -> Result<JsValue, JsValue> {
    to_js(&scenario::preset_or_error(&preset_name(&name)?).map_err(js_error)?)
}

/// The default scenario (no regulation).
#[wasm_bindgen(js_name = defaultScenario)]
pub fn default_scenario() -> Result<JsValue, JsValue> {
    to_js(&Scenario::default())
}

/// The parameter table: path, group, label, unit, kind, min, max, log_scale, doc, source.
#[wasm_bindgen(js_name = paramSpecs)]
pub fn param_specs() -> Result<JsValue, JsValue> {
    to_js(&scenario::spec::param_specs())
}

/// The metrics: `[{name, description}]`, in output order.
#[wasm_bindgen]
pub fn metrics() -> Array {
    Metric::ALL
        .iter()
        .map(|m| {
            let o = Object::new();
            set(&o, "name", &JsValue::from_str(m.name()));
            set(&o, "description", &JsValue::from_str(m.description()));
            JsValue::from(o)
        })
        .collect()
}

/// Every problem with a scenario as `[{field, value, allowed}]`; empty when it is valid.
#[wasm_bindgen(js_name = validateScenario)]
pub fn validate_scenario(value: JsValue) -> Result<JsValue, JsValue> {
    to_js(&checked(&value, "scenario").err().unwrap_or_default())
}

/// A scenario of any schema version as a whole scenario of this one (model v1.3's, version 1,
/// mapped as `scenario::migrate` says); throws naming what cannot be mapped.
#[cfg(feature = "full-api")]
#[wasm_bindgen(js_name = upgradeScenario)]
pub fn upgrade_scenario(value: JsValue) -> Result<JsValue, JsValue> {
    let s = parse_valid(value, "scenario")?;
    to_js(&s)
}

/// The schema version of this model's scenarios.
#[wasm_bindgen(js_name = schemaVersion)]
pub fn schema_version() -> u32 {
    scenario::SCHEMA_VERSION
}

/// The largest replicate count an experiment accepts.
#[wasm_bindgen(js_name = maxReplicates)]
pub fn max_replicates() -> u32 {
    scenario::MAX_REPLICATES
}

/// The model's version (the crate's, as in every result's `version`): one version gives the same
/// bits everywhere, and a change of results is a new version (docs/versions.md).
#[wasm_bindgen]
pub fn version() -> String {
    crate::report::VERSION.to_string()
}

/// A 16-hex-digit hash of every output bit of one replicate: the same in every build.
#[wasm_bindgen(js_name = replicateHash)]
pub fn replicate_hash(value: JsValue, index: JsValue) -> Result<String, JsValue> {
    let index = whole_arg("index", &index, u32::MAX)?;
    let s = parse_valid(value, "scenario")?;
    Ok(format!("{:016x}", ensemble::run_replicate(&s, index).bits_hash()))
}

/// A whole number below 2^53 (exact in JavaScript) identifying scenarios and a replicate count,
/// the same in every build: FNV-1a over their fields (as `serde_json::Value`s, which the module
/// builds anyway, rather than JSON text, whose writer would add 20 KB to the download), folded by
/// SplitMix64.
fn fingerprint(scenarios: &[&Scenario], replicates: u32) -> f64 {
    use crate::rng::{fnv1a, mix64, FNV_OFFSET};
    fn walk(h: u64, v: &serde_json::Value) -> u64 {
        use serde_json::Value;
        match v {
            Value::Null => fnv1a(h, b"n"),
            Value::Bool(b) => fnv1a(h, if *b { b"t" } else { b"f" }),
            Value::Number(n) => fnv1a(fnv1a(h, b"#"), &n.as_f64().unwrap_or(f64::NAN).to_bits().to_le_bytes()),
            Value::String(s) => fnv1a(fnv1a(h, b"s"), s.as_bytes()),
            Value::Array(a) => a.iter().fold(fnv1a(h, b"["), walk),
            Value::Object(o) => o.iter().fold(fnv1a(h, b"{"), |h, (k, x)| walk(fnv1a(h, k.as_bytes()), x)),
        }
    }
    let h = scenarios.iter().fold(FNV_OFFSET, |h, s| mix64(walk(h, &serde_json::to_value(s).unwrap_or_default())));
    (mix64(h ^ replicates as u64) >> 11) as f64
}

fn band_object(b: &Band) -> Object {
    let o = Object::new();
    for stat in STATS {
        set(&o, stat, &Float64Array::from(b.stat(stat).expect("known stat")).into());
    }
    o
}

fn metrics_object(bands: &[Band]) -> Object {
    let o = Object::new();
    for &m in Metric::ALL {
        set(&o, m.name(), &band_object(&bands[m.index()]).into());
    }
    o
}

fn arm_object(r: &ensemble::EnsembleResult) -> Result<Object, JsValue> {
    let o = Object::new();
    set(&o, "scenario", &to_js(&r.scenario)?);
    set(&o, "metrics", &metrics_object(&r.bands).into());
    Ok(o)
}

/// An ensemble or a baseline-against-reform comparison, run a few replicates at a time so that
/// a worker can report progress and drop stale work between steps.
#[wasm_bindgen]
pub struct Experiment {
    baseline: Scenario,
    reform: Option<Scenario>,
    replicates: u32,
    base_runs: Vec<RunMetrics>,
    reform_runs: Vec<RunMetrics>,
    /// The replicate index of each run in `base_runs` (and `reform_runs`).
    indices: Vec<u32>,
    /// Next replicate index this experiment runs itself, and the step between its indices
    /// (1, or the number of shards; see `shard`).
    next: u32,
    stride: u32,
    /// Replicates run here (not imported).
    own_done: u32,
    /// Baseline runs supplied by `reuseBaselineRuns`, in the order this experiment runs its
    /// replicates; empty when the baseline is run here.
    given_base: Vec<RunMetrics>,
    /// The replicate being run a few quarters at a time (`advance`), if one is under way.
    under_way: Option<UnderWay>,
}

/// One replicate part-way through: each arm finished, running, or not needed.
struct UnderWay {
    base: Arm,
    reform: Option<Arm>,
}

enum Arm {
    Running(Box<Simulation>),
    Done(RunMetrics),
}

impl Arm {
    /// Run up to `budget` more quarters; returns the quarters run.
    fn advance(&mut self, budget: u32) -> u32 {
        let Arm::Running(sim) = self else { return 0 };
        let quarters = sim.scenario().simulation.quarters as i64;
        let mut ran = 0;
        while ran < budget && sim.quarter() < quarters {
            sim.step();
            ran += 1;
        }
        if sim.quarter() >= quarters {
            let Arm::Running(sim) = std::mem::replace(self, Arm::Done(RunMetrics { columns: Vec::new() })) else { unreachable!() };
            *self = Arm::Done(sim.metrics);
        }
        ran
    }

    fn done(&self) -> bool {
        matches!(self, Arm::Done(_))
    }
}

#[wasm_bindgen]
impl Experiment {
    /// A comparison of `reform` against `baseline` (common random numbers: both use the
    /// baseline's seed), or, when `reform` is null or undefined, an ensemble of `baseline` alone.
    /// `replicates` defaults to the baseline's `simulation.replicates`. Throws on bad input.
    #[wasm_bindgen(constructor)]
    pub fn new(baseline: JsValue, reform: JsValue, replicates: JsValue) -> Result<Experiment, JsValue> {
        let single = reform.is_null() || reform.is_undefined();
        // Every problem with either scenario and the replicate count, at once; in a comparison,
        // fields are prefixed with their arm (`reform.simulation.quarters`).
        let mut errors = Vec::new();
        let b = checked(&baseline, if single { "scenario" } else { "baseline" });
        let r = if single { None } else { Some(checked(&reform, "reform")) };
        match (&b, single) {
            (Err(e), true) => errors.extend(e.iter().cloned()),
            (Err(e), false) => errors.extend(in_arm("baseline", e.clone())),
            _ => {}
        }
        if let Some(Err(e)) = &r {
            errors.extend(in_arm("reform", e.clone()));
        }
        let replicates = replicates_arg(&replicates).unwrap_or_else(|e| {
            errors.push(e);
            Some(1.0)
        });
        let reps = match replicates {
            None => b.as_ref().map_or(1, |b| b.simulation.replicates),
            Some(x) if x.is_finite() && x.fract() == 0.0 && x >= 1.0 && x <= scenario::MAX_REPLICATES as f64 => x as u32,
            Some(x) => {
                errors.push(FieldError {
                    field: "replicates".into(),
                    value: describe(&JsValue::from_f64(x)),
                    allowed: format!("a whole number from 1 to {}", scenario::MAX_REPLICATES),
                });
                1
            }
        };
        let (b, r) = match (b, r) {
            (Ok(b), None) if errors.is_empty() => (b, None),
            (Ok(b), Some(Ok(r))) if errors.is_empty() => (b, Some(r)),
            _ => return Err(js_error(ScenarioError(errors))),
        };
        match &r {
            None => ensemble::check(&b, reps).map_err(js_error)?,
            Some(r) => ensemble::check_pair(&b, r, reps).map_err(js_error)?,
        }
        let reform = r.map(|r| ensemble::paired(&b, &r));
        Ok(Experiment { baseline: b, reform, replicates: reps, base_runs: Vec::new(), reform_runs: Vec::new(), indices: Vec::new(), next: 0, stride: 1, own_done: 0, given_base: Vec::new(), under_way: None })
    }

    fn arms(&self) -> u32 {
        if self.reform.is_some() { 2 } else { 1 }
    }

    /// Replicates this experiment runs itself: all, or its shard's.
    fn own_total(&self) -> u32 {
        let first = self.next - self.own_done * self.stride;
        if first >= self.replicates { 0 } else { (self.replicates - first - 1) / self.stride + 1 }
    }

    /// Run only replicates `part`, `part + parts`, `part + 2 parts`, … (to split an experiment
    /// across `parts` workers). Call before the first `step`; `step`, `done`, `progress`,
    /// `runsDone` and `runsTotal` then count this shard's runs. Collect the other shards' runs
    /// with `exportRuns` and `importRuns` before `result`. Bands do not depend on the order of
    /// replicates, so the merged result is the same as one unsharded experiment's.
    pub fn shard(&mut self, part: JsValue, parts: JsValue) -> Result<(), JsValue> {
        let (part, parts) = (whole_arg("part", &part, u32::MAX)?, whole_arg("parts", &parts, u32::MAX)?);
        if parts == 0 || part >= parts {
            return Err(js_error(FieldError {
                field: "shard".into(),
                value: format!("part {part} of {parts}"),
                allowed: "parts ≥ 1 and part from 0 to parts − 1".into(),
            }));
        }
        if !self.base_runs.is_empty() || self.under_way.is_some() {
            return Err(js_error("shard: call before the first step or importRuns"));
        }
        self.next = part;
        self.stride = parts;
        Ok(())
    }

    /// The runs present (run here or imported), for `importRuns` of another shard of the same
    /// experiment: the experiment's fingerprint (a whole number identifying its scenarios and
    /// replicate count), then for each replicate its index and its runs' values: the baseline's
    /// metrics (in `metrics()` order, one value per quarter each), then the reform's.
    #[wasm_bindgen(js_name = exportRuns)]
    pub fn export_runs(&self) -> Float64Array {
        self.export(self.fingerprint(), true)
    }

    /// The baseline's runs present, laid out as in `exportRuns` (with the baseline's own
    /// fingerprint), for `reuseBaselineRuns` of a later comparison with the same baseline.
    #[wasm_bindgen(js_name = exportBaselineRuns)]
    pub fn export_baseline_runs(&self) -> Float64Array {
        self.export(self.baseline_fingerprint(), false)
    }

    fn export(&self, fingerprint: f64, with_reform: bool) -> Float64Array {
        let arms = if with_reform { self.arms() as usize } else { 1 };
        let mut flat = Vec::with_capacity(1 + self.base_runs.len() * (1 + self.run_len() * arms));
        flat.push(fingerprint);
        for (k, b) in self.base_runs.iter().enumerate() {
            flat.push(self.indices[k] as f64);
            for run in std::iter::once(b).chain(self.reform_runs.get(k).filter(|_| with_reform)) {
                for c in &run.columns {
                    flat.extend_from_slice(c);
                }
            }
        }
        Float64Array::from(&flat[..])
    }

    /// A whole number below 2^53 identifying the baseline scenario and the replicate count.
    fn baseline_fingerprint(&self) -> f64 {
        fingerprint(&[&self.baseline], self.replicates)
    }

    /// A whole number below 2^53 identifying both scenarios and the replicate count.
    fn fingerprint(&self) -> f64 {
        match &self.reform {
            None => self.baseline_fingerprint(),
            Some(r) => fingerprint(&[&self.baseline, r], self.replicates),
        }
    }

    /// Read runs laid out as `export` writes them, checked against `fingerprint`: one
    /// `(index, runs)` per replicate, each run with `arms` arms.
    fn read_runs(&self, what: &str, runs: &JsValue, fingerprint: f64, arms: usize) -> Result<Vec<(u32, Vec<RunMetrics>)>, JsValue> {
        let bad = |value: String, allowed: &str| js_error(FieldError { field: what.into(), value, allowed: allowed.into() });
        let Some(runs) = runs.dyn_ref::<Float64Array>() else {
            return Err(bad(describe(runs), "a Float64Array from exportRuns() of another shard of this experiment"));
        };
        let runs = runs.to_vec();
        let per = 1 + self.run_len() * arms;
        if runs.is_empty() || (runs.len() - 1) % per != 0 {
            return Err(bad(format!("{} values", runs.len()), &format!("1 + a multiple of {per} values, as exported")));
        }
        if runs[0] != fingerprint {
            return Err(bad("runs of another experiment".into(), "runs of this experiment's scenarios and replicate count"));
        }
        let q = self.baseline.simulation.quarters as usize;
        let mut out = Vec::with_capacity((runs.len() - 1) / per);
        for chunk in runs[1..].chunks_exact(per) {
            let index = chunk[0];
            if !(index.fract() == 0.0 && index >= 0.0 && index < self.replicates as f64) {
                return Err(bad(format!("replicate index {}", scenario::show_number(index)), &format!("replicate indices from 0 to {}", self.replicates - 1)));
            }
            if let Some(x) = chunk[1..].iter().find(|x| x.is_infinite()) {
                return Err(bad(format!("a value of {}", scenario::show_number(*x)), "finite values, or NaN for a quarter without one"));
            }
            let arms = chunk[1..].chunks_exact(self.run_len()).map(|r| RunMetrics { columns: r.chunks_exact(q).map(<[f64]>::to_vec).collect() }).collect();
            out.push((index as u32, arms));
        }
        Ok(out)
    }

    /// Add runs exported by another shard of the same experiment (`exportRuns`: same scenarios
    /// and replicates). To merge shards, import into one of them, or into an unsharded experiment
    /// that then runs nothing itself once every replicate is present. Throws, adding nothing, on
    /// runs of another experiment or a replicate already present.
    #[wasm_bindgen(js_name = importRuns)]
    pub fn import_runs(&mut self, runs: JsValue) -> Result<(), JsValue> {
        let read = self.read_runs("importRuns", &runs, self.fingerprint(), self.arms() as usize)?;
        let mut seen = vec![false; self.replicates as usize];
        for &i in &self.indices {
            seen[i as usize] = true;
        }
        // The replicate under way will be added when it finishes.
        if self.under_way.is_some() {
            seen[self.next as usize] = true;
        }
        for (i, _) in &read {
            if std::mem::replace(&mut seen[*i as usize], true) {
                return Err(js_error(FieldError { field: "importRuns".into(), value: format!("replicate {i} again"), allowed: "each replicate once".into() }));
            }
        }
        for (i, arms) in read {
            let mut arms = arms.into_iter();
            self.indices.push(i);
            self.base_runs.extend(arms.next());
            self.reform_runs.extend(arms.next());
        }
        Ok(())
    }

    /// Values in one run: every metric, one per quarter.
    fn run_len(&self) -> usize {
        Metric::ALL.len() * self.baseline.simulation.quarters as usize
    }

    /// Runs to do in all (replicates, twice for a comparison; a shard's share after `shard`).
    #[wasm_bindgen(getter, js_name = runsTotal)]
    pub fn runs_total(&self) -> u32 {
        self.own_total() * self.computed_arms()
    }

    /// Runs done so far (by this experiment, not imported).
    #[wasm_bindgen(getter, js_name = runsDone)]
    pub fn runs_done(&self) -> u32 {
        self.own_done * self.computed_arms()
    }

    /// Arms run here: the reform alone when the baseline's runs are reused.
    fn computed_arms(&self) -> u32 {
        if self.given_base.is_empty() { self.arms() } else { 1 }
    }

    /// Reuse baseline runs kept from an earlier experiment with the same baseline scenario and
    /// replicate count (and the same `shard`), so that only the reform is run: `runs` is that
    /// experiment's `exportBaselineRuns()` taken before any import, i.e. the baseline's run of each
    /// replicate this experiment runs itself, in the order it runs them. Call before the first
    /// `step`, in a comparison; throws on runs of another baseline, replicate count or shard.
    /// The result is the same as when the baseline is run again: runs are pure
    /// functions of scenario, seed and replicate index.
    #[wasm_bindgen(js_name = reuseBaselineRuns)]
    pub fn reuse_baseline_runs(&mut self, runs: JsValue) -> Result<(), JsValue> {
        if self.reform.is_none() || self.own_done > 0 || !self.base_runs.is_empty() || self.under_way.is_some() {
            return Err(js_error("reuseBaselineRuns: only for a comparison, before the first step or importRuns"));
        }
        let read = self.read_runs("reuseBaselineRuns", &runs, self.baseline_fingerprint(), 1)?;
        let own: Vec<u32> = (0..self.own_total()).map(|k| self.next + k * self.stride).collect();
        let given: Vec<u32> = read.iter().map(|(i, _)| *i).collect();
        if given != own {
            return Err(js_error(FieldError {
                field: "reuseBaselineRuns".into(),
                value: format!("runs of {} replicates", given.len()),
                allowed: format!("the baseline's runs of exactly the {} replicates this experiment runs itself, in order (same shard)", own.len()),
            }));
        }
        self.given_base = read.into_iter().flat_map(|(_, arms)| arms).collect();
        Ok(())
    }

    /// Fraction done, 0–1.
    pub fn progress(&self) -> f64 {
        let total = self.runs_total();
        if total == 0 { 1.0 } else { self.runs_done() as f64 / total as f64 }
    }

    /// Do up to `max_runs` more runs (at least one); returns true when every run is done (every
    /// run of its shard after `shard`).
    pub fn step(&mut self, max_runs: u32) -> bool {
        for _ in 0..max_runs.max(1) {
            if self.done() {
                break;
            }
            self.run_quarters(u32::MAX, true);
        }
        self.done()
    }

    /// Run up to `max_quarters` more quarters (at least one), over as many runs as that takes;
    /// returns true when every run is done. A run is kept part-way between calls, so that a
    /// worker can answer messages (a newer request, a cancel) every few quarters however long a
    /// run is. The results are those of `step`: a run is the same whether or not it pauses.
    pub fn advance(&mut self, max_quarters: u32) -> bool {
        self.run_quarters(max_quarters.max(1), false);
        self.done()
    }

    /// Run quarters for about `ms` milliseconds of the global scope's `performance` clock (a
    /// page's or a worker's; at least a few quarters, and a few when there is no clock); returns
    /// true when every run is done. A worker's slice between messages: timed here, not by calls
    /// from JavaScript a few quarters at a time. The results are those of `step`.
    #[wasm_bindgen(js_name = advanceFor)]
    pub fn advance_for(&mut self, ms: f64) -> bool {
        // Quarters between readings of the clock: a quarter of a default run is tens of µs.
        const QUARTERS_PER_READING: u32 = 4;
        let clock = performance_clock();
        let start = clock.as_ref().map(web_sys::Performance::now);
        loop {
            self.run_quarters(QUARTERS_PER_READING, false);
            if self.done() {
                return true;
            }
            match (&clock, start) {
                // A NaN budget is spent at once (`<` is false).
                (Some(c), Some(t0)) if c.now() - t0 < ms => continue,
                _ => return false,
            }
        }
    }

    /// Run up to `budget` quarters; with `one_run`, stop when a run finishes.
    fn run_quarters(&mut self, mut budget: u32, one_run: bool) {
        while budget > 0 && !self.done() {
            let i = self.next;
            let w = self.under_way.get_or_insert_with(|| {
                let given = self.given_base.get_mut(self.own_done as usize).map(|r| std::mem::replace(r, RunMetrics { columns: Vec::new() }));
                // As `ensemble::run_replicate` seeds them (the reform already has the baseline's seed).
                let sim = |s: &Scenario| Arm::Running(Box::new(Simulation::new(s, crate::rng::replicate_seed(s.simulation.seed, i as u64))));
                UnderWay { base: given.map_or_else(|| sim(&self.baseline), Arm::Done), reform: self.reform.as_ref().map(sim) }
            });
            budget -= w.base.advance(budget);
            budget -= w.reform.as_mut().map_or(0, |r| r.advance(budget));
            if !(w.base.done() && w.reform.as_ref().is_none_or(Arm::done)) {
                continue;
            }
            let Some(UnderWay { base: Arm::Done(b), reform }) = self.under_way.take() else { unreachable!("both arms are done") };
            self.base_runs.push(b);
            if let Some(Arm::Done(r)) = reform {
                self.reform_runs.push(r);
            }
            self.indices.push(i);
            self.next += self.stride;
            self.own_done += 1;
            if one_run {
                break;
            }
        }
    }

    /// Whether every run is done (every run of its shard after `shard`), or every replicate's
    /// runs are present (after `importRuns`).
    pub fn done(&self) -> bool {
        self.next >= self.replicates || self.base_runs.len() >= self.replicates as usize
    }

    /// The result, finishing any runs still to do: `{version, quarters, years, replicates,
    /// baseline: {scenario, metrics}, reform?, difference?}`, where `metrics.NAME.STAT` is a
    /// `Float64Array` (NaN where a quarter has no value).
    /// After `shard`, every other shard's runs must have been imported first.
    pub fn result(&mut self) -> Result<JsValue, JsValue> {
        while !self.step(64) {}
        if self.base_runs.len() < self.replicates as usize {
            return Err(js_error(FieldError {
                field: "replicates".into(),
                value: format!("{} of {} present", self.base_runs.len(), self.replicates),
                allowed: "every replicate: import the other shards' runs (importRuns) before result()".into(),
            }));
        }
        let o = Object::new();
        set(&o, "version", &JsValue::from_str(crate::report::VERSION));
        let quarters: Array = self.baseline.quarter_labels().iter().map(|q| JsValue::from_str(q)).collect();
        set(&o, "quarters", &quarters.into());
        let start = self.baseline.simulation.start_year as f64;
        let years: Vec<f64> = (0..self.baseline.simulation.quarters).map(|t| start + t as f64 / 4.0).collect();
        set(&o, "years", &Float64Array::from(&years[..]).into());
        set(&o, "replicates", &JsValue::from(self.replicates));
        match &self.reform {
            None => {
                let e = ensemble::ensemble(&self.baseline, self.replicates, self.base_runs.clone());
                set(&o, "baseline", &arm_object(&e)?.into());
            }
            Some(r) => {
                let c = ensemble::comparison(&self.baseline, r, self.replicates, self.base_runs.clone(), self.reform_runs.clone());
                set(&o, "baseline", &arm_object(&c.baseline)?.into());
                set(&o, "reform", &arm_object(&c.reform)?.into());
                let d = Object::new();
                set(&d, "metrics", &metrics_object(&c.difference).into());
                set(&o, "difference", &d.into());
            }
        }
        Ok(o.into())
    }
}

/// Run an ensemble of one scenario at once (see [`Experiment`] for progress).
#[wasm_bindgen(js_name = runEnsemble)]
pub fn run_ensemble(scenario: JsValue, replicates: JsValue) -> Result<JsValue, JsValue> {
    Experiment::new(scenario, JsValue::NULL, replicates)?.result()
}

/// Compare a reform against a baseline at once (see [`Experiment`] for progress).
#[wasm_bindgen(js_name = runComparison)]
pub fn run_comparison(baseline: JsValue, reform: JsValue, replicates: JsValue) -> Result<JsValue, JsValue> {
    if reform.is_null() || reform.is_undefined() {
        let e = FieldError { field: "reform".into(), value: describe(&reform), allowed: "a scenario object (see preset())".into() };
        return Err(js_error(e));
    }
    Experiment::new(baseline, reform, replicates)?.result()
}

/// A sweep: an experiment (the object form of an experiment file, see docs/analysis.md) run point
/// by point, so that several workers can share its points and report as each finishes. (In the
/// build with the `full-api` feature: the figures' smaller build leaves the analysis out.)
///
/// ```js
/// const sweep = new Sweep(experiment);          // throws, naming every bad field
/// const rows = sweep.runPoint(0);               // Float64Array: replicates × columns
/// const idx = sweep.indices(means);             // means: one number per point
/// ```
#[cfg(feature = "full-api")]
#[wasm_bindgen]
pub struct Sweep {
    e: crate::analysis::experiment::Experiment,
}

#[cfg(feature = "full-api")]
#[wasm_bindgen]
impl Sweep {
    /// Check an experiment object and build its design.
    #[wasm_bindgen(constructor)]
    pub fn new(experiment: JsValue) -> Result<Sweep, JsValue> {
        use crate::analysis::experiment::{spec_from_value, Experiment};
        let v: serde_json::Value = serde_wasm_bindgen::from_value(experiment.clone()).map_err(|_| js_error(FieldError { field: "experiment".into(), value: describe(&experiment), allowed: "an experiment object (see docs/analysis.md)".into() }))?;
        let spec = spec_from_value(v).map_err(js_error)?;
        Ok(Sweep { e: Experiment::new(spec).map_err(js_error)? })
    }

    /// Number of design points.
    #[wasm_bindgen(getter)]
    pub fn points(&self) -> u32 {
        self.e.len() as u32
    }

    /// Replicates per point and arm.
    #[wasm_bindgen(getter)]
    pub fn replicates(&self) -> u32 {
        self.e.replicates()
    }

    /// The factors' scenario paths, in design order.
    pub fn factors(&self) -> Array {
        self.e.factors.iter().map(|f| JsValue::from_str(&f.path)).collect()
    }

    /// The summary columns of a row, in order (`NAME_baseline`, `NAME_reform`, `NAME_effect` for
    /// a comparison).
    pub fn columns(&self) -> Array {
        self.e.summary_columns().iter().map(|c| JsValue::from_str(c)).collect()
    }

    /// The factors' values at point `i` (null where a factor keeps the scenario's value).
    #[wasm_bindgen(js_name = factorValues)]
    pub fn factor_values(&self, i: JsValue) -> Result<JsValue, JsValue> {
        let i = self.point_arg(&i)?;
        to_js(&self.e.factor_values(i))
    }

    /// Run every replicate of point `i`: a Float64Array of replicates × columns, row by row.
    #[wasm_bindgen(js_name = runPoint)]
    pub fn run_point(&self, i: JsValue) -> Result<Float64Array, JsValue> {
        let i = self.point_arg(&i)?;
        let rows = self.e.run_point(i).map_err(js_error)?;
        let flat: Vec<f64> = rows.into_iter().flatten().collect();
        Ok(Float64Array::from(&flat[..]))
    }

    /// Sensitivity indices from one number per point (e.g. a column's mean over replicates):
    /// Morris, Sobol' or tornado, as the design allows. `options`: `{resamples, level}`.
    pub fn indices(&self, y: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let y: Vec<f64> = if y.is_instance_of::<Float64Array>() { Float64Array::from(y).to_vec() } else { return Err(js_error(FieldError { field: "y".into(), value: describe(&y), allowed: format!("a Float64Array of {} values, one per point", self.e.len()) })) };
        if y.len() != self.e.len() {
            return Err(js_error(FieldError { field: "y".into(), value: format!("{} values", y.len()), allowed: format!("{} values, one per point", self.e.len()) }));
        }
        let mut boot = crate::analysis::sensitivity::Bootstrap { seed: self.e.spec.seed, ..Default::default() };
        if is_plain_object(&options) {
            if let Some(r) = Reflect::get(&options, &"resamples".into()).ok().filter(|v| !v.is_undefined()) {
                boot.resamples = whole_arg("options.resamples", &r, 100_000)?.max(2) as usize;
            }
            if let Some(l) = Reflect::get(&options, &"level".into()).ok().filter(|v| !v.is_undefined()) {
                boot.level = l.as_f64().filter(|x| *x > 0.0 && *x < 1.0).ok_or_else(|| js_error(FieldError { field: "options.level".into(), value: describe(&l), allowed: "a number between 0 and 1".into() }))?;
            }
        }
        let idx = crate::analysis::results::indices(&self.e, &y, &boot).map_err(js_error)?;
        to_js(&idx)
    }

    fn point_arg(&self, i: &JsValue) -> Result<usize, JsValue> {
        let n = self.e.len() as u32;
        let i = whole_arg("point", i, n.saturating_sub(1))?;
        Ok(i as usize)
    }
}

/// The uncertain parameters, most uncertain first (the calibration narrowed them least):
/// `[{path, low, high, spread}]`.
#[cfg(feature = "full-api")]
#[wasm_bindgen(js_name = uncertainParameters)]
pub fn uncertain_parameters() -> Result<JsValue, JsValue> {
    to_js(&crate::calibration::most_uncertain())
}

/// The experiment object of a "What drives this?" view: `baseline` and `reform` whole scenarios,
/// `drivers` `{kind: "tornado"|"morris", metric, from, to, count?, replicates?, trajectories?}`.
/// Pass it to `new Sweep(...)`.
#[cfg(feature = "full-api")]
#[wasm_bindgen(js_name = driversExperiment)]
pub fn drivers_experiment(baseline: JsValue, reform: JsValue, drivers: JsValue) -> Result<JsValue, JsValue> {
    let b = parse_valid(baseline, "baseline")?;
    let r = parse_valid(reform, "reform")?;
    let d: crate::analysis::drivers::DriversSpec = serde_wasm_bindgen::from_value::<serde_json::Value>(drivers.clone())
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| js_error(FieldError { field: "drivers".into(), value: describe(&drivers), allowed: "{kind: \"tornado\" or \"morris\", metric, from, to, count?, replicates?, trajectories?}".into() }))?;
    let spec = crate::analysis::drivers::experiment(&serde_json::to_value(&b).map_err(js_error)?, &serde_json::to_value(&r).map_err(js_error)?, &d);
    to_js(&spec)
}

/// The global scope's `performance` (a window's, a worker's, Node.js's), if it has one.
fn performance_clock() -> Option<web_sys::Performance> {
    let p = Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok()?;
    // Not `dyn_into`: Node.js's clock is not an instance of a global `Performance` everywhere.
    (p.is_object() && Reflect::has(&p, &JsValue::from_str("now")).unwrap_or(false)).then(|| p.unchecked_into())
}

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

/// Read a scenario from a JS value; an error names the path of the offending field.
fn parse(value: JsValue, what: &str) -> Result<Scenario, ScenarioError> {
    if value.is_undefined() || value.is_null() {
        return Err(ScenarioError(vec![FieldError {
            field: what.into(),
            value: if value.is_null() { "null".into() } else { "undefined".into() },
            allowed: "a scenario object (see defaultScenario())".into(),
        }]));
    }
    let de = serde_wasm_bindgen::Deserializer::from(value);
    serde_path_to_error::deserialize::<_, Scenario>(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { what.to_string() } else { format!("{what}.{path}") };
        ScenarioError(vec![FieldError { field, value: "this value".into(), allowed: e.inner().to_string() }])
    })
}

/// Parse and validate; every problem at once, in the thrown message.
fn parse_valid(value: JsValue, what: &str) -> Result<Scenario, JsValue> {
    let s = parse(value, what).map_err(js_error)?;
    let errors = scenario::validate(&s);
    if errors.is_empty() { Ok(s) } else { Err(js_error(ScenarioError(errors))) }
}

/// Preset names, in menu order.
#[wasm_bindgen(js_name = presetNames)]
pub fn preset_names() -> Array {
    scenario::PRESET_NAMES.iter().map(|n| JsValue::from_str(n)).collect()
}

/// One-line description of a preset.
#[wasm_bindgen(js_name = presetDescription)]
pub fn preset_description(name: &str) -> Result<String, JsValue> {
    scenario::preset_description(name).map(str::to_string).ok_or_else(|| js_error(ScenarioError::unknown_preset(name)))
}

/// The scenario of a preset, as a plain object.
#[wasm_bindgen]
pub fn preset(name: &str) -> Result<JsValue, JsValue> {
    to_js(&scenario::preset_or_error(name).map_err(js_error)?)
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
    let errors = match parse(value, "scenario") {
        Ok(s) => scenario::validate(&s),
        Err(e) => e.0,
    };
    to_js(&errors)
}

/// The largest replicate count an experiment accepts.
#[wasm_bindgen(js_name = maxReplicates)]
pub fn max_replicates() -> u32 {
    scenario::MAX_REPLICATES
}

/// A 16-hex-digit hash of every output bit of one replicate: the same in every build.
#[wasm_bindgen(js_name = replicateHash)]
pub fn replicate_hash(value: JsValue, index: u32) -> Result<String, JsValue> {
    let s = parse_valid(value, "scenario")?;
    Ok(format!("{:016x}", ensemble::run_replicate(&s, index).bits_hash()))
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
    /// Next replicate index this experiment runs itself, and the step between its indices
    /// (1, or the number of shards; see `shard`).
    next: u32,
    stride: u32,
    /// Replicates run here (not imported).
    own_done: u32,
}

#[wasm_bindgen]
impl Experiment {
    /// A comparison of `reform` against `baseline` (common random numbers: both use the
    /// baseline's seed), or, when `reform` is null or undefined, an ensemble of `baseline` alone.
    /// `replicates` defaults to the baseline's `simulation.replicates`. Throws on bad input.
    #[wasm_bindgen(constructor)]
    pub fn new(baseline: JsValue, reform: JsValue, replicates: Option<f64>) -> Result<Experiment, JsValue> {
        let single = reform.is_null() || reform.is_undefined();
        let b = parse(baseline, "baseline").map_err(js_error)?;
        let r = if single { None } else { Some(parse(reform, "reform").map_err(js_error)?) };
        let reps = match replicates {
            None => b.simulation.replicates,
            Some(x) if x.is_finite() && x.fract() == 0.0 && x >= 1.0 && x <= scenario::MAX_REPLICATES as f64 => x as u32,
            Some(x) => {
                return Err(js_error(FieldError {
                    field: "replicates".into(),
                    value: format!("{x}"),
                    allowed: format!("a whole number from 1 to {}", scenario::MAX_REPLICATES),
                }))
            }
        };
        match &r {
            None => ensemble::check(&b, reps).map_err(js_error)?,
            Some(r) => ensemble::check_pair(&b, r, reps).map_err(js_error)?,
        }
        let reform = r.map(|r| ensemble::paired(&b, &r));
        Ok(Experiment { baseline: b, reform, replicates: reps, base_runs: Vec::new(), reform_runs: Vec::new(), next: 0, stride: 1, own_done: 0 })
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
    pub fn shard(&mut self, part: u32, parts: u32) -> Result<(), JsValue> {
        if parts == 0 || part >= parts {
            return Err(js_error(FieldError {
                field: "shard".into(),
                value: format!("part {part} of {parts}"),
                allowed: "parts ≥ 1 and part from 0 to parts − 1".into(),
            }));
        }
        if !self.base_runs.is_empty() {
            return Err(js_error("shard: call before the first step or importRuns"));
        }
        self.next = part;
        self.stride = parts;
        Ok(())
    }

    /// The runs present (run here or imported), flattened: for each replicate, the baseline's
    /// metrics (in `metrics()` order, one value per quarter each), then the reform's.
    #[wasm_bindgen(js_name = exportRuns)]
    pub fn export_runs(&self) -> Float64Array {
        let mut flat = Vec::with_capacity(self.base_runs.len() * self.run_len() * self.arms() as usize);
        for (k, b) in self.base_runs.iter().enumerate() {
            for run in std::iter::once(b).chain(self.reform_runs.get(k)) {
                for c in &run.columns {
                    flat.extend_from_slice(c);
                }
            }
        }
        Float64Array::from(&flat[..])
    }

    /// Add runs exported by another shard of the same experiment (same scenarios and replicates).
    /// To merge shards, import into one of them, or into an unsharded experiment that then runs
    /// nothing itself once every replicate is present.
    #[wasm_bindgen(js_name = importRuns)]
    pub fn import_runs(&mut self, runs: &[f64]) -> Result<(), JsValue> {
        let per = self.run_len() * self.arms() as usize;
        let n = if per == 0 { 0 } else { runs.len() / per };
        if per == 0 || runs.len() % per != 0 || self.base_runs.len() + n > self.replicates as usize {
            return Err(js_error(FieldError {
                field: "importRuns".into(),
                value: format!("{} values", runs.len()),
                allowed: format!(
                    "a multiple of {per} values (one replicate), for at most {} more replicates",
                    self.replicates as usize - self.base_runs.len()
                ),
            }));
        }
        let q = self.baseline.simulation.quarters as usize;
        for pair in runs.chunks_exact(per) {
            let mut arms = pair.chunks_exact(self.run_len()).map(|r| RunMetrics { columns: r.chunks_exact(q).map(<[f64]>::to_vec).collect() });
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
        self.own_total() * self.arms()
    }

    /// Runs done so far (by this experiment, not imported).
    #[wasm_bindgen(getter, js_name = runsDone)]
    pub fn runs_done(&self) -> u32 {
        self.own_done * self.arms()
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
            let i = self.next;
            if self.done() {
                break;
            }
            self.base_runs.push(ensemble::run_replicate(&self.baseline, i));
            if let Some(r) = &self.reform {
                self.reform_runs.push(ensemble::run_replicate(r, i));
            }
            self.next += self.stride;
            self.own_done += 1;
        }
        self.done()
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
pub fn run_ensemble(scenario: JsValue, replicates: Option<f64>) -> Result<JsValue, JsValue> {
    Experiment::new(scenario, JsValue::NULL, replicates)?.result()
}

/// Compare a reform against a baseline at once (see [`Experiment`] for progress).
#[wasm_bindgen(js_name = runComparison)]
pub fn run_comparison(baseline: JsValue, reform: JsValue, replicates: Option<f64>) -> Result<JsValue, JsValue> {
    if reform.is_null() || reform.is_undefined() {
        return Err(js_error("reform: undefined is not allowed; expected a scenario object (see preset())"));
    }
    Experiment::new(baseline, reform, replicates)?.result()
}

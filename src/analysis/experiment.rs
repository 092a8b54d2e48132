//! Experiments: a design over scenario fields, the summaries to take of each run, and how many
//! replicates of baseline (and reform) to run at each point.
//!
//! An experiment file (JSON, or TOML on the command line) looks like this:
//!
//! ```toml
//! baseline = "none"            # preset of the baseline arm
//! reform = "sb1047"            # optional: each point also runs the reform, paired
//! replicates = 16              # per point and arm; replicate i uses the same seed everywhere
//! seed = 1
//! quarters = 40
//! set = ["decision.levels=12"] # both arms; baseline_set / reform_set for one arm
//!
//! [design]
//! kind = "lhs"                 # factorial | lhs | sobol | morris | one_at_a_time
//! samples = 200
//!
//! [[factors]]
//! path = "market.xi_open"
//! min = -3.0
//! max = -1.0
//!
//! [[summaries]]
//! metric = "open_share_usage"
//! stat = "mean"                # mean | final | total | growth
//! from = 2033                  # years, inclusive
//! to = 2034
//! ```
//!
//! Replicate i of every point and arm runs with the same seed (common random numbers), so
//! differences between points and between arms are not blurred by different draws.

use super::design::{unit_points, DesignKind, Range, Scale, MAX_POINTS};
use super::summary::{Stat, Summary};
use crate::ensemble::run_replicate;
use crate::metrics::Metric;
use crate::scenario::spec::{find, Kind};
use crate::scenario::{self, apply_json_overlay, apply_set, from_value, preset_or_error, FieldError, Scenario, ScenarioError, MAX_QUARTERS, MAX_REPLICATES};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Which arms a factor changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    /// Baseline and reform (an uncertain assumption).
    #[default]
    Both,
    /// The baseline only.
    Baseline,
    /// The reform only (a policy lever).
    Reform,
}

/// One factor as written in an experiment file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorSpec {
    /// Scenario field, e.g. `market.xi_open`.
    pub path: String,
    /// Low end (numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// High end (numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Linear (default) or log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// A list of values instead of a range (numbers, true/false, or a choice's names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<Value>>,
    /// Which arms it changes.
    #[serde(default)]
    pub arm: Arm,
}

/// One summary as written in an experiment file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummarySpec {
    /// Metric name (as in `regsim run`'s output).
    pub metric: String,
    /// Statistic.
    #[serde(default)]
    pub stat: Stat,
    /// First year of the window (inclusive); the first simulated year by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u32>,
    /// Last year of the window (inclusive); the last simulated year by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u32>,
    /// Column name; `metric_stat_from_to` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

fn default_baseline() -> String {
    "none".into()
}
fn default_replicates() -> u32 {
    16
}
fn default_seed() -> u64 {
    1
}

/// An experiment file's contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentSpec {
    /// Free-form name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Baseline preset.
    #[serde(default = "default_baseline")]
    pub baseline: String,
    /// Reform preset; without one, only the baseline runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reform: Option<String>,
    /// A partial scenario laid over both presets first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Value>,
    /// A partial (or whole) scenario laid over the baseline preset next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_scenario: Option<Value>,
    /// A partial (or whole) scenario laid over the reform preset next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reform_scenario: Option<Value>,
    /// `path=value` overrides of both arms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    /// Overrides of the baseline only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baseline_set: Vec<String>,
    /// Overrides of the reform only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reform_set: Vec<String>,
    /// Replicates per point and arm.
    #[serde(default = "default_replicates")]
    pub replicates: u32,
    /// Seed of the runs and of the design.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Horizon in quarters (the presets' 40 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarters: Option<u32>,
    /// The design.
    pub design: DesignKind,
    /// The factors.
    pub factors: Vec<FactorSpec>,
    /// The summaries.
    pub summaries: Vec<SummarySpec>,
}

/// A factor ready to sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    /// Scenario field.
    pub path: String,
    /// Its range.
    pub range: Range,
    /// Which arms it changes.
    pub arm: Arm,
}

/// A checked experiment: its scenarios, design points and summaries.
#[derive(Clone, Debug)]
pub struct Experiment {
    /// The spec it was built from.
    pub spec: ExperimentSpec,
    /// The baseline scenario before factors.
    pub baseline: Scenario,
    /// The reform scenario before factors (already paired: the baseline's seed).
    pub reform: Option<Scenario>,
    /// The factors.
    pub factors: Vec<Factor>,
    /// The summaries.
    pub summaries: Vec<Summary>,
    /// Design points in the unit hypercube.
    pub points: Vec<Vec<f64>>,
    baseline_json: Value,
    reform_json: Option<Value>,
}

fn field_error(field: impl Into<String>, value: impl Into<String>, allowed: impl Into<String>) -> ScenarioError {
    ScenarioError(vec![FieldError { field: field.into(), value: value.into(), allowed: allowed.into() }])
}

/// Read an experiment from a JSON value (a TOML file is read into one first); an error names the
/// path of the offending field.
pub fn spec_from_value(v: Value) -> Result<ExperimentSpec, ScenarioError> {
    serde_path_to_error::deserialize::<_, ExperimentSpec>(&v).map_err(|e| {
        let path = e.path().to_string();
        // An empty key is shown as `""` (found by fuzzing: it was named by an empty field).
        let field = if path == "." {
            "experiment".to_string()
        } else if path.is_empty() || path.ends_with('.') || path.contains("..") {
            let mut out = String::new();
            for seg in e.path().iter() {
                match seg {
                    serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
                    other => out = scenario::shape::child_path(&out, &other.to_string()),
                }
            }
            out
        } else {
            path
        };
        // serde's own wording ("missing field `x`", "unknown field `x`, expected one of …") reads
        // as what is allowed once turned around.
        let inner = e.inner().to_string();
        let inner = if let Some(f) = inner.strip_prefix("missing field ") {
            format!("an object with the field {f}, which is missing")
        } else if let Some((_, known)) = inner.strip_prefix("unknown field ").and_then(|r| r.split_once(", expected ")) {
            format!("a known field: {known}")
        } else {
            inner
        };
        let found = v.pointer(&format!("/{}", field.replace('.', "/"))).map_or_else(|| "this value".to_string(), scenario::short_json);
        field_error(field, found, inner)
    })
}

/// Read an experiment file's text: TOML when `toml` is true, else JSON.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_spec(text: &str, toml: bool) -> Result<ExperimentSpec, ScenarioError> {
    let v: Value = if toml {
        let t: toml::Table = toml::from_str(text).map_err(|e| field_error("experiment", "the file", format!("valid TOML ({})", e.to_string().split_whitespace().collect::<Vec<_>>().join(" "))))?;
        serde_json::to_value(t).map_err(|e| field_error("experiment", "the file", format!("TOML without dates ({e})")))?
    } else {
        serde_json::from_str(text).map_err(|e| field_error("experiment", "the file", format!("valid JSON ({e})")))?
    };
    spec_from_value(v)
}

impl Experiment {
    /// Check an experiment and build its design; every problem is named with its field.
    pub fn new(spec: ExperimentSpec) -> Result<Experiment, ScenarioError> {
        let mut errors = Vec::new();
        let arm = |preset: &str, sets: &[String], field: &str| -> Result<Scenario, ScenarioError> {
            let mut s = preset_or_error(preset).map_err(|e| rename(e, "preset", field))?;
            if let Some(overlay) = &spec.scenario {
                s = apply_json_overlay(&s, overlay).map_err(|e| prefix(e, "scenario."))?;
            }
            let own = if field == "baseline" { &spec.baseline_scenario } else { &spec.reform_scenario };
            if let Some(overlay) = own {
                s = apply_json_overlay(&s, overlay).map_err(|e| prefix(e, &format!("{field}_scenario.")))?;
            }
            for kv in spec.set.iter().map(|kv| (kv, "set")).chain(sets.iter().map(|kv| (kv, if field == "baseline" { "baseline_set" } else { "reform_set" }))) {
                s = apply_set(&s, kv.0).map_err(|e| rename(e, "--set", kv.1))?;
            }
            s.simulation.seed = spec.seed;
            s.simulation.replicates = spec.replicates;
            if let Some(q) = spec.quarters {
                s.simulation.quarters = q;
            }
            Ok(s)
        };
        let baseline = arm(&spec.baseline, &spec.baseline_set, "baseline");
        let reform = spec.reform.as_deref().map(|r| arm(r, &spec.reform_set, "reform"));
        if spec.replicates == 0 || spec.replicates > MAX_REPLICATES {
            errors.push(FieldError { field: "replicates".into(), value: spec.replicates.to_string(), allowed: format!("a whole number from 1 to {MAX_REPLICATES}") });
        }
        if let Some(q) = spec.quarters {
            if q == 0 || q > MAX_QUARTERS {
                errors.push(FieldError { field: "quarters".into(), value: q.to_string(), allowed: format!("a whole number from 1 to {MAX_QUARTERS}") });
            }
        }
        let baseline = match baseline {
            Ok(b) => b,
            Err(e) => return Err(ScenarioError([errors, e.0].concat())),
        };
        let reform = match reform.transpose() {
            Ok(r) => r.map(|r| crate::ensemble::paired(&baseline, &r)),
            Err(e) => return Err(ScenarioError([errors, e.0].concat())),
        };
        let factors = check_factors(&spec.factors, &mut errors);
        let summaries = check_summaries(&spec.summaries, &baseline, &mut errors);
        check_design(&spec.design, &factors, &mut errors);
        if !errors.is_empty() {
            return Err(ScenarioError(errors));
        }
        let levels_of: Vec<Option<usize>> = factors.iter().map(|f| if let Range::Levels(l) = &f.range { Some(l.len()) } else { None }).collect();
        let points = unit_points(&spec.design, factors.len(), &levels_of, design_seed(spec.seed));
        let baseline_json = serde_json::to_value(&baseline).expect("a scenario always serializes");
        let reform_json = reform.as_ref().map(|r| serde_json::to_value(r).expect("a scenario always serializes"));
        let e = Experiment { spec, baseline, reform, factors, summaries, points, baseline_json, reform_json };
        // The ends of every range, and the first point, must give valid scenarios (cross-field
        // rules such as log_flop_min ≤ log_flop_max); other points are checked as they run.
        for u in [0.0, 1.0] {
            e.scenarios_at(&vec![u; e.factors.len()]).map_err(|err| prefix_value(err, if u == 0.0 { "every factor at its low end" } else { "every factor at its high end" }))?;
        }
        if let Some(p) = e.points.first() {
            e.scenarios_at(p)?;
        }
        Ok(e)
    }

    /// Number of design points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the design has no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Replicates per point and arm.
    pub fn replicates(&self) -> u32 {
        self.spec.replicates
    }

    /// Values of the factors at point `i` (JSON values; NaN coordinates, which keep the base
    /// value, give null).
    pub fn factor_values(&self, i: usize) -> Vec<Value> {
        self.factors.iter().zip(&self.points[i]).map(|(f, &u)| if u.is_nan() { Value::Null } else { f.range.at(u) }).collect()
    }

    /// The baseline and reform scenarios at unit coordinates `u`.
    pub fn scenarios_at(&self, u: &[f64]) -> Result<(Scenario, Option<Scenario>), ScenarioError> {
        let build = |json: &Value, skip: Arm| -> Result<Scenario, ScenarioError> {
            let mut v = json.clone();
            for (f, &x) in self.factors.iter().zip(u) {
                if x.is_nan() || f.arm == skip {
                    continue;
                }
                set_path(&mut v, &f.path, f.range.at(x));
            }
            let s = from_value(v)?;
            let errors = scenario::validate(&s);
            if errors.is_empty() { Ok(s) } else { Err(ScenarioError(errors)) }
        };
        let b = build(&self.baseline_json, Arm::Reform)?;
        let r = self.reform_json.as_ref().map(|j| build(j, Arm::Baseline)).transpose()?;
        Ok((b, r))
    }

    /// Run every replicate of point `i` and return its rows: for each replicate, the summaries of
    /// the baseline, and of the reform and the paired effect when there is a reform.
    pub fn run_point(&self, i: usize) -> Result<Vec<Vec<f64>>, ScenarioError> {
        let (b, r) = self.scenarios_at(&self.points[i]).map_err(|e| prefix_value(e, &format!("at design point {i}")))?;
        Ok((0..self.spec.replicates)
            .map(|rep| {
                let base = run_replicate(&b, rep);
                let mut row = Vec::with_capacity(self.summaries.len() * 3);
                match &r {
                    None => row.extend(self.summaries.iter().map(|s| s.of(&base))),
                    Some(r) => {
                        let reform = run_replicate(r, rep);
                        for s in &self.summaries {
                            let (x, y) = (s.of(&base), s.of(&reform));
                            row.extend([x, y, y - x]);
                        }
                    }
                }
                row
            })
            .collect())
    }

    /// Column names of a row's summaries, in order.
    pub fn summary_columns(&self) -> Vec<String> {
        match self.reform {
            None => self.summaries.iter().map(|s| s.name.clone()).collect(),
            Some(_) => self.summaries.iter().flat_map(|s| ["baseline", "reform", "effect"].map(|a| format!("{}_{a}", s.name))).collect(),
        }
    }

    /// A fingerprint of everything that decides the output's bytes (the spec, the model version
    /// and the row format), so that a resumed or merged sweep is known to be the same experiment.
    pub fn fingerprint(&self) -> String {
        let text = serde_json::to_string(&self.spec).expect("a spec always serializes");
        let h = crate::rng::fnv1a(crate::rng::FNV_OFFSET, text.as_bytes());
        let h = crate::rng::fnv1a(h, env!("CARGO_PKG_VERSION").as_bytes());
        format!("{h:016x}")
    }
}

/// The seed of the design's own draws: separate from the runs' seeds, so that a design and its
/// runs do not share random numbers.
fn design_seed(seed: u64) -> u64 {
    crate::rng::mix64(seed ^ 0xDE51_6E00_0000_0000)
}

fn set_path(v: &mut Value, path: &str, x: Value) {
    let mut cursor = v;
    let keys: Vec<&str> = path.split('.').collect();
    for key in &keys[..keys.len() - 1] {
        cursor = cursor.as_object_mut().expect("scenario groups are objects").entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    }
    cursor.as_object_mut().expect("scenario groups are objects").insert(keys[keys.len() - 1].to_string(), x);
}

fn rename(mut e: ScenarioError, from: &str, to: &str) -> ScenarioError {
    for fe in e.0.iter_mut().filter(|fe| fe.field == from) {
        fe.field = to.into();
    }
    e
}

fn prefix(mut e: ScenarioError, p: &str) -> ScenarioError {
    for fe in &mut e.0 {
        fe.field = format!("{p}{}", fe.field);
    }
    e
}

fn prefix_value(mut e: ScenarioError, context: &str) -> ScenarioError {
    for fe in &mut e.0 {
        fe.value = format!("{} ({context})", fe.value);
    }
    e
}

fn check_factors(specs: &[FactorSpec], errors: &mut Vec<FieldError>) -> Vec<Factor> {
    let mut out = Vec::new();
    if specs.is_empty() {
        errors.push(FieldError { field: "factors".into(), value: "[]".into(), allowed: "at least one factor".into() });
    }
    for (i, f) in specs.iter().enumerate() {
        let at = format!("factors[{i}]");
        let mut err = |what: &str, value: String, allowed: String| errors.push(FieldError { field: format!("{at}.{what}"), value, allowed });
        let Some(p) = find(&f.path).filter(|p| !p.path.starts_with("simulation.")) else {
            err("path", format!("{:?}", f.path), "a scenario parameter outside `simulation` (`regsim params` lists them; seed, replicates and quarters are the experiment's own)".into());
            continue;
        };
        if specs[..i].iter().any(|g| g.path == f.path) {
            err("path", format!("{:?}", f.path), "a parameter not already a factor".into());
            continue;
        }
        let numeric = matches!(p.kind, Kind::Number | Kind::Integer | Kind::OptionalNumber);
        let range = if let Some(levels) = &f.levels {
            if f.min.is_some() || f.max.is_some() {
                err("levels", "levels with min or max".into(), "either levels or min and max".into());
                continue;
            }
            if levels.is_empty() {
                err("levels", "[]".into(), "at least one value".into());
                continue;
            }
            for (j, l) in levels.iter().enumerate() {
                let ok = match (&p.kind, l) {
                    (Kind::Bool, Value::Bool(_)) => true,
                    (Kind::Choice { options }, Value::String(s)) => options.contains(&s.as_str()),
                    (Kind::Number | Kind::Integer | Kind::OptionalNumber, Value::Number(n)) => {
                        n.as_f64().is_some_and(|x| x >= p.min && x <= p.max && (p.kind != Kind::Integer || x.fract() == 0.0))
                    }
                    (Kind::OptionalNumber, Value::Null) => true,
                    _ => false,
                };
                if !ok {
                    err(&format!("levels[{j}]"), scenario::short_json(l), format!("a value of {}: {}", p.path, p.allowed()));
                }
            }
            Range::Levels(levels.clone())
        } else {
            if !numeric {
                err("levels", "missing".into(), format!("a list of values for {} ({})", p.path, p.allowed()));
                continue;
            }
            let (Some(min), Some(max)) = (f.min, f.max) else {
                err(if f.min.is_none() { "min" } else { "max" }, "missing".into(), format!("a number within {}'s range, {} to {}", p.path, p.min, p.max));
                continue;
            };
            let mut ok = true;
            for (what, x) in [("min", min), ("max", max)] {
                if !x.is_finite() || x < p.min || x > p.max {
                    err(what, scenario::show_number(x), format!("a number within {}'s range, {} to {}", p.path, p.min, p.max));
                    ok = false;
                }
            }
            if ok && min >= max {
                err("max", scenario::show_number(max), format!("more than min ({})", scenario::show_number(min)));
                ok = false;
            }
            let scale = f.scale.unwrap_or(Scale::Linear);
            if ok && scale == Scale::Log && min <= 0.0 {
                err("min", scenario::show_number(min), "more than 0 on a log scale".into());
                ok = false;
            }
            if !ok {
                continue;
            }
            Range::Continuous { min, max, scale, integer: p.kind == Kind::Integer }
        };
        out.push(Factor { path: f.path.clone(), range, arm: f.arm });
    }
    out
}

fn check_summaries(specs: &[SummarySpec], s: &Scenario, errors: &mut Vec<FieldError>) -> Vec<Summary> {
    let mut out: Vec<Summary> = Vec::new();
    if specs.is_empty() {
        errors.push(FieldError { field: "summaries".into(), value: "[]".into(), allowed: "at least one summary".into() });
    }
    let y0 = s.simulation.start_year;
    let last = y0 + s.simulation.quarters.div_ceil(4) - 1;
    for (i, spec) in specs.iter().enumerate() {
        let at = format!("summaries[{i}]");
        let mut err = |what: &str, value: String, allowed: String| errors.push(FieldError { field: format!("{at}.{what}"), value, allowed });
        let Some(metric) = Metric::from_name(&spec.metric) else {
            err("metric", format!("{:?}", spec.metric), format!("one of {}", Metric::ALL.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ")));
            continue;
        };
        let (from, to) = (spec.from.unwrap_or(y0), spec.to.unwrap_or(last));
        let mut ok = true;
        for (what, y) in [("from", from), ("to", to)] {
            if y < y0 || y > last {
                err(what, y.to_string(), format!("a simulated year, {y0} to {last}"));
                ok = false;
            }
        }
        if ok && from > to {
            err("to", to.to_string(), format!("at least from ({from})"));
            ok = false;
        }
        if ok && spec.stat == Stat::Growth && from == to {
            err("to", to.to_string(), format!("a later year than from ({from}): growth is between two years"));
            ok = false;
        }
        if !ok {
            continue;
        }
        let quarters = s.simulation.quarters as usize;
        let (qf, qt) = (((from - y0) * 4) as usize, (((to - y0 + 1) * 4) as usize).min(quarters));
        if spec.stat == Stat::Growth && qt - qf < 8 {
            err("to", to.to_string(), "a year the run covers whole (growth compares whole years)".into());
            continue;
        }
        let name = spec.name.clone().unwrap_or_else(|| format!("{}_{}_{from}_{to}", spec.metric, spec.stat.name()));
        if name.is_empty() || name.contains([',', '"', '\n', '\r']) || out.iter().any(|o| o.name == name) {
            err("name", format!("{name:?}"), "a name not used by another summary, without commas, quotes or line breaks".into());
            continue;
        }
        out.push(Summary { name, metric, stat: spec.stat, from: qf, to: qt });
    }
    out
}

fn check_design(d: &DesignKind, factors: &[Factor], errors: &mut Vec<FieldError>) {
    let mut err = |field: &str, value: String, allowed: &str| errors.push(FieldError { field: format!("design.{field}"), value, allowed: allowed.into() });
    match d {
        DesignKind::Factorial { levels } if *levels < 2 => err("levels", levels.to_string(), "at least 2"),
        DesignKind::Lhs { samples } if *samples == 0 => err("samples", "0".into(), "at least 1"),
        DesignKind::Sobol { samples } if *samples < 2 => err("samples", samples.to_string(), "at least 2"),
        DesignKind::Morris { trajectories, .. } if *trajectories < 2 => err("trajectories", trajectories.to_string(), "at least 2"),
        // For odd p the step Δ = p / (2 (p − 1)) is not a whole number of grid steps, and a
        // trajectory leaves the grid, or the unit cube (found by fuzzing); SALib asks for even p too.
        DesignKind::Morris { levels, .. } if *levels < 2 || *levels > 1000 || levels % 2 == 1 => err("levels", levels.to_string(), "an even whole number from 2 to 1000 (Δ = p / (2 (p − 1)) keeps a trajectory on the grid only for even p)"),
        _ => {}
    }
    let levels_of: Vec<Option<usize>> = factors.iter().map(|f| if let Range::Levels(l) = &f.range { Some(l.len()) } else { None }).collect();
    let n = d.points(factors.len(), &levels_of);
    if n > MAX_POINTS {
        errors.push(FieldError { field: "design".into(), value: format!("{n} points"), allowed: format!("at most {MAX_POINTS} points (fewer samples, levels or factors)") });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(v: Value) -> Result<Experiment, ScenarioError> {
        Experiment::new(spec_from_value(v)?)
    }

    #[test]
    fn a_small_experiment_builds_its_points_and_runs_one() {
        let e = spec(json!({
            "reform": "sb1047", "replicates": 2, "quarters": 8,
            "design": {"kind": "lhs", "samples": 3},
            "factors": [{"path": "market.xi_open", "min": -3.0, "max": -1.0}, {"path": "regime.compliance_fixed", "min": 1e6, "max": 1e8, "scale": "log", "arm": "reform"}],
            "summaries": [{"metric": "hhi", "from": 2025, "to": 2026}, {"metric": "open_share_usage", "stat": "final"}]
        }))
        .unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e.summary_columns(), ["hhi_mean_2025_2026_baseline", "hhi_mean_2025_2026_reform", "hhi_mean_2025_2026_effect", "open_share_usage_final_2025_2026_baseline", "open_share_usage_final_2025_2026_reform", "open_share_usage_final_2025_2026_effect"]);
        let (b, r) = e.scenarios_at(&e.points[0]).unwrap();
        let r = r.unwrap();
        assert_eq!(b.market.xi_open, r.market.xi_open, "a factor of both arms");
        assert_eq!(b.regime.compliance_fixed, 0.0, "a reform-only factor leaves the baseline");
        assert!(r.regime.compliance_fixed >= 1e6 && r.regime.compliance_fixed <= 1e8);
        let rows = e.run_point(0).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].len(), 6);
        assert_eq!(rows[0][2], rows[0][1] - rows[0][0]);
        assert_eq!(rows, e.run_point(0).unwrap(), "same point, same rows");
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let e = spec(json!({
            "replicates": 0,
            "design": {"kind": "morris", "trajectories": 1},
            "factors": [{"path": "market.nope", "min": 0, "max": 1}, {"path": "market.xi_open", "min": -30, "max": -1}, {"path": "regime.cover_rule"}, {"path": "simulation.seed", "min": 1, "max": 2}],
            "summaries": [{"metric": "hhi", "from": 2020}, {"metric": "nope"}, {"metric": "incidents", "stat": "growth", "from": 2025, "to": 2025}]
        }))
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        for f in ["replicates", "factors[0].path", "factors[1].min", "factors[2].levels", "factors[3].path", "summaries[0].from", "summaries[1].metric", "summaries[2].to", "design.trajectories"] {
            assert!(fields.contains(&f), "{f} missing from {e}");
        }
        let e = spec_from_value(json!({"design": {"kind": "grid"}, "factors": [], "summaries": []})).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].value.as_str()), ("design.kind", "\"grid\""), "{e}");
        let e = spec_from_value(json!({"design": {"kind": "lhs", "samples": 2}, "factors": [], "summaries": [], "extra": 1})).unwrap_err();
        assert!(e.to_string().contains("extra"), "{e}");
    }

    #[test]
    fn cross_field_rules_are_checked_at_the_ends_of_the_ranges() {
        let e = spec(json!({
            "design": {"kind": "lhs", "samples": 2},
            "factors": [{"path": "firms.startup.log_flop_min", "min": 23, "max": 26}],
            "summaries": [{"metric": "hhi"}]
        }))
        .unwrap_err();
        assert!(e.to_string().contains("firms.startup.log_flop_min") && e.to_string().contains("high end"), "{e}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn toml_and_json_give_the_same_experiment() {
        let t = parse_spec("replicates = 2\n[design]\nkind = \"factorial\"\nlevels = 2\n[[factors]]\npath = \"market.nest_lambda\"\nmin = 0.4\nmax = 0.8\n[[summaries]]\nmetric = \"hhi\"\n", true).unwrap();
        let j = parse_spec(r#"{"replicates": 2, "design": {"kind": "factorial", "levels": 2}, "factors": [{"path": "market.nest_lambda", "min": 0.4, "max": 0.8}], "summaries": [{"metric": "hhi"}]}"#, false).unwrap();
        assert_eq!(t, j);
        let e = parse_spec("replicates = \n", true).unwrap_err();
        assert!(e.to_string().contains("valid TOML"), "{e}");
    }
}

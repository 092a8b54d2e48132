//! The JavaScript API (`src/wasm.rs`) in WebAssembly: presets, validation, results as
//! `Float64Array`s, and garbage in, a JS `Error` out that names the field, the value and what is
//! allowed — never a panic (a panic would trap, and every later call on the instance would fail).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Float64Array, Object, Reflect};
use regsim::ensemble::STATS;
use regsim::wasm::{self, Experiment};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// A plain object with values at dotted paths: `scenario(&[("simulation.quarters", 8.into())])`.
fn scenario(fields: &[(&str, JsValue)]) -> JsValue {
    let root = Object::new();
    for (path, value) in fields {
        let keys: Vec<&str> = path.split('.').collect();
        let mut obj: Object = root.clone();
        for k in &keys[..keys.len() - 1] {
            let next = Reflect::get(&obj, &(*k).into()).unwrap();
            obj = if next.is_object() {
                next.unchecked_into()
            } else {
                let o = Object::new();
                Reflect::set(&obj, &(*k).into(), &o).unwrap();
                o
            };
        }
        Reflect::set(&obj, &(*keys.last().unwrap()).into(), value).unwrap();
    }
    root.into()
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, k| Reflect::get(&v, &k.into()).unwrap())
}

fn short(quarters: f64) -> JsValue {
    scenario(&[("simulation.quarters", quarters.into())])
}

fn preset_with_quarters(name: &str, quarters: f64) -> JsValue {
    let p = wasm::preset(JsValue::from_str(name)).unwrap_or_else(|e| panic!("{e:?}"));
    Reflect::set(&get(&p, "simulation"), &"quarters".into(), &quarters.into()).unwrap();
    p
}

/// The message of a thrown value, which must be a JS `Error`.
fn message(e: JsValue) -> String {
    match e.dyn_into::<js_sys::Error>() {
        Ok(e) => e.message().into(),
        Err(e) => panic!("threw something that is not an Error: {e:?}"),
    }
}

fn assert_mentions(what: &str, msg: &str, needles: &[&str]) {
    for n in needles {
        assert!(msg.contains(n), "{what}: message {msg:?} does not mention {n:?}");
    }
}

fn expect_err<T>(what: &str, r: Result<T, JsValue>, needles: &[&str]) {
    match r {
        Ok(_) => panic!("{what}: accepted, expected an Error mentioning {needles:?}"),
        Err(e) => assert_mentions(what, &message(e), needles),
    }
}

fn fields_of(errors: &JsValue) -> Vec<String> {
    Array::from(errors).iter().map(|e| get(&e, "field").as_string().unwrap()).collect()
}

#[wasm_bindgen_test]
fn presets_are_listed_described_and_valid() {
    let names: Vec<String> = wasm::preset_names().iter().map(|n| n.as_string().unwrap()).collect();
    assert_eq!(names, regsim::scenario::PRESET_NAMES);
    for name in &names {
        assert!(!wasm::preset_description(JsValue::from_str(name)).unwrap().is_empty());
        let errors = wasm::validate_scenario(wasm::preset(JsValue::from_str(name)).unwrap()).unwrap();
        assert_eq!(Array::from(&errors).length(), 0, "{name}: {:?}", fields_of(&errors));
    }
    expect_err("preset", wasm::preset("sb1048".into()), &["preset", "\"sb1048\"", "sb1047"]);
    expect_err("presetDescription", wasm::preset_description("".into()), &["preset", "sb1047"]);
}

#[wasm_bindgen_test]
fn defaults_and_partial_scenarios_are_valid() {
    for s in [wasm::default_scenario().unwrap(), Object::new().into(), short(8.0)] {
        let errors = wasm::validate_scenario(s).unwrap();
        assert_eq!(Array::from(&errors).length(), 0, "{:?}", fields_of(&errors));
    }
    assert_eq!(get(&wasm::default_scenario().unwrap(), "simulation.quarters").as_f64(), Some(40.0));
    // Missing fields take their defaults, also inside a developer archetype, bit for bit.
    let partial = scenario(&[("firms.startup.count", 12.into()), ("simulation.quarters", 6.into()), ("regime.cover_log_flop", JsValue::NULL)]);
    let mut native = regsim::scenario::Scenario::default();
    native.firms.startup.count = 12;
    native.simulation.quarters = 6;
    native.regime.cover_log_flop = None;
    let native = format!("{:016x}", regsim::ensemble::run_replicate(&native, 2).bits_hash());
    assert_eq!(wasm::replicate_hash(partial, 2.into()).unwrap_or_else(|e| panic!("{}", message(e))), native);
    assert!(Array::from(&wasm::param_specs().unwrap()).length() > 50);
    assert!(wasm::max_replicates() >= 64);
}

#[wasm_bindgen_test]
fn an_ensemble_is_a_float64array_per_metric_and_statistic() {
    let r = wasm::run_ensemble(short(8.0), JsValue::from(3.0)).unwrap();
    assert_eq!(get(&r, "replicates").as_f64(), Some(3.0));
    assert_eq!(Array::from(&get(&r, "quarters")).length(), 8);
    assert_eq!(get(&r, "years").dyn_into::<Float64Array>().unwrap().length(), 8);
    assert!(get(&r, "reform").is_undefined() && get(&r, "difference").is_undefined());
    let metrics = wasm::metrics();
    assert_eq!(metrics.length() as usize, regsim::metrics::Metric::ALL.len());
    for m in metrics.iter() {
        let name = get(&m, "name").as_string().unwrap();
        for stat in STATS {
            let series = get(&r, &format!("baseline.metrics.{name}.{stat}"));
            let series = series.dyn_into::<Float64Array>().unwrap_or_else(|v| panic!("{name}.{stat} is {v:?}"));
            assert_eq!(series.length(), 8, "{name}.{stat}");
        }
    }
}

#[wasm_bindgen_test]
fn a_comparison_has_baseline_reform_and_paired_differences() {
    let r = wasm::run_comparison(preset_with_quarters("none", 12.0), preset_with_quarters("sb1047", 12.0), JsValue::from(4.0)).unwrap();
    for arm in ["baseline", "reform", "difference"] {
        for stat in STATS {
            let s = get(&r, &format!("{arm}.metrics.compliance_spend_usd.{stat}")).dyn_into::<Float64Array>().unwrap();
            assert_eq!(s.length(), 12, "{arm}.{stat}");
        }
    }
    // The mean of paired differences is the difference of the means.
    let mean = |arm: &str| get(&r, &format!("{arm}.metrics.hhi.mean")).dyn_into::<Float64Array>().unwrap().to_vec();
    for ((b, f), d) in mean("baseline").iter().zip(mean("reform")).zip(mean("difference")) {
        assert!((f - b - d).abs() <= 1e-9 * (1.0 + d.abs()), "{f} - {b} != {d}");
    }
    expect_err("runComparison(x, null)", wasm::run_comparison(short(8.0), JsValue::NULL, JsValue::UNDEFINED), &["reform", "null", "scenario object"]);
    expect_err(
        "different horizons",
        wasm::run_comparison(short(8.0), short(12.0), JsValue::from(2.0)),
        &["simulation.quarters", "12", "8", "same horizon"],
    );
}

#[wasm_bindgen_test]
fn an_experiment_steps_to_the_same_result_as_a_comparison() {
    let (b, r) = (preset_with_quarters("none", 8.0), preset_with_quarters("strict_all", 8.0));
    let mut exp = Experiment::new(b.clone(), r.clone(), JsValue::from(3.0)).unwrap_or_else(|e| panic!("{}", message(e)));
    assert_eq!((exp.runs_done(), exp.runs_total()), (0, 6));
    let mut last = 0.0;
    while !exp.step(1) {
        assert!(exp.progress() > last && exp.progress() < 1.0);
        last = exp.progress();
    }
    assert_eq!((exp.runs_done(), exp.progress()), (6, 1.0));
    let stepped = exp.result().unwrap();
    let at_once = wasm::run_comparison(b, r, JsValue::from(3.0)).unwrap();
    for path in ["difference.metrics.liability_paid_usd.mean", "reform.metrics.n_derivatives.p95"] {
        let (x, y) = (get(&stepped, path).dyn_into::<Float64Array>().unwrap().to_vec(), get(&at_once, path).dyn_into::<Float64Array>().unwrap().to_vec());
        assert_eq!(x.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), y.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), "{path}");
    }
}

#[wasm_bindgen_test]
fn advancing_for_a_time_budget_gives_the_runs_of_stepping() {
    // The worker's slices are timed by `advanceFor` with the global scope's clock: whatever the
    // budget (none at all, a NaN, a long one), the runs are those of `step`, bit for bit.
    let (b, r) = (preset_with_quarters("none", 9.0), preset_with_quarters("sb1047", 9.0));
    let whole = {
        let mut exp = Experiment::new(b.clone(), r.clone(), JsValue::from(3.0)).unwrap_or_else(|e| panic!("{}", message(e)));
        while !exp.step(1) {}
        exp.export_runs().to_vec()
    };
    for ms in [0.0, f64::NAN, -1.0, 1.0, 1e9] {
        let mut exp = Experiment::new(b.clone(), r.clone(), JsValue::from(3.0)).unwrap_or_else(|e| panic!("{}", message(e)));
        let mut calls = 1;
        while !exp.advance_for(ms) {
            calls += 1;
        }
        if ms <= 0.0 || ms.is_nan() {
            // A spent budget still runs a few quarters a call: 3 replicates × 2 arms × 9 quarters.
            assert!(calls >= 12, "{ms} ms: {calls} calls");
        }
        if ms == 1e9 {
            assert_eq!(calls, 1, "a long budget runs everything in one call");
        }
        let runs = exp.export_runs().to_vec();
        assert_eq!(runs.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), whole.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), "{ms} ms");
    }
}

#[wasm_bindgen_test]
fn advancing_a_few_quarters_at_a_time_gives_the_runs_of_whole_replicates() {
    // A worker advances a few quarters per slice so that it can answer messages during a long
    // run; the runs must be those of whole replicates, bit for bit.
    let (b, r) = (preset_with_quarters("none", 9.0), preset_with_quarters("sb1047", 9.0));
    let mut exp = Experiment::new(b, r, JsValue::from(3.0)).unwrap_or_else(|e| panic!("{}", message(e)));
    let mut calls = 0;
    let mut last = 0.0;
    while !exp.advance(4) {
        calls += 1;
        assert!(exp.progress() >= last);
        last = exp.progress();
        // Mid-run, the calls that must come first are refused.
        expect_err("shard mid-run", exp.shard(JsValue::from(0.0), JsValue::from(2.0)), &["before the first step"]);
    }
    // 3 replicates × 2 arms × 9 quarters, 4 at a time.
    assert!(calls >= 12, "{calls} calls");
    let flat = exp.export_runs().to_vec();
    let quarters = 9usize;
    let per_run = regsim::metrics::Metric::ALL.len() * quarters;
    let mut base = regsim::scenario::preset("none").unwrap();
    base.simulation.quarters = 9;
    let mut reform = regsim::scenario::preset("sb1047").unwrap();
    reform.simulation.quarters = 9;
    let reform = regsim::ensemble::paired(&base, &reform);
    for k in 0..3 {
        let chunk = &flat[1 + k * (1 + 2 * per_run)..1 + (k + 1) * (1 + 2 * per_run)];
        let i = chunk[0] as u32;
        for (arm, s) in [(0, &base), (1, &reform)] {
            let whole: Vec<u64> = regsim::ensemble::run_replicate(s, i).columns.concat().iter().map(|x| x.to_bits()).collect();
            let got: Vec<u64> = chunk[1 + arm * per_run..1 + (arm + 1) * per_run].iter().map(|x| x.to_bits()).collect();
            assert_eq!(got, whole, "replicate {i}, arm {arm}");
        }
    }
}

#[wasm_bindgen_test]
fn validation_reports_every_problem_at_once() {
    let s = scenario(&[
        ("simulation.quarters", 1e9.into()),
        ("simulation.replicates", 0.into()),
        ("simulation.seed", "seven".into()),
        ("market.beta_frontier", f64::NAN.into()),
        ("regime.cover_rule", "bogus".into()),
        ("regime.nonsense", true.into()),
        ("firms", Array::new().into()),
    ]);
    let fields = fields_of(&wasm::validate_scenario(s.clone()).unwrap());
    for f in ["simulation.quarters", "simulation.replicates", "simulation.seed", "market.beta_frontier", "regime.cover_rule", "regime.nonsense", "firms"] {
        assert!(fields.contains(&f.to_string()), "{f} missing from {fields:?}");
    }
    // The thrown message carries them all too.
    expect_err("runEnsemble", wasm::run_ensemble(s.clone(), JsValue::UNDEFINED), &["simulation.quarters", "market.beta_frontier", "regime.nonsense", "firms"]);
    // In a comparison each field is named with its arm.
    match Experiment::new(short(8.0), s, JsValue::from(2.0)) {
        Ok(_) => panic!("accepted a bad reform"),
        Err(e) => assert_mentions("Experiment", &message(e), &["reform.simulation.quarters", "reform.regime.cover_rule"]),
    }
}

/// Garbage in: each case is a scenario, the field its error must name, and more text it must
/// contain (the value and what is allowed).
#[wasm_bindgen_test]
fn garbage_throws_errors_naming_field_value_and_range() {
    let cases: Vec<(JsValue, &str, Vec<&str>)> = vec![
        (42.into(), "scenario", vec!["42", "scenario object"]),
        ("none".into(), "scenario", vec!["\"none\"", "scenario object"]),
        (true.into(), "scenario", vec!["true"]),
        (JsValue::NULL, "scenario", vec!["null"]),
        (JsValue::UNDEFINED, "scenario", vec!["undefined"]),
        (Array::of2(&1.into(), &2.into()).into(), "scenario", vec!["an array"]),
        (js_sys::Function::new_no_args("return 1").into(), "scenario", vec!["a function"]),
        (scenario(&[("simulation.quarters", "forty".into())]), "simulation.quarters", vec!["\"forty\"", "whole number from 1 to 200"]),
        (scenario(&[("simulation.quarters", f64::NAN.into())]), "simulation.quarters", vec!["NaN", "200"]),
        (scenario(&[("simulation.quarters", 1e9.into())]), "simulation.quarters", vec!["1000000000", "200"]),
        (scenario(&[("simulation.quarters", 4294967296.0.into())]), "simulation.quarters", vec!["4294967296", "200"]),
        (scenario(&[("simulation.quarters", 1e300.into())]), "simulation.quarters", vec!["200"]),
        (scenario(&[("simulation.quarters", f64::INFINITY.into())]), "simulation.quarters", vec!["inf", "200"]),
        (scenario(&[("simulation.quarters", (-4).into())]), "simulation.quarters", vec!["-4", "200"]),
        (scenario(&[("simulation.quarters", 2.5.into())]), "simulation.quarters", vec!["2.5", "whole number"]),
        (scenario(&[("simulation.quarters", JsValue::NULL)]), "simulation.quarters", vec!["null", "200"]),
        (scenario(&[("simulation.seed", 2f64.powi(60).into())]), "simulation.seed", vec!["seed", "9007199254740991"]),
        (scenario(&[("simulation.seed", (-1).into())]), "simulation.seed", vec!["-1"]),
        (scenario(&[("market.beta_frontier", f64::NAN.into())]), "market.beta_frontier", vec!["NaN", "finite number from"]),
        (scenario(&[("market.demand0", f64::NEG_INFINITY.into())]), "market.demand0", vec!["-inf", "finite number"]),
        (scenario(&[("market.demand0", "lots".into())]), "market.demand0", vec!["\"lots\"", "finite number"]),
        (scenario(&[("regime.cover_log_flop", f64::NAN.into())]), "regime.cover_log_flop", vec!["NaN", "or null for none"]),
        (scenario(&[("regime.cover_log_flop", 99.into())]), "regime.cover_log_flop", vec!["99", "35"]),
        (scenario(&[("regime.cover_rule", "bogus".into())]), "regime.cover_rule", vec!["\"bogus\"", "\"compute_only\""]),
        (scenario(&[("regime.cover_rule", 3.into())]), "regime.cover_rule", vec!["3", "\"and\""]),
        (scenario(&[("regime.derivative_liability", "yes".into())]), "regime.derivative_liability", vec!["\"yes\"", "true or false"]),
        (scenario(&[("regime.surprise", 1.into())]), "regime.surprise", vec!["known field", "cover_rule"]),
        (scenario(&[("surprise", 1.into())]), "surprise", vec!["known field", "regime"]),
        (scenario(&[("simulation", 40.into())]), "simulation", vec!["40", "an object with fields", "quarters"]),
        (scenario(&[("simulation", Array::of1(&40.into()).into())]), "simulation", vec!["an array"]),
        (scenario(&[("firms.startup", JsValue::NULL)]), "firms.startup", vec!["null", "count"]),
        (scenario(&[("firms.startup.count", "many".into())]), "firms.startup.count", vec!["\"many\"", "whole number"]),
        (scenario(&[("firms.startup.count", 1e7.into())]), "firms.startup.count", vec!["10000000"]),
        (scenario(&[("label", 5.into())]), "label", vec!["5", "a string"]),
        (scenario(&[("schema_version", 99.into())]), "schema_version", vec!["99"]),
    ];
    for (s, field, needles) in cases {
        let what = format!("{field} = {}", js_sys::JSON::stringify(&s).ok().and_then(|j| j.as_string()).unwrap_or_else(|| format!("{s:?}")));
        // validateScenario returns the problems, naming the field, and does not throw.
        let errors = wasm::validate_scenario(s.clone()).unwrap_or_else(|e| panic!("{what}: validateScenario threw {}", message(e)));
        assert!(fields_of(&errors).contains(&field.to_string()), "{what}: validateScenario gave {:?}", fields_of(&errors));
        // Everything else throws an Error whose message names the field, the value and the range.
        let mut needles = needles;
        needles.push(field);
        expect_err(&format!("{what}: runEnsemble"), wasm::run_ensemble(s.clone(), JsValue::from(2.0)), &needles);
        expect_err(&format!("{what}: replicateHash"), wasm::replicate_hash(s.clone(), 0.into()), &needles);
        match Experiment::new(s.clone(), JsValue::NULL, JsValue::UNDEFINED) {
            Ok(_) => panic!("{what}: new Experiment accepted it"),
            Err(e) => assert_mentions(&format!("{what}: new Experiment"), &message(e), &needles),
        }
        // As either arm of a comparison, with the arm in the field's name.
        let arm_field = format!("reform{}", if field == "scenario" { String::new() } else { format!(".{field}") });
        expect_err(&format!("{what}: runComparison"), wasm::run_comparison(short(40.0), s.clone(), JsValue::from(2.0)), &[&arm_field]);
        let arm_field = arm_field.replacen("reform", "baseline", 1);
        if !s.is_null() && !s.is_undefined() {
            expect_err(&format!("{what}: runComparison"), wasm::run_comparison(s, short(40.0), JsValue::from(2.0)), &[&arm_field]);
        }
    }
    // The instance still works after all that.
    assert_eq!(wasm::replicate_hash(short(4.0), 0.into()).unwrap().len(), 16);
}

#[wasm_bindgen_test]
fn bad_replicate_counts_throw_naming_replicates() {
    for x in [f64::NAN, 0.0, -3.0, 1.5, 1e12, f64::INFINITY, (wasm::max_replicates() + 1) as f64] {
        expect_err(&format!("replicates = {x}"), wasm::run_ensemble(short(4.0), JsValue::from(x)), &["replicates", "whole number from 1 to"]);
        match Experiment::new(short(4.0), short(4.0), JsValue::from(x)) {
            Ok(_) => panic!("replicates = {x}: accepted"),
            Err(e) => assert_mentions("Experiment", &message(e), &["replicates"]),
        }
    }
    // The replicate count inside the scenario is checked too when no count is given.
    let s = scenario(&[("simulation.replicates", 1e6.into()), ("simulation.quarters", 4.into())]);
    expect_err("simulation.replicates", wasm::run_ensemble(s, JsValue::UNDEFINED), &["simulation.replicates", "1000000"]);
}

#[wasm_bindgen_test]
fn arguments_of_the_wrong_type_throw_naming_them() {
    for v in [JsValue::from(42), Object::new().into(), JsValue::TRUE, JsValue::NULL, JsValue::UNDEFINED] {
        expect_err("preset", wasm::preset(v.clone()), &["preset", "sb1047"]);
        expect_err("presetDescription", wasm::preset_description(v), &["preset"]);
    }
    for v in [JsValue::from(-1), JsValue::from(1.5), JsValue::from(f64::NAN), JsValue::from_str("2"), JsValue::UNDEFINED, JsValue::from(2f64.powi(32))] {
        expect_err("replicateHash index", wasm::replicate_hash(short(4.0), v), &["index", "whole number from 0 to 4294967295"]);
    }
    for v in [JsValue::from_str("4"), JsValue::TRUE, Array::of1(&2.into()).into()] {
        expect_err("replicates", wasm::run_ensemble(short(4.0), v), &["replicates", "whole number from 1 to"]);
    }
    let mut exp = Experiment::new(short(4.0), JsValue::NULL, JsValue::from(2)).unwrap();
    expect_err("shard", exp.shard(JsValue::from(0), JsValue::from(-1)), &["parts", "-1"]);
    expect_err("shard", exp.shard(JsValue::from(1.5), JsValue::from(2)), &["part", "1.5"]);
    expect_err("shard", exp.shard(JsValue::from(2), JsValue::from(2)), &["shard", "part 2 of 2"]);
    // A Map or a class instance is not read as a scenario (its fields would be ignored).
    let map = js_sys::Map::new();
    map.set(&"simulation".into(), &Object::new().into());
    expect_err("a Map", wasm::run_ensemble(map.into(), JsValue::from(2)), &["scenario", "scenario object"]);
    // Huge numbers are shown in exponent form, schema versions as the one allowed.
    let errors = wasm::validate_scenario(scenario(&[("market.demand0", 1e300.into()), ("schema_version", "1".into())])).unwrap();
    let text: Vec<String> = Array::from(&errors).iter().map(|e| format!("{} {} {}", get(&e, "field").as_string().unwrap(), get(&e, "value").as_string().unwrap(), get(&e, "allowed").as_string().unwrap())).collect();
    assert!(text.iter().any(|t| t == "market.demand0 1e300 a finite number from 1000000 to 10000000000000"), "{text:?}");
    assert!(text.iter().any(|t| *t == format!("schema_version \"1\" {}", wasm::schema_version())), "{text:?}");
}

/// The runs of a sharded comparison, merged in shard 0.
fn sharded(b: &JsValue, r: &JsValue, replicates: u32, parts: u32) -> Vec<Experiment> {
    (0..parts)
        .map(|p| {
            let mut e = Experiment::new(b.clone(), r.clone(), JsValue::from(replicates)).unwrap();
            e.shard(JsValue::from(p), JsValue::from(parts)).unwrap();
            while !e.step(4) {}
            e
        })
        .collect()
}

fn series(result: &JsValue, path: &str) -> Vec<u64> {
    get(result, path).dyn_into::<Float64Array>().unwrap().to_vec().iter().map(|x| x.to_bits()).collect()
}

#[wasm_bindgen_test]
fn shards_merge_into_the_unsharded_result_and_refuse_runs_that_do_not_belong() {
    let (b, r) = (preset_with_quarters("none", 8.0), preset_with_quarters("sb1047", 8.0));
    let whole = wasm::run_comparison(b.clone(), r.clone(), JsValue::from(5)).unwrap();
    let mut parts = sharded(&b, &r, 5, 2);
    let theirs = parts[1].export_runs();
    let own = parts[0].export_runs();
    // Its own runs again, a non-array, a truncated array and another experiment's runs are refused.
    expect_err("own runs", parts[0].import_runs(own.into()), &["importRuns", "replicate 0 again"]);
    expect_err("a number", parts[0].import_runs(JsValue::from(42)), &["importRuns", "Float64Array"]);
    expect_err("truncated", parts[0].import_runs(theirs.subarray(0, 10).into()), &["importRuns", "10 values"]);
    let other = sharded(&b, &preset_with_quarters("strict_all", 8.0), 5, 2);
    expect_err("another reform", parts[0].import_runs(other[1].export_runs().into()), &["importRuns", "another experiment"]);
    let mut tampered = theirs.to_vec();
    tampered[1] = 7.0;
    expect_err("index out of range", parts[0].import_runs(Float64Array::from(&tampered[..]).into()), &["replicate index 7", "from 0 to 4"]);
    tampered[1] = 1.0;
    tampered[5] = f64::INFINITY;
    expect_err("infinite value", parts[0].import_runs(Float64Array::from(&tampered[..]).into()), &["inf", "finite"]);
    expect_err("result before import", parts[0].result(), &["replicates", "3 of 5"]);
    // After all that, the right runs still merge to the same bits as one unsharded comparison.
    parts[0].import_runs(theirs.into()).unwrap();
    let merged = parts[0].result().unwrap();
    for path in ["baseline.metrics.hhi.p50", "difference.metrics.open_share_usage.mean", "reform.metrics.incidents.p95"] {
        assert_eq!(series(&merged, path), series(&whole, path), "{path}");
    }
}

#[wasm_bindgen_test]
fn reused_baseline_runs_give_the_same_result_and_must_be_the_same_baseline_and_shard() {
    let (b, r) = (preset_with_quarters("none", 8.0), preset_with_quarters("sb53", 8.0));
    let first = sharded(&b, &preset_with_quarters("sb1047", 8.0), 5, 2);
    let kept = first[0].export_baseline_runs();
    let mut again = Experiment::new(b.clone(), r.clone(), JsValue::from(5)).unwrap();
    again.shard(JsValue::from(0), JsValue::from(2)).unwrap();
    again.reuse_baseline_runs(kept.clone().into()).unwrap();
    assert_eq!(again.runs_total(), 3, "only the reform's runs are left to do");
    while !again.step(4) {}
    again.import_runs(sharded(&b, &r, 5, 2)[1].export_runs().into()).unwrap();
    let reused = again.result().unwrap();
    let fresh = wasm::run_comparison(b.clone(), r.clone(), JsValue::from(5)).unwrap();
    assert_eq!(series(&reused, "difference.metrics.hhi.mean"), series(&fresh, "difference.metrics.hhi.mean"));
    // Another shard's, another baseline's or another replicate count's runs are refused.
    let mut other_shard = Experiment::new(b.clone(), r.clone(), JsValue::from(5)).unwrap();
    other_shard.shard(JsValue::from(1), JsValue::from(2)).unwrap();
    expect_err("other shard", other_shard.reuse_baseline_runs(kept.clone().into()), &["reuseBaselineRuns", "same shard"]);
    let mut other_baseline = Experiment::new(preset_with_quarters("sb53", 8.0), r.clone(), JsValue::from(5)).unwrap();
    other_baseline.shard(JsValue::from(0), JsValue::from(2)).unwrap();
    expect_err("other baseline", other_baseline.reuse_baseline_runs(kept.clone().into()), &["another experiment"]);
    let mut other_count = Experiment::new(b, r, JsValue::from(6)).unwrap();
    other_count.shard(JsValue::from(0), JsValue::from(2)).unwrap();
    expect_err("other replicate count", other_count.reuse_baseline_runs(kept.into()), &["another experiment"]);
}

/// An experiment object from JSON text.
fn experiment(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
fn a_sweep_runs_its_points_like_the_native_experiment() {
    let text = r#"{"reform": "sb1047", "replicates": 2, "quarters": 8, "design": {"kind": "lhs", "samples": 3},
        "factors": [{"path": "market.nest_lambda", "min": 0.4, "max": 0.8}], "summaries": [{"metric": "hhi"}]}"#;
    let sweep = wasm::Sweep::new(experiment(text)).unwrap_or_else(|e| panic!("{}", message(e)));
    assert_eq!(sweep.points(), 3);
    assert_eq!(sweep.replicates(), 2);
    assert_eq!(sweep.columns().length(), 3);
    let rows = sweep.run_point(1.into()).unwrap_or_else(|e| panic!("{}", message(e))).to_vec();
    let native = regsim::analysis::experiment::Experiment::new(regsim::analysis::experiment::spec_from_value(serde_json::from_str(text).unwrap()).unwrap()).unwrap();
    let expected: Vec<f64> = native.run_point(1).unwrap().into_iter().flatten().collect();
    assert_eq!(rows.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), expected.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
    assert_mentions("point out of range", &message(sweep.run_point(3.into()).unwrap_err()), &["point", "3", "from 0 to 2"]);
    assert_mentions("indices of an lhs", &message(sweep.indices(Float64Array::from(&[1.0, 2.0, 3.0][..]).into(), JsValue::UNDEFINED).unwrap_err()), &["morris", "lhs"]);
    assert_mentions("y of the wrong length", &message(sweep.indices(Float64Array::from(&[1.0][..]).into(), JsValue::UNDEFINED).unwrap_err()), &["y", "3 values"]);
}

#[wasm_bindgen_test]
fn a_bad_experiment_is_named_by_its_field() {
    let msg = message(wasm::Sweep::new(experiment(r#"{"design": {"kind": "lhs", "samples": 2}, "factors": [{"path": "market.nope", "min": 0, "max": 1}], "summaries": [{"metric": "hhi"}]}"#)).err().unwrap());
    assert_mentions("unknown factor", &msg, &["factors[0].path", "market.nope"]);
    let msg = message(wasm::Sweep::new(JsValue::from_f64(3.0)).err().unwrap());
    assert_mentions("not an object", &msg, &["experiment", "3"]);
}

#[wasm_bindgen_test]
fn the_drivers_view_is_a_tornado_over_the_most_uncertain_parameters() {
    let uncertain = wasm::uncertain_parameters().unwrap();
    let list: Array = uncertain.unchecked_into();
    assert!(list.length() >= 20);
    let b = preset_with_quarters("none", 12.0);
    let r = preset_with_quarters("sb1047", 12.0);
    let d = experiment(r#"{"kind": "tornado", "metric": "hhi", "from": 2026, "to": 2026, "count": 3, "replicates": 2}"#);
    let e = wasm::drivers_experiment(b, r, d).unwrap_or_else(|e| panic!("{}", message(e)));
    let sweep = wasm::Sweep::new(e).unwrap_or_else(|e| panic!("{}", message(e)));
    assert_eq!(sweep.points(), 7);
    let y = Float64Array::from(&[10.0, 9.0, 11.0, 10.0, 10.0, 8.0, 13.0][..]);
    let idx = sweep.indices(y.into(), JsValue::UNDEFINED).unwrap_or_else(|e| panic!("{}", message(e)));
    assert_eq!(get(&idx, "method").as_string().unwrap(), "tornado");
    assert_eq!(get(&idx, "base").as_f64(), Some(10.0));
    let bad = experiment(r#"{"kind": "spiral", "metric": "hhi", "from": 2026, "to": 2026}"#);
    assert_mentions("bad drivers", &message(wasm::drivers_experiment(preset_with_quarters("none", 12.0), preset_with_quarters("sb1047", 12.0), bad).unwrap_err()), &["drivers", "tornado"]);
}

#[wasm_bindgen_test]
fn a_v1_3_scenario_opens_as_v1_4() {
    let old = scenario(&[("schema_version", 1.into()), ("label", "sb1047".into()), ("market.xi_derivative", (-0.2).into()), ("regime.compliance_fixed", 5e6.into())]);
    let up = wasm::upgrade_scenario(old).unwrap_or_else(|e| panic!("{}", message(e)));
    assert_eq!(get(&up, "schema_version").as_f64(), Some(wasm::schema_version() as f64));
    assert_eq!(get(&up, "regime.compliance_fixed").as_f64(), Some(5e6), "a changed value is kept");
    assert_eq!(get(&up, "regime.cover_cost").as_f64(), Some(1e8), "the preset its label names");
    assert_eq!(get(&up, "market.derivative_premium").as_f64(), Some(-0.2 - -1.0), "xi_derivative − v1.3's xi_open");
    let bad = scenario(&[("schema_version", 1.into()), ("market.betta", 1.into())]);
    assert_mentions("unmappable", &message(wasm::upgrade_scenario(bad).unwrap_err()), &["market.betta"]);
}

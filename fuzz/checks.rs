//! The fuzz targets' bodies: what regsim reads from outside, fed arbitrary bytes. Each must
//! refuse bad input with errors that name a field (never panic), and whatever it accepts must
//! hold up: a valid scenario runs (a few quarters, one replicate) to metrics without infinities,
//! and round-trips through its JSON; merged shards give results that serialize.
//!
//! Shared by the fuzz targets (fuzz/fuzz_targets/NAME.rs) and by tests/fuzz_regressions.rs, which
//! runs every seed (fuzz/seeds/NAME/) and every input a fuzzing run found to fail
//! (fuzz/regressions/NAME/) as a normal test. To add a target: a function here, a line in
//! `TARGETS`, a three-line fuzz/fuzz_targets/NAME.rs and a `[[bin]]` in fuzz/Cargo.toml like the
//! others, and seeds in fuzz/seeds/NAME/; scripts/fuzz.sh then runs it too.
#![allow(dead_code)]

use regsim::ensemble;
use regsim::metrics::{Metric, RunMetrics};
use regsim::scenario::{apply_json_overlay, apply_set, parse_scenario_json, preset, validate, work, FieldError, Scenario};
use regsim::analysis::experiment::{parse_spec, Experiment};
use regsim::{report, shards};
use serde_json::Value;

/// A target's body: arbitrary bytes in, a panic for a failure.
pub type Check = fn(&[u8]);

/// Every target: its name (as in fuzz/Cargo.toml and fuzz/seeds/NAME/) and its body.
pub const TARGETS: &[(&str, Check)] = &[("scenario_json", scenario_json), ("set_override", set_override), ("shard_merge", shard_merge), ("experiment_file", experiment_file)];

/// A valid scenario is run for at most this many quarters, and only if that asks for at most
/// this much work (`scenario::work`, about 10 ms), so that one input stays quick.
const RUN_QUARTERS: u32 = 4;
const RUN_WORK: f64 = 1e7;

/// Most `--set` lines read from one input.
const MAX_SETS: usize = 64;

/// A scenario file, as `regsim run --scenario FILE` (laid over a preset) and as a whole scenario.
pub fn scenario_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_scenario_json(text) {
        Ok(s) => check_and_run(&s),
        Err(e) => check_errors(&e.0),
    }
    let Ok(v) = serde_json::from_str::<Value>(text) else { return };
    for name in ["none", "strict_all"] {
        match apply_json_overlay(&preset(name).expect("a preset"), &v) {
            Ok(s) => check_and_run(&s),
            Err(e) => check_errors(&e.0),
        }
    }
}

/// `--set KEY=VALUE` overrides, one a line, applied in turn to the default scenario.
pub fn set_override(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut s = Scenario::default();
    for line in text.lines().take(MAX_SETS) {
        match apply_set(&s, line) {
            Ok(next) => s = next,
            Err(e) => check_errors(&e.0),
        }
    }
    check_and_run(&s);
}

/// Shard files for `regsim merge`: one part, or a JSON array of parts, merged.
pub fn shard_merge(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(v) = serde_json::from_str::<Value>(text) else { return };
    let docs = match v {
        Value::Array(a) => a,
        other => vec![other],
    };
    let mut parts = Vec::new();
    for doc in &docs {
        match shards::part_from_json(doc) {
            Ok(p) => parts.push(p),
            Err(e) => {
                assert!(!e.is_empty());
                return;
            }
        }
    }
    let Ok(merged) = shards::merge(parts) else { return };
    match merged {
        shards::Merged::Ensemble(r) => {
            for band in &r.bands {
                check_band(band);
            }
            let _ = report::ensemble_json(&r).to_string();
            let _ = report::ensemble_csv(&r);
        }
        shards::Merged::Comparison(c) => {
            for band in c.baseline.bands.iter().chain(&c.reform.bands).chain(&c.difference) {
                check_band(band);
            }
            let _ = report::comparison_json(&c).to_string();
            let _ = report::comparison_csv(&c);
        }
    }
}

/// An experiment file of `regsim sweep` (TOML and JSON both tried): refused with errors that name
/// a field, or built into a design whose points lie in the unit cube (NaN: a factor a Morris or
/// one-at-a-time point leaves at its base) and whose factor values exist; when its first point
/// is small, that point runs (one replicate, at most `RUN_QUARTERS` quarters) to one row of the
/// summaries' width.
pub fn experiment_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for toml in [true, false] {
        let spec = match parse_spec(text, toml) {
            Ok(spec) => spec,
            Err(e) => {
                check_errors(&e.0);
                continue;
            }
        };
        let mut short = spec.clone();
        let e = match Experiment::new(spec) {
            Ok(e) => e,
            Err(e) => {
                check_errors(&e.0);
                continue;
            }
        };
        assert!(!e.is_empty(), "an experiment without points");
        for (i, p) in e.points.iter().enumerate() {
            assert!(p.iter().all(|&u| u.is_nan() || (0.0..=1.0).contains(&u)), "point {i} outside the unit cube: {p:?}");
        }
        let columns = e.summary_columns();
        assert!(!columns.is_empty(), "an experiment without summaries");
        let _ = e.factor_values(0);
        short.replicates = 1;
        short.quarters = Some(short.quarters.unwrap_or(RUN_QUARTERS).min(RUN_QUARTERS));
        // A spec that was valid stays valid with fewer replicates and quarters, unless a summary
        // reads a quarter the shorter run does not have: then it is named like any other error.
        let small = match Experiment::new(short) {
            Ok(small) => small,
            Err(e) => {
                check_errors(&e.0);
                continue;
            }
        };
        let Ok((b, r)) = small.scenarios_at(&small.points[0]) else { continue };
        if r.iter().chain([&b]).map(|s| work::estimate(s).total).sum::<f64>() > RUN_WORK {
            continue;
        }
        match small.run_point(0) {
            Ok(rows) => {
                assert_eq!(rows.len(), 1, "one replicate, one row");
                assert_eq!(rows[0].len(), columns.len(), "a row's width differs from its columns'");
            }
            Err(e) => check_errors(&e.0),
        }
    }
}

/// Errors name a field and say what is allowed.
fn check_errors(errors: &[FieldError]) {
    assert!(!errors.is_empty(), "an error without a problem");
    for e in errors {
        assert!(!e.field.is_empty() && !e.allowed.is_empty(), "an error that names no field or allows nothing: {e:?}");
        let _ = e.to_string();
    }
}

/// A scenario validation accepts round-trips through its JSON, and runs to sound metrics.
fn check_and_run(s: &Scenario) {
    let errors = validate(s);
    if !errors.is_empty() {
        check_errors(&errors);
        return;
    }
    let json = serde_json::to_string(s).expect("a valid scenario serializes");
    assert_eq!(&parse_scenario_json(&json).expect("a valid scenario reads back"), s, "the JSON of a valid scenario reads back as another scenario");
    let mut short = s.clone();
    short.simulation.quarters = short.simulation.quarters.min(RUN_QUARTERS);
    if work::estimate(&short).total > RUN_WORK {
        return;
    }
    check_metrics(&ensemble::run_replicate(&short, 0));
}

/// No metric is infinite, and none is NaN but those documented as missing when there is nothing
/// to measure.
pub fn check_metrics(m: &RunMetrics) {
    for &metric in Metric::ALL {
        for (q, &x) in m.get(metric).iter().enumerate() {
            let missing_ok = metric.description().contains("missing when");
            assert!(x.is_finite() || (x.is_nan() && missing_ok), "{} is {x} in quarter {q}", metric.name());
        }
    }
}

/// Percentiles of a band are ordered wherever a quarter has a value.
fn check_band(b: &ensemble::Band) {
    for q in 0..b.p50.len() {
        let p = [b.p5[q], b.p25[q], b.p50[q], b.p75[q], b.p95[q]];
        if p.iter().any(|x| x.is_nan()) {
            assert!(p.iter().all(|x| x.is_nan()), "quarter {q}: some percentiles missing, others not: {p:?}");
            continue;
        }
        assert!(p.windows(2).all(|w| w[0] <= w[1]), "quarter {q}: percentiles out of order: {p:?}");
    }
}

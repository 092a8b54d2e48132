//! The public shapes of results: JSON (`{"version", "scenario", "quarters", "metrics"}`, a
//! comparison with `baseline`, `reform` and `difference` of that shape) and CSV (one row per
//! quarter, a column per metric and statistic). Missing values are `null` in JSON and empty in CSV.

use crate::ensemble::{Band, Comparison, EnsembleResult, STATS};
use crate::metrics::Metric;
use crate::scenario::Scenario;
use serde_json::{json, Map, Value};

/// Version of regsim that produced a result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

fn series(xs: &[f64]) -> Value {
    Value::Array(xs.iter().map(|&x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)).collect())
}

fn metrics_json(bands: &[Band]) -> Value {
    let mut m = Map::new();
    for &metric in Metric::ALL {
        let b = &bands[metric.index()];
        let mut stats = Map::new();
        for s in STATS {
            stats.insert(s.to_string(), series(b.stat(s).expect("known stat")));
        }
        m.insert(metric.name().to_string(), Value::Object(stats));
    }
    Value::Object(m)
}

fn shape(scenario: &Scenario, quarters: &[String], bands: &[Band]) -> Value {
    json!({
        "version": VERSION,
        "scenario": scenario,
        "quarters": quarters,
        "metrics": metrics_json(bands),
    })
}

/// An ensemble as JSON.
pub fn ensemble_json(r: &EnsembleResult) -> Value {
    shape(&r.scenario, &r.quarters, &r.bands)
}

/// A comparison as JSON; `difference` carries the reform's scenario and the paired differences.
pub fn comparison_json(c: &Comparison) -> Value {
    json!({
        "version": VERSION,
        "baseline": ensemble_json(&c.baseline),
        "reform": ensemble_json(&c.reform),
        "difference": shape(&c.reform.scenario, &c.reform.quarters, &c.difference),
    })
}

fn csv_header(with_arm: bool) -> String {
    let mut cols: Vec<String> = Vec::new();
    if with_arm {
        cols.push("arm".into());
    }
    cols.push("quarter".into());
    for &m in Metric::ALL {
        for s in STATS {
            cols.push(format!("{}_{}", m.name(), s));
        }
    }
    cols.join(",")
}

fn csv_rows(out: &mut String, arm: Option<&str>, quarters: &[String], bands: &[Band]) {
    for (q, label) in quarters.iter().enumerate() {
        if let Some(a) = arm {
            out.push_str(a);
            out.push(',');
        }
        out.push_str(label);
        for &m in Metric::ALL {
            for s in STATS {
                out.push(',');
                let x = bands[m.index()].stat(s).expect("known stat")[q];
                if !x.is_nan() {
                    out.push_str(&format!("{x}"));
                }
            }
        }
        out.push('\n');
    }
}

/// An ensemble as CSV.
pub fn ensemble_csv(r: &EnsembleResult) -> String {
    let mut out = csv_header(false);
    out.push('\n');
    csv_rows(&mut out, None, &r.quarters, &r.bands);
    out
}

/// A comparison as CSV, with an `arm` column: baseline, reform, difference.
pub fn comparison_csv(c: &Comparison) -> String {
    let mut out = csv_header(true);
    out.push('\n');
    csv_rows(&mut out, Some("baseline"), &c.baseline.quarters, &c.baseline.bands);
    csv_rows(&mut out, Some("reform"), &c.reform.quarters, &c.reform.bands);
    csv_rows(&mut out, Some("difference"), &c.reform.quarters, &c.difference);
    out
}

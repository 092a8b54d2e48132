//! Splitting an ensemble across machines. Each part runs a shard of the replicates (every K-th,
//! starting at I) and writes its raw runs; [`merge`] joins the parts into exactly the result one
//! machine would have produced, since every replicate depends only on its own seed.

use crate::ensemble::{self, Comparison, EnsembleResult};
use crate::metrics::{Metric, RunMetrics};
use crate::scenario::{from_value, short_json, Scenario, MAX_REPLICATES};
use serde_json::{json, Map, Value};

/// One part of a sharded ensemble or comparison.
#[derive(Clone, Debug)]
pub struct Part {
    /// Replicates in the whole ensemble.
    pub total: u32,
    /// The (baseline) scenario.
    pub baseline: Scenario,
    /// The reform of a comparison (already paired: the baseline's seed).
    pub reform: Option<Scenario>,
    /// Replicate indices this part ran.
    pub indices: Vec<u32>,
    /// Runs of the (baseline) scenario, in `indices` order.
    pub baseline_runs: Vec<RunMetrics>,
    /// Runs of the reform, in `indices` order.
    pub reform_runs: Vec<RunMetrics>,
}

/// What merging gives back (once per command, so the variants' sizes do not matter).
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Merged {
    /// An ensemble of one scenario.
    Ensemble(EnsembleResult),
    /// A comparison.
    Comparison(Comparison),
}

/// Parse "I/K": shard I (0-based) of K.
pub fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("--shard: {text:?} is not allowed; expected I/K with 0 ≤ I < K, e.g. 0/4");
    let (i, k) = text.split_once('/').ok_or_else(bad)?;
    let (i, k): (u32, u32) = (i.trim().parse().map_err(|_| bad())?, k.trim().parse().map_err(|_| bad())?);
    if k == 0 || i >= k {
        return Err(bad());
    }
    Ok((i, k))
}

/// The replicate indices of shard `i` of `k`: i, i + k, i + 2k, … below `total`.
pub fn shard_indices(total: u32, i: u32, k: u32) -> Vec<u32> {
    (i..total).step_by(k as usize).collect()
}

fn runs_json(runs: &[RunMetrics]) -> Value {
    Value::Array(
        runs.iter()
            .map(|r| {
                let mut m = Map::new();
                for &metric in Metric::ALL {
                    let xs = r.get(metric).iter().map(|&x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)).collect();
                    m.insert(metric.name().into(), Value::Array(xs));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

fn runs_from_json(v: &Value, quarters: usize) -> Result<Vec<RunMetrics>, String> {
    let arr = v.as_array().ok_or("runs: expected an array")?;
    arr.iter()
        .enumerate()
        .map(|(k, run)| {
            let mut m = RunMetrics::with_capacity(quarters);
            for &metric in Metric::ALL {
                let xs = run.get(metric.name()).and_then(Value::as_array).ok_or_else(|| format!("runs[{k}].{}: missing", metric.name()))?;
                if xs.len() != quarters {
                    return Err(format!("runs[{k}].{}: {} quarters, expected {quarters}", metric.name(), xs.len()));
                }
                for (q, x) in xs.iter().enumerate() {
                    // null is a missing value (as in the JSON output); anything else must be a number.
                    let x = if x.is_null() { Some(f64::NAN) } else { x.as_f64() };
                    m.push(metric, x.ok_or_else(|| format!("runs[{k}].{}[{q}]: {} is not allowed; expected a number or null", metric.name(), short_json(&xs[q])))?);
                }
            }
            if let Some(extra) = run.as_object().and_then(|o| o.keys().find(|key| Metric::ALL.iter().all(|m| m.name() != key.as_str()))) {
                return Err(format!("runs[{k}].{extra}: not a metric of this regsim"));
            }
            Ok(m)
        })
        .collect()
}

/// A part as JSON (`regsim run|compare --shard I/K --format runs`).
pub fn part_json(p: &Part) -> Value {
    let mut v = json!({
        "version": crate::report::VERSION,
        "kind": if p.reform.is_some() { "compare" } else { "run" },
        "replicates": p.total,
        "scenario": p.baseline,
        "indices": p.indices,
        "runs": runs_json(&p.baseline_runs),
    });
    if let Some(r) = &p.reform {
        v["reform_scenario"] = json!(r);
        v["reform_runs"] = runs_json(&p.reform_runs);
    }
    v
}

/// Read a part back, checking it as the run that wrote it was checked: its scenarios are valid,
/// its replicate count within the cap, and it has no field this regsim does not write.
pub fn part_from_json(v: &Value) -> Result<Part, String> {
    if v["version"] != crate::report::VERSION {
        return Err(format!("version: {} is not allowed; expected {} (parts must come from the same regsim)", v["version"], crate::report::VERSION));
    }
    let obj = v.as_object().ok_or("a part must be a JSON object, as `--format runs` writes it")?;
    const FIELDS: [&str; 8] = ["version", "kind", "replicates", "scenario", "indices", "runs", "reform_scenario", "reform_runs"];
    if let Some(extra) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!("{extra}: not a field of a part; expected only {}", FIELDS.join(", ")));
    }
    let baseline = from_value(v["scenario"].clone()).map_err(|e| e.to_string())?;
    let quarters = baseline.simulation.quarters as usize;
    let total = v["replicates"]
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (1..=MAX_REPLICATES).contains(n))
        .ok_or_else(|| format!("replicates: {} is not allowed; expected a whole number from 1 to {MAX_REPLICATES}", short_json(&v["replicates"])))?;
    ensemble::check(&baseline, total).map_err(|e| format!("scenario: {e}"))?;
    let indices: Vec<u32> = v["indices"].as_array().ok_or("indices: expected an array")?.iter().map(|x| x.as_u64().and_then(|x| u32::try_from(x).ok())).collect::<Option<_>>().ok_or("indices: expected whole numbers")?;
    let baseline_runs = runs_from_json(&v["runs"], quarters)?;
    let (reform, reform_runs) = match v["kind"].as_str() {
        Some("run") => (None, Vec::new()),
        Some("compare") => {
            let reform = from_value(v["reform_scenario"].clone()).map_err(|e| format!("reform_scenario: {e}"))?;
            ensemble::check_pair(&baseline, &reform, total).map_err(|e| format!("reform_scenario: {e}"))?;
            (Some(reform), runs_from_json(&v["reform_runs"], quarters)?)
        }
        _ => return Err("kind: expected \"run\" or \"compare\"".into()),
    };
    if baseline_runs.len() != indices.len() || (reform.is_some() && reform_runs.len() != indices.len()) {
        return Err("runs: one run per index expected".into());
    }
    Ok(Part { total, baseline, reform, indices, baseline_runs, reform_runs })
}

/// Join parts: same scenarios and total, every replicate exactly once.
pub fn merge(parts: Vec<Part>) -> Result<Merged, String> {
    let first = parts.first().ok_or("merge: no parts given")?.clone();
    let n = first.total as usize;
    let mut base: Vec<Option<RunMetrics>> = vec![None; n];
    let mut reform: Vec<Option<RunMetrics>> = vec![None; n];
    for (k, p) in parts.into_iter().enumerate() {
        if p.total != first.total || p.baseline != first.baseline || p.reform != first.reform {
            return Err(format!("part {}: its scenario or replicate count differs from the first part's", k + 1));
        }
        for (j, &i) in p.indices.iter().enumerate() {
            let slot = base.get_mut(i as usize).ok_or_else(|| format!("part {}: replicate {i} is beyond {n}", k + 1))?;
            if slot.is_some() {
                return Err(format!("part {}: replicate {i} appears twice", k + 1));
            }
            *slot = Some(p.baseline_runs[j].clone());
            if p.reform.is_some() {
                reform[i as usize] = Some(p.reform_runs[j].clone());
            }
        }
    }
    let missing: Vec<usize> = base.iter().enumerate().filter(|(_, r)| r.is_none()).map(|(i, _)| i).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(8).map(|i| i.to_string()).collect();
        let more = if missing.len() > 8 { format!(" and {} more", missing.len() - 8) } else { String::new() };
        return Err(format!("merge: replicates {}{more} of {n} are missing; give every part", shown.join(", ")));
    }
    let b: Vec<RunMetrics> = base.into_iter().map(|r| r.expect("checked")).collect();
    Ok(match &first.reform {
        None => Merged::Ensemble(ensemble::ensemble(&first.baseline, first.total, b)),
        Some(r) => {
            let rr: Vec<RunMetrics> = reform.into_iter().map(|r| r.expect("checked")).collect();
            Merged::Comparison(ensemble::comparison(&first.baseline, r, first.total, b, rr))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_replicate_once() {
        let mut all: Vec<u32> = (0..3).flat_map(|i| shard_indices(10, i, 3)).collect();
        all.sort();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        assert_eq!(parse_shard("1/4"), Ok((1, 4)));
        assert!(parse_shard("4/4").is_err() && parse_shard("x").is_err() && parse_shard("1/0").is_err());
    }
}

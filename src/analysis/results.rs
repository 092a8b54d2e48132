//! Reading a sweep's rows back: per design point, the mean over replicates of each summary column,
//! and the indices of the design kind.

use super::design::DesignKind;
use super::experiment::Experiment;
use super::sensitivity::{self, Bootstrap, MorrisIndex, SobolIndex, TornadoBar};
use serde::Serialize;
use serde_json::Value;

/// Per summary column, the mean over replicates at each design point (NaN values left out).
pub fn point_means(e: &Experiment, text: &str, columns: &[String]) -> Result<Vec<Vec<f64>>, String> {
    let n = e.len();
    let mut sums = vec![vec![(0.0, 0usize); n]; columns.len()];
    let mut rows = vec![0usize; n];
    let mut lines = text.lines().enumerate();
    let first = text.lines().next().unwrap_or("");
    let jsonl = first.starts_with('{');
    let index: Vec<usize> = if jsonl {
        Vec::new()
    } else {
        lines.next();
        let header: Vec<&str> = first.split(',').collect();
        if header.first() != Some(&"point") {
            return Err("the file is neither a sweep's CSV (its header starts with \"point\") nor its JSON Lines".into());
        }
        columns
            .iter()
            .map(|c| header.iter().position(|h| h == c).ok_or_else(|| format!("column {c:?} is not in the file; it has {}", header[2..].join(", "))))
            .collect::<Result<_, _>>()?
    };
    for (ln, line) in lines {
        if line.is_empty() {
            continue;
        }
        let bad = |what: String| format!("line {}: {what}", ln + 1);
        let (point, values): (usize, Vec<f64>) = if jsonl {
            let v: Value = serde_json::from_str(line).map_err(|err| bad(format!("not JSON ({err})")))?;
            let point = v.get("point").and_then(Value::as_u64).ok_or_else(|| bad("no \"point\"".into()))? as usize;
            let values = columns
                .iter()
                .map(|c| match v.get(c) {
                    Some(Value::Null) => Ok(f64::NAN),
                    Some(x) => x.as_f64().ok_or_else(|| bad(format!("{c} is not a number"))),
                    None => Err(bad(format!("no column {c:?}"))),
                })
                .collect::<Result<_, _>>()?;
            (point, values)
        } else {
            let cells: Vec<&str> = line.split(',').collect();
            let point = cells[0].parse().map_err(|_| bad(format!("point {:?} is not a whole number", cells[0])))?;
            let values = index
                .iter()
                .map(|&i| cells.get(i).and_then(|c| c.parse::<f64>().ok()).ok_or_else(|| bad(format!("column {} is not a number", i + 1))))
                .collect::<Result<_, _>>()?;
            (point, values)
        };
        if point >= n {
            return Err(bad(format!("point {point} is outside the design's {n} points: is this the experiment's output?")));
        }
        rows[point] += 1;
        for (c, x) in values.into_iter().enumerate() {
            if !x.is_nan() {
                sums[c][point].0 += x;
                sums[c][point].1 += 1;
            }
        }
    }
    if let Some(p) = rows.iter().position(|&r| r == 0) {
        return Err(format!("point {p} has no rows; the sweep is not complete ({} of {n} points): run it again to resume", rows.iter().filter(|&&r| r > 0).count()));
    }
    Ok(sums.into_iter().map(|col| col.into_iter().map(|(s, k)| if k > 0 { s / k as f64 } else { f64::NAN }).collect()).collect())
}

/// The indices of one summary column.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Indices {
    /// Morris screening.
    Morris {
        /// Per factor.
        factors: Vec<MorrisIndex>,
    },
    /// Sobol' indices.
    Sobol {
        /// Per factor.
        factors: Vec<SobolIndex>,
    },
    /// One-at-a-time ends against the base.
    Tornado {
        /// The output at the base point.
        base: f64,
        /// Per factor.
        factors: Vec<TornadoBar>,
    },
}

/// The indices that an experiment's design supports, for outputs `y` (one per point).
pub fn indices(e: &Experiment, y: &[f64], boot: &Bootstrap) -> Result<Indices, String> {
    let k = e.factors.len();
    match e.spec.design {
        DesignKind::Morris { levels, .. } => Ok(Indices::Morris { factors: sensitivity::morris(&e.points, y, k, levels as usize, boot) }),
        DesignKind::Sobol { .. } => Ok(Indices::Sobol { factors: sensitivity::sobol(y, k, boot) }),
        DesignKind::OneAtATime => Ok(Indices::Tornado { base: y[0], factors: sensitivity::tornado(y, k) }),
        ref d => Err(format!("sensitivity indices need a morris, sobol or one_at_a_time design; this experiment's is {}", d.name())),
    }
}

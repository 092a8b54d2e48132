//! The sweep runner: every point of an experiment's design on every core, rows streamed to a file
//! in a fixed order, resumable after an interruption, splittable into shards.
//!
//! Rows come out in design order (point, then replicate) whatever the number of threads: workers
//! take points in turn and a writer puts finished points in order, holding at most a bounded window
//! of finished-but-unwritten points, so memory does not grow with the design. After each point the
//! file is flushed; a sidecar file (`OUT.meta.json`) records the experiment's fingerprint, so that
//! running the same command again after a kill resumes after the last whole point (a half-written
//! point is cut off and run again), and a different experiment is refused rather than mixed in.
//!
//! Shard I of K runs the I-th of K contiguous blocks of points, so that the parts, concatenated in
//! order under one header ([`merge`]), are byte for byte the output of one process.

use super::experiment::Experiment;
use crate::scenario::ScenarioError;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

/// Output format of rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowFormat {
    /// Comma-separated, one header line (pandas-tidy).
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl RowFormat {
    /// Its name, as the sidecar records it.
    pub fn name(self) -> &'static str {
        match self {
            RowFormat::Csv => "csv",
            RowFormat::Jsonl => "jsonl",
        }
    }
}

/// How to run a sweep.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Shard (I, K): run the I-th of K contiguous blocks of points.
    pub shard: Option<(u32, u32)>,
    /// Row format.
    pub format: RowFormat,
}

/// The points `[start, end)` of shard `i` of `k` among `n` points.
pub fn shard_points(n: usize, shard: Option<(u32, u32)>) -> (usize, usize) {
    match shard {
        None => (0, n),
        Some((i, k)) => ((n as u64 * i as u64 / k as u64) as usize, (n as u64 * (i as u64 + 1) / k as u64) as usize),
    }
}

/// The header line of an experiment's rows (CSV), with its line break.
pub fn csv_header(e: &Experiment) -> String {
    let mut cols = vec!["point".to_string(), "replicate".to_string()];
    cols.extend(e.factors.iter().map(|f| f.path.clone()));
    cols.extend(e.summary_columns());
    cols.join(",") + "\n"
}

/// A number as rows write it: the shortest text that reads back to the same bits (`NaN`, `inf`).
pub fn number_text(x: f64) -> String {
    format!("{x:?}")
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Number(n) if n.is_f64() => number_text(n.as_f64().unwrap_or(f64::NAN)),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The lines of point `i` (one per replicate), in `format`.
pub fn point_lines(e: &Experiment, i: usize, rows: &[Vec<f64>], format: RowFormat) -> String {
    let factors = e.factor_values(i);
    let columns = e.summary_columns();
    let mut out = String::new();
    for (rep, row) in rows.iter().enumerate() {
        match format {
            RowFormat::Csv => {
                let mut cells = vec![i.to_string(), rep.to_string()];
                cells.extend(factors.iter().map(value_text));
                cells.extend(row.iter().map(|&x| number_text(x)));
                out.push_str(&cells.join(","));
            }
            RowFormat::Jsonl => {
                let mut obj = serde_json::Map::new();
                obj.insert("point".into(), json!(i));
                obj.insert("replicate".into(), json!(rep));
                for (f, v) in e.factors.iter().zip(&factors) {
                    obj.insert(f.path.clone(), v.clone());
                }
                for (c, &x) in columns.iter().zip(row) {
                    obj.insert(c.clone(), serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number));
                }
                out.push_str(&Value::Object(obj).to_string());
            }
        }
        out.push('\n');
    }
    out
}

/// The sidecar file of an output file.
pub fn meta_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".meta.json");
    PathBuf::from(name)
}

fn meta_json(e: &Experiment, o: &SweepOptions, range: (usize, usize)) -> Value {
    json!({
        "regsim_sweep": e.fingerprint(),
        "version": env!("CARGO_PKG_VERSION"),
        "format": o.format.name(),
        "design": e.spec.design.name(),
        "points": [range.0, range.1],
        "total_points": e.len(),
        "replicates": e.replicates(),
        "shard": o.shard.map(|(i, k)| json!([i, k])),
        "experiment": e.spec,
    })
}

/// Why a sweep stopped.
#[derive(Debug)]
pub enum SweepError {
    /// The experiment or one of its points is invalid.
    Scenario(ScenarioError),
    /// Reading or writing the output failed, or it belongs to another experiment.
    Io(String),
}

impl std::fmt::Display for SweepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SweepError::Scenario(e) => write!(f, "{e}"),
            SweepError::Io(m) => f.write_str(m),
        }
    }
}

/// What a run of [`run_to_file`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepReport {
    /// Points this shard covers.
    pub points: (usize, usize),
    /// Points found already written (resumed after them).
    pub resumed: usize,
    /// Points run now.
    pub ran: usize,
}

/// Run an experiment (or one shard of it) into `out`, resuming after the points already there.
/// `progress(done, total)` is called after each point, counting resumed points as done.
pub fn run_to_file(e: &Experiment, o: &SweepOptions, out: &Path, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<SweepReport, SweepError> {
    let range = shard_points(e.len(), o.shard);
    let meta = meta_json(e, o, range);
    let io = |what: &str, err: std::io::Error| SweepError::Io(format!("{what} {}: {err}", out.display()));
    let header = if o.format == RowFormat::Csv { csv_header(e) } else { String::new() };
    let reps = e.replicates() as usize;
    let mut done = 0;
    let exists = out.metadata().map(|m| m.len() > 0).unwrap_or(false);
    let mut file;
    if exists {
        let recorded: Value = std::fs::read_to_string(meta_path(out))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or_else(|| SweepError::Io(format!("--out: {} already exists and is not a regsim sweep's output (no readable {}); remove it or choose another file", out.display(), meta_path(out).display())))?;
        for key in ["regsim_sweep", "format", "points", "replicates"] {
            if recorded.get(key) != meta.get(key) {
                return Err(SweepError::Io(format!(
                    "--out: {} holds the rows of another sweep ({key} differs: {} there, {} here); remove it or choose another file",
                    out.display(),
                    recorded.get(key).map_or("none".into(), |v| v.to_string()),
                    meta.get(key).map_or("none".into(), |v| v.to_string())
                )));
            }
        }
        file = OpenOptions::new().read(true).write(true).open(out).map_err(|err| io("cannot open", err))?;
        let (keep, lines) = whole_lines(&mut file).map_err(|err| io("cannot read", err))?;
        let header_lines = usize::from(!header.is_empty());
        let rows = lines.saturating_sub(header_lines);
        done = (rows / reps).min(range.1 - range.0);
        // Cut the file after the header and the last whole point.
        let cut = if lines < header_lines { 0 } else { keep[header_lines + done * reps] };
        file.set_len(cut).map_err(|err| io("cannot truncate", err))?;
        file.seek(SeekFrom::End(0)).map_err(|err| io("cannot seek in", err))?;
        if cut == 0 {
            file.write_all(header.as_bytes()).map_err(|err| io("cannot write", err))?;
        }
    } else {
        file = File::create(out).map_err(|err| io("cannot create", err))?;
        std::fs::write(meta_path(out), serde_json::to_string_pretty(&meta).expect("json") + "\n").map_err(|err| SweepError::Io(format!("cannot write {}: {err}", meta_path(out).display())))?;
        file.write_all(header.as_bytes()).map_err(|err| io("cannot write", err))?;
    }
    let start = range.0 + done;
    let total = range.1 - range.0;
    progress(done, total);
    let mut write_err = None;
    run_points(e, start, range.1, o.threads, &mut |i, rows| {
        if write_err.is_none() {
            let text = point_lines(e, i, rows, o.format);
            if let Err(err) = file.write_all(text.as_bytes()).and_then(|_| file.flush()) {
                write_err = Some(io("cannot write", err));
            }
        }
        progress(i + 1 - range.0, total);
    })
    .map_err(SweepError::Scenario)?;
    if let Some(err) = write_err {
        return Err(err);
    }
    Ok(SweepReport { points: range, resumed: done, ran: range.1 - start })
}

/// Byte offsets after each whole line of a file (with 0 first), and the count of whole lines.
fn whole_lines(file: &mut File) -> std::io::Result<(Vec<u64>, usize)> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(&mut *file);
    let mut offsets = vec![0u64];
    let mut buf = Vec::new();
    let mut pos = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 || buf.last() != Some(&b'\n') {
            break;
        }
        pos += n as u64;
        offsets.push(pos);
    }
    let lines = offsets.len() - 1;
    Ok((offsets, lines))
}

/// Run points `start..end` on `threads` threads and hand each point's rows to `write` in order.
/// Workers run at most a bounded window ahead of the writer, so memory stays flat.
pub fn run_points(e: &Experiment, start: usize, end: usize, threads: usize, write: &mut dyn FnMut(usize, &[Vec<f64>])) -> Result<(), ScenarioError> {
    struct Shared {
        next: usize,
        written: usize,
        finished: BTreeMap<usize, Result<Vec<Vec<f64>>, ScenarioError>>,
        failed: bool,
    }
    let threads = threads.max(1);
    let window = 4 * threads;
    let state = Mutex::new(Shared { next: start, written: start, finished: BTreeMap::new(), failed: false });
    let (ready, room) = (Condvar::new(), Condvar::new());
    let lock = || state.lock().unwrap_or_else(|p| p.into_inner());
    let mut outcome = Ok(());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(end.saturating_sub(start)) {
            scope.spawn(|| loop {
                let i = {
                    let mut s = lock();
                    while !s.failed && s.next < end && s.next >= s.written + window {
                        s = room.wait(s).unwrap_or_else(|p| p.into_inner());
                    }
                    if s.failed || s.next >= end {
                        return;
                    }
                    s.next += 1;
                    s.next - 1
                };
                let rows = e.run_point(i);
                let mut s = lock();
                s.finished.insert(i, rows);
                ready.notify_one();
            });
        }
        let mut s = lock();
        while s.written < end {
            let i = s.written;
            match s.finished.remove(&i) {
                None => s = ready.wait(s).unwrap_or_else(|p| p.into_inner()),
                Some(Err(err)) => {
                    s.failed = true;
                    room.notify_all();
                    outcome = Err(err);
                    break;
                }
                Some(Ok(rows)) => {
                    drop(s);
                    write(i, &rows);
                    s = lock();
                    s.written += 1;
                    room.notify_all();
                }
            }
        }
    });
    outcome
}

/// Join the parts of a sharded sweep (each with its sidecar) into one file: the header once, then
/// every part's rows in shard order. Refuses parts of different experiments, missing or repeated
/// shards, and parts that are not complete. Returns the sidecar of the whole sweep (what one process
/// would have written next to its output).
pub fn merge(parts: &[PathBuf], out: &mut dyn Write) -> Result<Value, String> {
    let mut metas = Vec::new();
    for p in parts {
        let text = std::fs::read_to_string(meta_path(p)).map_err(|e| format!("merge: cannot read {} (the sidecar of {}): {e}", meta_path(p).display(), p.display()))?;
        let meta: Value = serde_json::from_str(&text).map_err(|e| format!("merge: {} is not valid JSON: {e}", meta_path(p).display()))?;
        let shard = meta.get("shard").and_then(|s| s.as_array()).and_then(|s| Some((s.first()?.as_u64()?, s.get(1)?.as_u64()?)));
        let Some(shard) = shard else { return Err(format!("merge: {} is not a shard of a sweep (run with --shard I/K)", p.display())) };
        metas.push((shard, meta, p));
    }
    metas.sort_by_key(|m| m.0 .0);
    let k = metas.first().map_or(0, |m| m.0 .1);
    let first = &metas[0].1;
    for (idx, ((i, kk), meta, p)) in metas.iter().enumerate() {
        if *kk != k || meta.get("regsim_sweep") != first.get("regsim_sweep") || meta.get("format") != first.get("format") {
            return Err(format!("merge: {} is a part of another sweep than {}", p.display(), metas[0].2.display()));
        }
        if *i != idx as u64 {
            return Err(format!("merge: shard {idx} of {k} is missing or given twice (found {i}/{k} in {})", p.display()));
        }
    }
    if metas.len() as u64 != k {
        return Err(format!("merge: {} parts given, the sweep has {k} shards", metas.len()));
    }
    let reps = first.get("replicates").and_then(Value::as_u64).unwrap_or(1) as usize;
    let csv = first.get("format").and_then(Value::as_str) == Some("csv");
    for (idx, (_, meta, p)) in metas.iter().enumerate() {
        let range = meta.get("points").and_then(|r| r.as_array()).map(|r| (r[0].as_u64().unwrap_or(0), r[1].as_u64().unwrap_or(0))).unwrap_or((0, 0));
        let expected = (range.1 - range.0) as usize * reps + usize::from(csv);
        let file = File::open(p).map_err(|e| format!("merge: cannot read {}: {e}", p.display()))?;
        let mut lines = 0;
        for (n, line) in BufReader::new(file).split(b'\n').enumerate() {
            let line = line.map_err(|e| format!("merge: cannot read {}: {e}", p.display()))?;
            lines += 1;
            if csv && n == 0 && idx > 0 {
                continue;
            }
            out.write_all(&line).and_then(|_| out.write_all(b"\n")).map_err(|e| format!("merge: cannot write: {e}"))?;
        }
        if lines != expected {
            return Err(format!("merge: {} has {lines} lines, a complete shard has {expected}: run its shard again (it resumes) before merging", p.display()));
        }
    }
    let mut whole = first.clone();
    whole["shard"] = Value::Null;
    whole["points"] = json!([0, first.get("total_points").cloned().unwrap_or(Value::Null)]);
    Ok(whole)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::experiment::spec_from_value;

    fn small() -> Experiment {
        Experiment::new(
            spec_from_value(json!({
                "replicates": 2, "quarters": 4,
                "design": {"kind": "lhs", "samples": 7},
                "factors": [{"path": "market.nest_lambda", "min": 0.4, "max": 0.8}],
                "summaries": [{"metric": "hhi"}, {"metric": "open_share_usage", "stat": "final"}]
            }))
            .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn shards_partition_the_points() {
        let mut covered = vec![];
        for i in 0..3 {
            let (a, b) = shard_points(10, Some((i, 3)));
            covered.extend(a..b);
        }
        assert_eq!(covered, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn rows_are_in_design_order_whatever_the_thread_count() {
        let e = small();
        let collect = |threads| {
            let mut text = String::new();
            run_points(&e, 0, e.len(), threads, &mut |i, rows| text.push_str(&point_lines(&e, i, rows, RowFormat::Csv))).unwrap();
            text
        };
        let one = collect(1);
        assert_eq!(one.lines().count(), 14);
        assert_eq!(one, collect(3));
    }

    #[test]
    fn numbers_read_back_to_the_same_bits() {
        for x in [0.1, 1e300, 2.5e-9, -0.0, 12345.678, f64::MIN_POSITIVE] {
            assert_eq!(number_text(x).parse::<f64>().unwrap().to_bits(), x.to_bits());
        }
        assert_eq!(number_text(f64::NAN), "NaN");
    }
}

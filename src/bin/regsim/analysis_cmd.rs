//! `regsim sweep`, `regsim design` and the sweep side of `regsim merge`: thin callers of
//! `regsim::analysis`.

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use regsim::analysis::experiment::{parse_spec, Experiment};
use regsim::analysis::sweep::{self, RowFormat, SweepOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A failure: exit code and one line for standard error.
pub type Failure = (i32, String);

/// Options of `regsim sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Experiment file (.toml, or .json): design, factors, summaries (see docs/analysis.md).
    #[arg(value_name = "EXPERIMENT")]
    pub experiment: PathBuf,
    /// Output file; running the same command again resumes after its last whole point. Without
    /// it, rows go to standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Row format.
    #[arg(long, value_enum, default_value_t = RowFormatArg::Csv)]
    pub format: RowFormatArg,
    /// Threads, 1 to 1024 (default: every core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024), allow_negative_numbers = true)]
    pub threads: Option<u32>,
    /// Run only shard I of K (0-based): the I-th of K contiguous blocks of points; join the parts
    /// with `regsim merge`.
    #[arg(long, value_name = "I/K")]
    pub shard: Option<String>,
    /// Instead of running, write a Slurm job array of --tasks shards and a merge job that depends
    /// on it into DIR (see docs/scaling.md); the merged output goes to --out.
    #[arg(long, value_name = "DIR")]
    pub slurm: Option<PathBuf>,
    /// Array tasks for --slurm, 1 to 10000.
    #[arg(long, value_name = "K", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=10_000), allow_negative_numbers = true)]
    pub tasks: u32,
}

/// Row formats on the command line.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum RowFormatArg {
    /// Comma-separated with a header (pandas: `pd.read_csv`).
    Csv,
    /// JSON Lines (pandas: `pd.read_json(path, lines=True)`).
    Jsonl,
}

/// Options of `regsim design`.
#[derive(Args, Debug)]
pub struct DesignArgs {
    /// Experiment file (.toml or .json).
    #[arg(value_name = "EXPERIMENT")]
    pub experiment: PathBuf,
    /// Directory for problem.json and design.txt (SALib) and design.csv (pandas, EMA Workbench).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Read and check an experiment file.
pub fn load(path: &Path) -> Result<Experiment, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| (2, format!("cannot read {}: {e}", path.display())))?;
    let toml = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("toml"));
    let spec = parse_spec(&text, toml).map_err(|e| (2, format!("{}: {e}", path.display())))?;
    Experiment::new(spec).map_err(|e| (2, format!("{}: {e}", path.display())))
}

fn bar(total: u64, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {unit} {{elapsed}} (about {{eta}} left)")) {
        bar.set_style(style);
    }
    bar
}

/// `regsim sweep`.
pub fn sweep(a: SweepArgs, default_threads: usize) -> Result<(), Failure> {
    let e = load(&a.experiment)?;
    let shard = a.shard.as_deref().map(regsim::shards::parse_shard).transpose().map_err(|m| (2, m))?;
    let format = match a.format {
        RowFormatArg::Csv => RowFormat::Csv,
        RowFormatArg::Jsonl => RowFormat::Jsonl,
    };
    if let Some(dir) = &a.slurm {
        if shard.is_some() {
            return Err((2, "--slurm: writes every shard's job itself; leave out --shard".into()));
        }
        let out = a.out.as_ref().ok_or((2, "--slurm: needs --out FILE for the merged rows".to_string()))?;
        return write_slurm(&a.experiment, dir, out, a.tasks, format, e.len());
    }
    let options = SweepOptions { threads: a.threads.map_or(default_threads, |t| t as usize), shard, format };
    let Some(out) = &a.out else {
        if shard.is_some() {
            return Err((2, "--shard: needs --out FILE (its sidecar records which shard it is, for `regsim merge`)".into()));
        }
        let stdout = std::io::stdout();
        let mut w = stdout.lock();
        if format == RowFormat::Csv {
            write_or_fail(&mut w, sweep::csv_header(&e).as_bytes())?;
        }
        let mut failed = None;
        sweep::run_points(&e, 0, e.len(), options.threads, &mut |i, rows| {
            if failed.is_none() {
                failed = write_or_fail(&mut w, sweep::point_lines(&e, i, rows, format).as_bytes()).err();
            }
        })
        .map_err(|err| (2, format!("{}: {err}", a.experiment.display())))?;
        return failed.map_or(Ok(()), Err);
    };
    let range = sweep::shard_points(e.len(), shard);
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| bar((range.1 - range.0) as u64, "points"));
    let tick = |done: usize, _total: usize| {
        if let Some(b) = &progress {
            b.set_position(done as u64);
        }
    };
    let report = sweep::run_to_file(&e, &options, out, &tick).map_err(|err| (2, err.to_string()))?;
    if let Some(b) = progress {
        b.finish_and_clear();
    }
    if report.resumed > 0 {
        eprintln!("regsim: resumed {} after {} of {} points", out.display(), report.resumed, range.1 - range.0);
    }
    Ok(())
}

fn write_or_fail(w: &mut dyn Write, bytes: &[u8]) -> Result<(), Failure> {
    match w.write_all(bytes) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) ends the output without an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err((1, format!("cannot write output: {e}"))),
    }
}

/// `regsim design`: the design matrix in the forms SALib and EMA Workbench read.
pub fn design(a: DesignArgs) -> Result<(), Failure> {
    let e = load(&a.experiment)?;
    std::fs::create_dir_all(&a.out).map_err(|err| (2, format!("--out: cannot create {}: {err}", a.out.display())))?;
    let names: Vec<&str> = e.factors.iter().map(|f| f.path.as_str()).collect();
    let bounds: Vec<[f64; 2]> = e.factors.iter().map(|f| f.range.bounds().into()).collect();
    let problem = serde_json::json!({"num_vars": names.len(), "names": names, "bounds": bounds});
    let mut txt = String::new();
    let mut csv = format!("point,{}\n", names.join(","));
    for (i, p) in e.points.iter().enumerate() {
        let row: Vec<String> = e.factors.iter().zip(p).map(|(f, &u)| if u.is_nan() { "nan".into() } else { sweep::number_text(f.range.number_at(u)) }).collect();
        txt.push_str(&row.join(" "));
        txt.push('\n');
        csv.push_str(&format!("{i},{}\n", row.join(",")));
    }
    let write = |name: &str, text: &str| std::fs::write(a.out.join(name), text).map_err(|err| (2, format!("--out: cannot write {}: {err}", a.out.join(name).display())));
    write("problem.json", &(serde_json::to_string_pretty(&problem).expect("json") + "\n"))?;
    write("design.txt", &txt)?;
    write("design.csv", &csv)
}

/// Whether a part given to `regsim merge` is a sweep's (it has a sweep sidecar).
pub fn is_sweep_part(path: &Path) -> bool {
    std::fs::read_to_string(sweep::meta_path(path)).is_ok_and(|t| t.contains("\"regsim_sweep\""))
}

/// `regsim merge` of sweep parts, to `out` or standard output.
pub fn merge(parts: &[PathBuf], out: Option<&Path>) -> Result<(), Failure> {
    match out {
        Some(path) => {
            let tmp = path.with_extension("merging");
            let mut f = std::fs::File::create(&tmp).map_err(|e| (2, format!("--out: cannot create {}: {e}", tmp.display())))?;
            let meta = sweep::merge(parts, &mut f).map_err(|m| (2, m))?;
            f.flush().map_err(|e| (1, format!("cannot write {}: {e}", tmp.display())))?;
            std::fs::rename(&tmp, path).map_err(|e| (1, format!("cannot write {}: {e}", path.display())))?;
            std::fs::write(sweep::meta_path(path), serde_json::to_string_pretty(&meta).expect("json") + "\n").map_err(|e| (1, format!("cannot write {}: {e}", sweep::meta_path(path).display())))
        }
        None => {
            let mut buf = Vec::new();
            sweep::merge(parts, &mut buf).map_err(|m| (2, m))?;
            write_or_fail(&mut std::io::stdout().lock(), &buf)
        }
    }
}

/// Write the Slurm job array, the merge job and a script that submits both.
fn write_slurm(experiment: &Path, dir: &Path, out: &Path, tasks: u32, format: RowFormat, points: usize) -> Result<(), Failure> {
    let abs = |p: &Path| -> Result<PathBuf, Failure> {
        if p.is_absolute() {
            return Ok(p.to_path_buf());
        }
        std::env::current_dir().map(|d| d.join(p)).map_err(|e| (2, format!("cannot read the working directory: {e}")))
    };
    if tasks as usize > points.max(1) {
        return Err((2, format!("--tasks: {tasks} is not allowed; expected at most the design's {points} points")));
    }
    std::fs::create_dir_all(dir.join("logs")).map_err(|e| (2, format!("--slurm: cannot create {}: {e}", dir.display())))?;
    let (dir, experiment, out) = (abs(dir)?, abs(experiment)?, abs(out)?);
    let exe = std::env::current_exe().map_err(|e| (2, format!("cannot find the regsim executable: {e}")))?;
    let ext = format.name();
    let q = |p: &Path| shell_quote(&p.display().to_string());
    let array = format!(
        "#!/bin/bash\n# Task k runs shard k of {tasks} of the sweep; a task run again resumes its part.\n#SBATCH --job-name=regsim-sweep\n#SBATCH --array=0-{last}\n#SBATCH --output={logs}/task-%a.out\n#SBATCH --cpus-per-task=1\nset -euo pipefail\nexec {exe} sweep {exp} --shard \"${{SLURM_ARRAY_TASK_ID}}/{tasks}\" --out {dir}/part-\"${{SLURM_ARRAY_TASK_ID}}\".{ext} --format {ext} --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"\n",
        last = tasks - 1,
        logs = q(&dir.join("logs")),
        exe = q(&exe),
        exp = q(&experiment),
        dir = q(&dir),
    );
    let parts: Vec<String> = (0..tasks).map(|k| q(&dir.join(format!("part-{k}.{ext}")))).collect();
    let merge = format!(
        "#!/bin/bash\n# Joins the parts in shard order into one file, byte for byte what one process writes.\n#SBATCH --job-name=regsim-merge\n#SBATCH --output={logs}/merge.out\nset -euo pipefail\nexec {exe} merge {parts} --out {out}\n",
        logs = q(&dir.join("logs")),
        exe = q(&exe),
        parts = parts.join(" "),
        out = q(&out),
    );
    let submit = format!(
        "#!/bin/bash\n# Submits the array, then the merge job to start once every task has succeeded.\nset -euo pipefail\ncd {dir}\narray=$(sbatch --parsable array.sbatch)\nmerge=$(sbatch --parsable --dependency=afterok:\"${{array%%;*}}\" merge.sbatch)\necho \"array job $array, merge job $merge\"\n",
        dir = q(&dir),
    );
    for (name, text) in [("array.sbatch", array), ("merge.sbatch", merge), ("submit.sh", submit)] {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| (2, format!("--slurm: cannot write {}: {e}", p.display())))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755));
        }
    }
    eprintln!("regsim: wrote {0}/array.sbatch, {0}/merge.sbatch and {0}/submit.sh; run {0}/submit.sh on the cluster", dir.display());
    Ok(())
}

/// A path quoted for bash.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Options of `regsim sensitivity`.
#[derive(Args, Debug)]
pub struct SensitivityArgs {
    /// A sweep's output (CSV or JSON Lines), complete.
    #[arg(value_name = "RESULTS")]
    pub results: PathBuf,
    /// The experiment file the sweep ran.
    #[arg(long, value_name = "EXPERIMENT")]
    pub experiment: PathBuf,
    /// Summary column to analyse (repeatable; default: every one).
    #[arg(long, value_name = "COLUMN")]
    pub summary: Vec<String>,
    /// Bootstrap resamples for the confidence intervals, 2 to 100000.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(2..=100_000), allow_negative_numbers = true)]
    pub resamples: u32,
    /// Confidence level of the intervals, between 0 and 1.
    #[arg(long, default_value_t = 0.95, value_parser = confidence_level)]
    pub conf: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = IndexFormat::Markdown)]
    pub format: IndexFormat,
}

/// Output formats of `regsim sensitivity`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum IndexFormat {
    /// A table per summary, most influential factor first.
    Markdown,
    /// One row per summary and factor, in factor order.
    Csv,
    /// Everything, as JSON.
    Json,
}

fn confidence_level(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err(format!("{s:?} is not allowed; expected a number between 0 and 1, e.g. 0.95")),
    }
}

/// `regsim sensitivity`.
pub fn sensitivity(a: SensitivityArgs) -> Result<Vec<u8>, Failure> {
    use regsim::analysis::results::{indices, point_means, Indices};
    let e = load(&a.experiment)?;
    if let Ok(meta) = std::fs::read_to_string(sweep::meta_path(&a.results)) {
        let fp = serde_json::from_str::<serde_json::Value>(&meta).ok().and_then(|m| m.get("regsim_sweep").and_then(|v| v.as_str()).map(String::from));
        if fp.as_deref().is_some_and(|f| f != e.fingerprint()) {
            return Err((2, format!("{}: these rows come from another experiment than {} (their sidecar's fingerprint differs)", a.results.display(), a.experiment.display())));
        }
    }
    let all = e.summary_columns();
    let columns = if a.summary.is_empty() { all.clone() } else { a.summary.clone() };
    if let Some(bad) = columns.iter().find(|c| !all.contains(c)) {
        return Err((2, format!("--summary: {bad:?} is not allowed; expected one of {}", all.join(", "))));
    }
    let text = std::fs::read_to_string(&a.results).map_err(|err| (2, format!("cannot read {}: {err}", a.results.display())))?;
    let means = point_means(&e, &text, &columns).map_err(|m| (2, format!("{}: {m}", a.results.display())))?;
    let boot = regsim::analysis::sensitivity::Bootstrap { resamples: a.resamples as usize, level: a.conf, seed: e.spec.seed };
    let names: Vec<&str> = e.factors.iter().map(|f| f.path.as_str()).collect();
    let mut results = Vec::new();
    for (c, y) in columns.iter().zip(&means) {
        results.push((c, indices(&e, y, &boot).map_err(|m| (2, m))?));
    }
    let f = sweep::number_text;
    let text = match a.format {
        IndexFormat::Json => {
            let v: serde_json::Map<String, serde_json::Value> = results.iter().map(|(c, i)| ((*c).clone(), serde_json::json!({"factors": names, "indices": i}))).collect();
            serde_json::to_string_pretty(&v).expect("json") + "\n"
        }
        IndexFormat::Csv => {
            let mut out = String::new();
            for (c, i) in &results {
                match i {
                    Indices::Morris { factors } => {
                        if out.is_empty() {
                            out.push_str("summary,factor,mu,mu_star,mu_star_conf,sigma\n");
                        }
                        for (n, m) in names.iter().zip(factors) {
                            out.push_str(&format!("{c},{n},{},{},{},{}\n", f(m.mu), f(m.mu_star), f(m.mu_star_conf), f(m.sigma)));
                        }
                    }
                    Indices::Sobol { factors } => {
                        if out.is_empty() {
                            out.push_str("summary,factor,S1,S1_conf,ST,ST_conf\n");
                        }
                        for (n, s) in names.iter().zip(factors) {
                            out.push_str(&format!("{c},{n},{},{},{},{}\n", f(s.s1), f(s.s1_conf), f(s.st), f(s.st_conf)));
                        }
                    }
                    Indices::Tornado { base, factors } => {
                        if out.is_empty() {
                            out.push_str("summary,factor,base,low,high\n");
                        }
                        for (n, t) in names.iter().zip(factors) {
                            out.push_str(&format!("{c},{n},{},{},{}\n", f(*base), f(t.low), f(t.high)));
                        }
                    }
                }
            }
            out
        }
        IndexFormat::Markdown => {
            let g = |x: f64| if x.is_nan() { "–".to_string() } else if x != 0.0 && !(1e-3..1e5).contains(&x.abs()) { format!("{x:.3e}") } else { format!("{x:.4}") };
            let mut out = String::new();
            for (c, i) in &results {
                out.push_str(&format!("### {c}\n\n"));
                let mut order: Vec<usize> = (0..names.len()).collect();
                match i {
                    Indices::Morris { factors } => {
                        order.sort_by(|&x, &y| factors[y].mu_star.total_cmp(&factors[x].mu_star));
                        out.push_str(&format!("| factor | μ* ± {:.0}% interval | μ | σ |\n|---|---|---|---|\n", a.conf * 100.0));
                        for j in order {
                            let m = &factors[j];
                            out.push_str(&format!("| {} | {} ± {} | {} | {} |\n", names[j], g(m.mu_star), g(m.mu_star_conf), g(m.mu), g(m.sigma)));
                        }
                    }
                    Indices::Sobol { factors } => {
                        order.sort_by(|&x, &y| factors[y].st.total_cmp(&factors[x].st));
                        out.push_str(&format!("| factor | total index ± {0:.0}% interval | first-order index ± {0:.0}% interval |\n|---|---|---|\n", a.conf * 100.0));
                        for j in order {
                            let s = &factors[j];
                            out.push_str(&format!("| {} | {} ± {} | {} ± {} |\n", names[j], g(s.st), g(s.st_conf), g(s.s1), g(s.s1_conf)));
                        }
                    }
                    Indices::Tornado { base, factors } => {
                        order.sort_by(|&x, &y| (factors[y].high - factors[y].low).abs().total_cmp(&(factors[x].high - factors[x].low).abs()));
                        out.push_str(&format!("base: {}\n\n| factor | at low end | at high end | swing |\n|---|---|---|---|\n", g(*base)));
                        for j in order {
                            let t = &factors[j];
                            out.push_str(&format!("| {} | {} | {} | {} |\n", names[j], g(t.low), g(t.high), g(t.high - t.low)));
                        }
                    }
                }
                out.push('\n');
            }
            out
        }
    };
    Ok(text.into_bytes())
}

/// Write bytes to standard output (a closed pipe is not an error).
pub fn emit(bytes: &[u8]) -> Result<(), Failure> {
    write_or_fail(&mut std::io::stdout().lock(), bytes)
}

/// Options of `regsim calibrate --search`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    /// History-match anew instead of measuring the targets (writes --out).
    #[arg(long)]
    pub search: bool,
    /// An exploring wave's size as SETSxREPLICATES (repeatable, in order; default 10000x16,
    /// 4000x32).
    #[arg(long = "wave", value_name = "SETSxREPS", value_parser = wave_plan)]
    pub waves: Vec<regsim::analysis::history::WavePlan>,
    /// Replicates of the confirming wave, which runs the last non-implausible sets again.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096), allow_negative_numbers = true)]
    pub confirm: u32,
    /// Implausibility cutoff.
    #[arg(long, default_value_t = 3.0)]
    pub cutoff: f64,
    /// Seed of the first wave's design and runs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory for calibration.json (the whole record), accepted_sets.csv (every accepted set)
    /// and uncertainty_sets.csv (the ones parameter uncertainty uses).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Threads, 1 to 1024 (default: every core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024), allow_negative_numbers = true)]
    pub threads: Option<u32>,
}

fn wave_plan(s: &str) -> Result<regsim::analysis::history::WavePlan, String> {
    let bad = || format!("{s:?} is not allowed; expected SETSxREPLICATES with whole numbers, e.g. 10000x16");
    let (a, b) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let samples: u32 = a.trim().parse().map_err(|_| bad())?;
    let replicates: u32 = b.trim().parse().map_err(|_| bad())?;
    if samples == 0 || replicates == 0 || replicates > regsim::scenario::MAX_REPLICATES || samples > 10_000_000 {
        return Err(bad());
    }
    Ok(regsim::analysis::history::WavePlan { samples, replicates })
}

/// `regsim calibrate --search`.
pub fn search(base: &regsim::scenario::Scenario, a: &SearchArgs, default_threads: usize) -> Result<(), Failure> {
    use regsim::analysis::history::{self, WavePlan};
    let out = a.out.as_ref().ok_or((2, "--search: needs --out DIR for calibration.json and accepted_sets.csv".to_string()))?;
    if !(a.cutoff > 0.0 && a.cutoff.is_finite()) {
        return Err((2, format!("--cutoff: {} is not allowed; expected a positive number, e.g. 3", a.cutoff)));
    }
    std::fs::create_dir_all(out).map_err(|e| (2, format!("--out: cannot create {}: {e}", out.display())))?;
    let waves = if a.waves.is_empty() { vec![WavePlan { samples: 10_000, replicates: 16 }, WavePlan { samples: 4000, replicates: 32 }] } else { a.waves.clone() };
    let o = history::Options { waves, confirm_replicates: a.confirm, cutoff: a.cutoff, stop_ratio: 0.9, seed: a.seed, threads: a.threads.map_or(default_threads, |t| t as usize) };
    let prior = history::prior();
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let bar = std::sync::Mutex::new(None::<(usize, ProgressBar)>);
    let progress = |wave: usize, done: usize, total: usize| {
        if !terminal {
            return;
        }
        let mut b = bar.lock().unwrap_or_else(|p| p.into_inner());
        if b.as_ref().is_none_or(|(w, _)| *w != wave) {
            *b = Some((wave, self::bar(total as u64, &format!("sets (wave {wave})"))));
        }
        if let Some((_, pb)) = b.as_ref() {
            pb.set_position(done as u64);
        }
    };
    let mut on_wave = |w: &history::WaveReport, sets: &[history::SetResult]| {
        let _ = std::fs::write(out.join(format!("wave-{}.csv", w.wave)), history::wave_csv(&prior, sets));
        if let Some((_, pb)) = bar.lock().unwrap_or_else(|p| p.into_inner()).take() {
            pb.finish_and_clear();
        }
        eprintln!("wave {}: {} sets × {} replicates, {} non-implausible ({:.2}%; {} with no model discrepancy), {:.0} s; rules out most: {}", w.wave, w.sets, w.replicates, w.non_implausible, 100.0 * w.rate, w.non_implausible_no_md, w.seconds, w.rules_out_most);
    };
    let c = history::history_match(base, &prior, &o, &mut on_wave, &progress).map_err(|e| (2, e.to_string()))?;
    let write = |name: &str, text: String| std::fs::write(out.join(name), text).map_err(|e| (1, format!("cannot write {}: {e}", out.join(name).display())));
    write("calibration.json", serde_json::to_string(&c).expect("json") + "\n")?;
    write("accepted_sets.csv", history::accepted_csv(&c))?;
    write("uncertainty_sets.csv", history::uncertainty_csv(&c, regsim::calibration::UNCERTAINTY_SETS))?;
    emit(calibration_markdown(&serde_json::to_value(&c).expect("json")).as_bytes())
}

/// The waves and the accepted set of a calibration record, as Markdown.
pub fn calibration_markdown(c: &serde_json::Value) -> String {
    use serde_json::Value;
    let mut out = String::from("\n| wave | sets × replicates | non-implausible | rate | with no model discrepancy | rules out most |\n|---|---|---|---|---|---|\n");
    for w in c["waves"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "| {} | {} × {} | {} | {:.2}% | {} | {} |\n",
            w["wave"],
            w["sets"],
            w["replicates"],
            w["non_implausible"],
            100.0 * w["rate"].as_f64().unwrap_or(f64::NAN),
            w["non_implausible_no_md"],
            w["rules_out_most"].as_str().unwrap_or("")
        ));
    }
    let accepted = c["accepted"].as_array().map_or(0, Vec::len);
    out.push_str(&format!(
        "\nAccepted set: {accepted} parameter sets ({} meet every target's bound itself); {}. Default: member {}.\n",
        c["meeting_every_bound"],
        c["stopped"].as_str().unwrap_or(""),
        match &c["default_index"] {
            Value::Null => "none".to_string(),
            v => v.to_string(),
        }
    ));
    out
}

/// The shipped calibration's waves and accepted set (data/calibration.json), as Markdown.
pub fn shipped_calibration_summary() -> String {
    match serde_json::from_str::<serde_json::Value>(regsim::calibration::RECORD) {
        Ok(v) => format!("\nShipped calibration (data/calibration.json):\n{}", calibration_markdown(&v)),
        Err(e) => format!("\nThe shipped calibration record cannot be read: {e}\n"),
    }
}

/// Options of `regsim robustness`.
#[derive(Args, Debug)]
pub struct RobustnessArgs {
    /// Baseline preset.
    #[arg(long, default_value = "none")]
    pub baseline: String,
    /// Reform preset; without one, the baseline's levels are analysed instead of an effect.
    #[arg(long)]
    pub reform: Option<String>,
    /// Override a field of both arms (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Override a field of the baseline only (repeatable).
    #[arg(long = "baseline-set", value_name = "KEY=VALUE")]
    pub baseline_set: Vec<String>,
    /// Override a field of the reform only (repeatable).
    #[arg(long = "reform-set", value_name = "KEY=VALUE")]
    pub reform_set: Vec<String>,
    /// A summary as METRIC:YEAR-YEAR or METRIC:STAT:YEAR-YEAR (stat: mean, final, total, growth),
    /// e.g. hhi:2033-2034 (repeatable).
    #[arg(long = "summary", value_name = "SUMMARY", required = true)]
    pub summaries: Vec<String>,
    /// Paired replicates at the default parameters, 1 to 4096.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=4096), allow_negative_numbers = true)]
    pub replicates: u32,
    /// Paired replicates at each accepted set, 1 to 256.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256), allow_negative_numbers = true)]
    pub per_set: u32,
    /// How many accepted sets (default: all of them).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..), allow_negative_numbers = true)]
    pub sets: Option<u32>,
    /// Threads, 1 to 1024 (default: every core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024), allow_negative_numbers = true)]
    pub threads: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = IndexFormat::Markdown)]
    pub format: IndexFormat,
}

/// `regsim robustness`.
pub fn robustness(a: RobustnessArgs, default_threads: usize) -> Result<Vec<u8>, Failure> {
    use regsim::analysis::experiment::{Experiment, ExperimentSpec, FactorSpec, SummarySpec};
    use regsim::analysis::robustness;
    use regsim::analysis::summary::Stat;
    let mut specs = Vec::new();
    for text in &a.summaries {
        let bad = || (2, format!("--summary: {text:?} is not allowed; expected METRIC:YEAR-YEAR or METRIC:STAT:YEAR-YEAR, e.g. hhi:2033-2034 or incidents:growth:2025-2027"));
        let parts: Vec<&str> = text.split(':').collect();
        let (metric, stat, years) = match parts.as_slice() {
            [m, y] => (*m, Stat::Mean, *y),
            [m, s, y] => (*m, serde_json::from_value::<Stat>(serde_json::json!(s)).map_err(|_| bad())?, *y),
            _ => return Err(bad()),
        };
        let (from, to) = years.split_once('-').ok_or_else(bad)?;
        let (from, to): (u32, u32) = (from.trim().parse().map_err(|_| bad())?, to.trim().parse().map_err(|_| bad())?);
        specs.push(SummarySpec { metric: metric.into(), stat, from: Some(from), to: Some(to), name: Some(text.clone()) });
    }
    // The experiment's checks name bad presets, sets and summaries; its one factor is not used.
    let spec = ExperimentSpec {
        name: None,
        baseline: a.baseline.clone(),
        reform: a.reform.clone(),
        scenario: None,
        baseline_scenario: None,
        reform_scenario: None,
        set: a.set.clone(),
        baseline_set: a.baseline_set.clone(),
        reform_set: a.reform_set.clone(),
        replicates: 1,
        seed: 1,
        quarters: None,
        design: regsim::analysis::design::DesignKind::OneAtATime,
        factors: vec![FactorSpec { path: "market.nest_lambda".into(), min: Some(0.4), max: Some(0.8), scale: None, levels: None, arm: Default::default() }],
        summaries: specs,
    };
    let e = Experiment::new(spec).map_err(|err| (2, err.to_string().replace("baseline_set", "--baseline-set").replace("reform_set", "--reform-set").replace("set:", "--set:")))?;
    let all = regsim::calibration::all_accepted();
    let n = a.sets.map_or(all.sets.len(), |n| (n as usize).min(all.sets.len()));
    let reform = e.reform.as_ref();
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let total = a.replicates as usize + n * a.per_set as usize;
    let pb = terminal.then(|| bar(total as u64, "paired runs"));
    let tick = |d: usize, _: usize| {
        if let Some(b) = &pb {
            b.set_position(d as u64);
        }
    };
    let rows = robustness::robustness(&e.baseline, reform, &e.summaries, &all.paths, &all.sets[..n], a.replicates, a.per_set, a.threads.map_or(default_threads, |t| t as usize), &tick);
    if let Some(b) = pb {
        b.finish_and_clear();
    }
    Ok(match a.format {
        IndexFormat::Json => serde_json::to_string_pretty(&rows).expect("json") + "\n",
        _ => robustness::markdown(&rows, a.per_set),
    }
    .into_bytes())
}

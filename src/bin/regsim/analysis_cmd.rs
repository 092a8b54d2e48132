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
            sweep::merge(parts, &mut f).map_err(|m| (2, m))?;
            f.flush().map_err(|e| (1, format!("cannot write {}: {e}", tmp.display())))?;
            std::fs::rename(&tmp, path).map_err(|e| (1, format!("cannot write {}: {e}", path.display())))
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

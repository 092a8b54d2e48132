//! The native command-line interface over the same core as the web app.
//!
//! `regsim presets`, `regsim params`, `regsim run …`, `regsim compare …`. Results go to standard
//! output as JSON or CSV; bad input gives exit code 2 and one line on standard error naming the
//! field, the value and what is allowed.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main());
}

#[cfg(not(target_arch = "wasm32"))]
mod analysis_cmd;

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use crate::analysis_cmd;
    use clap::{Args, Parser, Subcommand, ValueEnum};
    use indicatif::{ProgressBar, ProgressStyle};
    use regsim::scenario::{self, Scenario, ScenarioError, MAX_QUARTERS, MAX_REPLICATES};
    use regsim::{ensemble, report, shards};
    use std::io::Write;
    use std::path::PathBuf;

    /// regsim: do liability and compliance rules for AI developers close open weights and
    /// concentrate the market? An agent-based model, run as ensembles.
    #[derive(Parser, Debug)]
    #[command(name = "regsim", version, about, long_about = None)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand, Debug)]
    enum Command {
        /// List preset names, one a line.
        Presets {
            /// Also print each preset's description.
            #[arg(long)]
            long: bool,
        },
        /// List every scenario parameter with default, unit, range and source.
        Params {
            /// Output format.
            #[arg(long, value_enum, default_value_t = ParamFormat::Text)]
            format: ParamFormat,
        },
        /// Run an ensemble of one scenario.
        Run {
            /// Preset to start from.
            #[arg(long, default_value = "none")]
            preset: String,
            #[command(flatten)]
            common: Common,
        },
        /// Join the parts of a sharded run or comparison (`--shard I/K --format runs`), or of a
        /// sharded sweep, into the result one machine would have produced.
        Merge {
            /// The parts' files.
            #[arg(required = true, value_name = "PART")]
            parts: Vec<PathBuf>,
            /// Output format (runs and comparisons; a sweep keeps its parts' format).
            #[arg(long, value_enum, default_value_t = MergeFormat::Json)]
            format: MergeFormat,
            /// Write to FILE instead of standard output (sweeps).
            #[arg(long, value_name = "FILE")]
            out: Option<PathBuf>,
        },
        /// Run an experiment: a design (factorial, Latin hypercube, Sobol', Morris) over scenario
        /// fields, with chosen summaries of every run, streamed as CSV or JSON Lines.
        Sweep(analysis_cmd::SweepArgs),
        /// Write an experiment's design matrix for SALib (problem.json, design.txt) and pandas or
        /// EMA Workbench (design.csv).
        Design(analysis_cmd::DesignArgs),
        /// Sensitivity indices from a sweep's rows: Morris (μ*, σ), Sobol' (first-order and
        /// total) or a one-at-a-time tornado, as the experiment's design allows, with bootstrap
        /// confidence intervals.
        Sensitivity(analysis_cmd::SensitivityArgs),
        /// How robust a reform's effect is: the paired effect on each summary at the default
        /// parameters, with its band, and the share of the calibration's accepted parameter sets
        /// in which its sign holds (below 90%: not robust).
        Robustness(analysis_cmd::RobustnessArgs),
        /// Measure the calibration targets (MODEL.md §8.6) on the baseline and print them as a
        /// Markdown table with the shipped calibration's waves; exit code 1 when one is not met.
        /// With --search, history-match anew (docs/calibration.md).
        Calibrate {
            /// Number of replicates (1 to 4096).
            #[arg(long, default_value_t = 64, value_parser = replicates_parser(), allow_negative_numbers = true)]
            replicates: u32,
            /// Override a field of the baseline (repeatable), to explore calibrations.
            #[arg(long = "set", value_name = "KEY=VALUE")]
            set: Vec<String>,
            #[command(flatten)]
            search: analysis_cmd::SearchArgs,
        },
        /// Compare a reform against a baseline with common random numbers.
        Compare {
            /// Baseline preset.
            #[arg(long, default_value = "none")]
            baseline: String,
            /// Reform preset.
            #[arg(long)]
            reform: String,
            /// Override a field of the baseline only (repeatable).
            #[arg(long = "baseline-set", value_name = "KEY=VALUE")]
            baseline_set: Vec<String>,
            /// Override a field of the reform only (repeatable).
            #[arg(long = "reform-set", value_name = "KEY=VALUE")]
            reform_set: Vec<String>,
            #[command(flatten)]
            common: Common,
        },
    }

    #[derive(Args, Debug)]
    struct Common {
        /// Override a scenario field, e.g. regime.compliance_fixed=5e6 (repeatable; both arms in a
        /// comparison). `regsim params` lists the fields.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// JSON file with a whole or partial scenario, laid over the preset before --set.
        #[arg(long, value_name = "FILE.json")]
        scenario: Option<PathBuf>,
        /// Number of replicates, 1 to 4096 (default: the scenario's, 32).
        #[arg(long, value_name = "N", value_parser = replicates_parser(), allow_negative_numbers = true)]
        replicates: Option<u32>,
        /// Scenario seed, 0 to 2^53 − 1 (default: the scenario's, 1).
        #[arg(long, value_name = "S", value_parser = clap::builder::RangedI64ValueParser::<u64>::new().range(0..=MAX_SEED as i64), allow_negative_numbers = true)]
        seed: Option<u64>,
        /// Horizon in quarters, 1 to 200 (default: the scenario's, 40).
        #[arg(long, value_name = "Q", value_parser = clap::value_parser!(u32).range(1..=MAX_QUARTERS as i64), allow_negative_numbers = true)]
        quarters: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Run only shard I of K of the replicates (0-based, every K-th from I), to split an
        /// ensemble across machines; needs --format runs; join the parts with `regsim merge`.
        #[arg(long, value_name = "I/K")]
        shard: Option<String>,
        /// With parameter uncertainty: replicate i takes the calibrated parameters the scenario
        /// leaves at their defaults from accepted set i (mod n) (simulation.uncertainty).
        #[arg(long)]
        uncertainty: bool,
        /// Threads to run replicates on, 1 to 1024 (default: every core).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024), allow_negative_numbers = true)]
        threads: Option<u32>,
    }

    #[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
    enum Format {
        Json,
        Csv,
        /// Raw runs of every replicate (for --shard and `regsim merge`).
        Runs,
    }

    #[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
    enum MergeFormat {
        Json,
        Csv,
    }

    /// Largest seed: 2^53 − 1, so that JavaScript (the web app, JSON readers) keeps it exact.
    const MAX_SEED: u64 = (1 << 53) - 1;

    fn replicates_parser() -> clap::builder::RangedI64ValueParser<u32> {
        clap::value_parser!(u32).range(1..=MAX_REPLICATES as i64)
    }

    #[derive(ValueEnum, Clone, Copy, Debug)]
    enum ParamFormat {
        Text,
        Json,
        Markdown,
    }

    /// A failure: exit code and one line for standard error.
    struct Failure(i32, String);

    impl From<ScenarioError> for Failure {
        fn from(e: ScenarioError) -> Self {
            Failure(2, e.to_string())
        }
    }

    impl Failure {
        /// The same failure, saying which arm of a comparison it comes from.
        fn arm(self, arm: &str) -> Self {
            if self.1.starts_with(&format!("--{arm}-set")) {
                return self;
            }
            Failure(self.0, format!("{arm}: {}", self.1))
        }
    }

    pub fn main() -> i32 {
        let cli = match Cli::try_parse() {
            Ok(c) => c,
            Err(e) => {
                use clap::error::ErrorKind;
                if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand) {
                    let _ = e.print();
                    return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand { 2 } else { 0 };
                }
                eprintln!("regsim: {}", one_line(&e.render().to_string()));
                return 2;
            }
        };
        match execute(cli.command) {
            Ok(()) => 0,
            Err(Failure(code, msg)) => {
                eprintln!("regsim: {msg}");
                code
            }
        }
    }

    /// A clap error as one line: its first paragraph (the message, with the missing argument or
    /// the possible values clap puts on the lines below it), then where to read more, naming the
    /// subcommand's own help when the usage line gives it.
    fn one_line(rendered: &str) -> String {
        let message: Vec<&str> = rendered.lines().map(str::trim).take_while(|l| !l.is_empty() && !l.starts_with("Usage:")).collect();
        let message = message.join(" ");
        let message = message.trim_start_matches("error: ");
        let command: Vec<&str> = rendered
            .lines()
            .find_map(|l| l.trim().strip_prefix("Usage: "))
            .map(|u| u.split_whitespace().take_while(|w| !w.starts_with(['-', '<', '['])).collect())
            .unwrap_or_default();
        // Errors about a value carry no usage line; the subcommand is then the first argument
        // that names one.
        let subcommand = || {
            use clap::CommandFactory;
            let names: Vec<String> = Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect();
            std::env::args().skip(1).find(|a| names.contains(a))
        };
        let help = if command.len() > 1 {
            command.join(" ")
        } else {
            subcommand().map_or_else(|| "regsim".into(), |c| format!("regsim {c}"))
        };
        format!("{} (see {help} --help)", if message.is_empty() { "invalid arguments" } else { message })
    }

    fn execute(cmd: Command) -> Result<(), Failure> {
        match cmd {
            Command::Presets { long } => {
                let mut out = String::new();
                for name in scenario::PRESET_NAMES {
                    if long {
                        out.push_str(&format!("{name}\t{}\n", scenario::preset_description(name).unwrap_or("")));
                    } else {
                        out.push_str(name);
                        out.push('\n');
                    }
                }
                emit(&out)
            }
            Command::Params { format } => emit(&params(format)),
            Command::Calibrate { replicates, set, search } => {
                let mut s = scenario::preset_or_error("none")?;
                for kv in &set {
                    s = scenario::apply_set(&s, kv)?;
                }
                if search.search {
                    return analysis_cmd::search(&s, &search, default_threads()).map_err(|(c, m)| Failure(c, m));
                }
                let targets = regsim::analysis::calibration_targets_of(&s, replicates)?;
                emit(&regsim::analysis::targets_markdown(&targets))?;
                if set.is_empty() {
                    emit(&analysis_cmd::shipped_calibration_summary())?;
                }
                let missed = targets.iter().filter(|t| !t.met()).count();
                if missed > 0 {
                    return Err(Failure(1, format!("{missed} of {} calibration targets not met", targets.len())));
                }
                Ok(())
            }
            Command::Run { preset, common } => {
                let s = build(&preset, &common, &[], "--set")?;
                let reps = common.replicates.unwrap_or(s.simulation.replicates);
                ensemble::check(&s, reps)?;
                let indices = indices(reps, &common)?;
                let runs = run_with_bar(&s, &indices, common.threads, indices.len() as u64, &None)?;
                if common.format == Format::Runs {
                    let part = shards::Part { total: reps, baseline: s, reform: None, indices, baseline_runs: runs, reform_runs: Vec::new() };
                    return emit(&(shards::part_json(&part).to_string() + "\n"));
                }
                emit_merged(shards::Merged::Ensemble(ensemble::ensemble(&s, reps, runs)), common.format)
            }
            Command::Compare { baseline, reform, baseline_set, reform_set, common } => {
                for (flag, sets) in [("--baseline-set", &baseline_set), ("--reform-set", &reform_set)] {
                    shared_by_both_arms(flag, sets)?;
                }
                let b = build(&baseline, &common, &baseline_set, "--baseline-set").map_err(|e| e.arm("baseline"))?;
                let r = build(&reform, &common, &reform_set, "--reform-set").map_err(|e| e.arm("reform"))?;
                let reps = common.replicates.unwrap_or(b.simulation.replicates);
                ensemble::check_pair(&b, &r, reps)?;
                let r = ensemble::paired(&b, &r);
                let indices = indices(reps, &common)?;
                let bar = Some(progress_bar(2 * indices.len() as u64));
                let runs_b = run_with_bar(&b, &indices, common.threads, 0, &bar)?;
                let runs_r = run_with_bar(&r, &indices, common.threads, 0, &bar)?;
                if let Some(bar) = bar {
                    bar.finish_and_clear();
                }
                if common.format == Format::Runs {
                    let part = shards::Part { total: reps, baseline: b, reform: Some(r), indices, baseline_runs: runs_b, reform_runs: runs_r };
                    return emit(&(shards::part_json(&part).to_string() + "\n"));
                }
                emit_merged(shards::Merged::Comparison(ensemble::comparison(&b, &r, reps, runs_b, runs_r)), common.format)
            }
            Command::Sweep(args) => analysis_cmd::sweep(args, default_threads()).map_err(|(c, m)| Failure(c, m)),
            Command::Robustness(args) => analysis_cmd::robustness(args, default_threads()).and_then(|b| analysis_cmd::emit(&b)).map_err(|(c, m)| Failure(c, m)),
            Command::Sensitivity(args) => analysis_cmd::sensitivity(args).and_then(|b| analysis_cmd::emit(&b)).map_err(|(c, m)| Failure(c, m)),
            Command::Design(args) => analysis_cmd::design(args).map_err(|(c, m)| Failure(c, m)),
            Command::Merge { parts, out, .. } if analysis_cmd::is_sweep_part(&parts[0]) => analysis_cmd::merge(&parts, out.as_deref()).map_err(|(c, m)| Failure(c, m)),
            Command::Merge { parts, format, out } => {
                if out.is_some() {
                    return Err(Failure(2, "merge: --out is for sweep parts; runs and comparisons go to standard output".into()));
                }
                let format = if format == MergeFormat::Csv { Format::Csv } else { Format::Json };
                let mut read = Vec::new();
                for path in &parts {
                    let text = std::fs::read_to_string(path).map_err(|e| Failure(2, format!("merge: cannot read {}: {e}", path.display())))?;
                    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| Failure(2, format!("merge: {} is not valid JSON: {e}", path.display())))?;
                    read.push(shards::part_from_json(&v).map_err(|e| Failure(2, format!("merge: {}: {e}", path.display())))?);
                }
                emit_merged(shards::merge(read).map_err(|e| Failure(2, e))?, format)
            }
        }
    }

    /// Settings a comparison's arms share (common random numbers, one horizon), which one arm
    /// alone must not change.
    const SHARED_SETTINGS: [&str; 4] = ["simulation.seed", "simulation.replicates", "simulation.quarters", "simulation.start_year"];

    fn shared_by_both_arms(flag: &str, sets: &[String]) -> Result<(), Failure> {
        for kv in sets {
            let key = kv.split_once('=').map_or(kv.as_str(), |(k, _)| k).trim();
            if SHARED_SETTINGS.contains(&key) {
                return Err(Failure(2, format!("{flag}: {key} is not allowed for one arm; the arms share seed, replicates, horizon and start year (set them with --set, --seed, --replicates or --quarters)")));
            }
        }
        Ok(())
    }

    /// The replicate indices this invocation runs: all, or one shard of them.
    fn indices(reps: u32, c: &Common) -> Result<Vec<u32>, Failure> {
        match &c.shard {
            None => Ok((0..reps).collect()),
            Some(text) => {
                if c.format != Format::Runs {
                    return Err(Failure(2, "--shard: needs --format runs (join the parts with `regsim merge`)".into()));
                }
                let (i, k) = shards::parse_shard(text).map_err(|e| Failure(2, e))?;
                Ok(shards::shard_indices(reps, i, k))
            }
        }
    }

    fn emit_merged(m: shards::Merged, format: Format) -> Result<(), Failure> {
        emit(&match (m, format) {
            (shards::Merged::Ensemble(r), Format::Csv) => report::ensemble_csv(&r),
            (shards::Merged::Ensemble(r), _) => report::ensemble_json(&r).to_string() + "\n",
            (shards::Merged::Comparison(c), Format::Csv) => report::comparison_csv(&c),
            (shards::Merged::Comparison(c), _) => report::comparison_json(&c).to_string() + "\n",
        })
    }

    fn progress_bar(total: u64) -> ProgressBar {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} runs {elapsed}") {
            bar.set_style(style);
        }
        bar
    }

    /// Run replicates on every core, with a progress bar on standard error when it is a terminal
    /// (`own_bar` > 0 makes a bar of that length; otherwise `shared` is advanced).
    fn run_with_bar(s: &Scenario, indices: &[u32], threads: Option<u32>, own_bar: u64, shared: &Option<ProgressBar>) -> Result<Vec<regsim::metrics::RunMetrics>, Failure> {
        let threads = threads.map_or_else(default_threads, |n| n as usize);
        let own = (own_bar > 0).then(|| progress_bar(own_bar));
        let bar = own.as_ref().or(shared.as_ref());
        let tick = || {
            if let Some(b) = bar {
                b.inc(1);
            }
        };
        let runs = ensemble::run_parallel(s, indices, threads, &tick);
        if let Some(b) = own {
            b.finish_and_clear();
        }
        Ok(runs)
    }

    /// Every core.
    fn default_threads() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }

    /// Preset, then the scenario file, then --set (both arms), then arm-specific sets, then the
    /// run options.
    fn build(preset: &str, c: &Common, arm_sets: &[String], arm_flag: &str) -> Result<Scenario, Failure> {
        let mut s = scenario::preset_or_error(preset)?;
        if let Some(path) = &c.scenario {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure(2, format!("--scenario: cannot read {}: {e}", path.display())))?;
            let overlay: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| Failure(2, format!("--scenario: {} is not valid JSON: {e}", path.display())))?;
            if overlay.get("version").is_some() && (overlay.get("metrics").is_some() || overlay.get("difference").is_some()) {
                return Err(Failure(2, format!("--scenario: {} is a regsim result, not a scenario; expected a scenario object (a result keeps its scenario under \"scenario\", or \"baseline\"/\"reform\" with their own \"scenario\")", path.display())));
            }
            if overlay.get("kind").and_then(|k| k.as_str()) == Some("regsim-app-scenario") {
                return Err(Failure(2, format!("--scenario: {} is the web app's scenario file, not a scenario; expected a scenario object (its reform is under \"reform\": `jq .reform FILE > reform.json`, its baseline preset under \"baseline\")", path.display())));
            }
            s = scenario::apply_json_overlay(&s, &overlay)?;
        }
        for (kv, flag) in c.set.iter().map(|kv| (kv, "--set")).chain(arm_sets.iter().map(|kv| (kv, arm_flag))) {
            s = scenario::apply_set(&s, kv).map_err(|mut e| {
                for fe in e.0.iter_mut().filter(|fe| fe.field == "--set") {
                    fe.field = flag.into();
                }
                e
            })?;
        }
        // A flag and a --set of the same setting to another value would leave one silently unused.
        let flags = [("--quarters", "simulation.quarters", c.quarters.map(u64::from)), ("--seed", "simulation.seed", c.seed), ("--replicates", "simulation.replicates", c.replicates.map(u64::from))];
        for (flag, field, value) in flags {
            let Some(v) = value else { continue };
            let set = c.set.iter().chain(arm_sets).filter_map(|kv| kv.split_once('=')).rfind(|(k, _)| k.trim() == field);
            if let Some((_, other)) = set.filter(|(_, o)| o.trim().parse::<f64>().ok() != Some(v as f64)) {
                return Err(Failure(2, format!("{flag}: {v} conflicts with --set {field}={}; give one of them", other.trim())));
            }
        }
        if let Some(q) = c.quarters {
            s.simulation.quarters = q;
        }
        if let Some(seed) = c.seed {
            s.simulation.seed = seed;
        }
        if let Some(r) = c.replicates {
            s.simulation.replicates = r;
        }
        if c.uncertainty {
            s.simulation.uncertainty = true;
        }
        if s.label == preset && (!c.set.is_empty() || !arm_sets.is_empty() || c.scenario.is_some()) {
            s.label = format!("custom (based on {preset})");
        }
        Ok(s)
    }

    fn params(format: ParamFormat) -> String {
        let specs = scenario::spec::param_specs();
        let defaults = serde_json::to_value(Scenario::default()).unwrap_or_default();
        let default_of = |path: &str| -> String {
            let v = path.split('.').try_fold(&defaults, |v, k| v.get(k));
            match v {
                Some(serde_json::Value::Null) => "none".into(),
                Some(v) => v.to_string().trim_matches('"').to_string(),
                None => String::new(),
            }
        };
        match format {
            ParamFormat::Json => serde_json::to_string_pretty(specs).unwrap_or_default() + "\n",
            ParamFormat::Text => specs
                .iter()
                .map(|p| format!("{}\t{}\t{}\t{}\n", p.path, default_of(p.path), p.unit, p.label))
                .collect(),
            ParamFormat::Markdown => {
                let mut out = String::from("| parameter | default | unit | range | uncertain range | meaning | source |\n|---|---|---|---|---|---|---|\n");
                for p in specs {
                    let range = match &p.kind {
                        scenario::spec::Kind::Bool => "true/false".to_string(),
                        scenario::spec::Kind::Choice { options } => options.join(", "),
                        scenario::spec::Kind::OptionalNumber => format!("{}–{} or none", p.min, p.max),
                        _ => format!("{}–{}", p.min, p.max),
                    };
                    let prior = p.prior.map_or(String::new(), |(lo, hi)| format!("{lo}–{hi}"));
                    out.push_str(&format!("| `{}` | {} | {} | {} | {} | {} | {} |\n", p.path, default_of(p.path), p.unit, range, prior, if p.doc.is_empty() { p.label } else { p.doc }, p.source));
                }
                out
            }
        }
    }

    /// Write to standard output; a closed pipe (e.g. `| head`) is not an error.
    fn emit(text: &str) -> Result<(), Failure> {
        let mut out = std::io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Failure(1, format!("cannot write output: {e}"))),
        }
    }
}

//! The CLI is a public interface: its commands, its JSON and CSV, and its errors (exit code 2,
//! one line naming the field, never a panic).

use std::process::{Command, Output};

fn regsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regsim")).args(args).output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn presets_lists_one_name_a_line() {
    let o = regsim(&["presets"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), regsim::scenario::PRESET_NAMES.to_vec());
}

#[test]
fn compare_prints_the_documented_json_with_every_metric() {
    let o = regsim(&["compare", "--baseline", "none", "--reform", "sb1047", "--replicates", "32", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert!(v["version"].is_string());
    for arm in ["baseline", "reform", "difference"] {
        let a = &v[arm];
        assert_eq!(a["quarters"].as_array().unwrap().len(), 40, "{arm}");
        assert_eq!(a["quarters"][0], "2025Q1");
        assert!(a["scenario"].is_object(), "{arm}");
        for &m in regsim::metrics::Metric::ALL {
            for stat in regsim::ensemble::STATS {
                let series = a["metrics"][m.name()][stat].as_array().unwrap_or_else(|| panic!("{arm}.{}.{stat}", m.name()));
                assert_eq!(series.len(), 40, "{arm}.{}.{stat}", m.name());
            }
        }
    }
    assert_eq!(v["reform"]["scenario"]["label"], "sb1047");
    assert_eq!(v["baseline"]["scenario"]["simulation"]["replicates"], 32);
    // Compliance is only spent under the reform, so the paired difference is positive.
    let d = v["difference"]["metrics"]["compliance_spend_usd"]["mean"].as_array().unwrap();
    assert!(d.iter().filter_map(|x| x.as_f64()).sum::<f64>() > 0.0);
}

#[test]
fn run_prints_csv_with_a_row_per_quarter() {
    let o = regsim(&["run", "--preset", "sb53", "--replicates", "4", "--quarters", "12", "--format", "csv", "--set", "regime.compliance_fixed=2e6"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 13);
    assert!(lines[0].starts_with("quarter,hhi_mean,hhi_p5,"));
    let cols = lines[0].split(',').count();
    assert!(lines[1..].iter().all(|l| l.split(',').count() == cols));
    assert!(lines[1].starts_with("2025Q1,"));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let a = regsim(&["run", "--preset", "sb1047", "--replicates", "6", "--threads", "1"]);
    let b = regsim(&["run", "--preset", "sb1047", "--replicates", "6", "--threads", "3"]);
    assert!(a.status.success() && b.status.success());
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn scenario_files_are_laid_over_the_preset() {
    let dir = std::env::temp_dir().join(format!("regsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.json");
    std::fs::write(&file, r#"{"regime": {"compliance_fixed": 3e6}, "simulation": {"quarters": 8}}"#).unwrap();
    let o = regsim(&["run", "--preset", "sb1047", "--scenario", file.to_str().unwrap(), "--replicates", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["scenario"]["regime"]["compliance_fixed"], 3e6);
    assert_eq!(v["scenario"]["regime"]["cover_cost"], 1e8, "the rest of the preset stays");
    assert_eq!(v["quarters"].as_array().unwrap().len(), 8);
    assert_eq!(v["scenario"]["label"], "custom (based on sb1047)");
}

/// Bad input: exit code 2, exactly one line on stderr that names the field, no panic.
fn assert_rejected(args: &[&str], names: &str) {
    let o = regsim(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(names), "{args:?} should name {names}: {err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn bad_input_gives_exit_code_2_and_one_line_naming_the_field() {
    assert_rejected(&["run", "--preset", "sb1048"], "preset");
    assert_rejected(&["compare", "--reform", "nope"], "preset");
    assert_rejected(&["run", "--set", "market.beta_frontier=high"], "market.beta_frontier");
    assert_rejected(&["run", "--set", "market.nope=1"], "market.nope");
    assert_rejected(&["run", "--set", "regime.due_care=2"], "regime.due_care");
    assert_rejected(&["run", "--set", "nonsense"], "--set");
    assert_rejected(&["run", "--set", "market.demand0=nan"], "market.demand0");
    // Flags name their allowed range and the subcommand's help.
    assert_rejected(&["run", "--replicates", "0"], "1..=4096");
    assert_rejected(&["run", "--replicates", "-1"], "1..=4096");
    assert_rejected(&["run", "--replicates", "100000"], "--replicates");
    assert_rejected(&["run", "--replicates", "abc"], "--replicates");
    assert_rejected(&["run", "--quarters", "500"], "1..=200");
    assert_rejected(&["run", "--seed", "-3"], "0..=9007199254740991");
    assert_rejected(&["run", "--seed", "9007199254740993"], "9007199254740993 is not in");
    assert_rejected(&["run", "--format", "xml"], "json, csv, runs");
    assert_rejected(&["run", "--format", "xml"], "regsim run --help");
    assert_rejected(&["merge", "--format", "runs", "x.json"], "json, csv]");
    assert_rejected(&["run", "--threads", "0"], "--threads");
    assert_rejected(&["compare"], "--reform <REFORM>");
    assert_rejected(&["merge"], "<PART>");
    assert_rejected(&["calibrate", "--replicates", "2", "--set", "simulation.quarters=8"], "at least 16");
    // An unknown or empty key is blamed on the key, with the known ones near it.
    assert_rejected(&["run", "--set", "market.nope=1"], "market.beta_frontier");
    assert_rejected(&["run", "--set", "=5"], "KEY=VALUE");
    assert_rejected(&["compare", "--reform", "sb1047", "--reform-set", "="], "--reform-set");
    assert_rejected(&["compare", "--reform", "sb1047", "--reform-set", "regime.due_care=2"], "reform: regime.due_care");
    // Settings the arms share cannot be set for one arm, and a flag cannot contradict a --set.
    assert_rejected(&["compare", "--reform", "sb1047", "--reform-set", "simulation.seed=7"], "simulation.seed");
    assert_rejected(&["compare", "--reform", "sb1047", "--baseline-set", "simulation.replicates=3"], "simulation.replicates");
    assert_rejected(&["run", "--quarters", "4", "--set", "simulation.quarters=8"], "conflicts with --set simulation.quarters=8");
    assert_rejected(&["run", "--scenario", "/nonexistent/s.json"], "--scenario");
    assert_rejected(&["frobnicate"], "frobnicate");
    assert_rejected(&["compare", "--baseline", "none", "--reform", "sb1047", "--reform-set", "simulation.quarters=20"], "simulation.quarters");
}

#[test]
fn bad_scenario_files_name_the_field() {
    let dir = std::env::temp_dir().join(format!("regsim-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("not json", "--scenario"),
        (r#"{"market": {"beta_frontier": "high"}}"#, "market.beta_frontier"),
        (r#"{"market": {"betta": 1}}"#, "market.betta"),
        (r#"{"simulation": {"quarters": 1000}}"#, "simulation.quarters"),
        (r#"[1, 2]"#, "scenario"),
        (r#"{"regime": {"compliance_fixed": "abc"}}"#, "regime.compliance_fixed: \"abc\" is not allowed; expected a finite number from 0"),
        (r#"{"firms": {"startup": {"count": 1.5}}}"#, "firms.startup.count: 1.5 is not allowed; expected a whole number"),
        (r#"{"simulation": {"replicates": 5000}}"#, "simulation.replicates: 5000"),
        (r#"{"version": "0.1.0", "scenario": {}, "metrics": {}}"#, "is a regsim result, not a scenario"),
        (r#"{"kind": "regsim-app-scenario", "version": 1, "baseline": "none", "reform_preset": "sb1047", "reform": {}}"#, "jq .reform FILE"),
    ];
    for (i, (text, names)) in cases.iter().enumerate() {
        let file = dir.join(format!("bad{i}.json"));
        std::fs::write(&file, text).unwrap();
        assert_rejected(&["run", "--scenario", file.to_str().unwrap()], names);
    }
}

#[test]
fn help_and_params_work() {
    let o = regsim(&["--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("compare"));
    let o = regsim(&["params", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v.as_array().unwrap().iter().any(|p| p["path"] == "regime.cover_cost"));
}

#[test]
fn shards_merge_into_exactly_the_unsharded_result() {
    let dir = std::env::temp_dir().join(format!("regsim-cli-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let whole = regsim(&["compare", "--baseline", "none", "--reform", "sb1047", "--replicates", "7", "--quarters", "12"]);
    assert!(whole.status.success());
    let mut parts = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let o = regsim(&["compare", "--baseline", "none", "--reform", "sb1047", "--replicates", "7", "--quarters", "12", "--shard", &shard, "--format", "runs"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let path = dir.join(format!("part{i}.json"));
        std::fs::write(&path, &o.stdout).unwrap();
        parts.push(path.to_str().unwrap().to_string());
    }
    let mut args = vec!["merge"];
    args.extend(parts.iter().rev().map(String::as_str));
    let merged = regsim(&args);
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert_eq!(stdout(&merged), stdout(&whole), "merged parts must give the same bytes as one run");
    // A missing part is an error that says which replicates are missing.
    assert_rejected(&["merge", &parts[0], &parts[1]], "missing");
    // A part is checked as the run that wrote it: its scenario, its replicate count, its fields.
    let part: serde_json::Value = serde_json::from_slice(&std::fs::read(&parts[0]).unwrap()).unwrap();
    let tampered = [
        ("/replicates", serde_json::json!(1_000_000_000_000u64), "replicates: 1000000000000 is not allowed"),
        ("/replicates", serde_json::json!(3_000_000), "from 1 to 4096"),
        ("/scenario/regime/compliance_fixed", serde_json::json!(-5), "regime.compliance_fixed"),
        ("/surprise", serde_json::json!(1), "surprise: not a field of a part"),
        ("/runs/0/surprise", serde_json::json!([1]), "runs[0].surprise"),
        ("/runs/0/hhi/0", serde_json::json!("x"), "runs[0].hhi[0]"),
    ];
    for (i, (pointer, value, names)) in tampered.into_iter().enumerate() {
        let mut bad = part.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        match bad.pointer_mut(parent).unwrap() {
            serde_json::Value::Array(a) => a[key.parse::<usize>().unwrap()] = value,
            o => o[key] = value,
        }
        let path = dir.join(format!("tampered{i}.json"));
        std::fs::write(&path, bad.to_string()).unwrap();
        assert_rejected(&["merge", path.to_str().unwrap(), &parts[1], &parts[2]], names);
    }
    assert_rejected(&["run", "--shard", "1/2"], "--shard");
    assert_rejected(&["run", "--shard", "2/2", "--format", "runs"], "--shard");
}

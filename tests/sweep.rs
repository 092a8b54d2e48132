//! `regsim sweep`, `regsim design`, `regsim sensitivity` and sweep merging, through the CLI: the
//! same bytes whatever the threads and shards, a killed sweep that resumes with no row lost or
//! doubled, and bad experiment files named by their field.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn regsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_regsim"))
}

fn run(args: &[&str]) -> Output {
    regsim().args(args).output().expect("regsim runs")
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regsim-sweep-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const SMALL: &str = r#"
reform = "sb1047"
replicates = 3
quarters = 8
[design]
kind = "lhs"
samples = 9
[[factors]]
path = "market.nest_lambda"
min = 0.4
max = 0.8
[[factors]]
path = "regime.compliance_fixed"
min = 1e5
max = 1e8
scale = "log"
arm = "reform"
[[summaries]]
metric = "hhi"
[[summaries]]
metric = "incidents"
stat = "growth"
"#;

#[test]
fn the_same_experiment_gives_the_same_bytes_whatever_threads_shards_and_format() {
    let d = tmp("bytes");
    let exp = write(&d, "e.toml", SMALL);
    let one = ok(&["sweep", &exp, "--threads", "1"]);
    assert_eq!(one.lines().count(), 1 + 9 * 3);
    assert!(one.starts_with("point,replicate,market.nest_lambda,regime.compliance_fixed,hhi_mean_2025_2026_baseline,"), "{one}");
    assert_eq!(one, ok(&["sweep", &exp, "--threads", "2"]));
    let mut parts = Vec::new();
    for k in 0..4 {
        let p = d.join(format!("part-{k}.csv")).display().to_string();
        ok(&["sweep", &exp, "--shard", &format!("{k}/4"), "--out", &p]);
        parts.push(p);
    }
    let merged = d.join("merged.csv").display().to_string();
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["--out", &merged]);
    ok(&args);
    assert_eq!(std::fs::read_to_string(&merged).unwrap(), one);
    // A missing shard is refused by name.
    let o = run(&["merge", &parts[0], &parts[2], &parts[3], "--out", &merged]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("shard 1 of 4"), "{}", String::from_utf8_lossy(&o.stderr));
    let jsonl = ok(&["sweep", &exp, "--format", "jsonl"]);
    assert_eq!(jsonl.lines().count(), 9 * 3);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["point"], 0);
    assert!(first["hhi_mean_2025_2026_effect"].is_number());
}

/// Start a sweep, kill it with `signal` once some rows are written, run it again: the file must
/// be the uninterrupted run's.
fn killed_and_resumed(signal: &str) {
    let d = tmp(signal);
    let exp = write(&d, "e.toml", &SMALL.replace("samples = 9", "samples = 300").replace("quarters = 8", "quarters = 40"));
    let reference = d.join("reference.csv").display().to_string();
    ok(&["sweep", &exp, "--out", &reference]);
    let out = d.join("out.csv").display().to_string();
    let mut child = regsim().args(["sweep", &exp, "--out", &out, "--threads", "1"]).stderr(Stdio::null()).spawn().unwrap();
    let start = Instant::now();
    loop {
        let rows = std::fs::read_to_string(&out).map(|t| t.lines().count()).unwrap_or(0);
        if rows > 30 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let killed = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(!status.success(), "the sweep was killed before it finished ({status})");
    let partial = std::fs::read_to_string(&out).unwrap().lines().count();
    let total = std::fs::read_to_string(&reference).unwrap().lines().count();
    assert!(partial < total, "killed after {partial} of {total} lines");
    let o = run(&["sweep", &exp, "--out", &out]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("resumed"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), std::fs::read_to_string(&reference).unwrap(), "{signal}: no row lost or doubled");
    // Once complete, running again changes nothing.
    ok(&["sweep", &exp, "--out", &out]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), std::fs::read_to_string(&reference).unwrap());
}

#[test]
fn a_sweep_killed_by_sigterm_resumes_with_no_row_lost_or_doubled() {
    killed_and_resumed("TERM");
}

#[test]
fn a_sweep_killed_by_sigkill_resumes_with_no_row_lost_or_doubled() {
    killed_and_resumed("KILL");
}

#[test]
fn a_file_of_another_sweep_is_not_resumed() {
    let d = tmp("other");
    let exp = write(&d, "e.toml", SMALL);
    let other = write(&d, "f.toml", &SMALL.replace("seed = 1", "").replace("replicates = 3", "replicates = 3\nseed = 2"));
    let out = d.join("out.csv").display().to_string();
    ok(&["sweep", &exp, "--out", &out]);
    let o = run(&["sweep", &other, "--out", &out]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another sweep"), "{}", String::from_utf8_lossy(&o.stderr));
    let plain = write(&d, "notes.csv", "some,file\n");
    let o = run(&["sweep", &exp, "--out", &plain]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a regsim sweep"));
}

#[test]
fn bad_experiment_files_are_named_by_field() {
    let d = tmp("bad");
    for (text, names) in [
        ("replicates = 2\n[design]\nkind = \"lhs\"\nsamples = 3\n[[factors]]\npath = \"market.betta\"\nmin = 0\nmax = 1\n[[summaries]]\nmetric = \"hhi\"\n", "factors[0].path"),
        ("[design]\nkind = \"lhs\"\nsamples = 3\n[[factors]]\npath = \"market.xi_open\"\nmin = -30\nmax = 0\n[[summaries]]\nmetric = \"hhi\"\n", "factors[0].min"),
        ("[design]\nkind = \"sobol\"\nsamples = 3\n[[factors]]\npath = \"market.xi_open\"\nmin = -3\nmax = 0\n[[summaries]]\nmetric = \"hhi\"\nfrom = 2040\n", "summaries[0].from"),
        ("[design]\nkind = \"grid\"\n", "design.kind"),
        ("replicates = \"many\"\n", "replicates"),
        ("this is not toml", "valid TOML"),
    ] {
        let exp = write(&d, "bad.toml", text);
        let o = run(&["sweep", &exp]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(names), "{text} should name {names}: {err}");
        assert!(!err.contains("panicked"));
    }
    let o = run(&["sweep", "/nonexistent/e.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let exp = write(&d, "e.toml", SMALL);
    let o = run(&["sensitivity", &exp, "--experiment", &exp]);
    assert_eq!(o.status.code(), Some(2), "an experiment is not a sweep's rows");
    let o = run(&["sweep", &exp, "--shard", "4/4", "--out", &d.join("x.csv").display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--shard"));
}

#[test]
fn design_files_and_indices_from_the_command_line() {
    let d = tmp("indices");
    let exp = write(&d, "m.toml", "replicates = 2\nquarters = 8\n[design]\nkind = \"morris\"\ntrajectories = 4\n[[factors]]\npath = \"market.nest_lambda\"\nmin = 0.4\nmax = 0.8\n[[factors]]\npath = \"market.xi_open\"\nmin = -4\nmax = -1\n[[summaries]]\nmetric = \"open_share_usage\"\nname = \"open_use\"\n");
    let out = d.join("m.csv").display().to_string();
    ok(&["sweep", &exp, "--out", &out]);
    let dir = d.join("design").display().to_string();
    ok(&["design", &exp, "--out", &dir]);
    let problem: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.join("design/problem.json")).unwrap()).unwrap();
    assert_eq!(problem["num_vars"], 2);
    assert_eq!(std::fs::read_to_string(d.join("design/design.txt")).unwrap().lines().count(), 4 * 3);
    let md = ok(&["sensitivity", &out, "--experiment", &exp]);
    assert!(md.contains("### open_use") && md.contains("market.xi_open") && md.contains("μ*"), "{md}");
    let csv = ok(&["sensitivity", &out, "--experiment", &exp, "--format", "csv"]);
    assert!(csv.starts_with("summary,factor,mu,mu_star,mu_star_conf,sigma\n"), "{csv}");
    // Rows cut short are refused as incomplete, not analysed.
    let text = std::fs::read_to_string(&out).unwrap();
    let short = write(&d, "short.csv", &text.lines().take(5).collect::<Vec<_>>().join("\n"));
    let o = run(&["sensitivity", &short, "--experiment", &exp]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not complete"), "{}", String::from_utf8_lossy(&o.stderr));
}

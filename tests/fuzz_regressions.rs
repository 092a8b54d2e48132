//! The fuzz targets' bodies (fuzz/checks.rs) as normal tests: every seed of every target
//! (fuzz/seeds/NAME/) and every input a fuzzing run found to crash or hang
//! (fuzz/regressions/NAME/, kept once fixed) must pass. `./build.sh test` also fuzzes each target
//! for a short while (scripts/fuzz.sh); docs/hardening.md has the long runs. Native only: the
//! inputs are files, and the experiment target reads TOML, which the wasm build leaves out.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect()).unwrap_or_default();
    files.sort();
    files
}

#[test]
fn every_target_has_seeds_a_binary_and_a_cargo_entry() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    for (name, _) in checks::TARGETS {
        assert!(!inputs(&root.join("seeds").join(name)).is_empty(), "fuzz/seeds/{name}/ has no seeds");
        let bin = std::fs::read_to_string(root.join("fuzz_targets").join(format!("{name}.rs"))).unwrap_or_else(|_| panic!("fuzz/fuzz_targets/{name}.rs is missing"));
        assert!(bin.contains(&format!("checks::{name}(data)")), "fuzz/fuzz_targets/{name}.rs does not call checks::{name}");
        assert!(cargo.contains(&format!("name = \"{name}\"")), "fuzz/Cargo.toml has no [[bin]] for {name}");
    }
}

#[test]
fn seeds_and_found_failures_pass_every_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for (name, check) in checks::TARGETS {
        for kind in ["seeds", "regressions"] {
            for file in inputs(&root.join(kind).join(name)) {
                let data = std::fs::read(&file).unwrap();
                let r = std::panic::catch_unwind(|| check(&data));
                assert!(r.is_ok(), "{name}: {} fails", file.display());
                n += 1;
            }
        }
    }
    assert!(n > 20, "only {n} inputs");
}

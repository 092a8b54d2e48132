//! The model document must describe every parameter and every metric the code has.

#[test]
fn model_md_documents_every_parameter_and_metric() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/MODEL.md")).expect("docs/MODEL.md exists");
    let missing: Vec<&str> = regsim::scenario::spec::param_specs().iter().map(|p| p.path).filter(|p| !doc.contains(&format!("`{p}`"))).collect();
    assert!(missing.is_empty(), "docs/MODEL.md lacks parameters: {missing:?} (regenerate its table with `regsim params --format markdown`)");
    let missing: Vec<&str> = regsim::metrics::Metric::ALL.iter().map(|m| m.name()).filter(|n| !doc.contains(n)).collect();
    assert!(missing.is_empty(), "docs/MODEL.md lacks metrics: {missing:?}");
}

#[test]
fn model_md_parameter_table_is_the_one_the_code_prints() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/MODEL.md")).expect("docs/MODEL.md exists");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_regsim")).args(["params", "--format", "markdown"]).output().expect("the binary runs");
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(doc.contains(&table), "docs/MODEL.md's parameter table differs from the code's (regenerate it with `regsim params --format markdown`)");
}

#[test]
fn every_parameter_has_a_unit_or_kind_and_a_source() {
    for p in regsim::scenario::spec::param_specs() {
        assert!(!p.source.is_empty(), "{} has no source", p.path);
        assert!(!p.label.is_empty(), "{} has no label", p.path);
        let numeric = matches!(p.kind, regsim::scenario::spec::Kind::Number | regsim::scenario::spec::Kind::Integer | regsim::scenario::spec::Kind::OptionalNumber);
        if numeric {
            assert!(!p.unit.is_empty(), "{} has no unit", p.path);
            assert!(p.min <= p.max, "{}", p.path);
        }
    }
}

//! Batch experiment: does a heavy recurring compliance cost on every model drive developers out?
//!
//! Both arms cover every model by compute (`regime.cover_rule = compute_only`,
//! `regime.cover_log_flop = 18`); the reform charges $200M per covered model per quarter
//! (`regime.compliance_fixed = 2e8`), the baseline nothing. 64 paired replicates, ten years.
//!
//! ```sh
//! wasm-pack test --node --release --test experiment_compliance_exit -- --nocapture
//! ```
//!
//! Prints `BEGIN CSV compliance_exit` … `END CSV compliance_exit` and asserts that fewer
//! developers are alive at the horizon, by more than two standard errors of the paired difference.
#![cfg(target_arch = "wasm32")]

mod batch;

use batch::{compare_against, print_csv, runs, Effect, Summary};
use regsim::metrics::Metric;
use regsim::scenario::{validate, CoverRule, Scenario};
use wasm_bindgen_test::wasm_bindgen_test;

const REPLICATES: u32 = 64;

fn everything_covered(compliance_fixed: f64) -> Scenario {
    let mut s = Scenario::default();
    s.label = format!("everything covered, compliance_fixed = {compliance_fixed}");
    s.simulation.quarters = 40;
    s.regime.cover_rule = CoverRule::ComputeOnly;
    s.regime.cover_log_flop = Some(18.0);
    s.regime.compliance_fixed = compliance_fixed;
    assert_eq!(validate(&s), vec![]);
    s
}

#[wasm_bindgen_test]
fn heavy_compliance_cost_drives_developers_out() {
    let baseline = everything_covered(0.0);
    let reform = everything_covered(2e8);
    let c = compare_against(&baseline, &runs(&baseline, REPLICATES), &reform);

    let rows = [
        (Metric::NDevelopers, Summary::Final),
        (Metric::NDerivatives, Summary::Final),
        (Metric::Hhi, Summary::Final),
        (Metric::OpenShareUsage, Summary::Final),
        (Metric::ComplianceSpendUsd, Summary::Total),
        (Metric::Exits, Summary::Total),
        (Metric::Entries, Summary::Total),
        (Metric::ConsumerSurplus, Summary::Total),
    ];
    let mut csv = vec![Effect::CSV_HEADER.to_string()];
    csv.extend(rows.iter().map(|&(m, s)| Effect::of(&c, m, s).csv_row("compliance_fixed_2e8")));
    print_csv("compliance_exit", &csv.join("\n"));

    let spend = Effect::of(&c, Metric::ComplianceSpendUsd, Summary::Total);
    assert!(spend.increases(), "compliance spend should rise: {}", spend.csv_row("compliance_fixed_2e8"));
    let developers = Effect::of(&c, Metric::NDevelopers, Summary::Final);
    assert!(developers.decreases(), "developers alive at the horizon should fall: {}", developers.csv_row("compliance_fixed_2e8"));
}

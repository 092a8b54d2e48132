//! Batch experiment: every preset against no regulation, 64 paired replicates, ten years.
//!
//! Run it in WebAssembly (see `docs/batch.md`):
//!
//! ```sh
//! wasm-pack test --node --release --test experiment_presets -- --nocapture
//! ```
//!
//! It prints one CSV table (`BEGIN CSV presets_vs_none` … `END CSV presets_vs_none`): for each
//! preset and a set of metrics, the baseline and reform means of a per-replicate summary (the value
//! in the last quarter, or the total over the ten years), the mean paired difference, its standard
//! error and their ratio z. Then it asserts the directions that `docs/MODEL.md` documents and that
//! hold by more than two standard errors: presets with compliance costs and coverage make
//! developers spend on compliance, and strict liability for everything makes them pay damages.
#![cfg(target_arch = "wasm32")]

mod batch;

use batch::{compare_against, print_csv, runs, Effect, Summary};
use regsim::metrics::Metric;
use regsim::scenario::{preset, PRESET_NAMES};
use wasm_bindgen_test::wasm_bindgen_test;

const REPLICATES: u32 = 64;
const QUARTERS: u32 = 40;

/// The metrics in the table, with how each replicate is summarised.
const TABLE: &[(Metric, Summary)] = &[
    (Metric::Hhi, Summary::Final),
    (Metric::HhiEcosystem, Summary::Final),
    (Metric::Cr4, Summary::Final),
    (Metric::NDevelopers, Summary::Final),
    (Metric::NDerivatives, Summary::Final),
    (Metric::OpenShareUsage, Summary::Final),
    (Metric::OpenShareModels, Summary::Final),
    (Metric::FrontierCapability, Summary::Final),
    (Metric::OpenFrontierCapability, Summary::Final),
    (Metric::CoveredModels, Summary::Mean),
    (Metric::Incidents, Summary::Total),
    (Metric::HarmUsd, Summary::Total),
    (Metric::CriticalHarms, Summary::Total),
    (Metric::LiabilityPaidUsd, Summary::Total),
    (Metric::ComplianceSpendUsd, Summary::Total),
    (Metric::TrainingSpendUsd, Summary::Total),
    (Metric::ConsumerSurplus, Summary::Total),
    (Metric::Exits, Summary::Total),
    (Metric::LiabilityBankruptcies, Summary::Total),
];

/// Presets that cover models and charge compliance costs for them.
const WITH_COMPLIANCE_COSTS: &[&str] = &["sb1047", "sb53", "eu_gpai", "open_safe_harbor"];

#[wasm_bindgen_test]
fn presets_against_none() {
    let mut none = preset("none").unwrap();
    none.simulation.quarters = QUARTERS;
    let baseline_runs = runs(&none, REPLICATES);

    let mut csv = vec![Effect::CSV_HEADER.to_string()];
    let mut failures = Vec::new();
    for name in PRESET_NAMES.iter().filter(|&&n| n != "none") {
        let mut reform = preset(name).unwrap();
        reform.simulation.quarters = QUARTERS;
        let c = compare_against(&none, &baseline_runs, &reform);
        for &(metric, summary) in TABLE {
            csv.push(Effect::of(&c, metric, summary).csv_row(name));
        }

        let mut expect_increase = |metric: Metric| {
            let e = Effect::of(&c, metric, Summary::Total);
            if !e.increases() {
                failures.push(format!("{name}: expected {} to rise against none; got {}", metric.name(), e.csv_row(name)));
            }
        };
        if WITH_COMPLIANCE_COSTS.contains(name) {
            expect_increase(Metric::ComplianceSpendUsd);
        }
        if *name == "strict_all" {
            expect_increase(Metric::LiabilityPaidUsd);
        }
    }
    print_csv("presets_vs_none", &csv.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! Batch experiment: a Morris screening of the uncertain ([A]) parameters on one outcome, open
//! share of use in 2029–2030 under no regulation, the same in WebAssembly as natively.
//!
//! Every parameter with an uncertain range moves along 6 Morris trajectories on a 4-level grid,
//! 2 replicates per point (common random numbers across points). The elementary effects' μ, μ* and
//! σ are printed as CSV and compared, number for number, with `tests/morris_screening.csv`, which
//! the native run of this file writes when `REGSIM_BLESS=1` (after an intended change of results):
//!
//! ```sh
//! REGSIM_BLESS=1 cargo test --release --test experiment_morris     # native: write the file
//! wasm-pack test --node --release --test experiment_morris -- --nocapture
//! ```
//!
//! The design and the indices come from `regsim::analysis`, as `regsim sweep` and
//! `regsim sensitivity` would compute them.

mod batch;

use regsim::analysis::design::DesignKind;
use regsim::analysis::experiment::{Experiment, ExperimentSpec, FactorSpec, SummarySpec};
use regsim::analysis::results::{indices, Indices};
use regsim::analysis::sensitivity::Bootstrap;

const EXPECTED: &str = include_str!("morris_screening.csv");

fn screening() -> String {
    let factors = regsim::analysis::prior::prior()
        .into_iter()
        .map(|p| FactorSpec { path: p.path, min: Some(p.min), max: Some(p.max), scale: None, levels: None, arm: Default::default() })
        .collect();
    let spec = ExperimentSpec {
        name: Some("Morris screening of the uncertain parameters".into()),
        baseline: "none".into(),
        reform: None,
        scenario: None,
        baseline_scenario: None,
        reform_scenario: None,
        set: vec![],
        baseline_set: vec![],
        reform_set: vec![],
        replicates: 2,
        seed: 1,
        quarters: Some(24),
        design: DesignKind::Morris { trajectories: 6, levels: 4 },
        factors,
        summaries: vec![SummarySpec { metric: "open_share_usage".into(), stat: Default::default(), from: Some(2029), to: Some(2030), name: Some("open_use_2029_2030".into()) }],
    };
    let e = Experiment::new(spec).expect("a valid experiment");
    let y: Vec<f64> = (0..e.len())
        .map(|i| {
            let rows = e.run_point(i).expect("every point valid");
            rows.iter().map(|r| r[0]).sum::<f64>() / rows.len() as f64
        })
        .collect();
    let Ok(Indices::Morris { factors }) = indices(&e, &y, &Bootstrap { resamples: 200, ..Default::default() }) else { panic!("a Morris design gives Morris indices") };
    let mut csv = String::from("factor,mu,mu_star,sigma,mu_star_conf\n");
    for (f, m) in e.factors.iter().zip(&factors) {
        csv.push_str(&format!("{},{:?},{:?},{:?},{:?}\n", f.path, m.mu, m.mu_star, m.sigma, m.mu_star_conf));
    }
    csv
}

fn check() {
    let csv = screening();
    batch::print_csv("morris_screening", &csv);
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("REGSIM_BLESS").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/morris_screening.csv"), &csv).expect("writable tests/");
        return;
    }
    assert_eq!(csv, EXPECTED, "the screening differs from tests/morris_screening.csv (native and wasm must agree bit for bit; after an intended change of results run REGSIM_BLESS=1 cargo test --release --test experiment_morris)");
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn morris_screening_matches_the_native_result() {
    check();
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn morris_screening_matches_the_native_result() {
    check();
}

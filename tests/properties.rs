//! Property tests over random valid scenarios, every parameter drawn from its documented range
//! (tests/common/random_scenario.rs reads the ranges from the parameter table, so parameters added
//! later are drawn too). Each property holds for every quarter of every run:
//!
//! - no metric is NaN or infinite, except those metrics.rs documents as missing when there is
//!   nothing to measure (NaN then, never infinite);
//! - shares of use are within [0, 1] and sum to 1, and spend to demand; shares that metrics
//!   report (0–1 in their description) are within [0, 1];
//! - HHI is within [10,000 / N, 10,000] for the N owners with use;
//! - each developer's capital is its start plus every inflow less every outflow (the Ledger);
//! - access to a model only widens, and open weights never leave the market;
//! - raising a coverage threshold never covers more models: for the models of a run, any
//!   threshold raised (or removed) covers a subset of those the scenario's thresholds cover. (Not
//!   across runs: firms respond to thresholds, and a higher one can draw larger runs above a
//!   lower one's bunching point, so a run under a higher threshold may cover more models.)
//! - a reform equal to its baseline gives differences of exactly zero (NaN where both are
//!   missing);
//! - results are the same bits whatever the number of threads.
//!
//! `cargo test --test properties` runs a few hundred cases with short horizons; the long run in
//! docs/hardening.md sets REGSIM_PROPTEST_CASES, REGSIM_PROPTEST_QUARTERS and
//! REGSIM_PROPTEST_MAX_WORK. Failures shrink toward the presets' values; shrunk failures are
//! kept below as regression tests (and proptest replays the seeds it saved in
//! tests/properties.proptest-regressions first).

// Native only: proptest and threads are not part of the wasm build.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/random_scenario.rs"]
mod random_scenario;

use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngSeed};
use random_scenario::{scenario_from_draws, Drawn, Limits};
use regsim::ensemble::{compare, run_parallel};
use regsim::metrics::{Metric, RunMetrics};
use regsim::model::regulation::is_covered;
use regsim::model::state::Mode;
use regsim::model::Simulation;
use regsim::rng::replicate_seed;
use regsim::scenario::spec::param_specs;
use regsim::scenario::{apply_json_overlay, preset, validate, Scenario, PRESET_NAMES};

fn env_number(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Cases per property (CI: 64 each, some hundreds in all).
fn cases() -> u32 {
    env_number("REGSIM_PROPTEST_CASES", 64.0) as u32
}

fn limits() -> Limits {
    Limits { max_quarters: env_number("REGSIM_PROPTEST_QUARTERS", 12.0) as u32, max_work: env_number("REGSIM_PROPTEST_MAX_WORK", 2e8) }
}

/// The cases' seed: fixed by default, so that `./build.sh test` tries the same cases on every
/// machine and a failure there is never luck; `REGSIM_PROPTEST_SEED=random` (the long run) or a
/// number draws others.
fn rng_seed() -> RngSeed {
    match std::env::var("REGSIM_PROPTEST_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(n) => n.parse().map(RngSeed::Fixed).unwrap_or_else(|_| panic!("REGSIM_PROPTEST_SEED: {n:?} is not a whole number or \"random\"")),
        None => RngSeed::Fixed(1_047),
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        rng_seed: rng_seed(),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        max_global_rejects: 10 * cases().max(256),
        ..ProptestConfig::default()
    }
}

/// A random valid scenario: a preset, and about half the parameters drawn from their ranges
/// (shrinking takes them back to the preset's values one by one).
fn scenarios() -> impl Strategy<Value = Drawn> {
    let n = param_specs().len();
    let limits = limits();
    (0..PRESET_NAMES.len(), proptest::collection::vec(proptest::option::weighted(0.5, 0.0f64..=1.0), n))
        .prop_filter_map("validation refused the drawn scenario", move |(p, draws)| scenario_from_draws(p, &draws, limits).map(Drawn))
}

/// Metrics documented as missing (NaN) when there is nothing to measure.
fn may_be_missing(m: Metric) -> bool {
    m.description().contains("missing when")
}

/// Metrics documented as a share, 0–1.
fn is_share(m: Metric) -> bool {
    m.description().ends_with("0–1") || m.description().contains(", 0–1 ")
}

/// Every per-quarter property of one replicate (see the file's documentation).
fn check_run(s: &Scenario, rep: u64) -> Result<RunMetrics, TestCaseError> {
    let mut sim = Simulation::new(s, replicate_seed(s.simulation.seed, rep));
    let mut modes: Vec<Mode> = Vec::new();
    for t in 0..s.simulation.quarters as usize {
        sim.step();
        let m = &sim.market;
        let models: f64 = m.model_share.iter().sum();
        let derivs: f64 = m.derivative_share.iter().sum();
        prop_assert!(m.model_share.iter().chain(&m.derivative_share).all(|&x| (0.0..=1.0 + 1e-12).contains(&x)), "quarter {t}: a share outside [0, 1]");
        if models + derivs > 0.0 {
            prop_assert!((models + derivs - 1.0).abs() < 1e-9, "quarter {t}: shares sum to {}", models + derivs);
            let spend: f64 = m.model_spend.iter().sum::<f64>() + m.derivative_spend.iter().sum::<f64>();
            prop_assert!((spend / m.demand - 1.0).abs() < 1e-9, "quarter {t}: spend {spend} against demand {}", m.demand);
        }
        for &metric in Metric::ALL {
            let x = sim.metrics.get(metric)[t];
            if may_be_missing(metric) {
                prop_assert!(x.is_nan() || x.is_finite(), "quarter {t}: {} is {x}", metric.name());
            } else {
                prop_assert!(x.is_finite(), "quarter {t}: {} is {x}", metric.name());
            }
            if is_share(metric) && !x.is_nan() {
                prop_assert!((0.0..=1.0 + 1e-9).contains(&x), "quarter {t}: {} is {x}", metric.name());
            }
        }
        // HHI over owners with use: developers (every version of theirs) and derivatives.
        let hhi = sim.metrics.get(Metric::Hhi)[t];
        let mut owners: Vec<usize> = sim.models.iter().enumerate().filter(|(v, _)| m.model_share[*v] > 0.0).map(|(_, x)| x.owner).collect();
        owners.sort_unstable();
        owners.dedup();
        let n = owners.len() + m.derivative_share.iter().filter(|&&x| x > 0.0).count();
        prop_assert!(hhi <= 10_000.0 * (1.0 + 1e-9), "quarter {t}: HHI {hhi}");
        if n > 0 {
            prop_assert!(hhi >= 10_000.0 / n as f64 * (1.0 - 1e-9), "quarter {t}: HHI {hhi} below 10,000/{n}");
        }
        for (i, d) in sim.devs.iter().enumerate() {
            let expected = d.ledger.initial + d.ledger.inflows - d.ledger.outflows;
            let tol = 1e-9 * (d.ledger.initial.abs() + d.ledger.inflows.abs() + d.ledger.outflows.abs()).max(1.0);
            prop_assert!((d.capital - expected).abs() <= tol, "quarter {t}: developer {i} has {} but its ledger says {expected}", d.capital);
        }
        for (v, model) in sim.models.iter().enumerate() {
            if let Some(&before) = modes.get(v) {
                prop_assert!(model.mode >= before, "quarter {t}: model {v} narrowed from {before:?} to {:?}", model.mode);
                if before == Mode::Open {
                    prop_assert!(model.on_market, "quarter {t}: open model {v} left the market");
                }
            }
        }
        modes = sim.models.iter().map(|x| x.mode).collect();
    }
    Ok(sim.metrics)
}

/// A reform equal to its baseline (under another label) differs from it by exactly zero, or NaN
/// where the baseline is missing too.
fn check_zero_differences(s: &Scenario) -> Result<(), TestCaseError> {
    let mut reform = s.clone();
    reform.label = "the same, under another name".into();
    let c = compare(s, &reform, 2).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for &m in Metric::ALL {
        let d = c.difference(m);
        let b = c.baseline.band(m);
        for stat in regsim::ensemble::STATS {
            for (q, (x, base)) in d.stat(stat).unwrap().iter().zip(b.stat(stat).unwrap()).enumerate() {
                prop_assert!(*x == 0.0 || (x.is_nan() && base.is_nan()), "{} {stat} quarter {q}: difference {x}", m.name());
            }
        }
    }
    Ok(())
}

/// The (log10 FLOP, cost) of every model a replicate trains or starts with.
fn runs_of(s: &Scenario, rep: u64) -> Vec<(f64, f64)> {
    let mut sim = Simulation::new(s, replicate_seed(s.simulation.seed, rep));
    for _ in 0..s.simulation.quarters {
        sim.step();
    }
    sim.models.iter().map(|m| (m.log_flop, m.cost)).collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_quarter_keeps_the_invariants(s in scenarios()) {
        check_run(&s.0, 0)?;
    }

    #[test]
    fn raising_a_threshold_never_covers_more_models(s in scenarios(), up_flop in 0.0f64..5.0, up_cost in 0.0f64..1e3, drop in 0usize..3) {
        let s = s.0;
        let runs = runs_of(&s, 0);
        let r = &s.regime;
        let mut higher = r.clone();
        higher.cover_log_flop = r.cover_log_flop.map(|x| x + up_flop);
        higher.cover_cost = r.cover_cost.map(|x| x * (1.0 + up_cost));
        // Removing a threshold raises it to infinity.
        match drop {
            1 => higher.cover_log_flop = None,
            2 => higher.cover_cost = None,
            _ => {}
        }
        for &(lf, cost) in &runs {
            prop_assert!(!is_covered(&higher, lf, cost) || is_covered(r, lf, cost), "a run of 10^{lf} FLOP costing ${cost} is covered under {higher:?} but not under {r:?}");
        }
    }

    #[test]
    fn a_reform_equal_to_its_baseline_gives_zero_differences(s in scenarios()) {
        check_zero_differences(&s.0)?;
    }

    #[test]
    fn results_are_the_same_bits_whatever_the_thread_count(s in scenarios()) {
        let s = s.0;
        let indices = [0, 1, 2];
        let one = run_parallel(&s, &indices, 1, &|| {});
        for threads in [2, 3] {
            let many = run_parallel(&s, &indices, threads, &|| {});
            for (a, b) in one.iter().zip(&many) {
                prop_assert_eq!(a.bits_hash(), b.bits_hash(), "{} threads", threads);
            }
        }
        let json = |runs: Vec<RunMetrics>| regsim::report::ensemble_json(&regsim::ensemble::ensemble(&s, 3, runs)).to_string();
        prop_assert_eq!(json(one), json(run_parallel(&s, &indices, 2, &|| {})));
    }
}

#[test]
fn the_generator_draws_mostly_valid_scenarios_from_every_range() {
    // A cross-field rule the generator does not repair would show here as many refusals, rather
    // than as property tests that quietly run fewer cases.
    let specs = param_specs();
    let mut stream = regsim::rng::Stream::new(3, regsim::rng::Purpose::Init, 0, 0, 0);
    let mut valid = 0;
    let n = 300;
    let mut seen_low = vec![false; specs.len()];
    let mut seen_high = vec![false; specs.len()];
    for k in 0..n {
        let draws: Vec<Option<f64>> = specs.iter().map(|_| Some(stream.uniform())).collect();
        if let Some(s) = scenario_from_draws(k % PRESET_NAMES.len(), &draws, Limits { max_quarters: 200, max_work: regsim::scenario::work::MAX_WORK }) {
            valid += 1;
            assert!(validate(&s).is_empty());
        }
        for (i, u) in draws.iter().enumerate() {
            seen_low[i] |= u.unwrap() < 0.05;
            seen_high[i] |= u.unwrap() > 0.95;
        }
    }
    assert!(valid * 10 >= n * 9, "only {valid} of {n} drawn scenarios were valid");
    assert!(seen_low.iter().chain(&seen_high).all(|&x| x), "some range end was never drawn");
}

/// Shrunk failures the properties found, kept as scenarios: a preset and the JSON laid over it
/// (as a failing case prints it), with what went wrong before the fix.
const REGRESSIONS: &[(&str, &str, &str)] = &[
    (
        "NaN shares: a family whose every e^(u/λ) underflowed to 0 divided 0 by 0 (market.rs)",
        "none",
        r#"{"decision":{"level_step":0.6934031192798796,"levels":55},"derivatives":{"entry_rate":545.9846339433064},"market":{"beta_commodity":9.66851314558107,"beta_frontier":0.0},"simulation":{"quarters":12}}"#,
    ),
    (
        "frontier_capability −∞ once every developer had gone bankrupt (now missing, NaN)",
        "strict_all",
        r#"{"entry":{"exit_runway_quarters":76.51813380859298},"firms":{"big_tech":{"open_at_start":0},"challenger":{"log_flop_max":30.803282880806037,"log_flop_min":25.7}},"harms":{"incidents0":969789.4798801745},"simulation":{"quarters":12},"technology":{"spillover":0.9077317196259252}}"#,
    ),
    (
        "differences of −∞ − (−∞) = NaN against a baseline band of −∞ (frontier_capability)",
        "sb53",
        r#"{"decision":{"cadence_max":40,"cadence_min":32},"firms":{"big_tech":{"brand":-7.775081744792981,"log_flop_max":35.0,"log_flop_min":26.3},"budget_capital_fraction":0.0,"challenger":{"count":0,"open_at_start":0},"frontier_lab":{"brand":10.0,"open_at_start":3}},"harms":{"capability_elasticity":0.6633116063259771,"demand_elasticity":2.855560526729958,"incidents0":209997.39602751008},"market":{"derivative_premium":-10.0,"xi_open":6.247295946831912},"regime":{"cover_log_flop":21.160845050337677,"liability_rule":"strict","penalty_frac_cost_repeat":1.6722183123457794},"simulation":{"quarters":12}}"#,
    ),
    (
        "NaN shares: a family's e^(u/λ) overflowed (price 0.01, price sensitivity 8.5, λ = 0.05)",
        "none",
        r#"{"market":{"alpha_commodity":8.477787092907551,"nest_lambda":0.05,"price_open":0.01},"simulation":{"quarters":12}}"#,
    ),
    (
        "shares summing to 0.999996: a family's sum was subnormal and had lost its precision",
        "none",
        r#"{"derivatives":{"spend_median":2217915949.405132},"firms":{"budget_capital_fraction":0.0,"frontier_lab":{"log_flop_max":34.23722618285315,"log_flop_min":26.5},"startup":{"log_flop_max":32.833004984885086,"log_flop_min":24.8}},"market":{"alpha_commodity":8.477787092907551,"nest_lambda":0.05,"price_derivative":79.28123063653568,"price_open":71.56209013098648,"serving_cost":0.7156672850524841},"simulation":{"quarters":12}}"#,
    ),
    (
        "shares of use summing to 0.99988: the absent nests held nearly all of the total, and the regime region's sum, total − absent, had lost its precision (market.rs)",
        "strict_all",
        r#"{"decision":{"cadence_max":3,"cadence_min":1},"firms":{"big_tech":{"log_flop_min":18.0},"budget_capital_fraction":0.0,"challenger":{"capital":10000000000000.0,"complement":1.8645551492059111,"outside":true},"foreign_open_lab":{"brand":-10.0,"log_flop_max":24.8,"log_flop_min":18.0}},"harms":{"incidents0":565021.4542928425,"misuse_open":95.02902674945292,"severity_median":4046446798.355343},"market":{"alpha_commodity":10.0,"demand0":8048698593146.969,"price_derivative":53.33169160830407,"price_open":99.81308353215177},"technology":{"distillation_form":"at_training"}}"#,
    ),
    (
        "an overflow (u32 + 1) in debug builds, a wrap to 0 in release: the strata had saturated a developer's violations, then one more incident was charged alone (harms.rs)",
        "sb1047",
        r#"{"decision":{"cadence_max":31,"tau":3.558809157961536},"derivatives":{"entry_rate":895.1354697302019,"fixed_cost":0.0,"initial":1873,"spend_median":31392.588180772516,"uplift_per_log_spend":1.0365775541556257},"entry":{"rate":0.0},"firms":{"big_tech":{"brand":-1.3220709283025318,"capital":107044746643.29987,"count":723,"log_flop_max":28.182945950831204,"open_at_start":27},"startup":{"brand":-10.0,"capital":335282065251.1564,"fast_follower":1.0}},"harms":{"capability_elasticity":3.0,"demand_elasticity":2.748435263019714,"incidents0":776303.8331877826,"severity_median":2863.2983144195227,"severity_sigma":5.0},"market":{"xi_api":-10.0},"simulation":{"quarters":12},"technology":{"algo_progress_per_year":1.9884601293139963,"distillation_form":"at_training","price_decline_per_year":0.0,"price_per_flop0":4.211269488749005e-20}}"#,
    ),
    (
        "a panic (f64::clamp with min > max): a thin stratum's lower harm rounded above its upper one (incident_strata.rs)",
        "open_safe_harbor",
        r#"{"harms":{"incidents0":544843.2273627442,"safety_eff_api":0.9955125620014704,"severity_median":589696.9003347298,"severity_sigma":4.030296406678133}}"#,
    ),
];

#[test]
fn shrunk_failures_stay_fixed() {
    for (what, preset_name, json) in REGRESSIONS {
        let overlay: serde_json::Value = serde_json::from_str(json).unwrap();
        let s = apply_json_overlay(&preset(preset_name).unwrap(), &overlay).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(validate(&s).is_empty(), "{what}: {:?}", validate(&s));
        check_run(&s, 0).unwrap_or_else(|e| panic!("{what}: {e}"));
        check_zero_differences(&s).unwrap_or_else(|e| panic!("{what}: {e}"));
    }
}

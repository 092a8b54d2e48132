//! MODEL.md §6: the validation targets as executable tests on ensembles.
//!
//! Direction tests compare paired replicates (common random numbers) and pass when the paired
//! mean difference, averaged over the stated window, has the stated sign by more than two
//! standard errors. Each test prints its effect so that `cargo test -- --nocapture` shows sizes.

use regsim::analysis::{calibration_targets, paired_effect, PairedEffect};
use regsim::ensemble::{compare, Comparison};
use regsim::metrics::Metric;
use regsim::scenario::{apply_set, preset, Scenario};

const REPLICATES: u32 = 64;
/// The whole ten-year horizon.
const ALL: (usize, usize) = (0, 40);
/// The last two years.
const LATE: (usize, usize) = (32, 40);

fn with(base: &str, sets: &[&str]) -> Scenario {
    sets.iter().fold(preset(base).unwrap(), |s, kv| apply_set(&s, kv).unwrap())
}

fn effect(c: &Comparison, m: Metric, w: (usize, usize), label: &str) -> PairedEffect {
    let e = paired_effect(c, m, w.0, w.1);
    println!("{label}: {} baseline {:.4} reform {:.4} paired diff {:.4} ± {:.4} (z = {:.1})", m.name(), e.baseline, e.reform, e.mean, e.se, e.z());
    e
}

#[test]
fn target_1_baseline_meets_the_calibration_targets() {
    let targets = calibration_targets(REPLICATES).unwrap();
    print!("{}", regsim::analysis::targets_markdown(&targets));
    for t in &targets {
        assert!(t.met(), "{}: {} outside {}", t.spec.name, t.value, t.spec.bound.text());
    }
}

#[test]
fn target_2_compliance_costs_on_every_model_concentrate_the_market() {
    let base = with("none", &["regime.cover_rule=all"]);
    let high = apply_set(&base, "regime.compliance_fixed=2e7").unwrap();
    let c = compare(&base, &high, REPLICATES).unwrap();
    let hhi = effect(&c, Metric::Hhi, LATE, "target 2");
    let devs = effect(&c, Metric::NDevelopers, LATE, "target 2");
    effect(&c, Metric::Entries, ALL, "target 2 (reported, not asserted)");
    assert!(hhi.mean > 2.0 * hhi.se, "HHI should rise: {hhi:?}");
    assert!(-devs.mean > 2.0 * devs.se, "developers should fall: {devs:?}");
}

#[test]
fn target_2b_under_the_and_rule_firms_escape_by_training_below_100m() {
    // SB 1047's AND rule lets a run escape coverage by staying under $100M: report how far
    // firms do so as compliance costs rise, with bunching as the evidence.
    let base = preset("sb1047").unwrap();
    let high = apply_set(&base, "regime.compliance_fixed=2e7").unwrap();
    let c = compare(&base, &high, REPLICATES).unwrap();
    let bunch = effect(&c, Metric::Bunching, ALL, "target 2b");
    effect(&c, Metric::Hhi, LATE, "target 2b (reported)");
    effect(&c, Metric::NDevelopers, LATE, "target 2b (reported)");
    effect(&c, Metric::CoveredModels, LATE, "target 2b (reported)");
    assert!(bunch.mean > 2.0 * bunch.se, "higher compliance costs should make more runs bunch: {bunch:?}");
}

#[test]
fn target_3_derivative_liability_multiplies_derivatives_but_leaves_open_weights_where_they_are() {
    // MODEL.md §6.3 expects derivative liability to lower the open share of models. It does not
    // here (v1.3 did not either), and since v1.4 it no longer pushes open weights behind the
    // frontier as v1.3's did: the open frontier is made by the labs outside, which distil from
    // the frontier each quarter whatever they release (docs/calibration.md). What it does do:
    // fine-tuners whose harms are charged upstream are cheaper to run, so more of them survive.
    // The open shares, the open frontier and the lag are printed, not asserted.
    let with_dl = preset("strict_all").unwrap();
    let without = apply_set(&with_dl, "regime.derivative_liability=false").unwrap();
    let c = compare(&without, &with_dl, REPLICATES).unwrap();
    for m in [Metric::OpenShareModels, Metric::OpenShareUsage, Metric::OpenFrontierCapability, Metric::OpenLagQuarters] {
        effect(&c, m, ALL, "target 3 (reported)");
    }
    let derivs = effect(&c, Metric::NDerivatives, ALL, "target 3");
    assert!(derivs.mean > 2.0 * derivs.se, "derivative liability should keep more derivatives alive: {derivs:?}");
    // SB 1047 against its open-weights safe harbor: report the size, do not assert it.
    let c = compare(&preset("open_safe_harbor").unwrap(), &preset("sb1047").unwrap(), REPLICATES).unwrap();
    for m in [Metric::OpenShareModels, Metric::OpenShareUsage, Metric::OpenFrontierCapability, Metric::LiabilityPaidUsd] {
        effect(&c, m, ALL, "target 3, sb1047 against open_safe_harbor (reported)");
    }
}

#[test]
fn target_5_high_compliance_costs_make_runs_bunch_below_thresholds() {
    let none = preset("none").unwrap();
    let reform = with("sb1047", &["regime.compliance_fixed=2e7", "regime.compliance_var=0.1"]);
    let c = compare(&none, &reform, REPLICATES).unwrap();
    let b = effect(&c, Metric::Bunching, ALL, "target 5");
    assert!(b.mean > 2.0 * b.se, "runs should bunch below the thresholds: {b:?}");
}

#[test]
fn target_6_judgment_proof_startups_choose_less_safety_under_strict_liability() {
    // Startups are judgment-proof when their expected liability exceeds their capital. With the
    // default severity (median $1M, mean $5M) a startup's expected damages over the horizon are
    // below its $100M of capital, so it is not; this test uses harms ten times as severe
    // (median $10M), where a startup's capital binds and a big firm's $20–100B does not
    // (Shavell 1986). docs/calibration.md reports the default-severity result.
    let s = with("strict_all", &["harms.severity_median=1e7"]);
    let r = regsim::ensemble::run(&s, REPLICATES).unwrap();
    let per_replicate = |m: Metric| regsim::analysis::replicate_means(&r, m, ALL.0, ALL.1);
    let (small, large) = (per_replicate(Metric::SafetySmall), per_replicate(Metric::SafetyLarge));
    let d: Vec<f64> = small.iter().zip(&large).map(|(s, l)| s - l).collect();
    let (mean, se) = regsim::analysis::mean_se(&d);
    println!("target 6: startups' safety minus large firms' safety {mean:.3} ± {se:.3}");
    assert!(-mean > 2.0 * se, "startups should choose less safety: {mean} ± {se}");
}

#[test]
fn target_8_7a_a_regime_binding_only_developers_at_home_moves_open_weights_abroad() {
    // MODEL.md §8.7: heavy compliance costs on every model of developers at home, and no reach
    // over developers outside, move open use and the open frontier toward developers outside.
    let base = preset("none").unwrap();
    let home_only = with("none", &["regime.cover_rule=all", "regime.compliance_fixed=2e7", "regime.binds_outside=false"]);
    let c = compare(&base, &home_only, REPLICATES).unwrap();
    let open = effect(&c, Metric::OutsideShareOpenUsage, ALL, "target 8.7a");
    let all = effect(&c, Metric::OutsideShareUsage, ALL, "target 8.7a");
    let frontier = effect(&c, Metric::OpenFrontierOutside, ALL, "target 8.7a (reported)");
    assert!(open.mean > 2.0 * open.se, "developers outside should take more of open use: {open:?}");
    assert!(all.mean > 2.0 * all.se, "developers outside should take more of all use: {all:?}");
    assert!(frontier.mean > -2.0 * frontier.se, "the open frontier should not move home: {frontier:?}");
}

#[test]
fn target_8_7b_a_regime_without_market_share_cannot_touch_developers_outside() {
    // MODEL.md §8.7: with market_share 0, developers outside decide bit for bit as under `none`
    // wherever nothing at home differs: only the open labs outside, no entry. Incident counts are
    // drawn with the regime's split of severities, so they (and harm) may differ in their draws;
    // every other metric is a consequence of decisions and must not.
    let alone = |name: &str, sets: &[&str]| {
        let mut s = with(name, &["firms.frontier_lab.count=0", "firms.big_tech.count=0", "firms.challenger.count=0", "firms.startup.count=0", "firms.startup.open_at_start=0", "firms.frontier_lab.open_at_start=0", "firms.big_tech.open_at_start=0", "firms.challenger.open_at_start=0", "entry.rate=0"]);
        for kv in sets {
            s = apply_set(&s, kv).unwrap();
        }
        s
    };
    let none = alone("none", &[]);
    let drawn = [Metric::Incidents, Metric::HarmUsd, Metric::CriticalHarms];
    for reform in ["sb1047", "eu_gpai", "strict_all"] {
        let unreached = alone(reform, &["regime.market_share=0"]);
        for rep in 0..8 {
            let (a, b) = (regsim::ensemble::run_replicate(&none, rep), regsim::ensemble::run_replicate(&unreached, rep));
            for &m in Metric::ALL.iter().filter(|m| !drawn.contains(m)) {
                assert!(a.get(m).iter().zip(b.get(m)).all(|(x, y)| x.to_bits() == y.to_bits()), "{reform} with market_share 0, replicate {rep}: {} differs", m.name());
            }
        }
        // A positive control: with a share of the market, the same regime does reach them.
        let reached = alone(reform, &["regime.market_share=0.5", "regime.foreign_enforcement=1"]);
        let differs = (0..8).any(|rep| regsim::ensemble::run_replicate(&none, rep).get(Metric::FrontierCapability) != regsim::ensemble::run_replicate(&reached, rep).get(Metric::FrontierCapability) || regsim::ensemble::run_replicate(&none, rep).get(Metric::OpenShareUsage) != regsim::ensemble::run_replicate(&reached, rep).get(Metric::OpenShareUsage));
        assert!(differs, "{reform} with half the market should change something");
    }
}

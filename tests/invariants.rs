//! Invariants that must hold in every quarter of every run: shares of use sum to one and spend to
//! demand, HHI within its bounds, no NaN where a value is defined, capital accounting adds up, and
//! open weights are never recalled (MODEL.md §6.7).

use regsim::metrics::Metric;
use regsim::model::state::Mode;
use regsim::model::Simulation;
use regsim::rng::replicate_seed;
use regsim::scenario::{apply_set, preset, Scenario};

/// Metrics that may be missing in a quarter, by definition.
const MAY_BE_MISSING: [Metric; 3] = [Metric::NewTopModelCostUsd, Metric::SafetySmall, Metric::SafetyLarge];

fn scenarios() -> Vec<(String, Scenario)> {
    let mut v: Vec<(String, Scenario)> = regsim::scenario::PRESET_NAMES.iter().map(|n| (n.to_string(), preset(n).unwrap())).collect();
    let harsh = ["harms.severity_median=1e7", "regime.compliance_fixed=5e7"]
        .iter()
        .fold(preset("strict_all").unwrap(), |s, kv| apply_set(&s, kv).unwrap());
    v.push(("strict_all with severe harms and heavy compliance".into(), harsh));
    let long = apply_set(&preset("sb1047").unwrap(), "simulation.quarters=200").unwrap();
    v.push(("sb1047 over 200 quarters".into(), long));
    v
}

fn check_run(name: &str, s: &Scenario, rep: u64) {
    let mut sim = Simulation::new(s, replicate_seed(s.simulation.seed, rep));
    let mut modes: Vec<Mode> = Vec::new();
    for t in 0..s.simulation.quarters as usize {
        sim.step();
        let ctx = format!("{name}, replicate {rep}, quarter {t}");
        // Shares and spend.
        let m = &sim.market;
        // (The market clears before exits, so products of firms that exit this quarter count.)
        let on_market: f64 = m.model_share.iter().sum();
        let derivs: f64 = m.derivative_share.iter().sum();
        let any = on_market + derivs > 0.0;
        if any {
            assert!((on_market + derivs - 1.0).abs() < 1e-9, "{ctx}: shares sum to {}", on_market + derivs);
            let spend: f64 = m.model_spend.iter().sum::<f64>() + m.derivative_spend.iter().sum::<f64>();
            assert!((spend / m.demand - 1.0).abs() < 1e-9, "{ctx}: spend {spend} against demand {}", m.demand);
        }
        assert!(m.model_share.iter().chain(&m.derivative_share).all(|&x| x >= 0.0), "{ctx}: negative share");
        // Metrics of this quarter.
        for &metric in Metric::ALL {
            let x = sim.metrics.get(metric)[t];
            if !MAY_BE_MISSING.contains(&metric) {
                assert!(x.is_finite(), "{ctx}: {} is {x}", metric.name());
            }
        }
        let hhi = sim.metrics.get(Metric::Hhi)[t];
        let mut owners: Vec<usize> = sim.models.iter().enumerate().filter(|(v, _)| m.model_share[*v] > 0.0).map(|(_, x)| x.owner).collect();
        owners.sort_unstable();
        owners.dedup();
        let n_owners = owners.len() + m.derivative_share.iter().filter(|&&x| x > 0.0).count();
        assert!(hhi <= 10_000.0 + 1e-6, "{ctx}: HHI {hhi}");
        if n_owners > 0 {
            assert!(hhi >= 10_000.0 / n_owners as f64 - 1e-6, "{ctx}: HHI {hhi} below 10,000/{n_owners}");
        }
        let cr4 = sim.metrics.get(Metric::Cr4)[t];
        assert!((0.0..=1.0 + 1e-9).contains(&cr4), "{ctx}: cr4 {cr4}");
        for metric in [Metric::OpenShareUsage, Metric::OpenShareModels, Metric::OpenShareCurrent] {
            let x = sim.metrics.get(metric)[t];
            assert!((0.0..=1.0 + 1e-9).contains(&x), "{ctx}: {} {x}", metric.name());
        }
        // Capital accounting.
        for (i, d) in sim.devs.iter().enumerate() {
            let expected = d.ledger.initial + d.ledger.inflows - d.ledger.outflows;
            let tol = 1e-9 * (d.ledger.initial.abs() + d.ledger.inflows.abs() + d.ledger.outflows.abs()).max(1.0);
            assert!((d.capital - expected).abs() <= tol, "{ctx}: developer {i} capital {} but ledger says {expected}", d.capital);
        }
        // Access only widens.
        for (v, model) in sim.models.iter().enumerate() {
            if let Some(&before) = modes.get(v) {
                assert!(model.mode >= before, "{ctx}: model {v} narrowed from {before:?} to {:?}", model.mode);
                if before == Mode::Open {
                    assert!(model.on_market, "{ctx}: open model {v} left the market");
                }
            }
        }
        modes = sim.models.iter().map(|x| x.mode).collect();
    }
}

#[test]
fn invariants_hold_in_every_quarter() {
    for (name, s) in scenarios() {
        let reps = if s.simulation.quarters > 40 { 1 } else { 3 };
        for rep in 0..reps {
            check_run(&name, &s, rep);
        }
    }
}

#[test]
fn ensemble_bands_are_ordered_and_every_metric_is_reported() {
    let r = regsim::ensemble::run(&preset("sb1047").unwrap(), 16).unwrap();
    for &m in Metric::ALL {
        let b = r.band(m);
        assert_eq!(b.mean.len(), 40, "{}", m.name());
        for q in 0..40 {
            if b.p50[q].is_nan() {
                continue;
            }
            assert!(b.p5[q] <= b.p25[q] && b.p25[q] <= b.p50[q] && b.p50[q] <= b.p75[q] && b.p75[q] <= b.p95[q], "{} quarter {q}", m.name());
            assert!(b.mean[q] >= b.p5[q] - 1e-9 * b.p5[q].abs().max(1.0) || b.p5[q] == b.p95[q], "{} quarter {q}", m.name());
        }
    }
}

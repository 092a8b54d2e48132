//! The range of `market.xi_open` that the observed open share of use implies (MODEL.md §8.4:
//! ξ_Open identified from the observed shares, after Berry 1994).
//!
//! For each of 400 draws of the other demand parameters from their uncertain ranges (a Latin
//! hypercube over `market.frontier_weight`, `beta_frontier`, `beta_commodity`, `alpha_commodity`,
//! `nest_lambda`, `price_open`, `adoption_open` and `derivatives.initial`), the model's own
//! initial market (replicate 0's draws, every product with its capability, brand, price, adoption
//! and derivatives) is inverted: the ξ_Open at which open weights and their derivatives get 13%,
//! and 35%, of use is found by bisection. The prior for ξ_Open spans the 5th percentile of the
//! first to the 95th of the second.
//!
//! ```sh
//! cargo run --release --example xi_open_inversion
//! ```

use regsim::analysis::design::{unit_points, DesignKind};
use regsim::model::state::Mode;
use regsim::model::Simulation;
use regsim::rng::replicate_seed;
use regsim::scenario::{spec, Scenario};

fn open_share(s: &Scenario) -> f64 {
    let sim = Simulation::new(s, replicate_seed(s.simulation.seed, 0));
    let models: f64 = sim.models.iter().enumerate().filter(|(_, m)| m.mode == Mode::Open).map(|(v, _)| sim.market.model_share[v]).sum();
    models + sim.market.derivative_share.iter().sum::<f64>()
}

fn invert(s: &Scenario, target: f64) -> f64 {
    let (mut lo, mut hi) = (-10.0, 10.0);
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        let mut t = s.clone();
        t.market.xi_open = mid;
        if open_share(&t) < target { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

fn quantile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    regsim::ensemble::quantile(v, p)
}

fn main() {
    let paths = ["market.frontier_weight", "market.beta_frontier", "market.beta_commodity", "market.alpha_commodity", "market.nest_lambda", "market.price_open", "market.adoption_open", "derivatives.initial"];
    let ranges: Vec<(f64, f64)> = paths.iter().map(|p| spec::find(p).and_then(|s| s.prior).expect("an uncertain parameter")).collect();
    let points = unit_points(&DesignKind::Lhs { samples: 400 }, paths.len(), &[None; 8], 1);
    let (mut low, mut high) = (Vec::new(), Vec::new());
    for u in &points {
        let mut s = Scenario::default();
        let v: Vec<f64> = ranges.iter().zip(u).map(|((a, b), x)| a + x * (b - a)).collect();
        s.market.frontier_weight = v[0];
        s.market.beta_frontier = v[1];
        s.market.beta_commodity = v[2];
        s.market.alpha_commodity = v[3];
        s.market.nest_lambda = v[4];
        s.market.price_open = v[5];
        s.market.adoption_open = v[6];
        s.derivatives.initial = v[7].round() as u32;
        low.push(invert(&s, 0.13));
        high.push(invert(&s, 0.35));
    }
    println!("ξ_Open giving open use 0.13 on the initial market: 5th {:.2}, median {:.2}, 95th {:.2}", quantile(&mut low, 0.05), quantile(&mut low, 0.5), quantile(&mut low, 0.95));
    println!("ξ_Open giving open use 0.35 on the initial market: 5th {:.2}, median {:.2}, 95th {:.2}", quantile(&mut high, 0.05), quantile(&mut high, 0.5), quantile(&mut high, 0.95));
    println!("range spanned (5th of the first to 95th of the second): {:.2} to {:.2}", quantile(&mut low, 0.05), quantile(&mut high, 0.95));
}

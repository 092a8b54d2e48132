//! How long runs take against what `scenario::work::estimate` says they ask for, over random
//! valid scenarios (every parameter drawn from its documented range, as the property tests draw
//! them) and over the presets. Run it when the model's costs change, to check that the estimate
//! still bounds the work and that the cap keeps every accepted run short:
//!
//! ```sh
//! cargo run --release --example work_probe -- 40 7     # 40 random scenarios, seed 7
//! ```
//!
//! Prints one line per scenario (estimate, its parts, time of one replicate on one thread, and
//! their ratio, in nanoseconds per unit), then the largest time and ratio seen.

#[path = "../tests/common/random_scenario.rs"]
mod random_scenario;

use random_scenario::{draw_with, Limits};
use regsim::ensemble::run_replicate;
use regsim::rng::{Purpose, Stream};
use regsim::scenario::{apply_set, preset, work, Scenario, PRESET_NAMES};
use std::time::Instant;

fn measure(name: &str, s: &Scenario, worst: &mut (f64, f64)) {
    let w = work::estimate(s);
    let t = Instant::now();
    run_replicate(s, 0);
    let secs = t.elapsed().as_secs_f64();
    let ratio = secs * 1e9 / w.total;
    worst.0 = worst.0.max(secs);
    worst.1 = worst.1.max(ratio);
    println!(
        "{name}\testimate {}\t(decisions {}, models {}, derivatives {})\t{secs:.3} s\t{ratio:.3} ns/unit\tquarters {} firms {} levels {} horizon {} entry {:.1} derivative entry {:.1}",
        work::show_work(w.total),
        work::show_work(w.decisions),
        work::show_work(w.models),
        work::show_work(w.derivatives),
        s.simulation.quarters,
        s.archetypes().iter().map(|(_, a)| a.count).sum::<u32>(),
        s.decision.levels,
        s.decision.horizon,
        s.entry.rate,
        s.derivatives.entry_rate,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(20);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut worst = (0.0, 0.0);
    for name in PRESET_NAMES {
        let s = apply_set(&preset(name).unwrap(), "simulation.quarters=200").unwrap();
        measure(&format!("{name}@200"), &s, &mut worst);
    }
    let limits = Limits { max_quarters: 200, max_work: work::MAX_WORK };
    let mut k = 0u64;
    let mut found = 0;
    while found < n {
        let mut stream = Stream::new(seed, Purpose::Init, 0, k, 0);
        k += 1;
        let Some(s) = draw_with(&mut || stream.uniform(), 1.0, limits) else { continue };
        found += 1;
        measure(&format!("random {}", k - 1), &s, &mut worst);
    }
    println!("largest time {:.3} s; largest ratio {:.3} ns per unit (the cap, {}, is about {:.1} s at that ratio)", worst.0, worst.1, work::show_work(work::MAX_WORK), work::MAX_WORK * worst.1 / 1e9);
}

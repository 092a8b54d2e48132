//! Print every model trained in one replicate of a preset, with optional overrides:
//! `cargo run --release --example trace -- PRESET [REPLICATE] [key=value ...]`.
use regsim::model::Simulation;
use regsim::rng::replicate_seed;
use regsim::scenario::{apply_set, preset_or_error};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map(String::as_str).unwrap_or("none");
    let rep: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    let mut s = match preset_or_error(name) {
        Ok(s) => s,
        Err(e) => return eprintln!("{e}"),
    };
    for kv in args.iter().skip(2) {
        match apply_set(&s, kv) {
            Ok(x) => s = x,
            Err(e) => return eprintln!("{e}"),
        }
    }
    let mut sim = Simulation::new(&s, replicate_seed(s.simulation.seed, rep));
    for _ in 0..s.simulation.quarters {
        sim.step();
    }
    println!("trained\towner\tarchetype\tlog10_flop\tcost\tq\tmode\tsafety\tcovered");
    for m in &sim.models {
        let d = &sim.devs[m.owner];
        println!("{}\t{}\t{:?}\t{:.2}\t{:.3e}\t{:.2}\t{:?}\t{}\t{}", m.trained, m.owner, d.archetype, m.log_flop, m.cost, m.q(), m.mode, m.safety, m.covered);
    }
}

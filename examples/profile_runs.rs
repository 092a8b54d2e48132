//! Runs replicates of the default scenario in a loop, for a profiler (`perf record`).
//!
//! ```sh
//! cargo run --release --example profile_runs -- 2000 [PRESET] [PRESET]
//! ```

use regsim::{ensemble, scenario};

fn main() {
    let n: u32 = std::env::args().nth(1).map_or(1000, |a| a.parse().expect("RUNS: a whole number"));
    let s = match std::env::args().nth(2) {
        Some(name) => scenario::preset_or_error(&name).unwrap_or_else(|e| panic!("{e}")),
        None => scenario::Scenario::default(),
    };
    let start = std::time::Instant::now();
    let mut h = 0u64;
    for i in 0..n {
        h ^= ensemble::run_replicate(&s, i % 64).bits_hash();
    }
    let el = start.elapsed().as_secs_f64();
    println!("{n} runs, {:.3} ms/run, xor {h:016x}", el * 1e3 / n as f64);
}

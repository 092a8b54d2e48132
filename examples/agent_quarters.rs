//! Native half of the wasm benchmark (`./build.sh bench`, `benches/wasm/bench.mjs`): times
//! ensembles of a scenario on one thread and prints one JSON line with the agent-quarters
//! simulated per second, to set against the same scenario run in WebAssembly.
//!
//! An agent-quarter is one alive developer or derivative builder in one quarter: the sum over
//! replicates and quarters of the `n_developers` and `n_derivatives` columns.
//!
//! ```sh
//! cargo run --release --example agent_quarters -- [REPLICATES] [MIN_SECONDS] [SCENARIO.json]
//! ```

use regsim::ensemble;
use regsim::metrics::Metric;
use regsim::scenario::{parse_scenario_json, Scenario};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let replicates: u32 = args.first().map_or(32, |a| a.parse().expect("REPLICATES: a whole number"));
    let min_seconds: f64 = args.get(1).map_or(3.0, |a| a.parse().expect("MIN_SECONDS: a number"));
    let scenario = match args.get(2) {
        Some(path) => {
            let text = std::fs::read_to_string(path).expect("SCENARIO: a readable file");
            parse_scenario_json(&text).unwrap_or_else(|e| panic!("SCENARIO: {e}"))
        }
        None => Scenario::default(),
    };

    // Warm up (caches, page faults), then repeat whole ensembles until `min_seconds` have passed.
    ensemble::run(&scenario, replicates.min(4)).expect("a valid scenario");
    let start = Instant::now();
    let (mut ensembles, mut agent_quarters) = (0u64, 0f64);
    loop {
        let r = ensemble::run(&scenario, replicates).expect("a valid scenario");
        agent_quarters += r
            .runs
            .iter()
            .map(|m| m.get(Metric::NDevelopers).iter().chain(m.get(Metric::NDerivatives)).sum::<f64>())
            .sum::<f64>();
        ensembles += 1;
        if start.elapsed().as_secs_f64() >= min_seconds {
            break;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"engine\":\"native\",\"replicates\":{replicates},\"quarters\":{},\"ensembles\":{ensembles},\"agent_quarters\":{agent_quarters},\"seconds\":{seconds},\"agent_quarters_per_second\":{},\"ms_per_replicate\":{}}}",
        scenario.simulation.quarters,
        agent_quarters / seconds,
        seconds * 1e3 / (ensembles as f64 * replicates as f64)
    );
}

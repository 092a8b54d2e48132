//! Prints the hash pinned in `tests/pinned_hash.txt`: the bits hash of replicate 0 of the default
//! scenario, as 16 hex digits. The wasm tests (`tests/wasm_same_bits.rs`) compare against it.
//!
//! ```sh
//! cargo run --release --example replicate_hash            # replicate 0 of the default scenario
//! cargo run --release --example replicate_hash -- sb1047 3  # replicate 3 of a preset
//! ```

use regsim::{ensemble, scenario};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let s = match args.first() {
        Some(name) => scenario::preset_or_error(name).unwrap_or_else(|e| panic!("{e}")),
        None => scenario::Scenario::default(),
    };
    let index: u32 = args.get(1).map_or(0, |a| a.parse().expect("INDEX: a whole number"));
    println!("{:016x}", ensemble::run_replicate(&s, index).bits_hash());
}

//! Same bits in WebAssembly as natively: replicate 0 of the default scenario hashes to the value
//! pinned in `tests/pinned_hash.txt`, which the native tests check too.
#![cfg(target_arch = "wasm32")]

use regsim::ensemble::run_replicate;
use regsim::scenario::Scenario;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const PINNED: &str = include_str!("pinned_hash.txt");

#[wasm_bindgen_test]
fn default_run_hashes_to_the_pinned_value() {
    let hash = format!("{:016x}", run_replicate(&Scenario::default(), 0).bits_hash());
    assert_eq!(hash, PINNED.trim(), "wasm hash of replicate 0 of the default scenario against tests/pinned_hash.txt");
}

#[wasm_bindgen_test]
fn the_js_api_hashes_to_the_pinned_value() {
    let s = regsim::wasm::default_scenario().map_err(|e| format!("{e:?}")).unwrap();
    let hash = regsim::wasm::replicate_hash(s, 0.into()).map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(hash, PINNED.trim(), "replicateHash(defaultScenario(), 0) against tests/pinned_hash.txt");
}

#[wasm_bindgen_test]
fn a_scenario_survives_the_round_trip_through_javascript() {
    // Crossing the boundary must not change a single bit of any parameter.
    for name in regsim::scenario::PRESET_NAMES {
        let js: JsValue = regsim::wasm::preset(JsValue::from_str(name)).map_err(|e| format!("{e:?}")).unwrap();
        let hash = regsim::wasm::replicate_hash(js, 1.into()).map_err(|e| format!("{e:?}")).unwrap();
        let native = format!("{:016x}", run_replicate(&regsim::scenario::preset(name).unwrap(), 1).bits_hash());
        assert_eq!(hash, native, "{name}");
    }
}

//! # regsim
//!
//! An agent-based model of AI developers choosing to release their models with open weights,
//! through an API, or not at all, under liability and compliance-cost regimes (California SB 1047
//! as passed, SB 53, the EU AI Act's rules for general-purpose models, and variants). Each quarter,
//! developers of four archetypes decide whether and how large a model to train, how to release it
//! and how much safety effort to spend, against a nested-logit market of two user segments;
//! fine-tuners build derivatives on open weights; incidents occur and, depending on the regime,
//! someone pays. Outputs are market concentration, the open share of models and use, capability,
//! incidents, harm and spend, per quarter, as ensembles with uncertainty bands.
//!
//! Modules:
//! - [`scenario`]: parameters, presets, validation, overrides;
//! - [`model`]: the simulation (state, market, technology, regulation, harms, decisions, step);
//! - [`rng`]: keyed randomness (SplitMix64);
//! - [`metrics`]: per-quarter outputs, kept as columns;
//! - [`ensemble`]: replicates, bands, baseline-against-reform comparisons;
//! - [`report`]: the JSON and CSV shapes of results;
//! - [`analysis`]: paired effects, calibration targets;
//! - [`shards`]: one ensemble split across machines and merged back.
//!
//! The model never knows it runs in a browser: only `wasm` (built for wasm32) touches JavaScript.
//!
//! ```
//! use regsim::{ensemble, scenario};
//! let mut s = scenario::preset("sb1047").unwrap();
//! s.simulation.quarters = 8;
//! let result = ensemble::run(&s, 4).unwrap();
//! let hhi = result.band(regsim::metrics::Metric::Hhi);
//! assert_eq!(hhi.mean.len(), 8);
//! ```

// `!(x < y)` is written on purpose where NaN must take the slow or the safe branch.
#![allow(clippy::neg_cmp_op_on_partial_ord)]
// Loops over segments index several per-segment arrays together.
#![allow(clippy::needless_range_loop)]

pub mod analysis;
pub mod calibration;
pub mod ensemble;
pub mod fastmath;
pub mod metrics;
pub mod model;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod shards;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

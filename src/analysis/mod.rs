//! Analysis above the ensemble: paired effects and calibration targets ([`targets`]), designs over
//! scenario fields ([`design`]), experiments that run a design with summaries of each run
//! ([`experiment`], [`summary`]), and, natively, the sweep runner that streams an experiment's
//! rows to a file on every core ([`sweep`]).
//!
//! Nothing here knows about the browser: the CLI, `wasm.rs` and the app's workers are thin
//! callers.

pub mod design;
pub mod drivers;
pub mod experiment;
#[cfg(not(target_arch = "wasm32"))]
pub mod history;
pub mod prior;
pub mod results;
#[cfg(not(target_arch = "wasm32"))]
pub mod robustness;
pub mod sensitivity;
pub mod summary;
#[cfg(not(target_arch = "wasm32"))]
pub mod sweep;
pub mod targets;

pub use targets::*;

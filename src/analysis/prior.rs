//! The prior of the calibration: every parameter of the table with an uncertain range.

use crate::scenario::spec::{param_specs, Kind};
use serde::Serialize;

/// One uncertain parameter and its range.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriorRange {
    /// Scenario path.
    pub path: String,
    /// Low end.
    pub min: f64,
    /// High end.
    pub max: f64,
    /// Whole numbers only.
    pub integer: bool,
}

/// The prior: every parameter of the table with an uncertain range.
pub fn prior() -> Vec<PriorRange> {
    param_specs().iter().filter_map(|p| p.prior.map(|(min, max)| PriorRange { path: p.path.into(), min, max, integer: p.kind == Kind::Integer })).collect()
}

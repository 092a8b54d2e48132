//! Sampling designs: points in a parameter space, drawn in the unit hypercube and mapped onto each
//! factor's range.
//!
//! Every design that draws at random uses ChaCha8 (`rand_chacha`, a named algorithm whose output
//! its crate keeps stable) seeded from the experiment's seed, so that the same experiment gives
//! the same design on every machine and target. Row orders follow SALib, so that its `analyze`
//! functions read regsim's designs and outputs as they are:
//! - full factorial: every combination of levels, the last factor changing fastest;
//! - Latin hypercube (McKay, Beckman & Conover 1979): one point in each of `n` strata per factor;
//! - Saltelli (2010) for Sobol' indices, first and total order: for each of `n` base rows, the
//!   rows A, AB₁ … AB_k, B (`calc_second_order=False` in SALib), n (k + 2) points in all;
//! - Morris (1991) elementary-effects trajectories: `r` trajectories of k + 1 points on a grid of
//!   `p` levels, each step moving one factor by Δ = p / (2 (p − 1)).

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// How a factor's unit interval maps onto its range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Evenly in the value.
    #[default]
    Linear,
    /// Evenly in log10 of the value (both ends positive).
    Log,
}

/// The range a factor is sampled over: continuous between two ends, or a list of levels.
#[derive(Clone, Debug, PartialEq)]
pub enum Range {
    /// Between `min` and `max` on `scale`; `integer` rounds to the nearest whole number.
    Continuous {
        /// Low end.
        min: f64,
        /// High end.
        max: f64,
        /// Linear or logarithmic.
        scale: Scale,
        /// Round to whole numbers (integer parameters).
        integer: bool,
    },
    /// One of these values (numbers, booleans or strings), the unit interval cut into equal parts.
    Levels(Vec<serde_json::Value>),
}

impl Range {
    /// The value at `u` in [0, 1].
    pub fn at(&self, u: f64) -> serde_json::Value {
        match self {
            Range::Continuous { min, max, scale, integer } => {
                let x = match scale {
                    Scale::Linear => min + u * (max - min),
                    Scale::Log => libm::pow(10.0, libm::log10(*min) + u * (libm::log10(*max) - libm::log10(*min))),
                };
                // Ends are exact, whatever the rounding of the formula.
                let x = if u <= 0.0 { *min } else if u >= 1.0 { *max } else { x.clamp(min.min(*max), max.max(*min)) };
                if *integer {
                    serde_json::Value::from(libm::round(x) as i64)
                } else {
                    serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, serde_json::Value::Number)
                }
            }
            Range::Levels(levels) => {
                let i = ((u * levels.len() as f64) as usize).min(levels.len() - 1);
                levels[i].clone()
            }
        }
    }

    /// The value at `u` as a number, for design matrices (levels give their index when they are
    /// not numbers).
    pub fn number_at(&self, u: f64) -> f64 {
        match self.at(u) {
            serde_json::Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            serde_json::Value::Bool(b) => b as u8 as f64,
            _ => match self {
                Range::Levels(levels) => ((u * levels.len() as f64) as usize).min(levels.len() - 1) as f64,
                Range::Continuous { .. } => f64::NAN,
            },
        }
    }

    /// The two ends as numbers, for SALib's `bounds`.
    pub fn bounds(&self) -> (f64, f64) {
        match self {
            Range::Continuous { min, max, .. } => (*min, *max),
            Range::Levels(levels) => (self.number_at(0.0), self.number_at(1.0 - 0.5 / levels.len() as f64)),
        }
    }
}

/// Which design, with its size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DesignKind {
    /// Every combination of each factor's levels (continuous factors: `levels` evenly spaced
    /// points from min to max).
    Factorial {
        /// Points per continuous factor (at least 2).
        #[serde(default = "default_factorial_levels")]
        levels: u32,
    },
    /// Latin hypercube of `samples` points.
    Lhs {
        /// Number of points.
        samples: u32,
    },
    /// Saltelli's design for first- and total-order Sobol' indices: `samples` base rows,
    /// `samples × (k + 2)` points.
    Sobol {
        /// Number of base rows N.
        samples: u32,
    },
    /// Morris trajectories.
    Morris {
        /// Number of trajectories r.
        trajectories: u32,
        /// Grid levels p (an even number, as for SALib; 4 by default).
        #[serde(default = "default_morris_levels")]
        levels: u32,
    },
    /// One point per factor end: every factor at its low end, then at its high end, one at a time,
    /// the others at the base scenario's values (a tornado). Points: the base, then 2k.
    OneAtATime,
}

fn default_factorial_levels() -> u32 {
    3
}

fn default_morris_levels() -> u32 {
    4
}

/// Most points a design may have (a design is built in memory).
pub const MAX_POINTS: u64 = 10_000_000;

impl DesignKind {
    /// Number of points for `k` factors with `levels_of[i]` levels each (for factorial designs;
    /// `None` for continuous factors).
    pub fn points(&self, k: usize, levels_of: &[Option<usize>]) -> u64 {
        match self {
            DesignKind::Factorial { levels } => levels_of.iter().map(|l| l.unwrap_or(*levels as usize) as u64).try_fold(1u64, |a, b| a.checked_mul(b)).unwrap_or(u64::MAX),
            DesignKind::Lhs { samples } => *samples as u64,
            DesignKind::Sobol { samples } => *samples as u64 * (k as u64 + 2),
            DesignKind::Morris { trajectories, .. } => *trajectories as u64 * (k as u64 + 1),
            DesignKind::OneAtATime => 1 + 2 * k as u64,
        }
    }

    /// The design's short name, as written in output metadata.
    pub fn name(&self) -> &'static str {
        match self {
            DesignKind::Factorial { .. } => "factorial",
            DesignKind::Lhs { .. } => "lhs",
            DesignKind::Sobol { .. } => "sobol",
            DesignKind::Morris { .. } => "morris",
            DesignKind::OneAtATime => "one_at_a_time",
        }
    }
}

/// The points of a design in the unit hypercube, one row per point with one coordinate per factor.
/// One-at-a-time rows hold NaN where a factor keeps the base scenario's value.
pub fn unit_points(kind: &DesignKind, k: usize, levels_of: &[Option<usize>], seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    match kind {
        DesignKind::Factorial { levels } => factorial(levels_of.iter().map(|l| l.unwrap_or(*levels as usize)).collect()),
        DesignKind::Lhs { samples } => latin_hypercube(*samples as usize, k, &mut rng),
        DesignKind::Sobol { samples } => saltelli(*samples as usize, k, &mut rng),
        DesignKind::Morris { trajectories, levels } => morris(*trajectories as usize, k, *levels as usize, &mut rng),
        DesignKind::OneAtATime => one_at_a_time(k),
    }
}

/// Every combination of `counts[i]` evenly spaced levels per factor, the last changing fastest:
/// level j of n is u = j/(n − 1), so that both ends are included (and [`Range::at`] maps it onto
/// the j-th entry of a list of n levels).
fn factorial(counts: Vec<usize>) -> Vec<Vec<f64>> {
    let total: usize = counts.iter().product();
    (0..total)
        .map(|mut i| {
            let mut row = vec![0.0; counts.len()];
            for f in (0..counts.len()).rev() {
                let n = counts[f];
                let j = i % n;
                i /= n;
                row[f] = if n == 1 { 0.0 } else { j as f64 / (n - 1) as f64 };
            }
            row
        })
        .collect()
}

fn latin_hypercube(n: usize, k: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let mut rows = vec![vec![0.0; k]; n];
    let mut strata: Vec<usize> = (0..n).collect();
    for f in 0..k {
        strata.shuffle(rng);
        for (row, &s) in rows.iter_mut().zip(&strata) {
            row[f] = (s as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    rows
}

fn saltelli(n: usize, k: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let mut rows = Vec::with_capacity(n * (k + 2));
    for _ in 0..n {
        let a: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
        let b: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
        rows.push(a.clone());
        for j in 0..k {
            let mut ab = a.clone();
            ab[j] = b[j];
            rows.push(ab);
        }
        rows.push(b);
    }
    rows
}

/// Δ of a Morris grid of `p` levels.
pub fn morris_delta(p: usize) -> f64 {
    p as f64 / (2.0 * (p as f64 - 1.0))
}

fn morris(r: usize, k: usize, p: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let delta = morris_delta(p);
    let step = 1.0 / (p as f64 - 1.0);
    // Base levels from which a step of Δ up stays on the grid: 0, 1/(p−1), …, 1 − Δ.
    let base_levels = ((1.0 - delta) / step).round() as usize + 1;
    let mut rows = Vec::with_capacity(r * (k + 1));
    let mut order: Vec<usize> = (0..k).collect();
    for _ in 0..r {
        let mut x: Vec<f64> = Vec::with_capacity(k);
        let mut up = Vec::with_capacity(k);
        for _ in 0..k {
            let base = rng.random_range(0..base_levels) as f64 * step;
            let goes_up = rng.random::<bool>();
            x.push(if goes_up { base } else { base + delta });
            up.push(goes_up);
        }
        order.shuffle(rng);
        rows.push(x.clone());
        for &f in &order {
            x[f] += if up[f] { delta } else { -delta };
            // Keep grid values exact (k·step), so that levels and the design file agree.
            x[f] = (x[f] / step).round() * step;
            rows.push(x.clone());
        }
    }
    rows
}

fn one_at_a_time(k: usize) -> Vec<Vec<f64>> {
    let mut rows = vec![vec![f64::NAN; k]];
    for f in 0..k {
        for end in [0.0, 1.0] {
            let mut row = vec![f64::NAN; k];
            row[f] = end;
            rows.push(row);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_has_one_point_per_stratum_and_factor() {
        let pts = unit_points(&DesignKind::Lhs { samples: 50 }, 3, &[None; 3], 7);
        assert_eq!(pts.len(), 50);
        for f in 0..3 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[f] * 50.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..50).collect::<Vec<_>>());
        }
        assert_eq!(pts, unit_points(&DesignKind::Lhs { samples: 50 }, 3, &[None; 3], 7), "same seed, same design");
        assert_ne!(pts, unit_points(&DesignKind::Lhs { samples: 50 }, 3, &[None; 3], 8));
    }

    #[test]
    fn saltelli_rows_follow_salib_order() {
        let k = 3;
        let pts = unit_points(&DesignKind::Sobol { samples: 4 }, k, &[None; 3], 1);
        assert_eq!(pts.len(), 4 * (k + 2));
        for block in pts.chunks(k + 2) {
            let (a, b) = (&block[0], &block[k + 1]);
            for j in 0..k {
                let ab = &block[1 + j];
                for f in 0..k {
                    assert_eq!(ab[f], if f == j { b[f] } else { a[f] });
                }
            }
        }
    }

    #[test]
    fn morris_trajectories_move_one_factor_by_delta_each_step() {
        let (k, p) = (5, 4);
        let delta = morris_delta(p);
        let pts = unit_points(&DesignKind::Morris { trajectories: 20, levels: p as u32 }, k, &[None; 5], 3);
        assert_eq!(pts.len(), 20 * (k + 1));
        for traj in pts.chunks(k + 1) {
            let mut moved = vec![false; k];
            for w in traj.windows(2) {
                let changed: Vec<usize> = (0..k).filter(|&f| w[0][f] != w[1][f]).collect();
                assert_eq!(changed.len(), 1);
                let f = changed[0];
                assert!(((w[1][f] - w[0][f]).abs() - delta).abs() < 1e-12);
                assert!(!moved[f], "each factor moves once");
                moved[f] = true;
            }
            for x in traj.iter().flatten() {
                assert!((0.0..=1.0).contains(x));
                let level = x * (p - 1) as f64;
                assert!((level - level.round()).abs() < 1e-12, "on the grid: {x}");
            }
        }
    }

    #[test]
    fn factorial_covers_every_combination_with_both_ends() {
        let pts = unit_points(&DesignKind::Factorial { levels: 3 }, 2, &[None, Some(2)], 0);
        assert_eq!(pts, vec![vec![0.0, 0.0], vec![0.0, 1.0], vec![0.5, 0.0], vec![0.5, 1.0], vec![1.0, 0.0], vec![1.0, 1.0]]);
    }

    #[test]
    fn ranges_map_the_unit_interval_onto_their_ends() {
        let log = Range::Continuous { min: 1e6, max: 1e8, scale: Scale::Log, integer: false };
        assert_eq!(log.at(0.0), serde_json::json!(1e6));
        assert_eq!(log.at(1.0), serde_json::json!(1e8));
        assert!((log.number_at(0.5) / 1e7 - 1.0).abs() < 1e-12);
        let int = Range::Continuous { min: 0.0, max: 20.0, scale: Scale::Linear, integer: true };
        assert_eq!(int.at(0.52), serde_json::json!(10));
        let levels = Range::Levels(vec![serde_json::json!("and"), serde_json::json!("or")]);
        assert_eq!(levels.at(0.49), serde_json::json!("and"));
        assert_eq!(levels.at(1.0), serde_json::json!("or"));
    }
}

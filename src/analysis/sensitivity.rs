//! Global sensitivity indices from a design's outputs, computed as SALib computes them, so that
//! the two agree on the same sample:
//! - Morris (1991) elementary effects: μ, μ* (Campolongo, Cariboni & Saltelli 2007), σ, with a
//!   bootstrap confidence interval of μ*; an effect is (y at the higher value − y at the lower) / Δ,
//!   Δ in the unit scale of the grid, as SALib's `morris.analyze` has it;
//! - Sobol' first-order indices by Saltelli et al. (2010) and total indices by Jansen (1999), from
//!   the Saltelli design's A, AB_j and B rows, outputs standardised first and both normalised by
//!   the variance of A and B together, with bootstrap confidence intervals over base rows
//!   (SALib's `sobol.analyze` with `calc_second_order=False`);
//! - a one-at-a-time tornado: each factor's low and high end against the base point.
//!
//! Confidence intervals are z × the standard deviation of the bootstrap estimates (z the normal
//! quantile of the level), as in SALib; the resamples come from ChaCha8.

use crate::rng::normal_quantile;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Morris indices of one factor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MorrisIndex {
    /// Mean elementary effect.
    pub mu: f64,
    /// Mean absolute elementary effect.
    pub mu_star: f64,
    /// Standard deviation of the elementary effects (n − 1).
    pub sigma: f64,
    /// Half-width of the bootstrap confidence interval of μ*.
    pub mu_star_conf: f64,
}

/// Sobol' indices of one factor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SobolIndex {
    /// First-order index.
    pub s1: f64,
    /// Half-width of its confidence interval.
    pub s1_conf: f64,
    /// Total index.
    pub st: f64,
    /// Half-width of its confidence interval.
    pub st_conf: f64,
}

/// One factor's bar of a tornado: the output at its low and high ends, the others at the base.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TornadoBar {
    /// Output with the factor at its low end.
    pub low: f64,
    /// Output with the factor at its high end.
    pub high: f64,
}

/// How bootstrap intervals are drawn.
#[derive(Clone, Copy, Debug)]
pub struct Bootstrap {
    /// Number of resamples (at least 2).
    pub resamples: usize,
    /// Confidence level, in (0, 1).
    pub level: f64,
    /// Seed of the resampling.
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap { resamples: 1000, level: 0.95, seed: 1 }
    }
}

impl Bootstrap {
    fn z(&self) -> f64 {
        normal_quantile(0.5 + self.level / 2.0)
    }

    /// `resamples` lists of `n` indices drawn with replacement.
    fn indices(&self, n: usize, salt: u64) -> Vec<Vec<usize>> {
        let mut rng = ChaCha8Rng::seed_from_u64(crate::rng::mix64(self.seed ^ salt));
        (0..self.resamples).map(|_| (0..n).map(|_| rng.random_range(0..n)).collect()).collect()
    }
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    s / n as f64
}

/// Standard deviation with `ddof` degrees of freedom removed (0: population, 1: sample).
fn std_dev(xs: &[f64], ddof: usize) -> f64 {
    let m = mean(xs.iter().copied());
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - ddof) as f64).sqrt()
}

/// Morris indices from a design in the unit hypercube (`k + 1` rows per trajectory, as
/// [`super::design`] writes them) and its outputs `y`, on a grid of `levels`.
pub fn morris(points: &[Vec<f64>], y: &[f64], k: usize, levels: usize, boot: &Bootstrap) -> Vec<MorrisIndex> {
    let delta = super::design::morris_delta(levels);
    let mut effects = vec![Vec::new(); k];
    for (traj_x, traj_y) in points.chunks(k + 1).zip(y.chunks(k + 1)) {
        for s in 0..k {
            let (a, b) = (&traj_x[s], &traj_x[s + 1]);
            if let Some(f) = (0..k).find(|&f| a[f] != b[f]) {
                let up = b[f] > a[f];
                let (lo, hi) = if up { (traj_y[s], traj_y[s + 1]) } else { (traj_y[s + 1], traj_y[s]) };
                effects[f].push((hi - lo) / delta);
            }
        }
    }
    let z = boot.z();
    effects
        .iter()
        .enumerate()
        .map(|(f, ee)| {
            let abs: Vec<f64> = ee.iter().map(|e| e.abs()).collect();
            let resampled: Vec<f64> = boot.indices(ee.len(), f as u64).iter().map(|idx| mean(idx.iter().map(|&i| abs[i]))).collect();
            MorrisIndex { mu: mean(ee.iter().copied()), mu_star: mean(abs.iter().copied()), sigma: std_dev(ee, 1), mu_star_conf: z * std_dev(&resampled, 1) }
        })
        .collect()
}

/// Sobol' first-order and total indices from the outputs of a Saltelli design (`k + 2` rows per
/// base row: A, AB₁ … AB_k, B).
pub fn sobol(y: &[f64], k: usize, boot: &Bootstrap) -> Vec<SobolIndex> {
    let step = k + 2;
    let n = y.len() / step;
    let (m, sd) = (mean(y.iter().copied()), std_dev(y, 0));
    let yn: Vec<f64> = y.iter().map(|v| (v - m) / sd).collect();
    let a: Vec<f64> = (0..n).map(|i| yn[i * step]).collect();
    let b: Vec<f64> = (0..n).map(|i| yn[i * step + k + 1]).collect();
    let z = boot.z();
    let resamples = boot.indices(n, 0x5_0B01);
    (0..k)
        .map(|j| {
            let ab: Vec<f64> = (0..n).map(|i| yn[i * step + 1 + j]).collect();
            let estimate = |rows: &mut dyn Iterator<Item = usize>| {
                let rows: Vec<usize> = rows.collect();
                let ab_rows: Vec<f64> = rows.iter().flat_map(|&i| [a[i], b[i]]).collect();
                let var = std_dev(&ab_rows, 0).powi(2);
                let s1 = mean(rows.iter().map(|&i| b[i] * (ab[i] - a[i]))) / var;
                let st = 0.5 * mean(rows.iter().map(|&i| (a[i] - ab[i]) * (a[i] - ab[i]))) / var;
                (s1, st)
            };
            let (s1, st) = estimate(&mut (0..n));
            let boots: Vec<(f64, f64)> = resamples.iter().map(|idx| estimate(&mut idx.iter().copied())).collect();
            let s1b: Vec<f64> = boots.iter().map(|b| b.0).collect();
            let stb: Vec<f64> = boots.iter().map(|b| b.1).collect();
            SobolIndex { s1, s1_conf: z * std_dev(&s1b, 1), st, st_conf: z * std_dev(&stb, 1) }
        })
        .collect()
}

/// A tornado from a one-at-a-time design's outputs (the base, then each factor's low and high
/// end): each factor's outputs at its two ends.
pub fn tornado(y: &[f64], k: usize) -> Vec<TornadoBar> {
    (0..k).map(|f| TornadoBar { low: y[1 + 2 * f], high: y[2 + 2 * f] }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::design::{unit_points, DesignKind};
    use std::f64::consts::PI;

    /// Ishigami (1990) with a = 7, b = 0.1 on [−π, π]³, and its analytic indices.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    /// Sobol' G-function with coefficients `a`, and its analytic indices.
    fn g_function(u: &[f64], a: &[f64]) -> f64 {
        u.iter().zip(a).map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a)).product()
    }

    fn g_indices(a: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let v: Vec<f64> = a.iter().map(|a| 1.0 / (3.0 * (1.0 + a).powi(2))).collect();
        let total = v.iter().map(|vi| 1.0 + vi).product::<f64>() - 1.0;
        let s1 = v.iter().map(|vi| vi / total).collect();
        let st = (0..a.len()).map(|i| v[i] * v.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, vj)| 1.0 + vj).product::<f64>() / total).collect();
        (s1, st)
    }

    #[test]
    fn sobol_indices_of_ishigami_match_the_analytic_ones() {
        let pts = unit_points(&DesignKind::Sobol { samples: 20_000 }, 3, &[None; 3], 11);
        let y: Vec<f64> = pts.iter().map(|p| ishigami(p)).collect();
        let idx = sobol(&y, 3, &Bootstrap { resamples: 200, ..Bootstrap::default() });
        let (s1, st) = ishigami_indices();
        for j in 0..3 {
            assert!((idx[j].s1 - s1[j]).abs() < 0.03, "S1[{j}] {} against {}", idx[j].s1, s1[j]);
            assert!((idx[j].st - st[j]).abs() < 0.03, "ST[{j}] {} against {}", idx[j].st, st[j]);
            // The bootstrap interval is honest: it covers the truth at a generous multiple.
            assert!((idx[j].s1 - s1[j]).abs() < 3.0 * idx[j].s1_conf + 0.005, "S1[{j}] interval {}", idx[j].s1_conf);
            assert!(idx[j].st_conf > 0.0 && idx[j].st_conf < 0.05);
        }
    }

    #[test]
    fn sobol_indices_of_the_g_function_match_the_analytic_ones() {
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
        let pts = unit_points(&DesignKind::Sobol { samples: 20_000 }, a.len(), &[None; 6], 5);
        let y: Vec<f64> = pts.iter().map(|p| g_function(p, &a)).collect();
        let idx = sobol(&y, a.len(), &Bootstrap { resamples: 100, ..Bootstrap::default() });
        let (s1, st) = g_indices(&a);
        for j in 0..a.len() {
            assert!((idx[j].s1 - s1[j]).abs() < 0.03, "S1[{j}] {} against {}", idx[j].s1, s1[j]);
            assert!((idx[j].st - st[j]).abs() < 0.03, "ST[{j}] {} against {}", idx[j].st, st[j]);
        }
    }

    #[test]
    fn morris_ranks_the_g_functions_factors_by_their_importance() {
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
        let pts = unit_points(&DesignKind::Morris { trajectories: 200, levels: 4 }, a.len(), &[None; 6], 9);
        let y: Vec<f64> = pts.iter().map(|p| g_function(p, &a)).collect();
        let idx = morris(&pts, &y, a.len(), 4, &Bootstrap::default());
        for j in 0..3 {
            assert!(idx[j].mu_star > idx[j + 1].mu_star + idx[j].mu_star_conf, "μ*[{j}] {} ≤ μ*[{}] {}", idx[j].mu_star, j + 1, idx[j + 1].mu_star);
        }
        assert!(idx[4].mu_star < 0.05 && idx[5].mu_star < 0.05);
        // A linear function has every effect equal to its slope in unit steps, and no spread.
        let y: Vec<f64> = pts.iter().map(|p| 3.0 * p[0] - 2.0 * p[1]).collect();
        let lin = morris(&pts, &y, a.len(), 4, &Bootstrap::default());
        assert!((lin[0].mu - 3.0).abs() < 1e-9 && (lin[1].mu + 2.0).abs() < 1e-9 && lin[0].sigma < 1e-9);
        assert!((lin[1].mu_star - 2.0).abs() < 1e-9 && lin[2].mu_star == 0.0);
    }

    #[test]
    fn the_tornado_reads_each_factors_two_ends() {
        let pts = unit_points(&DesignKind::OneAtATime, 2, &[None; 2], 0);
        let y: Vec<f64> = pts.iter().map(|p| p.iter().map(|x| if x.is_nan() { 0.5 } else { *x }).sum::<f64>() * if p[1].is_nan() { 1.0 } else { 2.0 }).collect();
        let t = tornado(&y, 2);
        assert_eq!(t[0], TornadoBar { low: 0.5, high: 1.5 });
        assert_eq!(t[1], TornadoBar { low: 1.0, high: 3.0 });
    }
}

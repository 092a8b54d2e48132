//! Keyed randomness: every random draw is a pure function of
//! (replicate seed, purpose, quarter, agent id, index).
//!
//! A policy change therefore moves only the draws it must: a firm that trains in the reform but not
//! in the baseline does not shift anybody else's incidents, and baseline and reform runs stay paired
//! (common random numbers) for as long as their states agree.
//!
//! The generator is SplitMix64 (Steele, Lea & Flood 2014), used both as the key mixer and as the
//! stream generator. It is defined here, bit for bit, so that results never change with a
//! dependency's version, and all transcendental functions come from `libm` or
//! [`crate::fastmath`], so that native and WebAssembly builds give the same bits.

use crate::fastmath;

/// What a draw is for. Each purpose is its own stream, so adding draws for one purpose never
/// shifts another's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Initial state: compute levels, model ages, cadences of the initial firms.
    Init = 1,
    /// The order in which developers decide each quarter.
    Order = 2,
    /// How many quarters a model stays current before its owner reconsiders (3, 4 or 5).
    Cadence = 3,
    /// The logit draw among training options.
    TrainingChoice = 4,
    /// Number of new developers and their seed capital.
    DeveloperEntry = 5,
    /// Number of new derivative builders.
    DerivativeEntry = 6,
    /// A derivative's fine-tune spend.
    FineTuneSpend = 7,
    /// A derivative's choice of base model.
    BaseChoice = 8,
    /// Incident counts of a product.
    Incidents = 9,
    /// Severity of each incident.
    Severity = 10,
    /// The court's noisy observation of safety effort.
    Court = 11,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// One SplitMix64 output step applied to `z` (the finaliser of SplitMix64).
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a's starting value (64-bit).
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// `h` with `bytes` folded in by 64-bit FNV-1a: a fixed, dependency-free hash for fingerprints of
/// results and scenarios (the same on every target).
pub fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The seed of replicate `index` of a scenario with seed `scenario_seed`.
pub fn replicate_seed(scenario_seed: u64, index: u64) -> u64 {
    mix64(mix64(scenario_seed ^ 0x5EED_0000_0000_0000).wrapping_add(index.wrapping_mul(GOLDEN)))
}

/// A small SplitMix64 stream whose starting state is a hash of the key
/// (seed, purpose, quarter, agent, index).
#[derive(Clone, Debug)]
pub struct Stream {
    state: u64,
}

/// The part of a stream's key shared by every agent in one quarter, (seed, purpose, quarter),
/// hashed once: loops over agents then hash only (agent, index) for each stream. The streams are
/// the same as [`Stream::new`]'s.
#[derive(Clone, Copy, Debug)]
pub struct QuarterStreams {
    prefix: u64,
}

impl QuarterStreams {
    /// The streams of one (seed, purpose, quarter). `quarter` may be negative (initial state
    /// before the start).
    #[inline]
    pub fn new(seed: u64, purpose: Purpose, quarter: i64) -> Self {
        let mut h = mix64(seed.wrapping_add(GOLDEN));
        h = mix64(h ^ (purpose as u64).wrapping_mul(0xA24B_AED4_963E_E407));
        h = mix64(h ^ (quarter as u64).wrapping_mul(0x9FB2_1C65_1E98_DF25));
        QuarterStreams { prefix: h }
    }

    /// The stream of one agent and index.
    #[inline]
    pub fn stream(self, agent: u64, index: u64) -> Stream {
        let h = mix64(self.prefix ^ agent.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        Stream { state: mix64(h ^ index.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)) }
    }
}

impl Stream {
    /// The stream for one key. `quarter` may be negative (initial state before the start).
    pub fn new(seed: u64, purpose: Purpose, quarter: i64, agent: u64, index: u64) -> Self {
        QuarterStreams::new(seed, purpose, quarter).stream(agent, index)
    }

    /// Next raw 64-bit output.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// Uniform on the open interval (0, 1), 53 bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Standard normal (Box–Muller, one of the pair; the other is discarded so that every draw
    /// uses exactly two uniforms).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * fastmath::ln(u1)) * libm::cos(std::f64::consts::TAU * u2)
    }

    /// Lognormal with the given median and log-scale sigma.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * fastmath::exp(sigma * self.normal())
    }

    /// Poisson count with mean `lambda` (0 for non-positive or non-finite means).
    ///
    /// Inversion by sequential search for small means; for means of 30 and more, the PTRS
    /// transformed-rejection method of Hörmann (1993).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if !(lambda > 0.0) || !lambda.is_finite() {
            return 0;
        }
        if lambda < 30.0 {
            let u = self.uniform();
            // e^{−λ} ≥ 1 − λ, so a draw at or below 1 − λ is 0 without computing the exponential
            // (the same result as full inversion, for the many products with tiny means).
            if u <= 1.0 - lambda {
                return 0;
            }
            let mut p = fastmath::exp(-lambda);
            let mut cdf = p;
            let mut k = 0u64;
            while u > cdf && k < 1000 {
                k += 1;
                p *= lambda / k as f64;
                cdf += p;
            }
            k
        } else {
            self.poisson_ptrs(lambda)
        }
    }

    fn poisson_ptrs(&mut self, lambda: f64) -> u64 {
        let slam = libm::sqrt(lambda);
        let loglam = fastmath::ln(lambda);
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.uniform() - 0.5;
            let v = self.uniform();
            let us = 0.5 - libm::fabs(u);
            let k = libm::floor((2.0 * a / us + b) * u + lambda + 0.43);
            if us >= 0.07 && v <= vr {
                return k as u64;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            if fastmath::ln(v) + fastmath::ln(inv_alpha) - fastmath::ln(a / (us * us) + b)
                <= -lambda + k * loglam - libm::lgamma(k + 1.0)
            {
                return k as u64;
            }
        }
    }
}

/// Standard normal cumulative distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
}

/// Inverse of the standard normal CDF (Wichura 1988, algorithm AS 241, about 1e-16 accurate).
#[allow(clippy::excessive_precision)] // AS 241's coefficients as published
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if libm::fabs(q) <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
                + 67265.770927008700853)
                * r
                + 45921.953931549871457)
                * r
                + 13731.693765509461125)
                * r
                + 1971.5909503065514427)
                * r
                + 133.14166789178437745)
                * r
                + 3.387132872796366608)
            / (((((((r * 5226.495278852545925 + 28729.085735721942674) * r
                + 39307.89580009271061)
                * r
                + 21213.794301586595867)
                * r
                + 5394.1960214247511077)
                * r
                + 687.1870074920579083)
                * r
                + 42.313330701600911252)
                * r
                + 1.0);
    }
    let mut r = if q < 0.0 { p } else { 1.0 - p };
    r = libm::sqrt(-fastmath::ln(r));
    let val = if r <= 5.0 {
        r -= 1.6;
        (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
            + 0.24178072517745061177)
            * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734)
            / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966)
                * r
                + 0.14810397642748007459)
                * r
                + 0.68976733498510000455)
                * r
                + 1.6763848301838038494)
                * r
                + 2.05319162663775882187)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772)
            / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
                + 1.8463183175100546818e-5)
                * r
                + 7.868691311456132591e-4)
                * r
                + 0.0148753612908506148525)
                * r
                + 0.13692988092273580531)
                * r
                + 0.59983220655588793769)
                * r
                + 1.0)
    };
    if q < 0.0 {
        -val
    } else {
        val
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_draws_and_different_purposes_differ() {
        let mut a = Stream::new(7, Purpose::Incidents, 3, 11, 0);
        let mut b = Stream::new(7, Purpose::Incidents, 3, 11, 0);
        let mut c = Stream::new(7, Purpose::Severity, 3, 11, 0);
        let (x, y, z) = (a.next_u64(), b.next_u64(), c.next_u64());
        assert_eq!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn poisson_means_and_variances_match_small_and_large() {
        for &lambda in &[0.3, 4.0, 9.9, 10.0, 13.0, 29.0, 31.0, 250.0] {
            let n = 40_000u64;
            let draws: Vec<f64> = (0..n).map(|i| Stream::new(1, Purpose::Incidents, 0, i, 0).poisson(lambda) as f64).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
            let se = (lambda / n as f64).sqrt();
            assert!((mean - lambda).abs() < 5.0 * se, "lambda {lambda}: mean {mean}");
            // The sample variance of a Poisson has standard error about λ √(2/n) (plus 1/n terms).
            let se_var = lambda * (2.0 / n as f64).sqrt() + (lambda / n as f64).sqrt();
            assert!((var - lambda).abs() < 5.0 * se_var, "lambda {lambda}: variance {var}");
            // P(0) = e^{−λ}, the mass most sensitive to the method's tails.
            let zeros = draws.iter().filter(|&&x| x == 0.0).count() as f64 / n as f64;
            let p0 = libm::exp(-lambda);
            assert!((zeros - p0).abs() < 5.0 * (p0 * (1.0 - p0) / n as f64).sqrt() + 1e-9, "lambda {lambda}: P(0) {zeros}");
        }
    }

    #[test]
    fn normal_quantile_inverts_cdf() {
        for &p in &[1e-10, 3e-4, 0.025, 0.5, 0.9, 0.999_999] {
            let x = normal_quantile(p);
            assert!((normal_cdf(x) - p).abs() / p < 1e-9, "p {p}: x {x}");
        }
    }

    #[test]
    fn uniform_is_in_open_unit_interval_with_right_mean() {
        let mut s = Stream::new(0, Purpose::Init, 0, 0, 0);
        let mut sum = 0.0;
        for _ in 0..100_000 {
            let u = s.uniform();
            assert!(u > 0.0 && u < 1.0);
            sum += u;
        }
        assert!((sum / 100_000.0 - 0.5).abs() < 0.005);
    }
}

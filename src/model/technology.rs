//! Demand and technology paths: spend per quarter, cost per FLOP, capability of a run.

use crate::fastmath;
use crate::scenario::{Market, Technology};

/// Spend per quarter for quarters `0..n` ($). Yearly growth falls log-linearly from
/// `growth_first` in the first year to `growth_last` in the tenth and stays there.
pub fn demand_path(m: &Market, n: usize) -> Vec<f64> {
    let (l1, l9) = (fastmath::ln(m.growth_first), fastmath::ln(m.growth_last));
    let mut d = Vec::with_capacity(n);
    let mut level = m.demand0;
    for t in 0..n {
        d.push(level);
        let year = (t / 4).min(9) as f64;
        level *= fastmath::exp((l1 + (l9 - l1) * year / 9.0) / 4.0);
    }
    d
}

/// Cost per FLOP in quarter `t` ($).
pub fn price_per_flop(tech: &Technology, t: i64) -> f64 {
    tech.price_per_flop0 * fastmath::pow(1.0 - tech.price_decline_per_year, t as f64 / 4.0)
}

/// Capability of a run of `log_flop` trained in quarter `t`: compute plus algorithmic progress.
pub fn capability(tech: &Technology, log_flop: f64, t: i64) -> f64 {
    log_flop + tech.algo_progress_per_year * t as f64 / 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demand_grows_by_the_first_year_factor_then_slows() {
        let m = Market::default();
        let d = demand_path(&m, 44);
        assert!((d[4] / d[0] - m.growth_first).abs() < 1e-12);
        assert!((d[40] / d[36] - 1.3).abs() < 1e-12);
        assert!(d[40] / d[36] < d[8] / d[4]);
    }

    #[test]
    fn a_1e26_run_costs_100m_at_the_start_and_30_percent_less_a_year_later() {
        let t = Technology::default();
        assert!((1e26 * price_per_flop(&t, 0) - 1e8).abs() < 1.0);
        assert!((price_per_flop(&t, 4) / price_per_flop(&t, 0) - 0.7).abs() < 1e-12);
    }
}

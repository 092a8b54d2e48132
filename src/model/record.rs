//! Step 8: record the quarter's metrics (data collection is part of stepping).

use super::state::{Archetype, Mode};
use super::Simulation;
use crate::metrics::Metric;

/// Sum of the four largest values.
fn top4_sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut top = [0.0f64; 4];
    for x in values {
        if x > top[3] {
            top[3] = x;
            let mut i = 3;
            while i > 0 && top[i] > top[i - 1] {
                top.swap(i, i - 1);
                i -= 1;
            }
        }
    }
    top.iter().sum()
}

impl Simulation {
    pub(super) fn record(&mut self) {
        let t = self.t;
        // Owners' shares of use: developers (all their versions on the market) and derivatives.
        let mut dev_share = vec![0.0; self.devs.len()];
        let (mut open_use, mut outside_use, mut outside_open_use) = (0.0, 0.0, 0.0);
        // Shares as the market cleared this quarter, including products of firms that exited after.
        for (v, m) in self.models.iter().enumerate() {
            let s = self.market.model_share.get(v).copied().unwrap_or(0.0);
            dev_share[m.owner] += s;
            if m.outside {
                outside_use += s;
            }
            if m.mode == Mode::Open {
                open_use += s;
                if m.outside {
                    outside_open_use += s;
                }
            }
        }
        let deriv_share: Vec<f64> = (0..self.derivs.len()).map(|k| self.market.derivative_share.get(k).copied().unwrap_or(0.0)).collect();
        open_use += deriv_share.iter().sum::<f64>();
        for (d, s) in self.derivs.iter().zip(&deriv_share) {
            if self.models[d.base].outside {
                outside_use += s;
                outside_open_use += s;
            }
        }
        // Who made the best open model (the open frontier, ties to the earliest).
        let best_open = self.models.iter().filter(|m| m.mode == Mode::Open).fold(None::<&super::state::ModelVersion>, |b, m| match b {
            Some(b) if b.q() >= m.q() => Some(b),
            _ => Some(m),
        });
        let hhi_of = |shares: &[f64]| shares.iter().map(|s| (100.0 * s) * (100.0 * s)).sum::<f64>();
        let hhi = hhi_of(&dev_share) + hhi_of(&deriv_share);
        let mut eco = dev_share.clone();
        for (k, d) in self.derivs.iter().enumerate() {
            eco[self.models[d.base].owner] += deriv_share[k];
        }
        let cr4 = top4_sum(dev_share.iter().chain(deriv_share.iter()).copied());

        let (mut alive, mut with_model, mut open_now, mut covered) = (0.0, 0.0, 0.0, 0.0);
        let (mut safety_large, mut n_large, mut safety_small, mut n_small) = (0.0, 0.0, 0.0, 0.0);
        for (i, d) in self.devs.iter().enumerate() {
            if !d.alive {
                continue;
            }
            alive += 1.0;
            if let Some(c) = d.current {
                let m = &self.models[c];
                with_model += 1.0;
                if m.mode == Mode::Open {
                    open_now += 1.0;
                }
                if m.covered {
                    covered += 1.0;
                }
                if self.is_large(i) {
                    safety_large += m.safety;
                    n_large += 1.0;
                } else if d.archetype == Archetype::Startup {
                    safety_small += m.safety;
                    n_small += 1.0;
                }
            }
        }
        covered += self.derivs.iter().filter(|d| d.alive && d.reclassified).count() as f64;
        let open_current = if with_model > 0.0 { open_now / with_model } else { 0.0 };
        let (recent, recent_open) = self
            .models
            .iter()
            .filter(|m| m.trained > t - 4 && m.trained <= t)
            .fold((0.0, 0.0), |(n, o), m| (n + 1.0, o + if m.mode == Mode::Open { 1.0 } else { 0.0 }));
        let open_models = if recent > 0.0 { recent_open / recent } else { open_current };

        let frontier = self.frontier_now();
        let running = self.frontier_hist.last().map_or(frontier, |&(_, q)| q.max(frontier));
        self.frontier_hist.push((t, running));
        let q_of = self.q_open_frontier;
        let first = self.frontier_hist.partition_point(|&(_, q)| q < q_of);
        let lag = if first < self.frontier_hist.len() { (t - self.frontier_hist[first].0) as f64 } else { 0.0 };

        let n_derivs = self.derivs.iter().filter(|d| d.alive).count() as f64;
        let tot = self.totals;
        let slot = (t as usize) % 4;
        self.derivative_ring[slot] = (tot.derivative_profit, tot.derivative_revenue);
        self.startup_ring[slot] = self.startup_pool();

        let m = &mut self.metrics;
        m.push(Metric::Hhi, hhi);
        m.push(Metric::HhiEcosystem, hhi_of(&eco));
        m.push(Metric::Cr4, cr4);
        m.push(Metric::NDevelopers, alive);
        m.push(Metric::NDerivatives, n_derivs);
        m.push(Metric::OpenShareUsage, open_use);
        m.push(Metric::OpenShareModels, open_models);
        m.push(Metric::OpenShareCurrent, open_current);
        // Missing (NaN), not −∞, when no alive developer has a model or nothing open was released.
        let or_missing = |q: f64| if q.is_finite() { q } else { f64::NAN };
        m.push(Metric::FrontierCapability, or_missing(frontier));
        m.push(Metric::OpenFrontierCapability, or_missing(q_of));
        m.push(Metric::OpenLagQuarters, lag);
        m.push(Metric::OutsideShareUsage, outside_use);
        m.push(Metric::OutsideShareOpenUsage, if open_use > 0.0 { outside_open_use / open_use } else { f64::NAN });
        m.push(Metric::OpenFrontierOutside, best_open.map_or(f64::NAN, |b| if b.outside { 1.0 } else { 0.0 }));
        m.push(Metric::Incidents, tot.incidents);
        m.push(Metric::HarmUsd, tot.harm);
        m.push(Metric::CriticalHarms, tot.critical);
        m.push(Metric::LiabilityPaidUsd, tot.liability_paid);
        m.push(Metric::ComplianceSpendUsd, tot.compliance);
        m.push(Metric::TrainingSpendUsd, tot.training);
        m.push(Metric::NewTopModelCostUsd, tot.new_top_cost.unwrap_or(f64::NAN));
        m.push(Metric::ConsumerSurplus, self.market.consumer_surplus);
        m.push(Metric::CoveredModels, covered);
        m.push(Metric::Entries, tot.entries);
        m.push(Metric::DerivativeEntries, tot.derivative_entries);
        m.push(Metric::Exits, tot.exits);
        m.push(Metric::LiabilityBankruptcies, tot.liability_bankruptcies);
        m.push(Metric::Bunching, tot.bunching);
        m.push(Metric::SafetyLarge, if n_large > 0.0 { safety_large / n_large } else { f64::NAN });
        m.push(Metric::SafetySmall, if n_small > 0.0 { safety_small / n_small } else { f64::NAN });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn top4_sums_the_largest_four() {
        assert_eq!(super::top4_sum([0.1, 0.5, 0.05, 0.2, 0.15].into_iter()), 0.5 + 0.2 + 0.15 + 0.1);
        assert_eq!(super::top4_sum([0.3].into_iter()), 0.3);
    }
}

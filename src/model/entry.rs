//! Steps 4, 5 and 7: derivative entry, developer entry, exit.

use crate::fastmath;
use super::regulation;
use super::state::{Archetype, Derivative, Developer, Mode};
use super::technology;
use super::{Simulation, ID_DERIVATIVE, ID_ENTRANT};
use crate::rng::{Purpose, Stream};

/// Open model versions and their cumulative base-choice weights.
struct OpenBases {
    index: Vec<usize>,
    cumulative: Vec<f64>,
}

impl Simulation {
    pub(super) fn init_derivatives(&mut self) {
        let bases = self.open_bases();
        for k in 0..self.s.derivatives.initial as u64 {
            self.add_derivative(&bases, ID_DERIVATIVE + k, -1);
        }
    }

    /// Derivative attractiveness: pooled margin of derivatives over the last four quarters plus
    /// how close the open frontier is to the frontier, in [0, 3].
    pub(super) fn derivative_attractiveness(&self) -> f64 {
        let (p, r) = self.derivative_ring.iter().fold((0.0, 0.0), |a, x| (a.0 + x.0, a.1 + x.1));
        let margin = if r > 0.0 { p / r } else { 0.0 };
        let closeness = if self.q_open_frontier.is_finite() {
            fastmath::exp10(self.q_open_frontier - self.frontier_now().max(self.q_open_frontier))
        } else {
            0.0
        };
        (margin + closeness).clamp(0.0, 3.0)
    }

    /// Developer entry attractiveness: 1 + 4 × startups' pooled quarterly return on capital over
    /// the last four quarters, in [0, 2]; 1 when there are no startups.
    fn developer_attractiveness(&self) -> f64 {
        let (p, k) = self.startup_ring.iter().fold((0.0, 0.0), |a, x| (a.0 + x.0, a.1 + x.1));
        if k > 0.0 { (1.0 + 4.0 * p / k).clamp(0.0, 2.0) } else { 1.0 }
    }

    pub(super) fn enter_derivatives(&mut self) {
        let rate = self.s.derivatives.entry_rate * self.derivative_attractiveness();
        let n = Stream::new(self.seed, Purpose::DerivativeEntry, self.t, 0, 0).poisson(rate);
        if n == 0 {
            return;
        }
        let bases = self.open_bases();
        for k in 0..n {
            let id = ID_DERIVATIVE + ((self.t as u64 + 1) << 20) + k;
            if self.add_derivative(&bases, id, self.t) {
                self.totals.derivative_entries += 1.0;
            }
        }
    }

    /// Open model versions with cumulative logit weights e^{β_F (q − q_best)}, for base choice by
    /// one binary search per entrant.
    fn open_bases(&self) -> OpenBases {
        let beta = self.s.market.beta_frontier;
        let q_top = self.models.iter().filter(|m| m.mode == Mode::Open).map(|m| m.q()).fold(f64::NEG_INFINITY, f64::max);
        let mut bases = OpenBases { index: Vec::new(), cumulative: Vec::new() };
        let mut total = 0.0;
        for (v, m) in self.models.iter().enumerate().filter(|(_, m)| m.mode == Mode::Open) {
            total += fastmath::exp(beta * (m.q() - q_top));
            bases.index.push(v);
            bases.cumulative.push(total);
        }
        bases
    }

    /// A new derivative builder: picks an open base by logit on β_F q, draws its fine-tune spend
    /// (bunching below the reclassification threshold when crossing it would bring duties).
    /// Returns false when there is no open model to build on.
    fn add_derivative(&mut self, bases: &OpenBases, id: u64, quarter: i64) -> bool {
        let Some(&total) = bases.cumulative.last() else { return false };
        let target = Stream::new(self.seed, Purpose::BaseChoice, quarter, id, 0).uniform() * total;
        let pick = bases.cumulative.partition_point(|&c| c < target).min(bases.index.len() - 1);
        let base = bases.index[pick];
        let d = &self.s.derivatives;
        let mut spend = Stream::new(self.seed, Purpose::FineTuneSpend, quarter, id, 0).lognormal(d.spend_median, d.spend_sigma);
        let pflop = technology::price_per_flop(&self.s.technology, quarter.max(0));
        let r = &self.s.regime;
        let mut reclassified = false;
        if self.models[base].covered {
            if let Some(threshold) = regulation::reclassification_spend(r, self.models[base].log_flop, pflop) {
                if spend > threshold {
                    if regulation::has_duties(r) {
                        spend = 0.99 * threshold;
                    } else {
                        reclassified = true;
                    }
                }
            }
        }
        let uplift = (d.uplift_per_log_spend * libm::log10(1.0 + spend / 1e6)).min(d.uplift_max);
        let mut capital = d.runway_quarters * d.fixed_cost;
        if reclassified {
            let c = r.compliance_var * spend;
            capital -= c;
            self.totals.compliance += c;
        }
        // An initial derivative has been on the market since its base came out (or a quarter).
        let entered = if quarter < 0 { quarter.min(self.models[base].released) } else { quarter };
        self.derivs.push(Derivative { id, base, spend, uplift, capital, reclassified, entered, alive: true });
        true
    }

    pub(super) fn enter_developers(&mut self) {
        let e = self.s.entry.clone();
        let n = Stream::new(self.seed, Purpose::DeveloperEntry, self.t, 0, 0).poisson(e.rate * self.developer_attractiveness());
        let mut frontier = self.frontier_now();
        for k in 0..n {
            let id = ID_ENTRANT + ((self.t as u64) << 16) + k;
            let capital = Stream::new(self.seed, Purpose::DeveloperEntry, self.t, id, 1).lognormal(e.seed_capital_median, e.seed_capital_sigma);
            let dev = self.devs.len();
            self.devs.push(Developer::new(id, Archetype::Startup, self.s.firms.startup.outside, capital));
            self.totals.entries += 1.0;
            self.decide_training(dev, &mut frontier);
        }
    }

    /// Step 7: developers exit when capital is below zero, or below the runway for long enough;
    /// derivatives when capital is below zero.
    pub(super) fn exits(&mut self) {
        let (runway, patience) = (self.s.entry.exit_runway_quarters, self.s.entry.exit_patience_quarters);
        let mut exits = 0.0;
        for i in 0..self.devs.len() {
            if !self.devs[i].alive {
                continue;
            }
            let fixed = self.archetype(self.devs[i].archetype).fixed_cost;
            let d = &mut self.devs[i];
            if d.capital < runway * fixed {
                d.low_capital_quarters += 1;
            } else {
                d.low_capital_quarters = 0;
            }
            if d.capital < 0.0 || d.low_capital_quarters >= patience {
                self.retire(i);
                exits += 1.0;
            }
        }
        self.totals.exits += exits;
        for dv in self.derivs.iter_mut().filter(|d| d.alive) {
            if dv.capital < 0.0 {
                dv.alive = false;
            }
        }
    }

    /// A developer leaves: its API model leaves the market; its open weights stay, earning and
    /// owing nothing.
    pub(super) fn retire(&mut self, i: usize) {
        let d = &mut self.devs[i];
        if !d.alive {
            return;
        }
        d.alive = false;
        if let Some(c) = d.current {
            if self.models[c].mode != Mode::Open {
                self.models[c].on_market = false;
            }
        }
    }
}

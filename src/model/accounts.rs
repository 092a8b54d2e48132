//! Step 6, money: revenue, serving and fixed costs, duties, values of openness, funding.

use crate::fastmath;
use super::regulation;
use super::state::{Archetype, Mode};
use super::Simulation;

impl Simulation {
    /// Revenue and API serving cost of every developer in the cleared market, in one pass.
    /// Developers outside also book their home revenue: `firms.home_revenue_share` of the
    /// quarter's market spend, split among those alive.
    fn developer_revenues(&self) -> Vec<(f64, f64)> {
        let m = &self.s.market;
        let mut out = vec![(0.0, 0.0); self.devs.len()];
        for (v, model) in self.models.iter().enumerate() {
            if !model.on_market || !self.devs[model.owner].alive {
                continue;
            }
            let spend = self.market.model_spend[v];
            let o = &mut out[model.owner];
            match model.mode {
                Mode::Api => {
                    o.0 += spend;
                    o.1 += m.serving_cost * spend;
                }
                Mode::Open => o.0 += m.phi_open * spend,
                Mode::Closed => {}
            }
        }
        let outside_alive = self.devs.iter().filter(|d| d.alive && d.outside).count();
        let home = if outside_alive > 0 { self.s.firms.home_revenue_share * self.market.demand / outside_alive as f64 } else { 0.0 };
        for (i, dev) in self.devs.iter().enumerate() {
            if dev.alive && dev.outside {
                out[i].0 += home;
            }
            let complement = self.archetype(dev.archetype).complement;
            if complement > 0.0 && dev.alive {
                if let Some(c) = dev.current {
                    out[i].0 += complement * self.market.demand * self.use_share_for_complement(c);
                }
            }
        }
        out
    }

    /// The share of use that earns complement value: an open model's family share, or a closed
    /// model's internal use.
    fn use_share_for_complement(&self, c: usize) -> f64 {
        let model = &self.models[c];
        match model.mode {
            Mode::Open => self.market.family_share[c],
            Mode::Closed => self.internal_share(c),
            Mode::Api => 0.0,
        }
    }

    /// A closed model's internal use: a fraction of the share it would have as an API product.
    pub(super) fn internal_share(&self, c: usize) -> f64 {
        let model = &self.models[c];
        let ds = self.rules.demand_system();
        let mut x = [0.0; super::market::SEGMENTS];
        // As a home-made API product at full adoption: internal use is not sold, so neither
        // trust penalties nor adoption apply.
        for (g, xg) in x.iter_mut().enumerate() {
            *xg = fastmath::exp(ds.utility(g, model.q(), self.market.q_ref, model.brand, Mode::Api));
        }
        self.s.market.internal_share * self.market.counterfactual_share(ds, x)
    }

    /// Book revenue only (for the revenue history of the initial state).
    pub(super) fn book_revenue_only(&mut self) {
        let revenues = self.developer_revenues();
        for (d, (revenue, _)) in self.devs.iter_mut().zip(revenues) {
            d.flows.revenue = revenue;
        }
    }

    /// Money flows of the quarter for developers and derivatives.
    pub(super) fn settle_accounts(&mut self) {
        let slot = (self.t as usize) % 4;
        let revenues = self.developer_revenues();
        for (i, &(revenue, serving)) in revenues.iter().enumerate() {
            if !self.devs[i].alive {
                continue;
            }
            let a = self.archetype(self.devs[i].archetype).clone();
            let f = &self.s.firms;
            let mut duty = 0.0;
            let mut openness = 0.0;
            if let Some(c) = self.devs[i].current {
                let m = &self.models[c];
                duty = regulation::recurring_duty(&self.s.regime, m.reach, m.covered, m.mode, m.log_flop, self.devs[i].yearly_revenue());
                if m.mode == Mode::Open {
                    openness = f.open_reputation * m.cost / 4.0 + f.open_talent * a.fixed_cost;
                }
            }
            let funding = (f.funding_rate * revenue).min(f.funding_cap);
            let costs = serving + a.fixed_cost + duty;
            let d = &mut self.devs[i];
            d.capital += revenue + openness + funding - costs;
            d.flows.revenue += revenue;
            d.flows.costs += costs;
            d.flows.openness += openness;
            d.flows.funding += funding;
            d.ledger.inflows += revenue + openness + funding;
            d.ledger.outflows += costs;
            d.revenue_hist[slot] = revenue;
            self.totals.compliance += duty;
        }
        let dv = &self.s.derivatives;
        let m = &self.s.market;
        let fixed = self.s.regime.compliance_fixed;
        for (k, d) in self.derivs.iter_mut().enumerate() {
            if !d.alive {
                continue;
            }
            let revenue = self.market.derivative_spend[k] * (1.0 - m.host_margin);
            let duty = if d.reclassified { fixed } else { 0.0 };
            let costs = m.serving_cost * revenue + dv.fixed_cost + duty;
            d.capital += revenue - costs;
            self.totals.compliance += duty;
            self.totals.derivative_profit += revenue - costs;
            self.totals.derivative_revenue += revenue;
        }
    }

    /// Startups' pooled (profit, capital) this quarter: every cost counted, values of openness
    /// counted, funding not.
    pub(super) fn startup_pool(&self) -> (f64, f64) {
        let mut profit = 0.0;
        let mut capital = 0.0;
        for d in self.devs.iter().filter(|d| d.archetype == Archetype::Startup) {
            let f = &d.flows;
            if d.alive || f.revenue != 0.0 || f.costs != 0.0 {
                profit += f.revenue + f.openness - f.costs - f.liability;
                capital += d.capital.max(0.0);
            }
        }
        (profit, capital)
    }
}

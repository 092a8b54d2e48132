//! Step 6, harms: incidents per product, their severity, and who pays.
//!
//! Incidents of product j are Poisson with mean λ_0 s_j (D_t/D_0)^η 10^{γ(q_j − q_0)} M (1 − ε e).
//! They are split by Poisson thinning at a harm level S (the actionable floor when liability
//! applies below the critical threshold, else the critical threshold): incidents above S are drawn
//! one by one from the lognormal's tail; those below S are counted and booked at their
//! conditional mean harm, since they can neither be critical nor actionable. The split is exact
//! for counts, critical harms and liability; only the spread of sub-S harm is dropped.

use crate::fastmath;
use super::regulation;
use super::state::Mode;
use super::Simulation;
use crate::rng::{normal_cdf, normal_quantile, Purpose, QuarterStreams};
use crate::scenario::{Harms, LiabilityRule, Scenario};

/// Incident hazard of a product per unit of share of use, before λ_0 and demand:
/// 10^{γ(q − q_0)} × misuse × (1 − effectiveness × effort).
pub fn hazard(h: &Harms, mode: Mode, q: f64, q0: f64, safety: f64) -> f64 {
    let (misuse, eff) = mode_risk(h, mode);
    capability_hazard(h.capability_elasticity, q, q0) * misuse * (1.0 - eff * safety)
}

/// 10^{γ(q − q_0)}: how much more hazardous a model of capability q is than the frontier at the
/// start.
pub fn capability_hazard(elasticity: f64, q: f64, q0: f64) -> f64 {
    fastmath::exp(std::f64::consts::LN_10 * elasticity * (q - q0))
}

/// (misuse multiplier, safety effectiveness) of a release mode.
pub fn mode_risk(h: &Harms, mode: Mode) -> (f64, f64) {
    match mode {
        Mode::Closed => (h.misuse_closed, h.safety_eff_closed),
        Mode::Api => (h.misuse_api, h.safety_eff_api),
        Mode::Open => (h.misuse_open, h.safety_eff_open),
    }
}

/// The severity distribution and its split for sampling.
#[derive(Clone, Debug)]
pub struct Severity {
    pub(super) mu: f64,
    pub(super) sigma: f64,
    /// P(H ≥ S).
    pub(super) p_tail: f64,
    /// E[H | H < S].
    pub(super) body_mean: f64,
}

impl Severity {
    /// The severity model of a scenario.
    pub fn new(s: &Scenario) -> Self {
        let h = &s.harms;
        let r = &s.regime;
        let (mu, sigma) = (fastmath::ln(h.severity_median), h.severity_sigma);
        // Harms below the floor can never be charged, so they need not be drawn one by one.
        let split = if regulation::liability_applies(r) && r.harm_floor < h.critical_harm { r.harm_floor } else { h.critical_harm };
        if split <= 0.0 {
            return Severity { mu, sigma, p_tail: 1.0, body_mean: 0.0 };
        }
        let z = (fastmath::ln(split) - mu) / sigma;
        let below = normal_cdf(z);
        let body_mean = if below > 0.0 { fastmath::exp(mu + 0.5 * sigma * sigma) * normal_cdf(z - sigma) / below } else { 0.0 };
        Severity { mu, sigma, p_tail: 1.0 - below, body_mean }
    }
}

/// Who answers for a product's harms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Responsible {
    Nobody,
    Developer(usize),
    Derivative(usize),
}

/// One product's exposure this quarter.
pub(super) struct Exposure {
    pub(super) key: u64,
    pub(super) share: f64,
    pub(super) mode: Mode,
    pub(super) q: f64,
    pub(super) safety: f64,
    pub(super) responsible: Responsible,
    /// Final-run cost the penalty refers to ($).
    pub(super) cost: f64,
    /// Fraction of damages and penalties collected (below 1 for developers outside).
    pub(super) enforced: f64,
}

/// Largest expected count of one Poisson draw of incidents. Beyond about 10^18 a count no longer
/// fits the draw's integer, and an infinite mean (a hazard past f64's range) would draw nothing;
/// no scenario that is not already absurd comes near it.
pub(super) const MAX_MEAN: f64 = 1e18;

/// An expected count with [`MAX_MEAN`] as its ceiling (NaN, from a product without use under an
/// infinite hazard, stays NaN and draws nothing).
pub(super) fn capped_mean(lambda: f64) -> f64 {
    if lambda > MAX_MEAN { MAX_MEAN } else { lambda }
}

/// What one quarter's incidents need to know of the regime and the harms, and their streams.
pub(super) struct TailContext {
    pub(super) liability: bool,
    pub(super) penalties: bool,
    pub(super) rule: LiabilityRule,
    pub(super) critical_harm: f64,
    pub(super) harm_floor: f64,
    pub(super) due_care: f64,
    pub(super) court_noise: f64,
    pub(super) incident_streams: QuarterStreams,
    pub(super) severity_streams: QuarterStreams,
    pub(super) court_streams: QuarterStreams,
}

impl TailContext {
    pub(super) fn new(s: &Scenario, seed: u64, t: i64) -> Self {
        let r = &s.regime;
        TailContext {
            liability: regulation::liability_applies(r),
            penalties: regulation::penalties_fire(r),
            rule: r.liability_rule,
            critical_harm: s.harms.critical_harm,
            harm_floor: r.harm_floor,
            due_care: r.due_care,
            court_noise: s.harms.court_noise,
            incident_streams: QuarterStreams::new(seed, Purpose::Incidents, t),
            severity_streams: QuarterStreams::new(seed, Purpose::Severity, t),
            court_streams: QuarterStreams::new(seed, Purpose::Court, t),
        }
    }
}

impl Simulation {
    pub(super) fn exposures(&self) -> Vec<Exposure> {
        let r = &self.s.regime;
        let mut out = Vec::with_capacity(self.models.len() + self.derivs.len());
        for (v, m) in self.models.iter().enumerate() {
            let owner_alive = self.devs[m.owner].alive;
            let share = if m.on_market {
                self.market.model_share[v]
            } else if m.mode == Mode::Closed && owner_alive && self.devs[m.owner].current == Some(v) {
                self.internal_share(v)
            } else {
                continue;
            };
            let responsible = if owner_alive && m.covered { Responsible::Developer(m.owner) } else { Responsible::Nobody };
            let enforced = regulation::enforcement(r, m.reach);
            out.push(Exposure { key: m.key, share, mode: m.mode, q: m.q(), safety: m.safety, responsible, cost: m.cost, enforced });
        }
        for (k, d) in self.derivs.iter().enumerate() {
            if !d.alive {
                continue;
            }
            let b = &self.models[d.base];
            let covered_itself = d.reclassified || (r.cover_rule == crate::scenario::CoverRule::All && !r.derivative_liability);
            let responsible = if covered_itself {
                Responsible::Derivative(k)
            } else if r.derivative_liability && b.covered && self.devs[b.owner].alive {
                Responsible::Developer(b.owner)
            } else {
                Responsible::Nobody
            };
            let cost = if covered_itself { d.spend } else { b.cost };
            let enforced = if covered_itself { 1.0 } else { regulation::enforcement(r, b.reach) };
            out.push(Exposure {
                key: d.id,
                share: self.market.derivative_share[k],
                mode: Mode::Open,
                q: b.q() + d.uplift,
                safety: b.safety,
                responsible,
                cost,
                enforced,
            });
        }
        out
    }

    /// Each product's expected incidents this quarter (capped by [`MAX_MEAN`]).
    pub(super) fn exposure_means(&self, exposures: &[Exposure]) -> Vec<f64> {
        let h = &self.s.harms;
        let demand_factor = fastmath::pow(self.demand[self.t as usize] / self.s.market.demand0, h.demand_elasticity);
        exposures.iter().map(|e| capped_mean(self.lambda0 * e.share * demand_factor * hazard(h, e.mode, e.q, self.q0, e.safety))).collect()
    }

    /// Draw the quarter's incidents and charge the responsible parties.
    ///
    /// When the quarter's expected incidents at or above the split exceed
    /// [`MAX_TAIL_DRAWS`](super::incident_strata::MAX_TAIL_DRAWS), they are drawn in strata
    /// instead of one by one (`incident_strata.rs`), so that the work stays bounded; below that,
    /// every incident is drawn as before.
    pub(super) fn incidents_and_liability(&mut self) {
        let sev = self.severity.clone();
        let exposures = self.exposures();
        let lambdas = self.exposure_means(&exposures);
        // A NaN mean (a product without use under an infinite hazard) draws nothing, and must not
        // hide the others' count from the test below.
        let tail_total: f64 = lambdas.iter().filter(|l| **l > 0.0).map(|l| l * sev.p_tail).sum();
        let c = TailContext::new(&self.s, self.seed, self.t);
        if tail_total > super::incident_strata::MAX_TAIL_DRAWS {
            self.incidents_in_strata(&c, &sev, exposures, lambdas, tail_total, super::incident_strata::TOP_DRAWS);
            return;
        }
        for (e, lambda) in exposures.iter().zip(lambdas) {
            let n_body = c.incident_streams.stream(e.key, 0).poisson(lambda * (1.0 - sev.p_tail));
            let n_tail = c.incident_streams.stream(e.key, 1).poisson(lambda * sev.p_tail);
            self.totals.incidents += n_body as f64 + n_tail as f64;
            self.totals.harm += n_body as f64 * sev.body_mean;
            for i in 0..n_tail {
                let u = c.severity_streams.stream(e.key, i).uniform();
                self.tail_incident(&c, &sev, e, 1.0, u, i);
            }
        }
    }

    /// One incident at or above the split, at `scale × u` of the tail (u uniform in (0, 1)): its
    /// harm, whether it is critical, and what the responsible party pays for it (court draw `i`).
    pub(super) fn tail_incident(&mut self, c: &TailContext, sev: &Severity, e: &Exposure, scale: f64, u: f64, i: u64) {
        let z = -normal_quantile(sev.p_tail * (scale * u));
        let harm = fastmath::exp(sev.mu + sev.sigma * z);
        self.totals.harm += harm;
        if harm >= c.critical_harm {
            self.totals.critical += 1.0;
        }
        if e.responsible == Responsible::Nobody || harm < c.harm_floor || !c.liability {
            return;
        }
        let found_below = if c.rule == LiabilityRule::Negligence || c.penalties {
            let observed = e.safety + c.court_noise * c.court_streams.stream(e.key, i).normal();
            observed < c.due_care
        } else {
            false
        };
        let damages = match c.rule {
            LiabilityRule::Strict => harm,
            LiabilityRule::Negligence if found_below => harm,
            _ => 0.0,
        };
        let penalty = if found_below && c.penalties { self.penalty_for(e.responsible, e.cost) } else { 0.0 };
        if (damages + penalty) * e.enforced > 0.0 {
            self.charge(e.responsible, (damages + penalty) * e.enforced);
        }
    }

    pub(super) fn penalty_for(&mut self, who: Responsible, cost: f64) -> f64 {
        match who {
            Responsible::Developer(i) => {
                let d = &mut self.devs[i];
                let p = regulation::penalty(&self.s.regime, cost, d.yearly_revenue(), d.violations);
                d.violations = d.violations.saturating_add(1); // the strata may have saturated it
                p
            }
            Responsible::Derivative(_) => regulation::penalty(&self.s.regime, cost, 0.0, 0),
            Responsible::Nobody => 0.0,
        }
    }

    /// Charge `amount`, capped at the payer's capital (judgment-proof); a payer whose capital it
    /// exhausts goes bankrupt and exits.
    pub(super) fn charge(&mut self, who: Responsible, amount: f64) {
        match who {
            Responsible::Developer(i) => {
                if !self.devs[i].alive {
                    return;
                }
                let d = &mut self.devs[i];
                let paid = amount.min(d.capital.max(0.0));
                d.capital -= paid;
                d.flows.liability += paid;
                d.ledger.outflows += paid;
                self.totals.liability_paid += paid;
                if paid < amount {
                    self.totals.liability_bankruptcies += 1.0;
                    self.totals.exits += 1.0;
                    self.retire(i);
                }
            }
            Responsible::Derivative(k) => {
                let d = &mut self.derivs[k];
                if !d.alive {
                    return;
                }
                let paid = amount.min(d.capital.max(0.0));
                d.capital -= paid;
                self.totals.liability_paid += paid;
                self.totals.derivative_profit -= paid;
                if paid < amount {
                    d.alive = false;
                }
            }
            Responsible::Nobody => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_at_critical_harm_matches_the_lognormal_tail() {
        let s = crate::scenario::Scenario::default();
        let sev = Severity::new(&s);
        assert!((sev.p_tail - 2.78e-4).abs() < 0.1e-4, "{}", sev.p_tail);
        // Body mean plus tail mean reproduce the lognormal's mean e^{μ+σ²/2}.
        let mean = fastmath::exp(sev.mu + 0.5 * sev.sigma * sev.sigma);
        let tail_mean = mean * (1.0 - normal_cdf((fastmath::ln(5e8) - sev.mu) / sev.sigma - sev.sigma)) / sev.p_tail;
        let total = sev.body_mean * (1.0 - sev.p_tail) + tail_mean * sev.p_tail;
        assert!((total / mean - 1.0).abs() < 1e-9);
    }

    #[test]
    fn strict_liability_without_floor_draws_every_incident() {
        let s = crate::scenario::preset("strict_all").unwrap();
        assert_eq!(Severity::new(&s).p_tail, 1.0);
    }
}

//! The training and release decision (MODEL.md §4, step 2) and the widening of access between
//! trainings (step 3).
//!
//! Each option is valued over the planning horizon against the current market's sums, with the
//! stated approximations that keep it O(H): rivals' capability grows at the frontier's trailing
//! pace; under Open, rivals close χ of their gap to the new open frontier each quarter and the
//! expected derivatives join the family; the option changes only its own nest.

use crate::fastmath;
use super::harms;
use super::market::{DemandSystem, SEGMENTS};
use super::regulation;
use super::state::{Mode, Reach};
use crate::rng::normal_cdf;
use crate::scenario::{LiabilityRule, Scenario};

/// Safety efforts a developer chooses among.
pub const SAFETY_LEVELS: [f64; 3] = [0.0, 0.5, 1.0];

/// Per-quarter inputs shared by every decision of the quarter.
#[derive(Clone, Debug, Default)]
pub struct DecisionContext {
    /// Current quarter.
    pub t: i64,
    /// Discount factor per horizon quarter.
    pub disc: Vec<f64>,
    /// Spend per horizon quarter ($).
    pub demand: Vec<f64>,
    /// disc × (D_h / D_0)^η: weight of a share of use in expected incidents.
    pub exposure: Vec<f64>,
    /// Sum of the discount factors over the horizon.
    pub disc_sum: f64,
    /// disc × segment weight × spend, per segment × horizon quarter (index g·H + h).
    pub spend_weight: Vec<f64>,
    /// exposure × segment weight, per segment × horizon quarter.
    pub exposure_weight: Vec<f64>,
    /// Growth of rivals' nest values per segment and horizon quarter: e^{β g h}.
    pub growth: [Vec<f64>; SEGMENTS],
    /// Fraction of a new open frontier's lead that rivals have closed after h quarters.
    pub spill: Vec<f64>,
    /// e^{−β_g a_h × level step} per segment × horizon quarter: how spillover factors shrink
    /// from one compute level to the next one down.
    pub spill_step: Vec<f64>,
    /// The market's reference capability.
    pub q_ref: f64,
    /// Σ I_n^λ per segment (updated as firms act).
    pub total: [f64; SEGMENTS],
    /// Price-weighted sum per segment (updated as firms act).
    pub price_weighted: [f64; SEGMENTS],
    /// Best open capability ever released.
    pub q_open_frontier: f64,
    /// Σ over open versions of e^{β_F (q − q_ref)}: the base-choice denominator.
    pub open_weight: f64,
    /// Expected derivative entries per quarter.
    pub derivative_rate: f64,
    /// Cost per FLOP now ($).
    pub price_per_flop: f64,
    /// Incident base rate λ_0.
    pub lambda0: f64,
    /// Frontier capability at the start.
    pub q0: f64,
}

/// What a firm brings to a decision.
#[derive(Clone, Copy, Debug)]
pub struct FirmView {
    /// Capital ($).
    pub capital: f64,
    /// Revenue of the last four quarters ($).
    pub yearly_revenue: f64,
    /// Brand shift.
    pub brand: f64,
    /// e^brand.
    pub brand_factor: f64,
    /// e^{−brand/λ}: derivatives carry no brand, so a branded base pulls less of its family.
    pub derivative_pull: f64,
    /// Complement value κ_c.
    pub complement: f64,
    /// Based outside the regime's jurisdiction.
    pub outside: bool,
    /// Factor on its nest value per mode: e^{ξ_outside_api} for the API of a developer outside,
    /// else 1.
    pub mode_penalty: [f64; 3],
    /// Fixed cost per quarter ($).
    pub fixed_cost: f64,
    /// The nest of its current model if that model would leave the market when replaced (API),
    /// as (I^λ, price-weighted) per segment.
    pub replaced_nest: Option<([f64; SEGMENTS], [f64; SEGMENTS])>,
    /// Earlier penalised violations.
    pub violations: u32,
    /// What an actionable incident costs it at most, given its capital
    /// ([`DecisionRules::capped_harm`]); worked out only for firms with a covered option, which
    /// are the only ones it is read for.
    pub capped_harm: Option<f64>,
}

/// A model a firm could have: trained now, or its current one in some mode.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    /// Final-run compute (log10 FLOP).
    pub log_flop: f64,
    /// Final-run cost ($).
    pub cost: f64,
    /// Capability.
    pub q: f64,
    /// Release mode.
    pub mode: Mode,
    /// Covered by the regime.
    pub covered: bool,
    /// A new training run (development, safety and release costs are due).
    pub new: bool,
    /// How the regime reaches it.
    pub reach: Reach,
    /// Quarters it has already been on the market in this mode (0 for a new or widened one).
    pub age: i64,
}

/// The value of an option with its best safety effort.
#[derive(Clone, Copy, Debug)]
pub struct Valued {
    /// Expected discounted profit over the horizon ($), fixed costs excluded.
    pub profit: f64,
    /// Safety effort that achieves it.
    pub safety: f64,
}

/// Precomputed constants of the decision for one scenario.
#[derive(Clone, Debug)]
pub struct DecisionRules {
    ds: DemandSystem,
    horizon: usize,
    discount: f64,
    /// Probability a court finds effort s below due care, per safety level.
    found_below: [f64; 3],
    /// Probability of paying damages given an actionable harm, per safety level.
    pays: [f64; 3],
    liability: bool,
    /// μ and σ of log harm.
    mu: f64,
    sigma: f64,
    /// P(harm ≥ floor).
    p_actionable: f64,
    /// e^{(u_d − u_base)/λ} per segment for an Open base without brand (derivative at the median
    /// spend's uplift); a branded base multiplies it by e^{−brand/λ}.
    derivative_ratio: [f64; SEGMENTS],
    mode_factor: [[f64; 3]; SEGMENTS],
    level_ratio: [f64; SEGMENTS],
    /// 10^{γ × mean uplift}: a typical derivative's extra hazard over its base.
    uplift_hazard: f64,
    /// Capability elasticity of hazard γ.
    capability_elasticity: f64,
    /// 10^{−γ × level step}.
    hazard_level_ratio: f64,
    /// r(h) of a product new to the market, per mode and horizon quarter (adoption).
    ramp_new: [[f64; MAX_HORIZON]; 3],
}

/// Rivals' nest values per segment × horizon quarter (index g·H + h) and their price index per
/// segment, as one firm's options see them.
#[derive(Clone, Debug)]
pub struct Rivals {
    value: [f64; SEGMENTS * MAX_HORIZON],
    /// `value` / r(h) per mode that ramps (API, Open): what a new product of that mode faces
    /// while its use ramps up (a/(a r + R) = a/(a + R/r)).
    ramped: [[f64; SEGMENTS * MAX_HORIZON]; 2],
    price_index: [f64; SEGMENTS],
}

/// Longest planning horizon (quarters), as validation allows.
pub const MAX_HORIZON: usize = 40;

/// What an option's value needs beyond the candidate itself (see [`DecisionRules::terms`]).
#[derive(Clone, Copy, Debug)]
pub struct OptionTerms<'a> {
    /// The option's own nest value e^u per segment, in units of the market's reference.
    pub x: [f64; SEGMENTS],
    /// For an open option leading the open frontier: rivals' spillover growth per segment ×
    /// horizon quarter.
    pub spill: Option<&'a [f64]>,
    /// 10^{γ (q − q_0)}: the option's incident hazard relative to the frontier at the start
    /// ([`DecisionRules::hazard_factor`]).
    pub hazard: f64,
    /// For an open option, its derivative family ([`DecisionRules::family`]) if already worked
    /// out; computed from `x` when `None`.
    pub family: Option<Family>,
}

/// An open option's expected derivative family per segment: the factor (1 + y)^λ by which the
/// family's nest value exceeds the base's own, and the base's within-nest share 1/(1 + y).
#[derive(Clone, Copy, Debug)]
pub struct Family {
    /// (1 + y)^λ per segment.
    pub factor: [f64; SEGMENTS],
    /// 1/(1 + y) per segment.
    pub within: [f64; SEGMENTS],
}

impl DecisionRules {
    /// Constants for a scenario.
    pub fn new(s: &Scenario) -> Self {
        let r = &s.regime;
        let h = &s.harms;
        let ds = DemandSystem::new(&s.market, s.regime.market_share);
        let mut ramp_new = [[1.0; MAX_HORIZON]; 3];
        for mode in Mode::ALL {
            for (h, r) in ramp_new[mode.index()].iter_mut().enumerate() {
                *r = fastmath::exp(ds.ramp(mode, h as i64));
            }
        }
        let found_below = SAFETY_LEVELS.map(|e| found_below_due_care(e, r.due_care, h.court_noise));
        let pays = found_below.map(|b| pays_given(r.liability_rule, b));
        let mu = fastmath::ln(h.severity_median);
        let sigma = h.severity_sigma;
        let p_actionable = if r.harm_floor > 0.0 { 1.0 - normal_cdf((fastmath::ln(r.harm_floor) - mu) / sigma) } else { 1.0 };
        let d = &s.derivatives;
        // Expected uplift of a typical derivative: at the median spend.
        let mean_uplift = (d.uplift_per_log_spend * libm::log10(1.0 + d.spend_median / 1e6)).min(d.uplift_max);
        let mut derivative_ratio = [0.0; SEGMENTS];
        for g in 0..SEGMENTS {
            let du = ds.beta[g] * mean_uplift + ds.derivative_shift[g] - ds.mode_shift[g][Mode::Open.index()];
            derivative_ratio[g] = fastmath::exp(du / ds.lambda);
        }
        let mut mode_factor = [[0.0; 3]; SEGMENTS];
        let mut level_ratio = [0.0; SEGMENTS];
        for g in 0..SEGMENTS {
            for k in 0..3 {
                mode_factor[g][k] = fastmath::exp(ds.mode_shift[g][k]);
            }
            level_ratio[g] = fastmath::exp(-ds.beta[g] * s.decision.level_step);
        }
        DecisionRules {
            capability_elasticity: h.capability_elasticity,
            hazard_level_ratio: fastmath::exp10(-h.capability_elasticity * s.decision.level_step),
            uplift_hazard: fastmath::exp10(h.capability_elasticity * mean_uplift),
            mode_factor,
            level_ratio,
            ds,
            horizon: s.decision.horizon as usize,
            discount: s.decision.discount,
            found_below,
            pays,
            liability: regulation::liability_applies(r),
            mu,
            sigma,
            p_actionable,
            derivative_ratio,
            ramp_new,
        }
    }

    /// Whether anyone can be made to pay for harms under this regime.
    pub fn liability(&self) -> bool {
        self.liability
    }

    /// The demand system.
    pub fn demand_system(&self) -> &DemandSystem {
        &self.ds
    }

    /// Fill the horizon arrays of a context for quarter `t` (demand path must reach t + H).
    pub fn prepare(&self, s: &Scenario, ctx: &mut DecisionContext, demand: &[f64], pace: f64) {
        let hz = self.horizon;
        let d0 = s.market.demand0;
        ctx.disc.clear();
        ctx.demand.clear();
        ctx.exposure.clear();
        ctx.spill.clear();
        ctx.spill_step.clear();
        for g in 0..SEGMENTS {
            ctx.growth[g].clear();
        }
        let chi = s.technology.spillover;
        for h in 0..hz {
            let disc = fastmath::pow(1.0 + self.discount, -(h as f64));
            let dh = demand[(ctx.t as usize + h).min(demand.len() - 1)];
            ctx.disc.push(disc);
            ctx.demand.push(dh);
            ctx.exposure.push(disc * fastmath::pow(dh / d0, s.harms.demand_elasticity));
            ctx.spill.push(1.0 - fastmath::pow(1.0 - chi, h as f64));
            for g in 0..SEGMENTS {
                ctx.growth[g].push(fastmath::exp(self.ds.beta[g] * pace * h as f64));
            }
        }
        ctx.spend_weight.clear();
        ctx.exposure_weight.clear();
        for g in 0..SEGMENTS {
            for h in 0..hz {
                ctx.spill_step.push(fastmath::exp(-self.ds.beta[g] * ctx.spill[h] * s.decision.level_step));
                ctx.spend_weight.push(ctx.disc[h] * self.ds.weight[g] * ctx.demand[h]);
                ctx.exposure_weight.push(ctx.exposure[h] * self.ds.weight[g]);
            }
        }
        ctx.disc_sum = ctx.disc.iter().sum();
    }

    /// Value an option for a firm, choosing its best safety effort (or using `fixed_safety`).
    pub fn value(&self, s: &Scenario, ctx: &DecisionContext, firm: &FirmView, c: &Candidate, fixed_safety: Option<f64>) -> Valued {
        let mut spill = [0.0; SEGMENTS * MAX_HORIZON];
        let terms = self.terms(ctx, firm, c, &mut spill);
        self.value_with(s, ctx, firm, c, &terms, fixed_safety)
    }

    /// The option's own nest value e^u per segment, and for an open option that leads the open
    /// frontier, the spillover growth of rivals' nest values (per segment × horizon quarter,
    /// written into `spill`).
    pub fn terms<'a>(&self, ctx: &DecisionContext, firm: &FirmView, c: &Candidate, spill: &'a mut [f64; SEGMENTS * MAX_HORIZON]) -> OptionTerms<'a> {
        let ds = &self.ds;
        let mut x = [0.0; SEGMENTS];
        for (g, xg) in x.iter_mut().enumerate() {
            *xg = fastmath::exp(ds.utility(g, c.q, ctx.q_ref, firm.brand, c.mode)) * firm.mode_penalty[c.mode.index()];
        }
        let hazard = self.hazard_factor(ctx, c.q);
        let lead = c.q - ctx.q_open_frontier;
        if c.mode != Mode::Open || !(lead > 0.0) {
            return OptionTerms { x, spill: None, hazard, family: None };
        }
        self.spill_factors(ctx, lead, spill);
        OptionTerms { x, spill: Some(&spill[..]), hazard, family: None }
    }

    /// The expected derivative family of an open option whose own nest value in the first
    /// segment is `x0`: derivatives are expected at the rate of entry times the chance that they
    /// pick this base, for half the horizon on average, and join its nest, whose value becomes
    /// x (1 + y)^λ, of which the base keeps the within-nest share 1/(1 + y).
    pub fn family(&self, ctx: &DecisionContext, firm: &FirmView, x0: f64) -> Family {
        let mut f = Family { factor: [1.0; SEGMENTS], within: [1.0; SEGMENTS] };
        if ctx.derivative_rate > 0.0 {
            let w = x0 / (self.mode_factor[0][Mode::Open.index()] * firm.brand_factor);
            let p_base = w / (w + ctx.open_weight);
            let expected = ctx.derivative_rate * p_base * self.horizon as f64 * 0.5;
            for g in 0..SEGMENTS {
                let y = expected * self.derivative_ratio[g] * firm.derivative_pull;
                f.factor[g] = pow1p(y, self.ds.lambda);
                f.within[g] = 1.0 / (1.0 + y);
            }
        }
        f
    }

    /// 10^{γ (q − q_0)}, as for incidents (`harms::capability_hazard`).
    pub fn hazard_factor(&self, ctx: &DecisionContext, q: f64) -> f64 {
        harms::capability_hazard(self.capability_elasticity, q, ctx.q0)
    }

    /// 10^{−γ × level step}: the hazard factor's ratio between neighbouring compute levels.
    pub fn hazard_level_ratio(&self) -> f64 {
        self.hazard_level_ratio
    }

    /// e^{β_g a_h lead} per segment and horizon quarter: rivals closing χ of their gap to a new
    /// open frontier `lead` above the old one each quarter.
    pub fn spill_factors(&self, ctx: &DecisionContext, lead: f64, out: &mut [f64; SEGMENTS * MAX_HORIZON]) {
        for g in 0..SEGMENTS {
            for h in 0..self.horizon {
                // a_0 = 0: no spillover yet in the quarter of release.
                out[g * self.horizon + h] = if h == 0 { 1.0 } else { fastmath::exp(self.ds.beta[g] * ctx.spill[h] * lead) };
            }
        }
    }

    /// e^{mode shift} per segment and mode: a candidate's nest value is
    /// e^{β_g (q − q_ref) + brand} times this.
    pub fn mode_factor(&self, g: usize, mode: Mode) -> f64 {
        self.mode_factor[g][mode.index()]
    }

    /// e^{−β_g × level step}: the nest value ratio between neighbouring compute levels.
    pub fn level_ratio(&self, g: usize) -> f64 {
        self.level_ratio[g]
    }

    /// Value an option from precomputed terms (see [`DecisionRules::terms`]).
    pub fn value_with(&self, s: &Scenario, ctx: &DecisionContext, firm: &FirmView, c: &Candidate, terms: &OptionTerms, fixed_safety: Option<f64>) -> Valued {
        let rivals = self.rivals(ctx, firm);
        self.value_against(s, ctx, firm, &rivals, c, terms, fixed_safety)
    }

    /// Rivals as an option of this firm sees them: the market without the nest the option
    /// replaces, growing at the frontier's pace over the horizon.
    pub fn rivals(&self, ctx: &DecisionContext, firm: &FirmView) -> Rivals {
        let mut rival = ctx.total;
        let mut rival_pw = ctx.price_weighted;
        if let Some((iv, pw)) = firm.replaced_nest {
            for g in 0..SEGMENTS {
                rival[g] -= iv[g];
                rival_pw[g] -= pw[g];
            }
        }
        let mut out = Rivals { value: [0.0; SEGMENTS * MAX_HORIZON], ramped: [[0.0; SEGMENTS * MAX_HORIZON]; 2], price_index: [0.0; SEGMENTS] };
        for g in 0..SEGMENTS {
            let r = rival[g].max(1e-300);
            out.price_index[g] = if rival_pw[g] > 0.0 { rival_pw[g] / r } else { self.ds.price[Mode::Api.index()] };
            for (h, gr) in ctx.growth[g].iter().enumerate() {
                out.value[g * self.horizon + h] = r * gr;
            }
        }
        for (k, mode) in [Mode::Api, Mode::Open].into_iter().enumerate() {
            if self.ds.ramps(mode) {
                let ramp = &self.ramp_new[mode.index()];
                for g in 0..SEGMENTS {
                    for h in 0..self.horizon {
                        out.ramped[k][g * self.horizon + h] = out.value[g * self.horizon + h] / ramp[h];
                    }
                }
            }
        }
        out
    }

    /// The rivals a candidate faces over the horizon with its own adoption folded in, when they
    /// are already worked out: `value` for modes that do not ramp, the precomputed array for a
    /// new product; `None` for a product already some quarters on the market (see
    /// [`Self::rivals_at_age`]).
    fn rivals_for<'a>(&self, rivals: &'a Rivals, mode: Mode, age: i64) -> Option<&'a [f64; SEGMENTS * MAX_HORIZON]> {
        if mode == Mode::Closed || !self.ds.ramps(mode) {
            Some(&rivals.value)
        } else if age == 0 {
            Some(&rivals.ramped[usize::from(mode == Mode::Open)])
        } else {
            None
        }
    }

    /// `value` / r(age + h): the rivals of a product `age` quarters on the market.
    fn rivals_at_age(&self, rivals: &Rivals, mode: Mode, age: i64) -> [f64; SEGMENTS * MAX_HORIZON] {
        let mut out = [0.0; SEGMENTS * MAX_HORIZON];
        for h in 0..self.horizon {
            let r = fastmath::exp(self.ds.ramp(mode, age + h as i64));
            for g in 0..SEGMENTS {
                out[g * self.horizon + h] = rivals.value[g * self.horizon + h] / r;
            }
        }
        out
    }

    /// Value an option against precomputed rivals (see [`DecisionRules::rivals`]).
    #[allow(clippy::too_many_arguments)]
    pub fn value_against(&self, s: &Scenario, ctx: &DecisionContext, firm: &FirmView, rivals: &Rivals, c: &Candidate, terms: &OptionTerms, fixed_safety: Option<f64>) -> Valued {
        let ds = &self.ds;
        let m = &s.market;
        let f = &s.firms;
        let hz = self.horizon;
        let liable = self.liability && c.covered;
        let x = terms.x;
        let aged;
        let faced = match self.rivals_for(rivals, c.mode, c.age) {
            Some(r) => r,
            None => {
                aged = self.rivals_at_age(rivals, c.mode, c.age);
                &aged
            }
        };
        let (mut revenue, mut complement, mut exp_own, mut exp_der) = (0.0, 0.0, 0.0, 0.0);
        match c.mode {
            Mode::Api => {
                // Own nest share s = x/(x + r); spend share p s/(p s + p̄ (1 − s)) = p x/(p x + p̄ r).
                let p = ds.price[Mode::Api.index()];
                for g in 0..SEGMENTS {
                    let (w, r) = (&ctx.spend_weight[g * hz..(g + 1) * hz], &faced[g * hz..(g + 1) * hz]);
                    revenue += weighted_shares(w, r, p * x[g], rivals.price_index[g]);
                    if liable {
                        exp_own += weighted_shares(&ctx.exposure_weight[g * hz..(g + 1) * hz], r, x[g], 1.0);
                    }
                }
                revenue *= 1.0 - m.serving_cost;
            }
            Mode::Open => {
                let Family { factor: family, within } = terms.family.unwrap_or_else(|| self.family(ctx, firm, x[0]));
                let (p, pd) = (ds.price[Mode::Open.index()], ds.price_derivative);
                let need_family_share = liable || firm.complement > 0.0;
                let mut spilled;
                let r_all: &[f64] = match terms.spill {
                    Some(sp) => {
                        spilled = [0.0; SEGMENTS * MAX_HORIZON];
                        for i in 0..SEGMENTS * hz {
                            spilled[i] = faced[i] * sp[i];
                        }
                        &spilled
                    }
                    None => &faced[..],
                };
                for g in 0..SEGMENTS {
                    let xf = x[g] * family[g];
                    // Spend share p s_own/(p s_own + p_d s_der + p̄ (1 − s_fam)), with every share
                    // multiplied by (x_f + r): p x_f w/(x_f (p w + p_d (1 − w)) + p̄ r).
                    let own = p * xf * within[g];
                    let fam_price = xf * (p * within[g] + pd * (1.0 - within[g]));
                    let r = &r_all[g * hz..(g + 1) * hz];
                    revenue += own / fam_price * weighted_shares(&ctx.spend_weight[g * hz..(g + 1) * hz], r, fam_price, rivals.price_index[g]);
                    if need_family_share {
                        let (c, e) = weighted_share_pair(&ctx.spend_weight[g * hz..(g + 1) * hz], &ctx.exposure_weight[g * hz..(g + 1) * hz], r, xf);
                        complement += c;
                        exp_own += e * within[g];
                        exp_der += e * (1.0 - within[g]);
                    }
                }
                revenue *= m.phi_open;
                complement *= firm.complement;
            }
            Mode::Closed => {
                if liable || firm.complement > 0.0 {
                    for g in 0..SEGMENTS {
                        let r = &rivals.value[g * hz..(g + 1) * hz];
                        let (c, e) = weighted_share_pair(&ctx.spend_weight[g * hz..(g + 1) * hz], &ctx.exposure_weight[g * hz..(g + 1) * hz], r, x[g]);
                        complement += m.internal_share * c;
                        exp_own += m.internal_share * e;
                    }
                    complement *= firm.complement;
                }
            }
        }
        let disc_sum = ctx.disc_sum;
        // A developer outside that stays out of the regime's market sells in the rest of it.
        let presence = if c.reach == Reach::StaysOut { 1.0 - s.regime.market_share } else { 1.0 };
        let mut base = presence * (revenue + complement);
        if c.mode == Mode::Open {
            base += disc_sum * (f.open_reputation * c.cost / 4.0 + f.open_talent * firm.fixed_cost);
        }
        base -= disc_sum * regulation::recurring_duty(&s.regime, c.reach, c.covered, c.mode, c.log_flop, firm.yearly_revenue);
        if c.new {
            base -= f.dev_cost_multiple * c.cost;
            if c.covered {
                base -= s.regime.compliance_var * c.cost;
            }
        }
        // Expected liability, linear in (1 − ε s) and in the court's verdict for each effort.
        let cap = firm.capital.max(0.0);
        let (own_rate, der_rate, per_harm, per_penalty) = if liable {
            let hz = &s.harms;
            let scale = ctx.lambda0 * terms.hazard * self.p_actionable;
            let misuse = harms::mode_risk(hz, c.mode).0;
            let der = if c.mode == Mode::Open && s.regime.derivative_liability {
                exp_der * hz.misuse_open * self.uplift_hazard
            } else {
                0.0
            };
            debug_assert!(firm.capped_harm.is_some(), "a covered option of a firm whose capped harm was not worked out");
            let harm = firm.capped_harm.unwrap_or(0.0);
            let pen = regulation::penalty(&s.regime, c.cost, firm.yearly_revenue, firm.violations).min((cap - harm).max(0.0));
            // Developers outside pay only what is collected from them.
            let enforced = regulation::enforcement(&s.regime, c.reach);
            (scale * exp_own * misuse, scale * der, harm * enforced, pen * enforced)
        } else {
            (0.0, 0.0, 0.0, 0.0)
        };
        let eff = harms::mode_risk(&s.harms, c.mode).1;
        let eff_open = s.harms.safety_eff_open;
        // `pays`: probability of paying damages for an actionable harm; `below`: of being found
        // below due care (penalties).
        let profit_at = |e: f64, pays: f64, below: f64| {
            let mut p = base;
            if c.new {
                p -= f.safety_cost * e * c.cost;
            }
            if liable {
                let incidents = own_rate * (1.0 - eff * e) + der_rate * (1.0 - eff_open * e);
                // Over the horizon a firm cannot pay more than it has (judgment-proof).
                p -= (incidents * (per_harm * pays + per_penalty * below)).min(cap);
            }
            p
        };
        if let Some(e) = fixed_safety {
            let (pays, below) = match SAFETY_LEVELS.iter().position(|&l| l == e) {
                Some(i) => (self.pays[i], self.found_below[i]),
                None => {
                    let below = found_below_due_care(e, s.regime.due_care, s.harms.court_noise);
                    (pays_given(s.regime.liability_rule, below), below)
                }
            };
            return Valued { profit: profit_at(e, pays, below), safety: e };
        }
        let mut best = Valued { profit: profit_at(SAFETY_LEVELS[0], self.pays[0], self.found_below[0]), safety: SAFETY_LEVELS[0] };
        if liable {
            for (i, &e) in SAFETY_LEVELS.iter().enumerate().skip(1) {
                let p = profit_at(e, self.pays[i], self.found_below[i]);
                if p > best.profit {
                    best = Valued { profit: p, safety: e };
                }
            }
        }
        best
    }

    /// E[min(H, cap) | H ≥ floor] for lognormal harm: what an actionable incident costs a firm
    /// that cannot pay more than its capital (judgment-proof; Shavell 1986).
    pub fn capped_harm(&self, floor: f64, cap: f64) -> f64 {
        if cap <= floor {
            return cap;
        }
        let (mu, s) = (self.mu, self.sigma);
        let mean = fastmath::exp(mu + 0.5 * s * s);
        let lo = if floor > 0.0 { normal_cdf((fastmath::ln(floor) - mu - s * s) / s) } else { 0.0 };
        let (hi, p_above_cap) = if cap.is_finite() {
            let lc = fastmath::ln(cap);
            (normal_cdf((lc - mu - s * s) / s), 1.0 - normal_cdf((lc - mu) / s))
        } else {
            (1.0, 0.0)
        };
        let partial = mean * (hi - lo) + if p_above_cap > 0.0 { cap * p_above_cap } else { 0.0 };
        if self.p_actionable > 0.0 { partial / self.p_actionable } else { 0.0 }
    }
}

/// Σ_h w_h · a/(a + b r_h): weighted shares of an option with nest value a (price-weighted when b
/// is the rivals' price index) against rivals r_h over the horizon. The terms are independent and
/// summed in four fixed lanes, so the compiler can use vector division where it has it while the
/// result stays the same on every target.
#[inline]
fn weighted_shares(w: &[f64], r: &[f64], a: f64, b: f64) -> f64 {
    let mut acc = [0.0f64; 4];
    let (wc, rc) = (w.chunks_exact(4), r.chunks_exact(4));
    let (wt, rt) = (wc.remainder(), rc.remainder());
    for (w4, r4) in wc.zip(rc) {
        for j in 0..4 {
            acc[j] += w4[j] * a / (a + b * r4[j]);
        }
    }
    for (j, (wj, rj)) in wt.iter().zip(rt).enumerate() {
        acc[j] += wj * a / (a + b * rj);
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// (Σ_h u_h s_h, Σ_h v_h s_h) with s_h = a/(a + r_h): two weightings of the same shares, for one
/// division per quarter (lanes as in [`weighted_shares`]).
#[inline]
fn weighted_share_pair(u: &[f64], v: &[f64], r: &[f64], a: f64) -> (f64, f64) {
    let (mut acc_u, mut acc_v) = ([0.0f64; 4], [0.0f64; 4]);
    let (uc, vc, rc) = (u.chunks_exact(4), v.chunks_exact(4), r.chunks_exact(4));
    let (ut, vt, rt) = (uc.remainder(), vc.remainder(), rc.remainder());
    for ((u4, v4), r4) in uc.zip(vc).zip(rc) {
        for j in 0..4 {
            let share = a / (a + r4[j]);
            acc_u[j] += u4[j] * share;
            acc_v[j] += v4[j] * share;
        }
    }
    for (j, ((uj, vj), rj)) in ut.iter().zip(vt).zip(rt).enumerate() {
        let share = a / (a + rj);
        acc_u[j] += uj * share;
        acc_v[j] += vj * share;
    }
    ((acc_u[0] + acc_u[1]) + (acc_u[2] + acc_u[3]), (acc_v[0] + acc_v[1]) + (acc_v[2] + acc_v[3]))
}

/// (1 + y)^λ for y ≥ 0; below y = 0.02 by its series to the y³ term (relative error under
/// 2e-8 for λ in (0, 1]), which spares two transcendental calls for the many small families.
#[inline]
fn pow1p(y: f64, lambda: f64) -> f64 {
    if y < 0.02 {
        let (a, b) = (lambda * (lambda - 1.0) / 2.0, lambda * (lambda - 1.0) * (lambda - 2.0) / 6.0);
        1.0 + y * (lambda + y * (a + y * b))
    } else {
        fastmath::pow1p(y, lambda)
    }
}

/// Probability of paying damages for an actionable harm under a liability rule, given the
/// probability of being found below due care.
fn pays_given(rule: LiabilityRule, found_below: f64) -> f64 {
    match rule {
        LiabilityRule::Negligence => found_below,
        LiabilityRule::Strict => 1.0,
        LiabilityRule::None => 0.0,
    }
}

/// Probability that a court observing effort `e` with noise `noise` finds it below `due_care`.
pub fn found_below_due_care(e: f64, due_care: f64, noise: f64) -> f64 {
    if noise > 0.0 {
        normal_cdf((due_care - e) / noise)
    } else if e < due_care {
        1.0
    } else {
        0.0
    }
}

/// Logit choice: index of the chosen option given profits, temperature and the firm's scale, and
/// a uniform draw `u` in (0, 1). `weights` is scratch space.
pub fn logit_choice(profits: impl Iterator<Item = f64> + Clone, tau: f64, scale: f64, u: f64, weights: &mut Vec<f64>) -> usize {
    let best = profits.clone().fold(f64::NEG_INFINITY, f64::max);
    let denom = tau * scale;
    weights.clear();
    // A weight below e^{−60} (≈ 1e−26) is far below the resolution of the 53-bit draw, so it is
    // taken as zero rather than computed.
    weights.extend(profits.map(|p| {
        let z = (p - best) / denom;
        if z < -60.0 { 0.0 } else { fastmath::exp(z) }
    }));
    let total: f64 = weights.iter().sum();
    let mut target = u * total;
    for (i, w) in weights.iter().enumerate() {
        target -= w;
        if target <= 0.0 {
            return i;
        }
    }
    weights.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logit_picks_the_best_option_when_differences_are_large() {
        let p = [1.0, 10.0, 2.0];
        let w = &mut Vec::new();
        for u in [0.001, 0.5, 0.999] {
            assert_eq!(logit_choice(p.iter().copied(), 0.05, 10.0, u, w), 1);
        }
        // Equal profits: the draw decides, evenly.
        assert_eq!(logit_choice([1.0, 1.0].into_iter(), 0.05, 1.0, 0.25, w), 0);
        assert_eq!(logit_choice([1.0, 1.0].into_iter(), 0.05, 1.0, 0.75, w), 1);
    }

    #[test]
    fn pow1p_series_matches_the_power() {
        for &y in &[0.0, 1e-6, 0.005, 0.0199, 0.02, 0.5, 10.0] {
            for &l in &[0.05, 0.45, 1.0] {
                let exact = libm::pow(1.0 + y, l);
                assert!((pow1p(y, l) / exact - 1.0).abs() < 2e-8, "y {y} λ {l}");
            }
        }
    }

    #[test]
    fn capped_harm_is_the_cap_for_a_poor_firm_and_the_tail_mean_for_a_rich_one() {
        let s = crate::scenario::preset("sb1047").unwrap();
        let r = DecisionRules::new(&s);
        assert_eq!(r.capped_harm(5e8, 1e8), 1e8);
        let rich = r.capped_harm(5e8, f64::INFINITY);
        assert!(rich > 5e8 && rich < 5e9, "{rich}");
        let mid = r.capped_harm(5e8, 1e9);
        assert!(mid > 5e8 && mid < 1e9 && mid < rich);
    }
}

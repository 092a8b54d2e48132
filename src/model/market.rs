//! The nested-logit market: two user segments, one nest per model version on the market (the
//! version plus the derivatives built on it), shares of use and spend in O(N) a quarter.
//!
//! Two regions share the segments: the regime's market (`regime.market_share` of demand) and the
//! rest of the world. They differ only when some developer outside stays out of the regime's
//! market: its nests (model and derivatives) are then absent there, and since a nested logit
//! without whole nests only rescales the others, the regime's region needs no second pass, only
//! the sums without the absent nests.

use crate::fastmath;
use super::state::{Derivative, Mode, ModelVersion, Reach};
use crate::scenario::Market;

/// Quarters of adoption kept in a table; later ages are computed.
const RAMP_TABLE: usize = 256;

/// Number of user segments (frontier, commodity).
pub const SEGMENTS: usize = 2;

/// Constants of the demand system, derived once from the scenario.
#[derive(Clone, Debug)]
pub struct DemandSystem {
    /// Taste for capability per segment.
    pub beta: [f64; SEGMENTS],
    /// Price sensitivity per segment.
    pub alpha: [f64; SEGMENTS],
    /// Share of spend per segment.
    pub weight: [f64; SEGMENTS],
    /// Nesting parameter λ.
    pub lambda: f64,
    /// Price of each mode (Closed uses the API price for its counterfactual share).
    pub price: [f64; 3],
    /// Price of a derivative.
    pub price_derivative: f64,
    /// ξ_mode − α ln p_mode, per segment and mode.
    pub mode_shift: [[f64; 3]; SEGMENTS],
    /// ξ_derivative − α ln p_derivative, per segment.
    pub derivative_shift: [f64; SEGMENTS],
    /// Quality shift of API products of developers outside.
    pub xi_outside_api: f64,
    /// Adoption speed κ per mode (open weights also for derivatives); Closed is 1.
    pub adoption: [f64; 3],
    /// ln r(a) = ln(1 − (1 − κ)^(a+1)) per mode and age a < [`RAMP_TABLE`].
    ramp: [Vec<f64>; 3],
    /// Share of demand in the regime's market.
    pub regime_share: f64,
}

impl DemandSystem {
    /// The demand system of a scenario's market parameters and the regime's share of demand.
    pub fn new(m: &Market, regime_share: f64) -> Self {
        let beta = [m.beta_frontier, m.beta_commodity];
        let alpha = [m.alpha_frontier, m.alpha_commodity];
        let price = [m.price_api, m.price_api, m.price_open];
        let xi = [m.xi_api, m.xi_api, m.xi_open];
        let mut mode_shift = [[0.0; 3]; SEGMENTS];
        let mut derivative_shift = [0.0; SEGMENTS];
        for g in 0..SEGMENTS {
            for k in 0..3 {
                mode_shift[g][k] = xi[k] - alpha[g] * fastmath::ln(price[k]);
            }
            derivative_shift[g] = m.xi_open + m.derivative_premium - alpha[g] * fastmath::ln(m.price_derivative);
        }
        let adoption = [1.0, m.adoption_api, m.adoption_open];
        let ramp = adoption.map(|k| (0..RAMP_TABLE).map(|a| ramp_ln(k, a)).collect());
        DemandSystem {
            beta,
            alpha,
            weight: [m.frontier_weight, 1.0 - m.frontier_weight],
            lambda: m.nest_lambda,
            price,
            price_derivative: m.price_derivative,
            mode_shift,
            derivative_shift,
            xi_outside_api: m.xi_outside_api,
            adoption,
            ramp,
            regime_share,
        }
    }

    /// ln r(a): the adoption of a product of `mode` that has been on the market for `age`
    /// quarters (derivatives adopt as open weights do).
    #[inline]
    pub fn ramp(&self, mode: Mode, age: i64) -> f64 {
        let a = age.max(0) as usize;
        match self.ramp[mode.index()].get(a) {
            Some(&x) => x,
            None => ramp_ln(self.adoption[mode.index()], a),
        }
    }

    /// Whether products of `mode` ramp up at all (κ below 1).
    pub fn ramps(&self, mode: Mode) -> bool {
        self.adoption[mode.index()] < 1.0
    }

    /// What a product adds to its utility beyond capability and its mode: its owner's brand, the
    /// trust and access penalty of an API sold from outside, and its adoption.
    #[inline]
    pub fn product_shift(&self, brand: f64, outside: bool, mode: Mode, age: i64) -> f64 {
        let penalty = if outside && mode == Mode::Api { self.xi_outside_api } else { 0.0 };
        brand + penalty + self.ramp(mode, age)
    }

    /// A model version's shift in quarter `t`.
    #[inline]
    pub fn model_shift(&self, m: &ModelVersion, t: i64) -> f64 {
        self.product_shift(m.brand, m.outside, m.mode, t - m.released)
    }

    /// Utility of a developer's product in segment `g`, relative to capability `q_ref`.
    #[inline]
    pub fn utility(&self, g: usize, q: f64, q_ref: f64, brand: f64, mode: Mode) -> f64 {
        self.beta[g] * (q - q_ref) + brand + self.mode_shift[g][mode.index()]
    }

    /// Utility of a derivative product in segment `g`, relative to `q_ref`, `age` quarters after
    /// its entry.
    #[inline]
    pub fn derivative_utility(&self, g: usize, q: f64, q_ref: f64, age: i64) -> f64 {
        self.beta[g] * (q - q_ref) + self.derivative_shift[g] + self.ramp(Mode::Open, age)
    }
}

/// ln(1 − (1 − κ)^(a+1)); 0 for κ = 1.
fn ramp_ln(kappa: f64, age: usize) -> f64 {
    if kappa >= 1.0 {
        return 0.0;
    }
    fastmath::ln(1.0 - fastmath::pow(1.0 - kappa, (age + 1) as f64))
}

/// The market of one quarter: shares, spend and the sums decisions work against.
#[derive(Clone, Debug, Default)]
pub struct MarketState {
    /// Capability all utilities are measured from (keeps exponentials in range).
    pub q_ref: f64,
    /// Spend this quarter ($).
    pub demand: f64,
    /// Σ over nests of I_n^λ, per segment.
    pub total: [f64; SEGMENTS],
    /// Σ over nests of I_n^λ × (price-weighted within-nest share), per segment; total price
    /// index is `price_weighted / total`.
    pub price_weighted: [f64; SEGMENTS],
    /// Per model version: its nest's I_n^λ per segment (0 when off the market).
    pub nest_iv: Vec<[f64; SEGMENTS]>,
    /// Per model version: its nest's contribution to `price_weighted`.
    pub nest_pw: Vec<[f64; SEGMENTS]>,
    /// Per model version: its own share of use (0 when off the market).
    pub model_share: Vec<f64>,
    /// Per model version: its family's (nest's) share of use.
    pub family_share: Vec<f64>,
    /// Per model version: spend on it ($).
    pub model_spend: Vec<f64>,
    /// Per model version: whether derivatives sit in its nest.
    pub has_derivatives: Vec<bool>,
    /// Σ of I_n^λ of the nests absent from the regime's market, per segment.
    pub excluded: [f64; SEGMENTS],
    /// Their price-weighted counterpart.
    pub excluded_pw: [f64; SEGMENTS],
    /// Σ of I_n^λ of the nests present in the regime's market, and its price-weighted
    /// counterpart: the regime region's sums where the absent nests hold nearly all of the
    /// total, and `total − excluded` would have lost its precision.
    included: [f64; SEGMENTS],
    included_pw: [f64; SEGMENTS],
    /// Per derivative: share of use.
    pub derivative_share: Vec<f64>,
    /// Per derivative: spend ($).
    pub derivative_spend: Vec<f64>,
    /// Nested-logit consumer surplus ($ per quarter).
    pub consumer_surplus: f64,
    /// Model versions on the market at the last clearing.
    active: Vec<usize>,
    /// Derivatives on the market at the last clearing.
    active_derivs: Vec<usize>,
    inner: Vec<[f64; SEGMENTS]>,
    inner_pw: Vec<[f64; SEGMENTS]>,
    own_exp: Vec<[f64; SEGMENTS]>,
    own_u: Vec<[f64; SEGMENTS]>,
    deriv_exp: Vec<[f64; SEGMENTS]>,
    /// Per model version: ln of the factor its family's sums were divided by (0 for the plain
    /// sums; see `rescale_extreme_families`).
    log_offset: Vec<[f64; SEGMENTS]>,
}

impl MarketState {
    /// Recompute shares and spend for the products on the market in quarter `t`.
    pub fn compute(&mut self, ds: &DemandSystem, models: &[ModelVersion], derivs: &[Derivative], demand: f64, t: i64) {
        let n = models.len();
        self.demand = demand;
        let z = [0.0; SEGMENTS];
        // Only products on the market are visited: the per-product outputs of last quarter's
        // products are zeroed, every other entry is zero already, and new entries start at zero.
        // (Models and derivatives are never removed, so visiting them all would grow with time.)
        for &v in &self.active {
            self.nest_iv[v] = z;
            self.nest_pw[v] = z;
            self.log_offset[v] = z;
            self.has_derivatives[v] = false;
            self.model_share[v] = 0.0;
            self.family_share[v] = 0.0;
            self.model_spend[v] = 0.0;
        }
        for &d in &self.active_derivs {
            self.derivative_share[d] = 0.0;
            self.derivative_spend[d] = 0.0;
        }
        for v in [&mut self.inner, &mut self.inner_pw, &mut self.own_exp, &mut self.own_u, &mut self.nest_iv, &mut self.nest_pw, &mut self.log_offset] {
            v.resize(n, z);
        }
        self.has_derivatives.resize(n, false);
        for v in [&mut self.model_share, &mut self.family_share, &mut self.model_spend] {
            v.resize(n, 0.0);
        }
        self.deriv_exp.resize(derivs.len(), z);
        self.derivative_share.resize(derivs.len(), 0.0);
        self.derivative_spend.resize(derivs.len(), 0.0);
        self.active.clear();
        self.active.extend((0..n).filter(|&v| models[v].on_market));
        self.active_derivs.clear();
        self.active_derivs.extend((0..derivs.len()).filter(|&d| derivs[d].alive && models[derivs[d].base].on_market));
        self.q_ref = self.active.iter().map(|&v| models[v].q()).fold(f64::NEG_INFINITY, f64::max);
        if !self.q_ref.is_finite() {
            self.q_ref = 0.0;
        }
        let inv_lambda = 1.0 / ds.lambda;
        for &d in &self.active_derivs {
            self.has_derivatives[derivs[d].base] = true;
        }
        for &v in &self.active {
            let m = &models[v];
            let q = m.q();
            let shift = ds.model_shift(m, t);
            for g in 0..SEGMENTS {
                let u = ds.utility(g, q, self.q_ref, shift, m.mode);
                // A nest without derivatives has I^λ = e^u and within-nest share 1: one
                // exponential; a family needs e^{u/λ} to share its nest.
                let e = if self.has_derivatives[v] { fastmath::exp(u * inv_lambda) } else { 1.0 };
                self.own_u[v][g] = u;
                self.own_exp[v][g] = e;
                self.inner[v][g] = e;
                self.inner_pw[v][g] = ds.price[m.mode.index()] * e;
            }
        }
        for &d in &self.active_derivs {
            let dv = &derivs[d];
            let q = models[dv.base].q() + dv.uplift;
            for g in 0..SEGMENTS {
                let e = fastmath::exp(ds.derivative_utility(g, q, self.q_ref, t - dv.entered) * inv_lambda);
                self.deriv_exp[d][g] = e;
                self.inner[dv.base][g] += e;
                self.inner_pw[dv.base][g] += ds.price_derivative * e;
            }
        }
        self.rescale_extreme_families(ds, models, derivs, t);
        self.total = z;
        self.price_weighted = z;
        self.excluded = z;
        self.excluded_pw = z;
        self.included = z;
        self.included_pw = z;
        for &v in &self.active {
            let out = models[v].reach == Reach::StaysOut;
            for g in 0..SEGMENTS {
                let iv = if self.has_derivatives[v] {
                    let offset = self.log_offset[v][g];
                    if offset == 0.0 {
                        fastmath::exp(ds.lambda * fastmath::ln(self.inner[v][g]))
                    } else {
                        fastmath::exp(ds.lambda * (fastmath::ln(self.inner[v][g]) + offset))
                    }
                } else {
                    fastmath::exp(self.own_u[v][g])
                };
                self.nest_iv[v][g] = iv;
                // A family so far below the reference that every member's weight underflows has
                // no use (its true share is below e^-35), not an undefined one.
                self.nest_pw[v][g] = if self.inner[v][g] > 0.0 { iv * self.inner_pw[v][g] / self.inner[v][g] } else { 0.0 };
                self.total[g] += iv;
                self.price_weighted[g] += self.nest_pw[v][g];
                if out {
                    self.excluded[g] += iv;
                    self.excluded_pw[g] += self.nest_pw[v][g];
                } else {
                    self.included[g] += iv;
                    self.included_pw[g] += self.nest_pw[v][g];
                }
            }
        }
        // Regions: (weight, Σ I^λ, price-weighted Σ) of the rest of the world and, when some nest
        // stays out of it, of the regime's market; a nest absent there gets no use in it.
        let split = ds.regime_share > 0.0 && self.excluded.iter().any(|&e| e > 0.0);
        let n_regions = if split { 2 } else { 1 };
        let mut regions = [[(0.0, 0.0, 0.0); 2]; SEGMENTS];
        for (g, r) in regions.iter_mut().enumerate() {
            // The difference keeps the calibrated runs' bits; where the absent nests hold more
            // than 99.9% of the total it would lose its precision (shares of use summing to
            // 0.9999 in a property test), and the present nests' own sums are used.
            let (inside, inside_pw) = if self.excluded[g] > 0.999 * self.total[g] {
                (self.included[g], self.included_pw[g])
            } else {
                (self.total[g] - self.excluded[g], self.price_weighted[g] - self.excluded_pw[g])
            };
            *r = if split {
                [(1.0 - ds.regime_share, self.total[g], self.price_weighted[g]), (ds.regime_share, inside, inside_pw)]
            } else {
                [(1.0, self.total[g], self.price_weighted[g]), (0.0, 0.0, 0.0)]
            };
        }
        let mut cs = 0.0;
        for g in 0..SEGMENTS {
            for &(share, total, _) in &regions[g][..n_regions] {
                if share > 0.0 && total > 0.0 {
                    cs += share * ds.weight[g] * demand / ds.alpha[g].max(1e-9) * (fastmath::ln(total) + ds.beta[g] * self.q_ref);
                }
            }
        }
        self.consumer_surplus = cs;
        for &v in &self.active {
            let p = ds.price[models[v].mode.index()];
            let out = models[v].reach == Reach::StaysOut;
            for g in 0..SEGMENTS {
                // A family whose every weight underflowed has no use (see nest_pw above).
                if !(self.inner[v][g] > 0.0) {
                    continue;
                }
                for (r, &(share, total, pw)) in regions[g][..n_regions].iter().enumerate() {
                    if share <= 0.0 || total <= 0.0 || (r == 1 && out) {
                        continue;
                    }
                    let nest = share * self.nest_iv[v][g] / total;
                    let own = nest * self.own_exp[v][g] / self.inner[v][g];
                    self.family_share[v] += ds.weight[g] * nest;
                    self.model_share[v] += ds.weight[g] * own;
                    self.model_spend[v] += ds.weight[g] * demand * p * own * total / pw;
                }
            }
        }
        for &d in &self.active_derivs {
            let b = derivs[d].base;
            let out = models[b].reach == Reach::StaysOut;
            for g in 0..SEGMENTS {
                if !(self.inner[b][g] > 0.0) {
                    continue;
                }
                for (r, &(share, total, pw)) in regions[g][..n_regions].iter().enumerate() {
                    if share <= 0.0 || total <= 0.0 || (r == 1 && out) {
                        continue;
                    }
                    let s = share * self.nest_iv[b][g] / total * self.deriv_exp[d][g] / self.inner[b][g];
                    self.derivative_share[d] += ds.weight[g] * s;
                    self.derivative_spend[d] += ds.weight[g] * demand * ds.price_derivative * s * total / pw;
                }
            }
        }
    }

    /// Families whose sum of e^{u/λ} overflows or underflows (tastes, prices or quality shifts
    /// far from the defaults, with a small λ) are summed again relative to their largest member
    /// (log-sum-exp), so that their nest values and within-family shares stay defined. Every other
    /// family keeps the plain sums, bit for bit.
    fn rescale_extreme_families(&mut self, ds: &DemandSystem, models: &[ModelVersion], derivs: &[Derivative], t: i64) {
        // Far from f64's limits, not only beyond them: a subnormal sum has lost its precision.
        let extreme = |x: f64| !(x > 1e-250 && x < 1e250);
        let bad: Vec<usize> = self.active.iter().copied().filter(|&v| self.has_derivatives[v] && self.inner[v].iter().any(|&x| extreme(x))).collect();
        if bad.is_empty() {
            return;
        }
        let inv_lambda = 1.0 / ds.lambda;
        let mut members: Vec<usize> = self.active_derivs.iter().copied().filter(|&d| bad.binary_search(&derivs[d].base).is_ok()).collect();
        members.sort_by_key(|&d| (derivs[d].base, d));
        let mut start = 0;
        for &v in &bad {
            let end = start + members[start..].partition_point(|&d| derivs[d].base == v);
            let family = &members[start..end];
            start = end;
            let q_base = models[v].q();
            for g in 0..SEGMENTS {
                let u_of = |d: usize| ds.derivative_utility(g, q_base + derivs[d].uplift, self.q_ref, t - derivs[d].entered) * inv_lambda;
                let own = self.own_u[v][g] * inv_lambda;
                let top = family.iter().map(|&d| u_of(d)).fold(own, f64::max);
                let e = fastmath::exp(own - top);
                self.own_exp[v][g] = e;
                let (mut inner, mut inner_pw) = (e, ds.price[models[v].mode.index()] * e);
                for &d in family {
                    let x = fastmath::exp(u_of(d) - top);
                    self.deriv_exp[d][g] = x;
                    inner += x;
                    inner_pw += ds.price_derivative * x;
                }
                self.inner[v][g] = inner;
                self.inner_pw[v][g] = inner_pw;
                self.log_offset[v][g] = top;
            }
        }
    }

    /// Share of use a product with nest value `x` per segment would have if added to this market,
    /// weighted over segments (used for a closed model's internal use).
    pub fn counterfactual_share(&self, ds: &DemandSystem, x: [f64; SEGMENTS]) -> f64 {
        (0..SEGMENTS).map(|g| ds.weight[g] * x[g] / (x[g] + self.total[g])).sum()
    }
}

//! Step 2 and 3 of a quarter: developers, in keyed random order, train (choosing compute, release
//! mode and safety effort by a logit over expected profits) or widen access to their current model.

use crate::fastmath;
use super::decision::{logit_choice, Candidate, FirmView, OptionTerms, Valued, MAX_HORIZON};
use super::market::SEGMENTS;
use super::regulation;
use super::state::{Archetype, Mode, Reach};
use super::technology;
use super::Simulation;
use crate::rng::{Purpose, QuarterStreams, Stream};

/// One option of a training decision.
#[derive(Clone, Copy, Debug)]
pub(super) struct Choice {
    profit: f64,
    /// `None` for "keep the current model"; else the run to train.
    run: Option<Run>,
}

/// A training run chosen: compute, cost, release and how the regime reaches it, safety effort.
#[derive(Clone, Copy, Debug)]
pub(super) struct Run {
    log_flop: f64,
    cost: f64,
    mode: Mode,
    reach: Reach,
    safety: f64,
}

impl Simulation {
    pub(super) fn decide_all(&mut self) {
        self.prepare_context();
        let mut order = std::mem::take(&mut self.order_scratch);
        order.clear();
        let order_streams = QuarterStreams::new(self.seed, Purpose::Order, self.t);
        for (i, d) in self.devs.iter().enumerate() {
            if d.alive {
                order.push((order_streams.stream(d.id, 0).next_u64(), i));
            }
        }
        order.sort_unstable();
        let mut frontier = self.frontier_now();
        for &(_, i) in &order {
            let due = match self.devs[i].current {
                None => true,
                Some(c) => self.t - self.models[c].trained >= self.devs[i].cadence as i64,
            };
            if due {
                self.decide_training(i, &mut frontier);
            } else {
                self.consider_widening(i);
            }
        }
        self.order_scratch = order;
    }

    fn prepare_context(&mut self) {
        let pace = self.pace();
        self.ctx.t = self.t;
        self.rules.prepare(&self.s, &mut self.ctx, &self.demand, pace);
        self.ctx.q_ref = self.market.q_ref;
        self.ctx.total = self.market.total;
        self.ctx.price_weighted = self.market.price_weighted;
        self.ctx.q_open_frontier = self.q_open_frontier;
        let beta = self.rules.demand_system().beta[0];
        let q_ref = self.ctx.q_ref;
        self.ctx.open_weight = self
            .models
            .iter()
            .filter(|m| m.mode == Mode::Open)
            .map(|m| fastmath::exp(beta * (m.q() - q_ref)))
            .sum();
        self.ctx.derivative_rate = self.s.derivatives.entry_rate * self.derivative_attractiveness();
        self.ctx.price_per_flop = technology::price_per_flop(&self.s.technology, self.t);
        self.ctx.lambda0 = self.lambda0;
        self.ctx.q0 = self.q0;
    }

    /// The nest of developer `i`'s current model if a new model would take it off the market
    /// (API), as (I^λ, price-weighted) per segment.
    fn replaced_nest(&self, i: usize) -> Option<([f64; SEGMENTS], [f64; SEGMENTS])> {
        self.devs[i].current.and_then(|c| {
            let m = &self.models[c];
            (m.on_market && m.mode == Mode::Api && c < self.market.nest_iv.len())
                .then(|| (self.market.nest_iv[c], self.market.nest_pw[c]))
        })
    }

    fn firm_view(&self, i: usize) -> FirmView {
        let d = &self.devs[i];
        let a = self.archetype(d.archetype);
        let replaced_nest = self.replaced_nest(i);
        let api_penalty = if d.outside { fastmath::exp(self.s.market.xi_outside_api) } else { 1.0 };
        FirmView {
            outside: d.outside,
            mode_penalty: [1.0, api_penalty, 1.0],
            capital: d.capital,
            yearly_revenue: d.yearly_revenue(),
            brand: a.brand,
            brand_factor: fastmath::exp(a.brand),
            derivative_pull: fastmath::exp(-a.brand / self.s.market.nest_lambda),
            complement: a.complement,
            fixed_cost: a.fixed_cost,
            replaced_nest,
            violations: d.violations,
            capped_harm: None,
        }
    }

    /// The firm's view with what an actionable incident would cost it, for decisions among
    /// options some of which are covered. (Only covered options read it, and it costs two
    /// normal CDFs, so decisions without any are spared it.)
    fn with_capped_harm(&self, firm: FirmView) -> FirmView {
        FirmView { capped_harm: Some(self.rules.capped_harm(self.s.regime.harm_floor, firm.capital.max(0.0))), ..firm }
    }

    /// The current model `c` as a candidate: as it is (`mode` its own), or widened to `mode`
    /// with the regime reaching it as `reach`.
    fn current_candidate(&self, c: usize, mode: Mode, reach: Reach) -> Candidate {
        let m = &self.models[c];
        let (covered, age) = if mode == m.mode {
            (m.covered, self.t - m.released)
        } else {
            (regulation::covered_with(reach, regulation::is_covered(&self.s.regime, m.log_flop, m.cost)), 0)
        };
        Candidate { log_flop: m.log_flop, cost: m.cost, q: m.q(), mode, covered, new: false, reach, age }
    }

    pub(super) fn decide_training(&mut self, i: usize, frontier: &mut f64) {
        let mut firm = self.firm_view(i);
        let s = &self.s;
        let budget = s.firms.budget_capital_fraction * firm.capital.max(0.0) + firm.yearly_revenue;
        let max_cost = budget / s.firms.dev_cost_multiple;
        let pflop = self.ctx.price_per_flop;
        let top = libm::log10(max_cost / pflop);
        // The largest run's cost, as the grid computes it (≈ max_cost).
        let top_cost = fastmath::exp10(top) * pflop;
        if self.rules.liability() {
            // Coverage only grows with compute and cost, so the largest run decides whether any
            // new option is covered.
            let current_covered = self.devs[i].current.is_some_and(|c| self.models[c].covered);
            if current_covered || (max_cost > 0.0 && regulation::is_covered(&s.regime, top, top_cost)) {
                firm = self.with_capped_harm(firm);
            }
        }
        let rules = &self.rules;
        let ctx = &self.ctx;
        let mut options = std::mem::take(&mut self.options_scratch);
        let mut families = std::mem::take(&mut self.families_scratch);
        options.clear();
        let keep = match self.devs[i].current {
            Some(c) => {
                // Keeping the current model replaces its own nest, open or not.
                let m = &self.models[c];
                let on_market = m.on_market && c < self.market.nest_iv.len();
                let keeper = FirmView { replaced_nest: on_market.then(|| (self.market.nest_iv[c], self.market.nest_pw[c])), ..firm };
                rules.value(s, ctx, &keeper, &self.current_candidate(c, m.mode, m.reach), Some(m.safety)).profit
            }
            None => 0.0,
        };
        options.push(Choice { profit: keep, run: None });
        if max_cost > 0.0 {
            let step = s.decision.level_step;
            // Runs just below the thresholds are options only for firms the regime can reach.
            let reachable = !firm.outside || regulation::binds_outside(&s.regime);
            let points: Vec<f64> = if reachable { regulation::threshold_points(&s.regime, pflop).into_iter().filter(|&p| p < top).collect() } else { Vec::new() };
            let lowest = points.iter().copied().fold(top - step * (s.decision.levels.max(1) - 1) as f64, f64::min);
            let rivals = rules.rivals(ctx, &firm);
            let catch = self.catch_at_training(i);
            let frontier_now = *frontier;
            // Every option of one compute level: a macro rather than a closure taking a `dyn`
            // valuation, so that the valuation is inlined into the grid's loop (it runs for every
            // option of every decision).
            macro_rules! eval {
                ($lf:expr, $cost:expr, |$mode:ident, $c:ident| $value:expr) => {{
                    let (lf, cost): (f64, f64) = ($lf, $cost);
                    let q = distilled(technology::capability(&s.technology, lf, self.t), catch, frontier_now);
                    let covered = regulation::is_covered(&s.regime, lf, cost);
                    for $mode in Mode::ALL {
                        // Without complement value a closed model earns nothing, and every cost and
                        // expected liability grows with compute: its best level is provably the
                        // lowest, so the others are not evaluated.
                        if $mode == Mode::Closed && firm.complement == 0.0 && lf != lowest {
                            continue;
                        }
                        // A developer outside that the regime would bind chooses to comply or to
                        // stay out of its market: one option each.
                        let reaches: &[Reach] = if firm.outside { regulation::reach_options(&s.regime, true, covered, $mode, lf) } else { &[Reach::Home] };
                        for &reach in reaches {
                            let $c = &Candidate { log_flop: lf, cost, q, mode: $mode, covered: regulation::covered_with(reach, covered), new: true, reach, age: 0 };
                            let v: Valued = $value;
                            options.push(Choice { profit: v.profit, run: Some(Run { log_flop: lf, cost, mode: $mode, reach, safety: v.safety }) });
                        }
                    }
                }};
            }
            // The grid: nest values, costs and spillover factors follow from the level above by
            // one multiplication each.
            let q_top = technology::capability(&s.technology, top, self.t);
            let mut base = [0.0; SEGMENTS];
            for (g, b) in base.iter_mut().enumerate() {
                *b = fastmath::exp(rules.demand_system().beta[g] * (q_top - ctx.q_ref) + firm.brand);
            }
            // The open options' expected derivative families, worked out for every level before
            // any is valued: the chains of exp and ln behind them are independent of one another
            // and of the valuations, so they run side by side rather than each stalling one.
            families.clear();
            let mut b0 = base[0];
            for _ in 0..s.decision.levels {
                families.push(rules.family(ctx, &firm, b0 * rules.mode_factor(0, Mode::Open)));
                b0 *= rules.level_ratio(0);
            }
            let mut hazard = rules.hazard_factor(ctx, q_top);
            let mut cost = top_cost;
            let cost_ratio = fastmath::exp10(-step);
            let mut spill = [0.0; SEGMENTS * MAX_HORIZON];
            let lead_top = q_top - ctx.q_open_frontier;
            if lead_top > 0.0 {
                rules.spill_factors(ctx, lead_top, &mut spill);
            }
            for k in 0..s.decision.levels {
                let lf = top - step * k as f64;
                let leads = lead_top - step * k as f64 > 0.0;
                if catch > 0.0 {
                    // Distillation bends capability against compute: value each level directly.
                    eval!(lf, cost, |_mode, c| rules.value(s, ctx, &firm, c, None));
                    cost *= cost_ratio;
                    continue;
                }
                eval!(lf, cost, |mode, c| {
                    let mut x = [0.0; SEGMENTS];
                    for g in 0..SEGMENTS {
                        x[g] = base[g] * rules.mode_factor(g, mode) * firm.mode_penalty[mode.index()];
                    }
                    let sp = (mode == Mode::Open && leads).then_some(&spill[..]);
                    let family = Some(families[k as usize]);
                    rules.value_against(s, ctx, &firm, &rivals, c, &OptionTerms { x, spill: sp, hazard, family }, None)
                });
                for g in 0..SEGMENTS {
                    base[g] *= rules.level_ratio(g);
                }
                cost *= cost_ratio;
                hazard *= rules.hazard_level_ratio();
                if leads {
                    for (f, r) in spill.iter_mut().zip(&ctx.spill_step) {
                        *f *= r;
                    }
                }
            }
            for &lf in &points {
                let cost = fastmath::exp10(lf) * pflop;
                eval!(lf, cost, |_mode, c| rules.value(s, ctx, &firm, c, None));
            }
        }
        let best = options.iter().map(|o| o.profit).fold(f64::NEG_INFINITY, f64::max);
        let scale = best.abs().max(firm.yearly_revenue).max(1e6);
        let u = Stream::new(self.seed, Purpose::TrainingChoice, self.t, self.devs[i].id, 0).uniform();
        let pick = logit_choice(options.iter().map(|o| o.profit), s.decision.tau, scale, u, &mut self.weights_scratch);
        let run = options[pick].run;
        self.options_scratch = options;
        self.families_scratch = families;
        if let Some(run) = run {
            self.train(i, run, frontier);
        }
    }

    /// The share of its gap to the frontier a developer's new model closes by distillation when
    /// distillation happens at training (0 otherwise).
    fn catch_at_training(&self, i: usize) -> f64 {
        let t = &self.s.technology;
        if t.distillation_form == crate::scenario::DistillationForm::AtTraining {
            t.distillation * self.archetype(self.devs[i].archetype).fast_follower
        } else {
            0.0
        }
    }

    fn train(&mut self, i: usize, run: Run, frontier: &mut f64) {
        let Run { log_flop, cost, mode, reach, safety } = run;
        let q = distilled(technology::capability(&self.s.technology, log_flop, self.t), self.catch_at_training(i), *frontier);
        let old_nest = self.replaced_nest(i);
        let idx = self.add_model(i, log_flop, cost, q, self.t, mode, safety, reach);
        let covered = self.models[idx].covered;
        let f = &self.s.firms;
        let compliance = if covered { self.s.regime.compliance_var * cost } else { 0.0 };
        let outlay = f.dev_cost_multiple * cost + f.safety_cost * safety * cost + compliance;
        let d = &mut self.devs[i];
        d.capital -= outlay;
        d.flows.costs += outlay;
        d.ledger.outflows += outlay;
        self.totals.training += cost;
        self.totals.compliance += compliance;
        let reachable = !self.devs[i].outside || regulation::binds_outside(&self.s.regime);
        if reachable && regulation::is_bunched(&self.s.regime, log_flop, cost) {
            self.totals.bunching += 1.0;
        }
        if q > *frontier {
            *frontier = q;
            self.totals.new_top_cost = Some(self.totals.new_top_cost.map_or(cost, |c: f64| c.max(cost)));
        }
        if let Some((iv, pw)) = old_nest {
            for g in 0..SEGMENTS {
                self.ctx.total[g] -= iv[g];
                self.ctx.price_weighted[g] -= pw[g];
            }
        }
        self.enter_context(idx);
    }

    /// Add a model that has just reached the market to this quarter's decision context.
    fn enter_context(&mut self, idx: usize) {
        let m = &self.models[idx];
        if !m.on_market {
            return;
        }
        let ds = self.rules.demand_system();
        let shift = ds.model_shift(m, self.t);
        for g in 0..SEGMENTS {
            let x = fastmath::exp(ds.utility(g, m.q(), self.ctx.q_ref, shift, m.mode));
            self.ctx.total[g] += x;
            self.ctx.price_weighted[g] += ds.price[m.mode.index()] * x;
        }
        if m.mode == Mode::Open {
            self.ctx.open_weight += fastmath::exp(ds.beta[0] * (m.q() - self.ctx.q_ref));
            self.ctx.q_open_frontier = self.ctx.q_open_frontier.max(m.q());
            self.q_open_frontier = self.q_open_frontier.max(m.q());
        }
    }

    /// Between trainings a firm may widen access to its current model, never narrow it. It widens
    /// when a wider mode is worth strictly more over the horizon.
    fn consider_widening(&mut self, i: usize) {
        let Some(c) = self.devs[i].current else { return };
        let now = self.models[c].mode;
        if now == Mode::Open {
            return;
        }
        // A model coming to the market from outside may become covered by complying.
        let may_be_covered = self.models[c].covered || (self.devs[i].outside && regulation::is_covered(&self.s.regime, self.models[c].log_flop, self.models[c].cost));
        let firm = if self.rules.liability() && may_be_covered { self.with_capped_harm(self.firm_view(i)) } else { self.firm_view(i) };
        let safety = self.models[c].safety;
        // One set of rivals and one nest value for every mode: the modes differ by a factor.
        let rules = &self.rules;
        let rivals = rules.rivals(&self.ctx, &firm);
        let q = self.models[c].q();
        let mut base = [0.0; SEGMENTS];
        for (g, b) in base.iter_mut().enumerate() {
            *b = fastmath::exp(rules.demand_system().beta[g] * (q - self.ctx.q_ref) + firm.brand);
        }
        let mut spill = [0.0; SEGMENTS * MAX_HORIZON];
        let lead = q - self.ctx.q_open_frontier;
        if lead > 0.0 {
            rules.spill_factors(&self.ctx, lead, &mut spill);
        }
        let hazard = rules.hazard_factor(&self.ctx, q);
        let value = |mode: Mode, reach: Reach| {
            let mut x = [0.0; SEGMENTS];
            for g in 0..SEGMENTS {
                x[g] = base[g] * rules.mode_factor(g, mode) * firm.mode_penalty[mode.index()];
            }
            let sp = (mode == Mode::Open && lead > 0.0).then_some(&spill[..]);
            rules.value_against(&self.s, &self.ctx, &firm, &rivals, &self.current_candidate(c, mode, reach), &OptionTerms { x, spill: sp, hazard, family: None }, Some(safety)).profit
        };
        let m = &self.models[c];
        let reach_now = m.reach;
        let covered_test = regulation::is_covered(&self.s.regime, m.log_flop, m.cost);
        let mut best = (value(now, reach_now), now, reach_now);
        for mode in Mode::ALL.into_iter().filter(|&m| m > now) {
            // A model already sold keeps its standing with the regime; one coming to the market
            // from closed chooses it now.
            let reaches = if now == Mode::Closed { regulation::reach_options(&self.s.regime, firm.outside, covered_test, mode, m.log_flop) } else { std::slice::from_ref(&reach_now) };
            for &reach in reaches {
                let v = value(mode, reach);
                if v > best.0 {
                    best = (v, mode, reach);
                }
            }
        }
        if best.1 != now {
            if let Some((iv, pw)) = firm.replaced_nest {
                for g in 0..SEGMENTS {
                    self.ctx.total[g] -= iv[g];
                    self.ctx.price_weighted[g] -= pw[g];
                }
            }
            let t = self.t;
            let m = &mut self.models[c];
            m.mode = best.1;
            m.reach = best.2;
            m.covered = regulation::covered_with(best.2, covered_test);
            m.released = t;
            m.on_market = true;
            self.enter_context(c);
        }
    }

    /// Whether `dev` is one of the large archetypes (for the safety metrics).
    pub(super) fn is_large(&self, dev: usize) -> bool {
        matches!(self.devs[dev].archetype, Archetype::FrontierLab | Archetype::BigTech)
    }
}

/// Capability `q` moved `catch` of the way to the frontier, when below it.
fn distilled(q: f64, catch: f64, frontier: f64) -> f64 {
    if catch > 0.0 && q < frontier { q + catch * (frontier - q) } else { q }
}

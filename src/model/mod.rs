//! The simulation, in plain Rust: one [`Simulation`] is one replicate of one scenario.
//!
//! Each quarter (MODEL.md §4): demand and technology; developers decide in keyed random order
//! (train, or widen access); derivatives and developers enter; the market clears, incidents occur
//! and are paid for, money flows; firms exit; the quarter's metrics are recorded.

mod accounts;
pub mod decision;
mod entry;
mod harms;
mod incident_strata;
pub mod market;
mod record;
pub mod regulation;
pub mod state;
pub mod technology;
mod training;

use crate::fastmath;
use crate::metrics::RunMetrics;
use crate::rng::{Purpose, Stream};
use crate::scenario::Scenario;
use decision::{DecisionContext, DecisionRules};
use market::MarketState;
use state::{Archetype, Derivative, Developer, Flows, Mode, ModelVersion, Reach};

/// Agent-id namespaces, so that ids never collide across kinds of agent.
const ID_ENTRANT: u64 = 1 << 40;
const ID_DERIVATIVE: u64 = 2 << 40;

/// Totals of one quarter that feed the metrics.
#[derive(Clone, Copy, Debug, Default)]
pub struct QuarterTotals {
    /// Incidents.
    pub incidents: f64,
    /// Harm ($).
    pub harm: f64,
    /// Critical incidents.
    pub critical: f64,
    /// Damages and penalties paid ($).
    pub liability_paid: f64,
    /// Compliance and duties paid ($).
    pub compliance: f64,
    /// Final-run costs of this quarter's runs ($).
    pub training: f64,
    /// Largest final-run cost among runs that raised the frontier ($), if any.
    pub new_top_cost: Option<f64>,
    /// Developer entries.
    pub entries: f64,
    /// Derivative entries.
    pub derivative_entries: f64,
    /// Developer exits.
    pub exits: f64,
    /// Developers bankrupted by liability.
    pub liability_bankruptcies: f64,
    /// Runs bunched below a threshold.
    pub bunching: f64,
    /// Derivatives' pooled profit (fine-tune spend left out) and revenue.
    pub derivative_profit: f64,
    /// Derivatives' pooled revenue.
    pub derivative_revenue: f64,
}

/// One replicate of a scenario.
pub struct Simulation {
    s: Scenario,
    seed: u64,
    t: i64,
    rules: DecisionRules,
    demand: Vec<f64>,
    /// Developers (alive and exited; indices are stable).
    pub devs: Vec<Developer>,
    /// Every model version trained (indices are stable).
    pub models: Vec<ModelVersion>,
    /// Derivative builders (alive and exited).
    pub derivs: Vec<Derivative>,
    /// The last cleared market.
    pub market: MarketState,
    ctx: DecisionContext,
    lambda0: f64,
    q0: f64,
    q_open_frontier: f64,
    /// Running maximum of the frontier by quarter, from the oldest initial model on.
    frontier_hist: Vec<(i64, f64)>,
    /// Pooled (profit, revenue) of derivatives over the last four quarters.
    derivative_ring: [(f64, f64); 4],
    /// Pooled (profit, capital) of startups over the last four quarters.
    startup_ring: [(f64, f64); 4],
    totals: QuarterTotals,
    severity: harms::Severity,
    /// Recorded metrics.
    pub metrics: RunMetrics,
    order_scratch: Vec<(u64, usize)>,
    options_scratch: Vec<training::Choice>,
    weights_scratch: Vec<f64>,
    families_scratch: Vec<decision::Family>,
}

impl Simulation {
    /// The initial state of replicate `seed` of a (valid) scenario.
    pub fn new(scenario: &Scenario, seed: u64) -> Self {
        let s = scenario.clone();
        let quarters = s.simulation.quarters as usize;
        let horizon = s.decision.horizon as usize;
        let demand = technology::demand_path(&s.market, quarters + horizon + 1);
        let rules = DecisionRules::new(&s);
        let mut sim = Simulation {
            seed,
            t: 0,
            rules,
            demand,
            devs: Vec::new(),
            models: Vec::new(),
            derivs: Vec::new(),
            market: MarketState::default(),
            ctx: DecisionContext::default(),
            lambda0: 0.0,
            q0: 0.0,
            q_open_frontier: f64::NEG_INFINITY,
            frontier_hist: Vec::new(),
            derivative_ring: [(0.0, 0.0); 4],
            startup_ring: [(0.0, 0.0); 4],
            totals: QuarterTotals::default(),
            metrics: RunMetrics::with_capacity(quarters),
            order_scratch: Vec::new(),
            options_scratch: Vec::new(),
            weights_scratch: Vec::new(),
            families_scratch: Vec::new(),
            severity: harms::Severity::new(&s),
            s,
        };
        sim.init_firms();
        sim.init_derivatives();
        sim.market.compute(sim.rules.demand_system(), &sim.models, &sim.derivs, sim.demand[0], 0);
        sim.calibrate_incidents();
        sim.init_revenue_history();
        sim
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.s
    }

    /// The current quarter (0 before the first step).
    pub fn quarter(&self) -> i64 {
        self.t
    }

    fn archetype(&self, a: Archetype) -> &crate::scenario::Archetype {
        self.s.archetypes()[a as usize].1
    }

    fn init_firms(&mut self) {
        let tech = self.s.technology.clone();
        let mut id = 0u64;
        for a in Archetype::ALL {
            let p = self.archetype(a).clone();
            for k in 0..p.count {
                let mut rng = Stream::new(self.seed, Purpose::Init, 0, id, 0);
                let log_flop = p.log_flop_min + (p.log_flop_max - p.log_flop_min) * rng.uniform();
                let age = (rng.uniform() * 4.0) as i64; // 0–3 quarters
                let trained = -age.min(3);
                let mode = if k < p.open_at_start { Mode::Open } else { Mode::Api };
                let cost = fastmath::exp10(log_flop) * technology::price_per_flop(&tech, trained);
                let dev = self.devs.len();
                self.devs.push(Developer::new(id, a, p.outside, p.capital));
                let safety = self.s.firms.initial_safety;
                // Models on the market when a regime starts keep selling there: those it binds comply.
                let covered = regulation::is_covered(&self.s.regime, log_flop, cost);
                let reach = regulation::reach_options(&self.s.regime, p.outside, covered, mode, log_flop)[0];
                self.add_model(dev, log_flop, cost, technology::capability(&tech, log_flop, trained), trained, mode, safety, reach);
                id += 1;
            }
        }
        // Frontier history before the start, from the initial models' training quarters.
        let oldest = self.models.iter().map(|m| m.trained).min().unwrap_or(0);
        let mut best = f64::NEG_INFINITY;
        for tau in oldest..=0 {
            for m in self.models.iter().filter(|m| m.trained == tau) {
                best = best.max(m.q());
            }
            self.frontier_hist.push((tau, best));
        }
        self.q0 = best;
    }

    /// Register a new model version as `dev`'s current model; returns its index.
    #[allow(clippy::too_many_arguments)] // a model version's fields
    fn add_model(&mut self, dev: usize, log_flop: f64, cost: f64, q: f64, trained: i64, mode: Mode, safety: f64, reach: Reach) -> usize {
        let d = &mut self.devs[dev];
        let key = d.id.wrapping_mul(1 << 12).wrapping_add(d.versions);
        d.versions += 1;
        let cadence_rng = &mut Stream::new(self.seed, Purpose::Cadence, trained, d.id, d.versions);
        let (lo, hi) = (self.s.decision.cadence_min, self.s.decision.cadence_max);
        d.cadence = lo + ((cadence_rng.uniform() * (hi - lo + 1) as f64) as u32).min(hi - lo);
        let brand = self.s.archetypes()[d.archetype as usize].1.brand;
        let outside = d.outside;
        let covered = regulation::covered_with(reach, regulation::is_covered(&self.s.regime, log_flop, cost));
        let idx = self.models.len();
        if let Some(old) = d.current {
            // Superseded API models leave the market; open weights stay available.
            if self.models[old].mode != Mode::Open {
                self.models[old].on_market = false;
            }
        }
        d.current = Some(idx);
        self.models.push(ModelVersion {
            owner: dev,
            key,
            log_flop,
            cost,
            trained,
            q_base: q,
            flywheel: 0.0,
            flywheel_cum: 0.0,
            mode,
            safety,
            covered,
            on_market: mode != Mode::Closed,
            brand,
            outside,
            reach,
            released: trained,
        });
        if mode == Mode::Open {
            self.q_open_frontier = self.q_open_frontier.max(q);
        }
        idx
    }

    fn calibrate_incidents(&mut self) {
        let h = &self.s.harms;
        let mut weight = 0.0;
        for (v, m) in self.models.iter().enumerate() {
            if m.on_market {
                weight += self.market.model_share[v] * harms::hazard(h, m.mode, m.q(), self.q0, m.safety);
            }
        }
        for (d, dv) in self.derivs.iter().enumerate() {
            let b = &self.models[dv.base];
            weight += self.market.derivative_share[d] * harms::hazard(h, Mode::Open, b.q() + dv.uplift, self.q0, b.safety);
        }
        self.lambda0 = if weight > 0.0 { h.incidents0 / weight } else { 0.0 };
    }

    fn init_revenue_history(&mut self) {
        self.book_revenue_only();
        for d in &mut self.devs {
            let r = d.flows.revenue;
            d.revenue_hist = [r; 4];
            d.flows = Flows::default();
        }
    }

    /// Run every quarter of the horizon and return the metrics.
    pub fn run(mut self) -> RunMetrics {
        for _ in 0..self.s.simulation.quarters {
            self.step();
        }
        self.metrics
    }

    /// Advance one quarter.
    pub fn step(&mut self) {
        self.totals = QuarterTotals::default();
        for d in &mut self.devs {
            d.flows = Flows::default();
        }
        self.advance_technology();
        self.decide_all();
        self.enter_derivatives();
        self.enter_developers();
        let t = self.t as usize;
        self.market.compute(self.rules.demand_system(), &self.models, &self.derivs, self.demand[t], self.t);
        self.settle_accounts();
        self.incidents_and_liability();
        self.exits();
        self.record();
        self.t += 1;
    }

    /// Spillover toward the open frontier, the community flywheel and catch-up by distillation
    /// (step 1).
    fn advance_technology(&mut self) {
        let tech = &self.s.technology;
        // Flywheel from last quarter's derivative use.
        if tech.flywheel_max > 0.0 && self.t > 0 {
            for (d, dv) in self.derivs.iter().enumerate() {
                if dv.alive {
                    if let Some(share) = self.market.derivative_share.get(d) {
                        self.models[dv.base].flywheel_cum += share;
                    }
                }
            }
            for m in self.models.iter_mut().filter(|m| m.mode == Mode::Open) {
                m.flywheel = tech.flywheel_max * (m.flywheel_cum / tech.flywheel_full).min(1.0);
                self.q_open_frontier = self.q_open_frontier.max(m.q());
            }
        }
        let q_of = self.q_open_frontier;
        if tech.spillover > 0.0 && q_of.is_finite() {
            for d in self.devs.iter().filter(|d| d.alive) {
                if let Some(c) = d.current {
                    let m = &mut self.models[c];
                    let q = m.q();
                    if q < q_of {
                        m.q_base += tech.spillover * (q_of - q);
                    }
                }
            }
        }
        self.catch_up();
    }

    /// Fast followers' current models close part of their gap to the frontier (distillation from
    /// frontier models' outputs): χ_F × the archetype's weight each quarter; an open one may move
    /// the open frontier.
    fn catch_up(&mut self) {
        let chi = self.s.technology.distillation;
        if chi <= 0.0 || self.s.technology.distillation_form != crate::scenario::DistillationForm::EachQuarter {
            return;
        }
        let frontier = self.frontier_now();
        for i in 0..self.devs.len() {
            let d = &self.devs[i];
            let w = self.archetype(d.archetype).fast_follower;
            let Some(c) = d.current.filter(|_| d.alive && w > 0.0) else { continue };
            let m = &mut self.models[c];
            let q = m.q();
            if q < frontier {
                m.q_base += chi * w * (frontier - q);
                if m.mode == Mode::Open {
                    self.q_open_frontier = self.q_open_frontier.max(m.q());
                }
            }
        }
    }

    /// The frontier's trailing four-quarter pace (OOM per quarter), or the default before there
    /// are four quarters of history.
    fn pace(&self) -> f64 {
        let n = self.frontier_hist.len();
        if self.t < 4 || n < 5 {
            return self.s.decision.default_pace;
        }
        (self.frontier_hist[n - 1].1 - self.frontier_hist[n - 5].1) / 4.0
    }

    /// Best capability among alive developers' current models.
    fn frontier_now(&self) -> f64 {
        self.devs
            .iter()
            .filter(|d| d.alive)
            .filter_map(|d| d.current)
            .map(|c| self.models[c].q())
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

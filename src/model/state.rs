//! The agents and their state.

/// How a model is released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    /// Not sold; used internally only.
    Closed,
    /// Sold through an API.
    Api,
    /// Weights published; hosted by third parties.
    Open,
}

impl Mode {
    /// All modes, narrowest first (access may widen along this order, never narrow).
    pub const ALL: [Mode; 3] = [Mode::Closed, Mode::Api, Mode::Open];

    /// Index into per-mode arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Developer archetypes, in the order of [`crate::scenario::Scenario::archetypes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Archetype {
    /// Frontier lab.
    FrontierLab = 0,
    /// Big technology firm.
    BigTech = 1,
    /// Well-funded challenger.
    Challenger = 2,
    /// Startup (also every entrant).
    Startup = 3,
    /// Open-weights lab based outside the regime's jurisdiction.
    ForeignOpenLab = 4,
}

impl Archetype {
    /// All archetypes in scenario order.
    pub const ALL: [Archetype; 5] = [Archetype::FrontierLab, Archetype::BigTech, Archetype::Challenger, Archetype::Startup, Archetype::ForeignOpenLab];
}

/// Where a model stands with the regime (MODEL.md §8.4: home and reach).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Its developer is inside the regime's jurisdiction: the regime applies as written.
    Home,
    /// Its developer is outside, and the regime asks nothing of this model (it does not bind
    /// developers outside, or the model owes it nothing, or the model is not sold).
    Untouched,
    /// Outside, bound, and complying: duties paid, liability and penalties collected in part
    /// (`regime.foreign_enforcement`).
    Complies,
    /// Outside, bound, and staying out of the regime's market (`regime.market_share` of demand).
    StaysOut,
}

/// One trained model version.
#[derive(Clone, Debug)]
pub struct ModelVersion {
    /// Index of the developer that trained it.
    pub owner: usize,
    /// Stable key for random draws: (owner's agent id, version number).
    pub key: u64,
    /// Final-run compute, log10 FLOP.
    pub log_flop: f64,
    /// Final-run cost, $.
    pub cost: f64,
    /// Quarter trained (negative for models that predate the start).
    pub trained: i64,
    /// Capability from training plus spillover gains, log10 effective FLOP.
    pub q_base: f64,
    /// Community flywheel gain, OOM.
    pub flywheel: f64,
    /// Derivatives' cumulative share-quarters (drives the flywheel).
    pub flywheel_cum: f64,
    /// Release mode (may only widen).
    pub mode: Mode,
    /// Safety effort, 0–1.
    pub safety: f64,
    /// Covered by the regime.
    pub covered: bool,
    /// On the market (API or open weights, and not withdrawn).
    pub on_market: bool,
    /// Brand shift of its owner's archetype.
    pub brand: f64,
    /// Its developer is outside the regime's jurisdiction.
    pub outside: bool,
    /// How the regime reaches it.
    pub reach: Reach,
    /// Quarter it reached the market in its current mode (adoption starts then).
    pub released: i64,
}

impl ModelVersion {
    /// Capability, log10 effective FLOP.
    #[inline]
    pub fn q(&self) -> f64 {
        self.q_base + self.flywheel
    }
}

/// A foundation-model developer.
#[derive(Clone, Debug)]
pub struct Developer {
    /// Stable agent id for random draws.
    pub id: u64,
    /// Archetype.
    pub archetype: Archetype,
    /// Based outside the regime's jurisdiction.
    pub outside: bool,
    /// Capital, $.
    pub capital: f64,
    /// Index of the current model, if any.
    pub current: Option<usize>,
    /// Quarters the current model stays current before the firm reconsiders.
    pub cadence: u32,
    /// Revenue of the last four quarters (ring buffer), $.
    pub revenue_hist: [f64; 4],
    /// Alive.
    pub alive: bool,
    /// Consecutive quarters with capital below the exit runway.
    pub low_capital_quarters: u32,
    /// Penalised violations so far (for repeat penalties).
    pub violations: u32,
    /// Models trained so far (version numbers for keys).
    pub versions: u64,
    /// This quarter's flows, reset each quarter.
    pub flows: Flows,
    /// Capital at the start plus every inflow, minus every outflow, since the start.
    pub ledger: Ledger,
}

impl Developer {
    /// A developer entering with `capital` and no model yet.
    pub fn new(id: u64, archetype: Archetype, outside: bool, capital: f64) -> Self {
        Developer {
            id,
            archetype,
            outside,
            capital,
            current: None,
            cadence: 0,
            revenue_hist: [0.0; 4],
            alive: true,
            low_capital_quarters: 0,
            violations: 0,
            versions: 0,
            flows: Flows::default(),
            ledger: Ledger { initial: capital, ..Ledger::default() },
        }
    }

    /// Revenue of the last four quarters, $.
    pub fn yearly_revenue(&self) -> f64 {
        self.revenue_hist.iter().sum()
    }
}

/// One quarter's money flows of a developer.
#[derive(Clone, Copy, Debug, Default)]
pub struct Flows {
    /// Revenue (API spend, open take, complement value), $.
    pub revenue: f64,
    /// Development, safety, serving, fixed, compliance costs, $.
    pub costs: f64,
    /// Values of openness (income, not revenue), $.
    pub openness: f64,
    /// Liability paid (damages and penalties), $.
    pub liability: f64,
    /// Funding received, $.
    pub funding: f64,
}

/// Running totals for the capital-accounting invariant.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ledger {
    /// Capital at entry or start, $.
    pub initial: f64,
    /// Everything that came in, $.
    pub inflows: f64,
    /// Everything that went out, $.
    pub outflows: f64,
}

/// A derivative builder (fine-tuner) and its product.
#[derive(Clone, Debug)]
pub struct Derivative {
    /// Stable agent id for random draws.
    pub id: u64,
    /// Index of the base model version.
    pub base: usize,
    /// Fine-tune spend, $.
    pub spend: f64,
    /// Capability uplift over the base, OOM.
    pub uplift: f64,
    /// Capital, $.
    pub capital: f64,
    /// Reclassified as a developer under the regime's fine-tune rule.
    pub reclassified: bool,
    /// Quarter it entered (adoption starts then).
    pub entered: i64,
    /// Alive.
    pub alive: bool,
}

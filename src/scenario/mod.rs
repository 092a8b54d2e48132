//! What a user sets: every parameter of the model, with its default, unit and source.
//!
//! A [`Scenario`] is plain data (serde). Units: money in US dollars, compute thresholds in log10
//! FLOP, time in quarters unless a name says `_per_year`. Defaults are those of `docs/MODEL.md`;
//! the full table of ranges and sources is [`spec::param_specs`], which validation, the CLI's
//! `params` command and the web front end all read.
//!
//! Thresholds that can be switched off are `Option<f64>`: `None` (JSON `null`) means "infinite",
//! i.e. the test never holds.

mod flatten;
pub mod migrate;
mod overrides;
pub mod shape;
mod presets;
pub mod spec;
mod validate;
pub mod work;

pub use overrides::{apply_json_overlay, apply_set, from_value, parse_scenario_json, preset_or_error, short_json, ScenarioError};
pub use presets::{preset, preset_description, PRESET_NAMES};
pub use flatten::numeric_fields;
pub use validate::{show_number, validate, FieldError, MAX_QUARTERS, MAX_REPLICATES};

use serde::{Deserialize, Serialize};

/// Version of the scenario format; bumped whenever a field changes meaning. Version 2 is model
/// v1.4 (developers outside a regime's reach, adoption, distillation, a new calibration); version
/// 1 scenarios are mapped onto it by [`migrate`].
pub const SCHEMA_VERSION: u32 = 2;

/// A complete scenario: regime, market, technology, firms, harms, decisions and the run settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// Scenario format version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Informational label: the preset this scenario came from, or "custom (based on …)".
    pub label: String,
    /// Run settings: horizon, replicates, seed.
    pub simulation: Simulation,
    /// The regulatory regime.
    pub regime: Regime,
    /// Demand and the nested-logit market.
    pub market: Market,
    /// Compute prices, algorithmic progress, spillover.
    pub technology: Technology,
    /// The four developer archetypes and firm-level economics.
    pub firms: Firms,
    /// Derivative builders (fine-tuners).
    pub derivatives: Derivatives,
    /// Developer entry and exit.
    pub entry: Entry,
    /// Incidents, severity, courts.
    pub harms: Harms,
    /// The training and release decision.
    pub decision: Decision,
}

/// Run settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Simulation {
    /// First simulated year (quarter 1 of it).
    pub start_year: u32,
    /// Horizon in quarters (1–200).
    pub quarters: u32,
    /// Replicates in an ensemble.
    pub replicates: u32,
    /// Scenario seed; replicate seeds derive from it (0 to 2^53 − 1, so JavaScript keeps it exact).
    pub seed: u64,
    /// With parameter uncertainty: replicate i takes the calibrated parameters it has not been
    /// given other values of from accepted set i (mod n) of the calibration
    /// (`crate::calibration`), so bands hold both chance and what is not known.
    pub uncertainty: bool,
}

/// How the two coverage tests (compute and cost of the final run) combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverRule {
    /// Covered when compute AND cost exceed their thresholds (SB 1047).
    And,
    /// Covered when compute OR cost exceeds its threshold.
    Or,
    /// Covered when compute exceeds its threshold; cost is ignored (SB 53, EU AI Act).
    ComputeOnly,
    /// Every model and derivative is covered (no thresholds, no reclassification).
    All,
}

/// When a fine-tuner becomes a developer in its own right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FineTuneRule {
    /// Never reclassified.
    None,
    /// Fine-tune spend above `ft_cost` AND fine-tune compute above `ft_log_flop` (SB 1047).
    CostAndCompute,
    /// Fine-tune compute above `ft_fraction` of the base's (EU GPAI guidelines).
    Fraction,
}

/// Standard of liability for harms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiabilityRule {
    /// Nobody pays.
    None,
    /// The responsible developer pays when found below due care.
    Negligence,
    /// The responsible developer always pays.
    Strict,
}

/// The regulatory regime. See `docs/MODEL.md` §Regulation for the sources of each preset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Regime {
    /// Compute coverage threshold, log10 FLOP of the final run ("more than"); null = infinite.
    pub cover_log_flop: Option<f64>,
    /// Cost coverage threshold, dollars of the final run ("more than"); null = infinite.
    pub cover_cost: Option<f64>,
    /// How the compute and cost tests combine.
    pub cover_rule: CoverRule,
    /// Yearly revenue above which `compliance_fixed` applies ($/yr); null = applies to all covered.
    pub revenue_test: Option<f64>,
    /// Reclassification of fine-tuners as developers.
    pub ft_rule: FineTuneRule,
    /// Fine-tune spend threshold for `cost_and_compute` ($).
    pub ft_cost: f64,
    /// Fine-tune compute threshold for `cost_and_compute` (log10 FLOP).
    pub ft_log_flop: f64,
    /// Fine-tune compute threshold for `fraction`, as a fraction of the base's compute.
    pub ft_fraction: f64,
    /// Harms of non-reclassified derivatives of covered bases are charged to the base's developer.
    pub derivative_liability: bool,
    /// Liability standard.
    pub liability_rule: LiabilityRule,
    /// Smallest harm that is actionable ($).
    pub harm_floor: f64,
    /// Safety effort a court takes as due care (0–1).
    pub due_care: f64,
    /// Penalty as a fraction of the final run's cost, first violation.
    pub penalty_frac_cost: f64,
    /// Penalty as a fraction of the final run's cost, later violations by the same developer.
    pub penalty_frac_cost_repeat: f64,
    /// Fixed penalty, or the floor of the turnover-based one ($).
    pub penalty_fixed: f64,
    /// Penalty as a fraction of yearly revenue.
    pub penalty_turnover: f64,
    /// Compliance cost per covered current model per quarter ($).
    pub compliance_fixed: f64,
    /// Compliance cost at release, as a fraction of the final run's cost (fine-tune spend for
    /// reclassified derivatives).
    pub compliance_var: f64,
    /// General-purpose-model duty threshold (log10 FLOP); null = infinite.
    pub gpai_log_flop: Option<f64>,
    /// General-purpose-model duty per quarter per model above `gpai_log_flop` ($).
    pub gpai_duty: f64,
    /// Open-weights models at or below this compute owe no GPAI duty (log10 FLOP); null = no waiver.
    pub gpai_open_exempt_log_flop: Option<f64>,
    /// Share of world demand in the regime's market: what a developer outside its jurisdiction
    /// gives up by staying out of it.
    pub market_share: f64,
    /// Whether the regime binds developers outside its jurisdiction that sell in its market.
    pub binds_outside: bool,
    /// How far liability and penalties are enforced against developers outside (0–1): the
    /// fraction of what they owe that is collected.
    pub foreign_enforcement: f64,
}

/// Demand and the nested-logit market (two user segments).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Market {
    /// Model spend in the first quarter ($ per quarter).
    pub demand0: f64,
    /// Yearly demand growth factor in the first year.
    pub growth_first: f64,
    /// Yearly demand growth factor from the tenth year on (log-linear in between).
    pub growth_last: f64,
    /// Share of spend from frontier users (the rest is commodity users).
    pub frontier_weight: f64,
    /// Frontier users' taste for capability (utility per order of magnitude).
    pub beta_frontier: f64,
    /// Frontier users' price sensitivity.
    pub alpha_frontier: f64,
    /// Commodity users' taste for capability.
    pub beta_commodity: f64,
    /// Commodity users' price sensitivity.
    pub alpha_commodity: f64,
    /// Nesting parameter (1 = plain logit; smaller = families are closer substitutes inside).
    pub nest_lambda: f64,
    /// Price of API access (relative units).
    pub price_api: f64,
    /// Price of hosted open-weights models (relative to API).
    pub price_open: f64,
    /// Price of a derivative's hosted product (relative to API).
    pub price_derivative: f64,
    /// Quality shift of API products.
    pub xi_api: f64,
    /// Quality shift of open-weights products.
    pub xi_open: f64,
    /// Quality shift of derivative products over open weights' (`xi_open`): a fine-tune is
    /// itself open weights hosted by others, plus its specialisation.
    pub derivative_premium: f64,
    /// Serving cost as a fraction of revenue (API models and derivatives).
    pub serving_cost: f64,
    /// Developer's take of an open model's spend (hosting deals, services).
    pub phi_open: f64,
    /// Host's margin on a derivative's spend.
    pub host_margin: f64,
    /// A closed model's internal use, as a fraction of the share it would have as an API product.
    pub internal_share: f64,
    /// Quality shift of API products of developers outside the regime's jurisdiction (trust,
    /// access); their weights, hosted by others, do not carry it.
    pub xi_outside_api: f64,
    /// Adoption speed of open weights and derivatives: a product a quarters on the market has
    /// ln(1 − (1 − κ)^(a+1)) added to its utility.
    pub adoption_open: f64,
    /// Adoption speed of API products (1: full use from launch).
    pub adoption_api: f64,
}

/// Compute prices and capability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Technology {
    /// Cost per FLOP in the first quarter ($).
    pub price_per_flop0: f64,
    /// Yearly fall in the cost per FLOP (fraction).
    pub price_decline_per_year: f64,
    /// Algorithmic progress (orders of magnitude of effective compute per year).
    pub algo_progress_per_year: f64,
    /// Fraction of the gap to the open frontier a developer closes each quarter.
    pub spillover: f64,
    /// Largest capability gain of an open model from its derivatives (OOM).
    pub flywheel_max: f64,
    /// Derivatives' cumulative share-quarters that give the full flywheel gain.
    pub flywheel_full: f64,
    /// Fraction of its gap to the frontier that a fast follower closes by distillation from
    /// frontier models' outputs, times its archetype's weight: each quarter, or when it trains.
    pub distillation: f64,
    /// When distillation closes the gap.
    pub distillation_form: DistillationForm,
}

/// When a fast follower's distillation from frontier models closes its gap to the frontier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistillationForm {
    /// Its current model closes the gap each quarter, whether or not it trains (MODEL.md §8.4).
    EachQuarter,
    /// A model it trains starts that much closer to the frontier; between trainings it falls
    /// behind like any other (distillation is part of a training run).
    AtTraining,
}

/// One developer archetype.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Archetype {
    /// Number of firms at the start.
    pub count: u32,
    /// Capital at the start ($).
    pub capital: f64,
    /// Lowest final-run compute of the current model at the start (log10 FLOP).
    pub log_flop_min: f64,
    /// Highest final-run compute of the current model at the start (log10 FLOP).
    pub log_flop_max: f64,
    /// Brand quality shift.
    pub brand: f64,
    /// Complement value of its models' use (fraction of total spend per share of use).
    pub complement: f64,
    /// Fixed cost per quarter ($).
    pub fixed_cost: f64,
    /// How many of them release open weights at the start.
    pub open_at_start: u32,
    /// Based outside the regime's jurisdiction.
    #[serde(default)]
    pub outside: bool,
    /// Weight of catch-up by distillation (0: none; 1: the full `technology.distillation`).
    #[serde(default)]
    pub fast_follower: f64,
}

/// The four archetypes and firm-level economics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Firms {
    /// Frontier labs.
    pub frontier_lab: Archetype,
    /// Big technology firms.
    pub big_tech: Archetype,
    /// Well-funded challengers.
    pub challenger: Archetype,
    /// Startups (also the archetype of entrants).
    pub startup: Archetype,
    /// Open-weights labs based outside the regime's jurisdiction (the 2025 open frontier abroad).
    pub foreign_open_lab: Archetype,
    /// Development cost of a run as a multiple of its final-run cost.
    pub dev_cost_multiple: f64,
    /// Yearly reputation value of an open release, as a fraction of its final-run cost.
    pub open_reputation: f64,
    /// Quarterly talent and funding value of being open, as a fraction of fixed cost.
    pub open_talent: f64,
    /// Share of each quarter's market spend that developers outside receive from their home
    /// market, split among those alive.
    pub home_revenue_share: f64,
    /// Funding received per dollar of revenue.
    pub funding_rate: f64,
    /// Most funding a firm receives in a quarter ($).
    pub funding_cap: f64,
    /// Fraction of capital a training run's budget may use (plus next year's expected revenue).
    pub budget_capital_fraction: f64,
    /// Safety effort of the initial models (0–1).
    pub initial_safety: f64,
    /// Cost of safety effort s: `safety_cost × s ×` final-run cost.
    pub safety_cost: f64,
}

/// Derivative builders.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Derivatives {
    /// Derivatives at the start.
    pub initial: u32,
    /// Mean entries per quarter at attractiveness 1.
    pub entry_rate: f64,
    /// Median fine-tune spend ($).
    pub spend_median: f64,
    /// Log-scale sigma of fine-tune spend.
    pub spend_sigma: f64,
    /// Capability uplift per log10(1 + spend/$1M) (OOM).
    pub uplift_per_log_spend: f64,
    /// Largest capability uplift (OOM).
    pub uplift_max: f64,
    /// Fixed cost per quarter ($).
    pub fixed_cost: f64,
    /// Quarters of fixed cost a derivative starts with, beyond its fine-tune spend.
    pub runway_quarters: f64,
}

/// Developer entry and exit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Entry {
    /// Mean entries per quarter at attractiveness 1.
    pub rate: f64,
    /// Median seed capital of an entrant ($).
    pub seed_capital_median: f64,
    /// Log-scale sigma of seed capital.
    pub seed_capital_sigma: f64,
    /// A developer exits when its capital stays below this many quarters of fixed cost…
    pub exit_runway_quarters: f64,
    /// …for this many quarters running.
    pub exit_patience_quarters: u32,
}

/// Incidents and severity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Harms {
    /// Expected incidents in the first quarter (calibrates the base rate).
    pub incidents0: f64,
    /// Elasticity of incidents to demand.
    pub demand_elasticity: f64,
    /// Incidents grow by 10^(this × capability gain in OOM).
    pub capability_elasticity: f64,
    /// Misuse multiplier of open weights (derivatives too).
    pub misuse_open: f64,
    /// Misuse multiplier of API models.
    pub misuse_api: f64,
    /// Misuse multiplier of closed models.
    pub misuse_closed: f64,
    /// Safety effectiveness of closed models.
    pub safety_eff_closed: f64,
    /// Safety effectiveness of API models.
    pub safety_eff_api: f64,
    /// Safety effectiveness of open weights.
    pub safety_eff_open: f64,
    /// Median harm of an incident ($).
    pub severity_median: f64,
    /// Log-scale sigma of harm.
    pub severity_sigma: f64,
    /// Harm at or above which an incident is critical ($).
    pub critical_harm: f64,
    /// Noise of the court's observation of safety effort (sd).
    pub court_noise: f64,
}

/// The training and release decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Decision {
    /// Planning horizon (quarters).
    pub horizon: u32,
    /// Discount rate per quarter.
    pub discount: f64,
    /// Logit temperature on scaled profits.
    pub tau: f64,
    /// Compute levels considered, from the affordable maximum down.
    pub levels: u32,
    /// Step between compute levels (OOM).
    pub level_step: f64,
    /// Rivals' capability growth per quarter assumed before there are four quarters of history (OOM).
    pub default_pace: f64,
    /// Shortest cadence between trainings (quarters).
    pub cadence_min: u32,
    /// Longest cadence between trainings (quarters).
    pub cadence_max: u32,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            schema_version: SCHEMA_VERSION,
            label: "none".into(),
            simulation: Simulation::default(),
            regime: Regime::default(),
            market: Market::default(),
            technology: Technology::default(),
            firms: Firms::default(),
            derivatives: Derivatives::default(),
            entry: Entry::default(),
            harms: Harms::default(),
            decision: Decision::default(),
        }
    }
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation { start_year: 2025, quarters: 40, replicates: 32, seed: 1, uncertainty: false }
    }
}

/// No regulation: nothing covered, nobody liable.
impl Default for Regime {
    fn default() -> Self {
        Regime {
            cover_log_flop: None,
            cover_cost: None,
            cover_rule: CoverRule::ComputeOnly,
            revenue_test: None,
            ft_rule: FineTuneRule::None,
            ft_cost: 1e7,
            ft_log_flop: 25.477_121_254_719_66, // log10(3e25)
            ft_fraction: 1.0 / 3.0,
            derivative_liability: false,
            liability_rule: LiabilityRule::None,
            harm_floor: 0.0,
            due_care: 0.5,
            penalty_frac_cost: 0.0,
            penalty_frac_cost_repeat: 0.0,
            penalty_fixed: 0.0,
            penalty_turnover: 0.0,
            compliance_fixed: 0.0,
            compliance_var: 0.0,
            gpai_log_flop: None,
            gpai_duty: 0.0,
            gpai_open_exempt_log_flop: None,
            market_share: 0.0,
            binds_outside: false,
            foreign_enforcement: 0.0,
        }
    }
}

impl Default for Market {
    fn default() -> Self {
        Market {
            demand0: 3e9,
            growth_first: 2.35,
            growth_last: 1.3,
            frontier_weight: 0.743,
            beta_frontier: 2.53,
            alpha_frontier: 0.5,
            beta_commodity: 1.06,
            alpha_commodity: 2.91,
            nest_lambda: 0.553,
            price_api: 1.0,
            price_open: 0.264,
            price_derivative: 0.7,
            xi_api: 0.0,
            xi_open: -2.94,
            derivative_premium: 0.254,
            serving_cost: 0.755,
            phi_open: 0.27,
            host_margin: 0.3,
            internal_share: 0.1,
            xi_outside_api: -1.77,
            adoption_open: 0.308,
            adoption_api: 1.0,
        }
    }
}

impl Default for Technology {
    fn default() -> Self {
        Technology {
            price_per_flop0: 1e-18,
            price_decline_per_year: 0.30,
            algo_progress_per_year: 0.35,
            spillover: 0.0827,
            flywheel_max: 0.1,
            flywheel_full: 1.0,
            distillation: 0.696,
            distillation_form: DistillationForm::EachQuarter,
        }
    }
}

impl Default for Firms {
    fn default() -> Self {
        let arch = |count, capital, lo, hi, brand, complement, fixed_cost, open| Archetype {
            count,
            capital,
            log_flop_min: lo,
            log_flop_max: hi,
            brand,
            complement,
            fixed_cost,
            open_at_start: open,
            outside: false,
            fast_follower: 0.0,
        };
        Firms {
            frontier_lab: arch(3, 20e9, 25.9, 26.5, 0.5, 0.0, 300e6, 0),
            big_tech: arch(3, 100e9, 25.4, 26.3, 0.3, 0.25, 200e6, 2),
            challenger: arch(6, 2e9, 24.9, 25.7, 0.0, 0.0, 50e6, 3),
            startup: arch(20, 100e6, 23.5, 24.8, 0.0, 0.0, 5e6, 10),
            foreign_open_lab: Archetype { outside: true, fast_follower: 1.0, ..arch(4, 3e9, 24.8, 25.5, 0.0, 0.0, 50e6, 4) },
            dev_cost_multiple: 5.36,
            open_reputation: 0.449,
            open_talent: 0.517,
            home_revenue_share: 0.422,
            funding_rate: 0.5,
            funding_cap: 5e9,
            budget_capital_fraction: 0.4,
            initial_safety: 0.5,
            safety_cost: 0.2,
        }
    }
}

impl Default for Derivatives {
    fn default() -> Self {
        Derivatives {
            initial: 12,
            entry_rate: 2.5,
            spend_median: 0.5e6,
            spend_sigma: 1.5,
            uplift_per_log_spend: 0.1,
            uplift_max: 0.3,
            fixed_cost: 0.2e6,
            runway_quarters: 8.0,
        }
    }
}

impl Default for Entry {
    fn default() -> Self {
        Entry {
            rate: 1.0,
            seed_capital_median: 100e6,
            seed_capital_sigma: 1.0,
            exit_runway_quarters: 6.0,
            exit_patience_quarters: 4,
        }
    }
}

impl Default for Harms {
    fn default() -> Self {
        Harms {
            incidents0: 60.0,
            demand_elasticity: 0.364,
            capability_elasticity: 0.1,
            misuse_open: 3.0,
            misuse_api: 1.0,
            misuse_closed: 0.1,
            safety_eff_closed: 0.8,
            safety_eff_api: 0.6,
            safety_eff_open: 0.3,
            severity_median: 1e6,
            severity_sigma: 1.8,
            critical_harm: 5e8,
            court_noise: 0.1,
        }
    }
}

impl Default for Decision {
    fn default() -> Self {
        Decision {
            horizon: 8,
            discount: 0.03,
            tau: 0.05,
            levels: 16,
            level_step: 0.25,
            default_pace: 0.25,
            cadence_min: 3,
            cadence_max: 5,
        }
    }
}

impl Scenario {
    /// The archetypes in their fixed order (frontier_lab, big_tech, challenger, startup,
    /// foreign_open_lab).
    pub fn archetypes(&self) -> [(&'static str, &Archetype); 5] {
        [
            ("frontier_lab", &self.firms.frontier_lab),
            ("big_tech", &self.firms.big_tech),
            ("challenger", &self.firms.challenger),
            ("startup", &self.firms.startup),
            ("foreign_open_lab", &self.firms.foreign_open_lab),
        ]
    }

    /// The archetype of this name, to change it.
    pub fn archetype_mut(&mut self, name: &str) -> Option<&mut Archetype> {
        let f = &mut self.firms;
        Some(match name {
            "frontier_lab" => &mut f.frontier_lab,
            "big_tech" => &mut f.big_tech,
            "challenger" => &mut f.challenger,
            "startup" => &mut f.startup,
            "foreign_open_lab" => &mut f.foreign_open_lab,
            _ => return None,
        })
    }

    /// Quarter labels, e.g. "2025Q1", for the scenario's horizon.
    pub fn quarter_labels(&self) -> Vec<String> {
        (0..self.simulation.quarters)
            .map(|t| format!("{}Q{}", self.simulation.start_year + t / 4, t % 4 + 1))
            .collect()
    }
}

//! The parameter table: for every scenario field, its group, label, unit, allowed range, whether a
//! slider should be logarithmic, what it means and where its default comes from.
//!
//! Validation checks ranges from this table, the CLI prints it (`regsim params`), the web front end
//! builds its controls from it, and a test checks that `docs/MODEL.md` documents every entry.
//! Sources marked `[A]` are assumptions without a published source (see `docs/calibration.md`).

use serde::Serialize;

/// The kind of value a field holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    /// A finite number in `[min, max]`.
    Number,
    /// A whole number in `[min, max]`.
    Integer,
    /// A finite number in `[min, max]`, or null meaning "infinite" (the test never holds).
    OptionalNumber,
    /// true or false.
    Bool,
    /// One of the listed strings.
    Choice {
        /// The allowed values.
        options: Vec<&'static str>,
    },
}

/// One scenario field.
#[derive(Clone, Debug, Serialize)]
pub struct ParamSpec {
    /// Dotted path in the scenario, e.g. `regime.cover_cost`.
    pub path: &'static str,
    /// Control group in the web app: coverage, liability, compliance, market, technology, firms,
    /// derivatives, entry, harms, decision, simulation.
    pub group: &'static str,
    /// Short human label.
    pub label: &'static str,
    /// Unit, e.g. "$", "log10 FLOP", "fraction", "quarters".
    pub unit: &'static str,
    /// Kind of value.
    pub kind: Kind,
    /// Smallest allowed value (numbers).
    pub min: f64,
    /// Largest allowed value (numbers).
    pub max: f64,
    /// A slider for this field should be logarithmic.
    pub log_scale: bool,
    /// What it means.
    pub doc: &'static str,
    /// Where the default comes from; `[A]` marks an assumption, with its plausible range.
    pub source: &'static str,
    /// The range of an uncertain value (low, high) that the calibration's prior spans and
    /// sensitivity analyses explore; `None` for values taken as given.
    pub prior: Option<(f64, f64)>,
}

impl ParamSpec {
    /// What the field allows, for error messages: e.g. "a whole number from 1 to 200". (On the
    /// command line, `--set` also takes `none` for null.)
    pub fn allowed(&self) -> String {
        let range = |what: &str| format!("{what} from {} to {}", self.min, self.max);
        match &self.kind {
            Kind::Number => range("a finite number"),
            Kind::Integer => range("a whole number"),
            Kind::OptionalNumber => range("a finite number") + ", or null for none",
            Kind::Bool => "true or false".into(),
            Kind::Choice { options } => format!("one of {}", options.iter().map(|o| format!("{o:?}")).collect::<Vec<_>>().join(", ")),
        }
    }
}

#[allow(clippy::too_many_arguments)] // one row of the table, in its columns' order
fn num(path: &'static str, group: &'static str, label: &'static str, unit: &'static str, min: f64, max: f64, doc: &'static str, source: &'static str) -> ParamSpec {
    ParamSpec { path, group, label, unit, kind: Kind::Number, min, max, log_scale: false, doc, source, prior: None }
}

/// The spec with an uncertain range (see [`ParamSpec::prior`]).
fn prior(mut p: ParamSpec, lo: f64, hi: f64) -> ParamSpec {
    debug_assert!(p.min <= lo && lo < hi && hi <= p.max, "{}: prior inside the allowed range", p.path);
    p.prior = Some((lo, hi));
    p
}

fn log(mut p: ParamSpec) -> ParamSpec {
    p.log_scale = true;
    p
}

fn int(mut p: ParamSpec) -> ParamSpec {
    p.kind = Kind::Integer;
    p
}

fn opt(mut p: ParamSpec) -> ParamSpec {
    p.kind = Kind::OptionalNumber;
    p
}

fn flag(path: &'static str, group: &'static str, label: &'static str, doc: &'static str, source: &'static str) -> ParamSpec {
    ParamSpec { path, group, label, unit: "", kind: Kind::Bool, min: 0.0, max: 1.0, log_scale: false, doc, source, prior: None }
}

fn choice(path: &'static str, group: &'static str, label: &'static str, options: Vec<&'static str>, doc: &'static str, source: &'static str) -> ParamSpec {
    ParamSpec { path, group, label, unit: "", kind: Kind::Choice { options }, min: 0.0, max: 0.0, log_scale: false, doc, source, prior: None }
}

/// Every scenario field except `schema_version` and `label`, in display order (built once).
pub fn param_specs() -> &'static [ParamSpec] {
    static SPECS: std::sync::OnceLock<Vec<ParamSpec>> = std::sync::OnceLock::new();
    SPECS.get_or_init(build_specs)
}

fn build_specs() -> Vec<ParamSpec> {
    let mut v = vec![
        // Coverage
        opt(num("regime.cover_log_flop", "coverage", "Compute threshold", "log10 FLOP", 18.0, 35.0,
            "A model is covered when its final training run uses more than 10^x FLOP (null: no compute threshold is ever met).",
            "SB 1047 §22602 and SB 53: 1e26; EU AI Act Art. 51: 1e25")),
        log(opt(num("regime.cover_cost", "coverage", "Cost threshold", "$", 1e5, 1e12,
            "A model is covered when its final run costs more than this (null: never met).",
            "SB 1047 §22602: $100M"))),
        choice("regime.cover_rule", "coverage", "Coverage rule", vec!["and", "or", "compute_only", "all"],
            "How the compute and cost tests combine; `all` covers every model and derivative.",
            "SB 1047: and; SB 53, EU: compute_only; strict_all: all"),
        log(opt(num("regime.revenue_test", "coverage", "Revenue test for compliance", "$/yr", 1e5, 1e12,
            "Fixed compliance costs apply only to developers with yearly revenue above this (null: to all covered).",
            "SB 53: large frontier developer, $500M"))),
        choice("regime.ft_rule", "coverage", "Fine-tuner reclassification", vec!["none", "cost_and_compute", "fraction"],
            "When a fine-tuner of a covered model becomes a developer with its own duties and liability.",
            "SB 1047 §22602: $10M and 3e25 FLOP; EU GPAI guidelines (2025): 1/3 of the base's compute"),
        log(num("regime.ft_cost", "coverage", "Fine-tune spend threshold", "$", 1e4, 1e11,
            "cost_and_compute rule: reclassified above this fine-tune spend.", "SB 1047 §22602: $10M")),
        num("regime.ft_log_flop", "coverage", "Fine-tune compute threshold", "log10 FLOP", 18.0, 35.0,
            "cost_and_compute rule: reclassified above 10^x FLOP of fine-tuning.", "SB 1047 §22602: 3e25"),
        num("regime.ft_fraction", "coverage", "Fine-tune fraction threshold", "fraction", 0.0, 10.0,
            "fraction rule: reclassified above this fraction of the base's training compute.", "EU GPAI guidelines (2025): 1/3"),
        // Liability
        choice("regime.liability_rule", "liability", "Liability standard", vec!["none", "negligence", "strict"],
            "negligence: the responsible developer pays when a court finds its safety effort below due care; strict: it always pays.",
            "SB 1047 §22606: negligence-like enforcement; Shavell (1980)"),
        flag("regime.derivative_liability", "liability", "Derivative liability",
            "Harms of fine-tunes of a covered model that are not reclassified are charged to the base model's developer.",
            "SB 1047 §22602(e), §22603"),
        log(num("regime.harm_floor", "liability", "Actionable harm floor", "$", 0.0, 1e12,
            "Harms below this are not actionable.", "SB 1047 §22602(g): critical harm, $500M")),
        num("regime.due_care", "liability", "Due care", "effort 0–1", 0.0, 1.0,
            "Safety effort a court takes as reasonable care.", "[A] 0.5"),
        num("regime.penalty_frac_cost", "liability", "Penalty (first)", "× final-run cost", 0.0, 2.0,
            "Civil penalty on a first actionable violation, as a fraction of the final run's cost.", "SB 1047 §22606(a)(1): 10%"),
        num("regime.penalty_frac_cost_repeat", "liability", "Penalty (repeat)", "× final-run cost", 0.0, 2.0,
            "Civil penalty on later violations by the same developer.", "SB 1047 §22606(a)(1): 30%"),
        log(num("regime.penalty_fixed", "liability", "Fixed penalty", "$", 0.0, 1e11,
            "Fixed penalty, also the floor of the turnover-based one.", "SB 53: $1M; EU AI Act Art. 101: €15M ≈ $16M")),
        num("regime.penalty_turnover", "liability", "Turnover penalty", "× yearly revenue", 0.0, 1.0,
            "Penalty as a fraction of yearly revenue.", "EU AI Act Art. 101: 3%"),
        // Compliance
        log(num("regime.compliance_fixed", "compliance", "Compliance cost (recurring)", "$/quarter", 0.0, 1e10,
            "Cost of safety protocols, audits and reports per covered current model per quarter.", "[A] SB 1047 and EU: $1.25M; SB 53: $0.25M")),
        num("regime.compliance_var", "compliance", "Compliance cost (at release)", "× final-run cost", 0.0, 1.0,
            "One-off cost at release of a covered model (evaluations, red-teaming).", "[A] 0.02; SB 53: 0.005"),
        opt(num("regime.gpai_log_flop", "compliance", "GPAI duty threshold", "log10 FLOP", 18.0, 35.0,
            "Models above 10^x FLOP owe the general-purpose-model duty (null: none do).", "EU GPAI guidelines (2025): 1e23")),
        log(num("regime.gpai_duty", "compliance", "GPAI duty", "$/quarter", 0.0, 1e10,
            "Documentation and copyright duties per quarter on a developer's current model above the GPAI threshold, unless it is closed.", "[A] EU: $0.1M")),
        opt(num("regime.gpai_open_exempt_log_flop", "compliance", "Open-weights waiver up to", "log10 FLOP", 18.0, 35.0,
            "Open-weights models at or below 10^x FLOP owe no GPAI duty (null: no waiver).", "EU AI Act Art. 53(2): up to the 1e25 systemic-risk threshold")),
        // Reach over developers outside the regime's jurisdiction
        num("regime.market_share", "reach", "Regime's share of world demand", "fraction", 0.0, 1.0,
            "Share of world model spend in the regime's market: what a developer outside its jurisdiction gives up by staying out of it.",
            "[A] SB 1047, SB 53: 0.07 (California ≈ 14% of US GDP, BEA 2024; the US about half of model spend); EU: 0.2 (about a fifth of world demand)"),
        flag("regime.binds_outside", "reach", "Binds developers outside",
            "Developers outside the jurisdiction that sell in the regime's market are bound by it (they comply, or stay out of that market).",
            "SB 1047 §22602: a developer of a covered model, with no test of where it is based; EU AI Act Art. 2(1)(a): providers placing models on the Union market, wherever established"),
        num("regime.foreign_enforcement", "reach", "Enforcement against developers outside", "fraction", 0.0, 1.0,
            "Fraction of the liability and penalties owed by a complying developer outside that is actually collected.",
            "[A] SB 1047, SB 53: 0.2 (judgments against firms without assets in the state); EU: 0.5 (Art. 54 authorised representative; market surveillance can withdraw a model)"),
        // Market
        log(num("market.demand0", "market", "Model spend at start", "$/quarter", 1e6, 1e13,
            "Spend on model access in the first quarter.", "Menlo Ventures 2025: ≈ $8.4B a year by mid-2025")),
        prior(num("market.growth_first", "market", "Demand growth, first year", "×/yr", 0.5, 5.0,
            "Yearly growth factor of spend in the first year.", "[A] range 2–3, calibrated (docs/calibration.md); Menlo: $3.5B→$8.4B a year in ~7 months"), 2.0, 3.0),
        num("market.growth_last", "market", "Demand growth, tenth year", "×/yr", 0.5, 5.0,
            "Yearly growth factor from the tenth year on; log-linear in between.", "[A] 1.3"),
        prior(num("market.frontier_weight", "market", "Frontier users' share of spend", "fraction", 0.0, 1.0,
            "Weight of the capability-seeking segment; the rest is commodity users.", "[A] range 0.65–0.9, calibrated (docs/calibration.md); Menlo Ventures 2025: Anthropic, OpenAI and Google about three quarters of enterprise model spend"), 0.65, 0.9),
        prior(num("market.beta_frontier", "market", "Frontier users: taste for capability", "utility/OOM", 0.0, 10.0,
            "Utility per order of magnitude of capability.", "[A] range 2–3, calibrated (docs/calibration.md); frontier APIs sell at several times the price of open models a quarter behind"), 2.0, 3.0),
        num("market.alpha_frontier", "market", "Frontier users: price sensitivity", "utility/ln price", 0.0, 10.0,
            "Utility lost per unit of log price.", "[A] 0.5"),
        prior(num("market.beta_commodity", "market", "Commodity users: taste for capability", "utility/OOM", 0.0, 10.0,
            "Utility per order of magnitude of capability.", "[A] range 0.5–1.5, calibrated (docs/calibration.md)"), 0.5, 1.5),
        prior(num("market.alpha_commodity", "market", "Commodity users: price sensitivity", "utility/ln price", 0.0, 10.0,
            "Utility lost per unit of log price.", "[A] range 1–3, calibrated (docs/calibration.md)"), 1.0, 3.0),
        prior(num("market.nest_lambda", "market", "Nesting parameter", "0–1", 0.05, 1.0,
            "Nested logit λ: products of one model family substitute more closely the smaller it is.", "[A] range 0.4–0.8, calibrated (docs/calibration.md); Berry (1994)"), 0.4, 0.8),
        num("market.price_api", "market", "API price", "relative", 0.01, 100.0, "Price of API access.", "numéraire 1"),
        prior(num("market.price_open", "market", "Open-weights hosting price", "relative", 0.01, 100.0,
            "Price of third-party-hosted open models, in the units of the API price (its default, 1, is the numéraire); changing the API price leaves it as it is.", "[A] range 0.1–0.5, calibrated (docs/calibration.md); hosted open models sell below frontier API prices"), 0.1, 0.5),
        num("market.price_derivative", "market", "Derivative price", "relative", 0.01, 100.0,
            "Price of a fine-tuner's hosted product, in the units of the API price.", "[A] 0.7"),
        num("market.xi_api", "market", "API quality shift", "utility", -10.0, 10.0, "Quality shift of API products.", "[A] 0"),
        prior(num("market.xi_open", "market", "Open-weights quality shift", "utility", -10.0, 10.0,
            "Quality shift of open-weights products and their derivatives against API products: support, indemnity, hosting quality, trust.",
            "[A] range −4.5 to −0.2, calibrated (docs/calibration.md): what the initial market needs for open use of 13–35% (Berry 1994 inversion, `cargo run --release --example xi_open_inversion`; Menlo 2025, OpenRouter 2025)"), -4.5, -0.2),
        prior(num("market.derivative_premium", "market", "Derivative premium over open weights", "utility", -10.0, 10.0,
            "Quality shift of a derivative (fine-tune) over open weights' shift: it is open weights hosted by others, plus its specialisation.", "[A] range 0–1, calibrated (docs/calibration.md); MODEL.md v1.3: ξ_d = −0.5 with ξ_Open = −1"), 0.0, 1.0),
        prior(num("market.serving_cost", "market", "Serving cost", "× revenue", 0.0, 1.0,
            "Serving cost of API models and derivatives.", "[A] range 0.5–0.8, calibrated (docs/calibration.md)"), 0.5, 0.8),
        prior(num("market.phi_open", "market", "Open developer's take", "× spend", 0.0, 1.0,
            "What an open model's developer earns of its spend (hosting deals, services).", "[A] range 0.05–0.35, calibrated (docs/calibration.md): a first-party hosting share (0.2–0.6) times a hosting margin (0.3–0.6)"), 0.05, 0.35),
        num("market.host_margin", "market", "Host margin on derivatives", "× spend", 0.0, 1.0,
            "Hosting platform's margin on a derivative's spend.", "[A] 0.3"),
        num("market.internal_share", "market", "Closed model internal use", "× API share", 0.0, 1.0,
            "A closed model's internal use as a fraction of the share it would have as an API product.", "[A] 0.1"),
        prior(num("market.xi_outside_api", "market", "API penalty of developers outside", "utility", -10.0, 10.0,
            "Quality shift of API products sold by developers outside the jurisdiction (trust, data rules, access); their open weights, hosted by others, do not carry it.",
            "[A] range −3 to 0, calibrated (docs/calibration.md); MODEL.md §8.4"), -3.0, 0.0),
        prior(num("market.adoption_open", "market", "Adoption speed, open weights", "fraction/quarter", 0.01, 1.0,
            "A product a quarters on the market has ln(1 − (1 − κ)^(a+1)) added to its utility: third-party hosting, quantisation, integrations and enterprise approval follow a release.",
            "[A] range 0.2–0.7, calibrated (docs/calibration.md); MODEL.md §8.3–8.4"), 0.2, 0.7),
        num("market.adoption_api", "market", "Adoption speed, API", "fraction/quarter", 0.01, 1.0,
            "As for open weights, for API products; 1 means full use from launch (served by the vendor).",
            "[A] 1; MODEL.md §8.3: no measurable effect below 1"),
        // Technology
        log(num("technology.price_per_flop0", "technology", "Cost per FLOP at start", "$", 1e-22, 1e-14,
            "Price of training compute in the first quarter.", "Epoch AI: 1e26 FLOP ≈ $100M in 2024")),
        num("technology.price_decline_per_year", "technology", "Compute price decline", "fraction/yr", 0.0, 0.95,
            "Yearly fall in the cost per FLOP.", "Epoch AI: ≈ 30% a year"),
        num("technology.algo_progress_per_year", "technology", "Algorithmic progress", "OOM/yr", 0.0, 2.0,
            "Effective compute gained per year from better algorithms.", "[A] 0.35; Epoch AI ≈ 0.3–0.48"),
        prior(num("technology.spillover", "technology", "Spillover from open models", "fraction/quarter", 0.0, 1.0,
            "Fraction of its gap to the open frontier a developer closes each quarter (distillation, published techniques).", "[A] range 0–0.1, calibrated (docs/calibration.md)"), 0.0, 0.1),
        num("technology.flywheel_max", "technology", "Community flywheel", "OOM", 0.0, 2.0,
            "Largest capability gain of an open model from its derivatives.", "[A] 0.1; Casadesus-Masanell & Ghemawat (2006)"),
        num("technology.flywheel_full", "technology", "Flywheel saturation", "share-quarters", 0.01, 100.0,
            "Derivatives' cumulative share-quarters that give the full flywheel gain.", "[A] 1.0"),
        prior(num("technology.distillation", "technology", "Catch-up by distillation", "fraction/quarter", 0.0, 1.0,
            "Fraction of its gap to the frontier that a fast follower's current model closes each quarter (distillation from frontier models' outputs), times its archetype's fast-follower weight.",
            "[A] range 0.4–0.9, calibrated (docs/calibration.md); MODEL.md §8.3–8.4"), 0.4, 0.9),
        choice("technology.distillation_form", "technology", "When distillation closes the gap", vec!["each_quarter", "at_training"],
            "each_quarter: a fast follower's current model closes the gap every quarter, training or not; at_training: a model it trains starts that much closer to the frontier, and falls behind between trainings.",
            "MODEL.md §8.4 (each quarter); docs/calibration.md: why at_training"),
        // Firm economics
        prior(num("firms.dev_cost_multiple", "firms", "Development cost multiple", "× final-run cost", 1.0, 20.0,
            "All-in cost of a model (experiments, staff, data) per dollar of final run.", "[A] range 2–6, calibrated (docs/calibration.md); Cottier et al. (2024)"), 2.0, 6.0),
        prior(num("firms.open_reputation", "firms", "Reputation value of openness", "× final-run cost/yr", 0.0, 1.0,
            "Income from an open release's reputation while it is the firm's current model.", "[A] range 0–1, calibrated (docs/calibration.md); Qiu et al. (2025)"), 0.0, 1.0),
        prior(num("firms.open_talent", "firms", "Talent value of openness", "× fixed cost/quarter", 0.0, 0.8,
            "Talent and funding value of being open, per quarter while an open model is current: θ × the firm's fixed cost, so larger for larger firms (the specification meant the reverse; docs/calibration.md §4.5).", "[A] range 0–0.8, calibrated (docs/calibration.md); θ × the firm's fixed cost, so larger for larger firms (the specification meant the reverse; docs/calibration.md); Habibi (2025)"), 0.0, 0.8),
        prior(num("firms.home_revenue_share", "firms", "Home revenue of developers outside", "× market spend", 0.0, 1.0,
            "Each quarter, developers outside receive this share of the quarter's market spend from their home market, split among those alive, counted as revenue.",
            "[A] range 0–0.5, calibrated (docs/calibration.md); MODEL.md §8.3–8.4"), 0.0, 0.5),
        num("firms.funding_rate", "firms", "Funding per revenue", "× revenue", 0.0, 5.0,
            "Outside funding received per dollar of revenue.", "[A] 0.5"),
        log(num("firms.funding_cap", "firms", "Funding cap", "$/quarter", 0.0, 1e12, "Most funding in a quarter.", "[A] $5B")),
        num("firms.budget_capital_fraction", "firms", "Training budget from capital", "× capital", 0.0, 1.0,
            "A run's development cost must fit in this fraction of capital plus next year's expected revenue.", "[A] 0.4"),
        num("firms.initial_safety", "firms", "Initial safety effort", "0–1", 0.0, 1.0, "Safety effort of the initial models.", "[A] 0.5"),
        num("firms.safety_cost", "firms", "Cost of safety effort", "× final-run cost", 0.0, 5.0,
            "Safety effort s costs this × s × the final run's cost.", "[A] 0.2"),
        // Derivatives
        prior(int(num("derivatives.initial", "derivatives", "Derivatives at start", "count", 0.0, 100_000.0, "Fine-tuned products at the start.", "[A] range 0–20, calibrated (docs/calibration.md)")), 0.0, 20.0),
        num("derivatives.entry_rate", "derivatives", "Derivative entry rate", "per quarter", 0.0, 1000.0,
            "Mean entries per quarter at attractiveness 1.", "[A] 2.5"),
        log(num("derivatives.spend_median", "derivatives", "Median fine-tune spend", "$", 1e3, 1e10, "Median of the lognormal fine-tune spend.", "[A] $0.5M")),
        num("derivatives.spend_sigma", "derivatives", "Fine-tune spend dispersion", "log sd", 0.0, 5.0, "Log-scale sigma of fine-tune spend.", "[A] 1.5"),
        num("derivatives.uplift_per_log_spend", "derivatives", "Fine-tune uplift", "OOM per log10 $M", 0.0, 2.0,
            "Capability uplift per log10(1 + spend/$1M).", "[A] 0.1"),
        num("derivatives.uplift_max", "derivatives", "Largest fine-tune uplift", "OOM", 0.0, 3.0, "Cap on the uplift.", "[A] 0.3"),
        log(num("derivatives.fixed_cost", "derivatives", "Derivative fixed cost", "$/quarter", 0.0, 1e9, "Fixed cost of a derivative builder.", "[A] $0.2M")),
        num("derivatives.runway_quarters", "derivatives", "Derivative runway", "quarters", 0.0, 100.0,
            "Quarters of fixed cost a derivative starts with beyond its fine-tune spend.", "[A] 8"),
        // Entry and exit
        num("entry.rate", "entry", "Developer entry rate", "per quarter", 0.0, 100.0, "Mean entries per quarter at attractiveness 1.", "[A] 1"),
        log(num("entry.seed_capital_median", "entry", "Entrant seed capital", "$", 1e5, 1e12, "Median seed capital of an entrant.", "[A] $100M")),
        num("entry.seed_capital_sigma", "entry", "Seed capital dispersion", "log sd", 0.0, 5.0, "Log-scale sigma of seed capital.", "[A] 1"),
        num("entry.exit_runway_quarters", "entry", "Exit runway", "quarters of fixed cost", 0.0, 100.0,
            "A developer exits when its capital stays below this many quarters of fixed cost…", "[A] 6"),
        int(num("entry.exit_patience_quarters", "entry", "Exit patience", "quarters", 1.0, 200.0, "…for this many quarters running.", "[A] 4")),
        // Harms
        num("harms.incidents0", "harms", "Incidents at start", "per quarter", 0.0, 1e6,
            "Expected incidents in the first quarter; calibrates the base rate.", "AI Index 2025: 233 incidents in 2024"),
        prior(num("harms.demand_elasticity", "harms", "Incidents per demand", "elasticity", 0.0, 3.0, "η in (D_t/D_0)^η.", "[A] range 0.2–0.6, calibrated (docs/calibration.md)"), 0.2, 0.6),
        num("harms.capability_elasticity", "harms", "Incidents per capability", "per OOM", 0.0, 3.0, "γ in 10^(γ (q − q_0)).", "[A] 0.1"),
        num("harms.misuse_open", "harms", "Misuse multiplier, open", "×", 0.0, 100.0,
            "Open weights cannot be monitored or recalled.", "[A] 3; Kapoor et al. (2024)"),
        num("harms.misuse_api", "harms", "Misuse multiplier, API", "×", 0.0, 100.0, "", "[A] 1"),
        num("harms.misuse_closed", "harms", "Misuse multiplier, closed", "×", 0.0, 100.0, "", "[A] 0.1"),
        num("harms.safety_eff_closed", "harms", "Safety effectiveness, closed", "fraction", 0.0, 1.0,
            "Incidents fall by this × safety effort.", "[A] 0.8"),
        num("harms.safety_eff_api", "harms", "Safety effectiveness, API", "fraction", 0.0, 1.0, "", "[A] 0.6"),
        num("harms.safety_eff_open", "harms", "Safety effectiveness, open", "fraction", 0.0, 1.0, "", "[A] 0.3"),
        log(num("harms.severity_median", "harms", "Median harm", "$", 1.0, 1e12, "Median of the lognormal harm of an incident.", "[A] $1M")),
        num("harms.severity_sigma", "harms", "Harm dispersion", "log sd", 0.01, 5.0, "Log-scale sigma of harm.", "[A] 1.8: P(harm ≥ $500M) ≈ 3e-4"),
        log(num("harms.critical_harm", "harms", "Critical harm", "$", 1.0, 1e13, "Harm counted as critical.", "SB 1047 §22602(g): $500M")),
        num("harms.court_noise", "harms", "Court noise", "sd of effort", 0.0, 1.0, "Noise of the court's observation of safety effort.", "[A] 0.1"),
        // Decisions
        int(num("decision.horizon", "decision", "Planning horizon", "quarters", 1.0, 40.0, "Quarters a firm looks ahead.", "[A] 8")),
        num("decision.discount", "decision", "Discount rate", "per quarter", 0.0, 0.5, "", "[A] 0.03"),
        num("decision.tau", "decision", "Choice noise", "logit temperature", 0.001, 10.0,
            "Logit temperature on profits divided by the firm's scale.", "[A] 0.05"),
        int(num("decision.levels", "decision", "Compute levels", "count", 1.0, 64.0, "Compute levels considered, from the affordable maximum down.", "MODEL.md §4: 16")),
        num("decision.level_step", "decision", "Compute level step", "OOM", 0.01, 2.0, "", "MODEL.md §4: 0.25"),
        num("decision.default_pace", "decision", "Assumed rival pace", "OOM/quarter", 0.0, 2.0,
            "Rivals' capability growth per quarter assumed before four quarters of history.", "[A] 0.25, calibrated (MODEL.md v1.3: 0.1); Epoch AI: effective compute ≈ 1 OOM/yr"),
        int(num("decision.cadence_min", "decision", "Shortest cadence", "quarters", 1.0, 40.0, "", "[A] 3")),
        int(num("decision.cadence_max", "decision", "Longest cadence", "quarters", 1.0, 40.0, "", "[A] 5")),
        // Simulation
        int(num("simulation.start_year", "simulation", "Start year", "year", 2000.0, 2100.0, "First simulated year.", "2025")),
        int(num("simulation.quarters", "simulation", "Horizon", "quarters", 1.0, 200.0, "Quarters simulated.", "40 (ten years)")),
        int(num("simulation.replicates", "simulation", "Replicates", "runs", 1.0, super::MAX_REPLICATES as f64,
            "Runs in an ensemble; bands are their percentiles.", "32")),
        flag("simulation.uncertainty", "simulation", "With parameter uncertainty",
            "Replicate i takes the calibrated parameters you have not changed from accepted set i (mod n) of the calibration, so bands hold both chance and what is not known.",
            "docs/calibration.md: history matching"),
        int(num("simulation.seed", "simulation", "Seed", "integer", 0.0, 9_007_199_254_740_991.0,
            "Scenario seed; the same seed gives the same bits.", "1")),
    ];
    for (arch, label) in [("frontier_lab", "Frontier labs"), ("big_tech", "Big tech"), ("challenger", "Challengers"), ("startup", "Startups"), ("foreign_open_lab", "Open labs outside")] {
        v.extend(archetype_specs(arch, label));
    }
    v
}

fn archetype_specs(arch: &'static str, label: &'static str) -> Vec<ParamSpec> {
    // Paths must be 'static; the table is built once per process, so these few strings leak once.
    let p = |field: &str| -> &'static str { Box::leak(format!("firms.{arch}.{field}").into_boxed_str()) };
    let l = |what: &str| -> &'static str { Box::leak(format!("{label}: {what}").into_boxed_str()) };
    vec![
        int(num(p("count"), "firms", l("number at start"), "count", 0.0, 100_000.0, "Firms of this archetype at the start.", "MODEL.md §3 (Epoch AI: 12 developers over 1e25 FLOP, 2025)")),
        log(num(p("capital"), "firms", l("capital at start"), "$", 0.0, 1e13, "Capital at the start.", "MODEL.md §3 [A]")),
        num(p("log_flop_min"), "firms", l("lowest compute at start"), "log10 FLOP", 18.0, 35.0, "Initial models' final-run compute is uniform between min and max.", "Epoch AI (2025) [A]"),
        num(p("log_flop_max"), "firms", l("highest compute at start"), "log10 FLOP", 18.0, 35.0, "", "Epoch AI (2025) [A]"),
        num(p("brand"), "firms", l("brand"), "utility", -10.0, 10.0, "Brand quality shift of the archetype's products.", "[A]"),
        num(p("complement"), "firms", l("complement value"), "× spend per share", 0.0, 5.0,
            "Value to the firm's other businesses of use of its open or internal models.", "[A] big tech 0.25; Economides & Katsamakas (2006)"),
        log(num(p("fixed_cost"), "firms", l("fixed cost"), "$/quarter", 0.0, 1e11, "Fixed cost per quarter.", "[A]")),
        int(num(p("open_at_start"), "firms", l("open at start"), "count", 0.0, 100_000.0, "How many start with open weights.", "AI Index / Epoch AI (2024) [A]")),
        flag(p("outside"), "firms", l("based outside the regime's jurisdiction"), "Developers of this archetype are outside the regime's jurisdiction (see the reach parameters).", "MODEL.md §8.4: the open labs abroad"),
        num(p("fast_follower"), "firms", l("fast-follower weight"), "0–1", 0.0, 1.0, "Weight of catch-up by distillation for this archetype's models.", "[A] open labs outside 1, others 0; MODEL.md §8.3"),
    ]
}

/// The spec of one path, if any.
pub fn find(path: &str) -> Option<&'static ParamSpec> {
    param_specs().iter().find(|p| p.path == path)
}

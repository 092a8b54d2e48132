//! Per-quarter outputs of one run, kept as columns (one `Vec<f64>` per metric), recorded as part of
//! stepping. Names are those of `docs/MODEL.md` §5 and of the JSON and CSV outputs.

/// Declares the metric list once: variant, JSON name, description.
macro_rules! metrics {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// One per-quarter output.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Metric { $(#[doc = $doc] $variant,)* }

        impl Metric {
            /// Every metric, in output order.
            pub const ALL: &'static [Metric] = &[$(Metric::$variant,)*];

            /// Its name in JSON, CSV and the JavaScript API.
            pub fn name(self) -> &'static str {
                match self { $(Metric::$variant => $name,)* }
            }

            /// One-line description, with unit.
            pub fn description(self) -> &'static str {
                match self { $(Metric::$variant => $doc,)* }
            }
        }
    };
}

metrics! {
    Hhi => "hhi", "Herfindahl–Hirschman index of shares of use over owners (developers and derivative builders), 0–10,000";
    HhiEcosystem => "hhi_ecosystem", "HHI with each derivative counted with its base model's developer, 0–10,000";
    Cr4 => "cr4", "Sum of the four largest owners' shares of use, 0–1";
    NDevelopers => "n_developers", "Developers alive at the end of the quarter";
    NDerivatives => "n_derivatives", "Derivative builders alive at the end of the quarter";
    OpenShareUsage => "open_share_usage", "Share of use on open-weights models and their derivatives, 0–1";
    OpenShareModels => "open_share_models", "Share of developers' releases of the trailing 4 quarters that are open now, 0–1";
    OpenShareCurrent => "open_share_current", "Share of alive developers' current models that are open, 0–1";
    FrontierCapability => "frontier_capability", "Best capability among alive developers' current models, log10 effective FLOP (missing when none has a model)";
    OpenFrontierCapability => "open_frontier_capability", "Best open-weights capability ever released, log10 effective FLOP (missing when none was)";
    OpenLagQuarters => "open_lag_quarters", "Quarters since the frontier first reached today's open frontier";
    OutsideShareUsage => "outside_share_usage", "Share of use on products of developers outside the regime's jurisdiction (their derivatives included), 0–1";
    OutsideShareOpenUsage => "outside_share_open_usage", "Share of open use (open weights and derivatives) on models of developers outside, 0–1 (missing when there is no open use)";
    OpenFrontierOutside => "open_frontier_outside", "1 when the best open model was made by a developer outside, else 0 (its mean over runs: how often)";
    Incidents => "incidents", "Incidents in the quarter";
    HarmUsd => "harm_usd", "Harm from incidents in the quarter, $";
    CriticalHarms => "critical_harms", "Incidents with harm at or above the critical threshold ($500M by default)";
    LiabilityPaidUsd => "liability_paid_usd", "Damages and penalties paid in the quarter, $";
    ComplianceSpendUsd => "compliance_spend_usd", "Compliance costs and duties paid in the quarter, $";
    TrainingSpendUsd => "training_spend_usd", "Final-run cost of the quarter's training runs, $";
    NewTopModelCostUsd => "new_top_model_cost_usd", "Final-run cost of runs that raised the frontier that quarter, $ (missing when none did)";
    ConsumerSurplus => "consumer_surplus", "Nested-logit consumer surplus, $ per quarter (meaningful in differences)";
    CoveredModels => "covered_models", "Covered current models (and reclassified derivatives)";
    Entries => "entries", "Developers entering in the quarter";
    DerivativeEntries => "derivative_entries", "Derivative builders entering in the quarter";
    Exits => "exits", "Developers exiting in the quarter";
    LiabilityBankruptcies => "liability_bankruptcies", "Developers whose liability exhausted their capital in the quarter";
    Bunching => "bunching", "Training runs within 10% below an active coverage threshold (compute or cost)";
    SafetyLarge => "safety_large", "Mean safety effort of frontier labs' and big tech's current models, 0–1 (missing when none)";
    SafetySmall => "safety_small", "Mean safety effort of startups' current models, 0–1 (missing when none)";
}

impl Metric {
    /// The metric with this name, if any.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Position in [`Metric::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// All metrics of one run: `columns[metric.index()][quarter]`.
#[derive(Clone, Debug, PartialEq)]
pub struct RunMetrics {
    /// One column per metric, in [`Metric::ALL`] order.
    pub columns: Vec<Vec<f64>>,
}

impl RunMetrics {
    /// Empty columns with room for `quarters` values.
    pub fn with_capacity(quarters: usize) -> Self {
        RunMetrics { columns: Metric::ALL.iter().map(|_| Vec::with_capacity(quarters)).collect() }
    }

    /// The column of one metric.
    pub fn get(&self, m: Metric) -> &[f64] {
        &self.columns[m.index()]
    }

    /// Append one quarter's value of a metric.
    pub fn push(&mut self, m: Metric, value: f64) {
        self.columns[m.index()].push(value);
    }

    /// A 64-bit FNV-1a hash of every value's bits, in column order: pins results exactly.
    pub fn bits_hash(&self) -> u64 {
        let mut h = crate::rng::FNV_OFFSET;
        for col in &self.columns {
            for x in col {
                h = crate::rng::fnv1a(h, &x.to_bits().to_le_bytes());
            }
        }
        h
    }
}

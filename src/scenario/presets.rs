//! Named regimes. Each sets only the regime; everything else keeps its default and any field can
//! be overridden on top. Sources are in `docs/MODEL.md` §Regulation.

use super::{CoverRule, FineTuneRule, LiabilityRule, Regime, Scenario};

/// Preset names, in the order the CLI and the web app list them.
pub const PRESET_NAMES: [&str; 6] = ["none", "sb1047", "sb53", "eu_gpai", "strict_all", "open_safe_harbor"];

/// A one-line description of a preset, for menus and `regsim presets --long`.
pub fn preset_description(name: &str) -> Option<&'static str> {
    Some(match name {
        "none" => "No regulation: nothing covered, nobody liable",
        "sb1047" => "California SB 1047 as passed (2024): >1e26 FLOP and >$100M, negligence for critical harms, derivative liability",
        "sb53" => "California SB 53 (2025): >1e26 FLOP, transparency duties, $1M penalties, no liability",
        "eu_gpai" => "EU AI Act general-purpose AI rules: systemic risk >1e25 FLOP, GPAI duties >1e23 FLOP, open-source waiver",
        "strict_all" => "Strict liability for every model and derivative, no thresholds, no compliance costs",
        "open_safe_harbor" => "SB 1047 with an open-weights safe harbor: no derivative liability",
        _ => return None,
    })
}

/// The scenario of a named preset, or `None` for an unknown name.
pub fn preset(name: &str) -> Option<Scenario> {
    let regime = match name {
        "none" => Regime::default(),
        "sb1047" => sb1047(),
        "sb53" => Regime {
            cover_log_flop: Some(26.0),
            cover_rule: CoverRule::ComputeOnly,
            revenue_test: Some(5e8),
            penalty_fixed: 1e6,
            compliance_fixed: 0.25e6,
            compliance_var: 0.005,
            ..california_reach()
        },
        "eu_gpai" => Regime {
            cover_log_flop: Some(25.0),
            cover_rule: CoverRule::ComputeOnly,
            ft_rule: FineTuneRule::Fraction,
            penalty_fixed: 16e6,
            penalty_turnover: 0.03,
            compliance_fixed: 1.25e6,
            compliance_var: 0.02,
            gpai_log_flop: Some(23.0),
            gpai_duty: 0.1e6,
            gpai_open_exempt_log_flop: Some(25.0),
            // Art. 2(1)(a): providers placing models on the Union market, wherever established;
            // Art. 54: an authorised representative in the Union.
            market_share: 0.2,
            binds_outside: true,
            foreign_enforcement: 0.5,
            ..Regime::default()
        },
        "strict_all" => Regime {
            cover_rule: CoverRule::All,
            derivative_liability: true,
            liability_rule: LiabilityRule::Strict,
            harm_floor: 0.0,
            // A thought experiment: one rule for the whole world, enforced everywhere.
            market_share: 1.0,
            binds_outside: true,
            foreign_enforcement: 1.0,
            ..Regime::default()
        },
        "open_safe_harbor" => Regime { derivative_liability: false, ..sb1047() },
        _ => return None,
    };
    Some(Scenario { label: name.to_string(), regime, ..Scenario::default() })
}

fn sb1047() -> Regime {
    Regime {
        cover_log_flop: Some(26.0),
        cover_cost: Some(1e8),
        cover_rule: CoverRule::And,
        ft_rule: FineTuneRule::CostAndCompute,
        derivative_liability: true,
        liability_rule: LiabilityRule::Negligence,
        harm_floor: 5e8,
        due_care: 0.5,
        penalty_frac_cost: 0.10,
        penalty_frac_cost_repeat: 0.30,
        compliance_fixed: 1.25e6,
        compliance_var: 0.02,
        ..california_reach()
    }
}

/// California's reach over developers outside it: the statutes define a developer without asking
/// where it is based, so they bind whoever sells in the state, a small share of world demand, and
/// judgments are hard to collect from firms without assets there.
fn california_reach() -> Regime {
    Regime { market_share: 0.07, binds_outside: true, foreign_enforcement: 0.2, ..Regime::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_preset_exists_is_described_and_validates() {
        for name in PRESET_NAMES {
            let s = preset(name).expect(name);
            assert!(preset_description(name).is_some());
            assert_eq!(crate::scenario::validate(&s), vec![], "{name}");
        }
        assert!(preset("sb1048").is_none());
    }
}

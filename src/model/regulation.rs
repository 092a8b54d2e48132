//! The regime's tests and charges: coverage, reclassification of fine-tuners, duties, penalties.

use crate::fastmath;
use super::state::{Mode, Reach};
use crate::scenario::{CoverRule, FineTuneRule, LiabilityRule, Regime};

/// "More than" a threshold that may be absent (absent = infinite = never exceeded).
#[inline]
fn exceeds(x: f64, threshold: Option<f64>) -> bool {
    matches!(threshold, Some(t) if x > t)
}

/// Whether a model with this final run (log10 FLOP, cost in $) is covered.
pub fn is_covered(r: &Regime, log_flop: f64, cost: f64) -> bool {
    match r.cover_rule {
        CoverRule::All => true,
        CoverRule::And => exceeds(log_flop, r.cover_log_flop) && exceeds(cost, r.cover_cost),
        CoverRule::Or => exceeds(log_flop, r.cover_log_flop) || exceeds(cost, r.cover_cost),
        CoverRule::ComputeOnly => exceeds(log_flop, r.cover_log_flop),
    }
}

/// Compute levels (log10 FLOP) 1% below each active threshold, for the option grid.
pub fn threshold_points(r: &Regime, price_per_flop: f64) -> Vec<f64> {
    let below = libm::log10(0.99);
    let mut pts = Vec::with_capacity(4);
    let uses_flop = matches!(r.cover_rule, CoverRule::And | CoverRule::Or | CoverRule::ComputeOnly);
    let uses_cost = matches!(r.cover_rule, CoverRule::And | CoverRule::Or);
    if uses_flop {
        if let Some(t) = r.cover_log_flop {
            pts.push(t + below);
        }
    }
    if uses_cost {
        if let Some(c) = r.cover_cost {
            pts.push(libm::log10(0.99 * c / price_per_flop));
        }
    }
    if r.gpai_duty > 0.0 {
        if let Some(t) = r.gpai_log_flop {
            pts.push(t + below);
        }
    }
    pts
}

/// Whether a training run lies within 10% below an active coverage threshold (compute or cost).
pub fn is_bunched(r: &Regime, log_flop: f64, cost: f64) -> bool {
    let near = |x: f64, t: f64| x <= t && x >= 0.9 * t;
    let uses_flop = matches!(r.cover_rule, CoverRule::And | CoverRule::Or | CoverRule::ComputeOnly);
    let uses_cost = matches!(r.cover_rule, CoverRule::And | CoverRule::Or);
    (uses_flop && r.cover_log_flop.is_some_and(|t| near(fastmath::exp10(log_flop - t), 1.0)))
        || (uses_cost && r.cover_cost.is_some_and(|t| near(cost, t)))
}

/// Whether the regime attaches any consequence to being a covered developer.
pub fn has_duties(r: &Regime) -> bool {
    r.compliance_fixed > 0.0 || r.compliance_var > 0.0 || r.liability_rule != LiabilityRule::None
}

/// The fine-tune spend at which a derivative of a base with `base_log_flop` would be reclassified
/// (it is reclassified when its spend is above this), or `None` when it never is.
pub fn reclassification_spend(r: &Regime, base_log_flop: f64, price_per_flop: f64) -> Option<f64> {
    match r.ft_rule {
        FineTuneRule::None => None,
        FineTuneRule::CostAndCompute => Some(r.ft_cost.max(fastmath::exp10(r.ft_log_flop) * price_per_flop)),
        FineTuneRule::Fraction => Some(r.ft_fraction * fastmath::exp10(base_log_flop) * price_per_flop),
    }
}

/// Recurring duty of a developer's current model per quarter ($): compliance (subject to the
/// revenue test) and the general-purpose-model duty. A model the regime does not reach owes none.
pub fn recurring_duty(r: &Regime, reach: Reach, covered: bool, mode: Mode, log_flop: f64, yearly_revenue: f64) -> f64 {
    if !matches!(reach, Reach::Home | Reach::Complies) {
        return 0.0;
    }
    let mut d = 0.0;
    if covered && r.compliance_fixed > 0.0 && r.revenue_test.is_none_or(|t| yearly_revenue > t) {
        d += r.compliance_fixed;
    }
    if owes_gpai_duty(r, mode, log_flop) {
        d += r.gpai_duty;
    }
    d
}

fn owes_gpai_duty(r: &Regime, mode: Mode, log_flop: f64) -> bool {
    r.gpai_duty > 0.0 && mode != Mode::Closed && exceeds(log_flop, r.gpai_log_flop) && !(mode == Mode::Open && r.gpai_open_exempt_log_flop.is_some_and(|t| log_flop <= t))
}

/// Whether the regime binds developers outside its jurisdiction at all: it says so and its
/// market is worth something to them.
pub fn binds_outside(r: &Regime) -> bool {
    r.binds_outside && r.market_share > 0.0
}

/// The ways the regime can reach a model: `[Home]` for a developer at home; for one outside,
/// `[Complies, StaysOut]` when the regime binds it and the model, sold in its market, would owe it
/// something (a covered model under a regime with duties or liability, or the general-purpose
/// duty), else `[Untouched]`. Closed models are not sold, so nothing reaches them from outside.
pub fn reach_options(r: &Regime, outside: bool, covered_by_test: bool, mode: Mode, log_flop: f64) -> &'static [Reach] {
    if !outside {
        return &[Reach::Home];
    }
    let owes = mode != Mode::Closed && binds_outside(r) && ((covered_by_test && has_duties(r)) || owes_gpai_duty(r, mode, log_flop));
    if owes { &[Reach::Complies, Reach::StaysOut] } else { &[Reach::Untouched] }
}

/// Whether a model with this reach is covered, given the coverage test of its run.
pub fn covered_with(reach: Reach, covered_by_test: bool) -> bool {
    matches!(reach, Reach::Home | Reach::Complies) && covered_by_test
}

/// The fraction of liability and penalties collected from a model's developer.
pub fn enforcement(r: &Regime, reach: Reach) -> f64 {
    match reach {
        Reach::Home => 1.0,
        Reach::Complies => r.foreign_enforcement,
        Reach::Untouched | Reach::StaysOut => 0.0,
    }
}

/// The penalty for one actionable violation ($).
pub fn penalty(r: &Regime, final_run_cost: f64, yearly_revenue: f64, earlier_violations: u32) -> f64 {
    let frac = if earlier_violations > 0 { r.penalty_frac_cost_repeat } else { r.penalty_frac_cost };
    r.penalty_fixed.max(frac * final_run_cost).max(r.penalty_turnover * yearly_revenue)
}

/// Whether penalties can fire: they punish an actionable harm caused below due care, so they need
/// a liability rule. Under regimes of duties only (SB 53, the EU AI Act) covered firms are assumed
/// to comply, so their penalties never fire.
pub fn penalties_fire(r: &Regime) -> bool {
    r.liability_rule != LiabilityRule::None
        && (r.penalty_fixed > 0.0 || r.penalty_frac_cost > 0.0 || r.penalty_frac_cost_repeat > 0.0 || r.penalty_turnover > 0.0)
}

/// Whether any model can be covered at all (every threshold the rule uses is finite).
pub fn can_cover(r: &Regime) -> bool {
    match r.cover_rule {
        CoverRule::All => true,
        CoverRule::And => r.cover_log_flop.is_some() && r.cover_cost.is_some(),
        CoverRule::Or => r.cover_log_flop.is_some() || r.cover_cost.is_some(),
        CoverRule::ComputeOnly => r.cover_log_flop.is_some(),
    }
}

/// Whether anyone can ever be made to pay for a harm.
pub fn liability_applies(r: &Regime) -> bool {
    r.liability_rule != LiabilityRule::None && can_cover(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::preset;

    #[test]
    fn sb1047_needs_both_tests_and_thresholds_are_strict() {
        let r = preset("sb1047").unwrap().regime;
        assert!(is_covered(&r, 26.1, 1.1e8));
        assert!(!is_covered(&r, 26.1, 0.99e8), "cheap runs escape under the AND rule");
        assert!(!is_covered(&r, 26.0, 2e8), "exactly 1e26 is not more than 1e26");
        let none = preset("none").unwrap().regime;
        assert!(!is_covered(&none, 40.0, 1e15));
        assert!(is_covered(&preset("strict_all").unwrap().regime, 10.0, 1.0));
    }

    #[test]
    fn eu_gpai_duty_waives_small_open_models_and_closed_ones() {
        let r = preset("eu_gpai").unwrap().regime;
        assert_eq!(recurring_duty(&r, Reach::Home, false, Mode::Open, 24.5, 0.0), 0.0);
        assert_eq!(recurring_duty(&r, Reach::Home, false, Mode::Api, 24.5, 0.0), 0.1e6);
        assert_eq!(recurring_duty(&r, Reach::Home, false, Mode::Closed, 24.5, 0.0), 0.0);
        assert_eq!(recurring_duty(&r, Reach::Home, true, Mode::Open, 25.5, 0.0), 1.25e6 + 0.1e6);
        assert_eq!(recurring_duty(&r, Reach::Complies, true, Mode::Open, 25.5, 0.0), 1.25e6 + 0.1e6);
        assert_eq!(recurring_duty(&r, Reach::StaysOut, true, Mode::Open, 25.5, 0.0), 0.0);
    }

    #[test]
    fn sb53_compliance_only_above_revenue_test_and_penalties_take_the_max() {
        let r = preset("sb53").unwrap().regime;
        assert_eq!(recurring_duty(&r, Reach::Home, true, Mode::Api, 26.5, 4e8), 0.0);
        assert_eq!(recurring_duty(&r, Reach::Home, true, Mode::Api, 26.5, 6e8), 0.25e6);
        let eu = preset("eu_gpai").unwrap().regime;
        assert_eq!(penalty(&eu, 1e9, 1e8, 0), 16e6);
        assert_eq!(penalty(&eu, 1e9, 1e10, 0), 3e8);
        let sb = preset("sb1047").unwrap().regime;
        assert_eq!(penalty(&sb, 1e9, 0.0, 0), 1e8);
        assert_eq!(penalty(&sb, 1e9, 0.0, 1), 3e8);
    }

    #[test]
    fn developers_outside_choose_when_a_binding_regime_asks_something_of_them() {
        let sb = preset("sb1047").unwrap().regime;
        assert_eq!(reach_options(&sb, false, true, Mode::Api, 26.5), &[Reach::Home]);
        assert_eq!(reach_options(&sb, true, true, Mode::Api, 26.5), &[Reach::Complies, Reach::StaysOut]);
        assert_eq!(reach_options(&sb, true, false, Mode::Api, 25.0), &[Reach::Untouched], "not covered, nothing owed");
        assert_eq!(reach_options(&sb, true, true, Mode::Closed, 26.5), &[Reach::Untouched], "not sold");
        let unbound = Regime { binds_outside: false, ..sb.clone() };
        assert_eq!(reach_options(&unbound, true, true, Mode::Api, 26.5), &[Reach::Untouched]);
        let no_market = Regime { market_share: 0.0, ..sb.clone() };
        assert_eq!(reach_options(&no_market, true, true, Mode::Open, 26.5), &[Reach::Untouched]);
        let eu = preset("eu_gpai").unwrap().regime;
        assert_eq!(reach_options(&eu, true, false, Mode::Api, 24.0), &[Reach::Complies, Reach::StaysOut], "the GPAI duty alone binds");
        assert_eq!(reach_options(&eu, true, false, Mode::Open, 24.0), &[Reach::Untouched], "waived for open weights");
        assert!(!covered_with(Reach::StaysOut, true) && covered_with(Reach::Complies, true));
        assert_eq!(enforcement(&sb, Reach::Complies), sb.foreign_enforcement);
    }

    #[test]
    fn reclassification_thresholds() {
        let sb = preset("sb1047").unwrap().regime;
        // 3e25 FLOP at $1e-18 is $30M, above the $10M spend test: the compute test binds.
        let f = reclassification_spend(&sb, 26.0, 1e-18).unwrap();
        assert!((f - 3e7).abs() < 1.0, "{f}");
        let eu = preset("eu_gpai").unwrap().regime;
        let f = reclassification_spend(&eu, 25.0, 1e-18).unwrap();
        assert!((f - 1e7 / 3.0).abs() < 1.0, "{f}");
    }
}

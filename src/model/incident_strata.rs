//! Step 6, harms, when incidents are too many to draw one by one: the tail of the severity
//! distribution in strata (MODEL.md S11, "Many incidents").
//!
//! Drawing every incident at or above the split S costs time in proportion to their number, which
//! a scenario can make as large as it likes (incidents that grow with demand and capability for
//! two hundred quarters reach 10^18 a quarter). When a quarter's expected count above S exceeds
//! [`MAX_TAIL_DRAWS`], the tail is cut, in quantile space u ∈ (0, 1] (u = P(H ≥ h) / P(H ≥ S)),
//! into a top stratum (0, u_top], with u_top = [`TOP_DRAWS`] / expected count, whose incidents
//! are drawn one by one exactly as below the limit (the largest harms, where single incidents
//! matter), and strata doubling in width from u_top to 1, split further at the critical harm and
//! the actionable floor. Each stratum's count is an exact Poisson draw (Poisson thinning), and
//! its court findings too (found below due care with the court's exact probability); its
//! incidents are booked at the stratum's conditional mean harm, as incidents below S always are.
//! Counts, critical harms, findings and penalties are therefore exact in distribution; only the
//! spread of harm inside strata that hold more than about TOP_DRAWS / 2 incidents is dropped.
//! Products are pooled where nothing tells them apart (the same party answering at the same
//! effort, cost and share enforced, or nobody answering), since a sum of Poisson counts is a
//! Poisson count.

use super::decision::found_below_due_care;
use super::harms::{capped_mean, Exposure, Responsible, Severity, TailContext};
use super::Simulation;
use crate::fastmath;
use crate::rng::{normal_cdf, normal_quantile};
use crate::scenario::LiabilityRule;

/// Expected incidents at or above the split per quarter, over every product, up to which each is
/// drawn one by one (about 0.1 µs each, so a quarter's incidents take at most about 15 ms).
/// Presets over 200 quarters stay below it (their largest quarter expects about 50,000), so
/// their results are those of drawing every incident.
pub const MAX_TAIL_DRAWS: f64 = 131_072.0;

/// Expected incidents drawn one by one (the top stratum) in a quarter beyond [`MAX_TAIL_DRAWS`].
pub const TOP_DRAWS: f64 = 16_384.0;

/// Stream agent key of the products nobody answers for, pooled (agent ids stay far below it).
const POOL_KEY: u64 = u64::MAX;

/// One stratum of the tail, (a, b] in quantile space.
struct Stratum {
    /// Its share of the tail's probability, b − a.
    width: f64,
    /// E[H | H in the stratum].
    mean_harm: f64,
    /// Every harm in it is at or above the critical harm.
    critical: bool,
    /// Every harm in it is at or above the actionable floor.
    actionable: bool,
}

/// Products with the same party answering, effort and cost (or nobody answering), pooled.
struct Group {
    key: u64,
    exposure: Exposure,
    /// Expected incidents below and at or above the split.
    body: f64,
    tail: f64,
}

/// The harm at quantile u of the tail, as a one-by-one draw computes it.
fn harm_at(sev: &Severity, u: f64) -> f64 {
    fastmath::exp(sev.mu + sev.sigma * -normal_quantile(sev.p_tail * u))
}

/// The tail quantile of harm `x`: the share of tail incidents at or above it.
fn quantile_of(sev: &Severity, x: f64) -> f64 {
    if !(x > 0.0) {
        return 1.0;
    }
    let z = (fastmath::ln(x) - sev.mu) / sev.sigma;
    (normal_cdf(-z) / sev.p_tail).min(1.0)
}

/// E[H; Z ≥ z] / e^{μ + σ²/2} = Φ(σ − z), or its complement when that is more accurate.
fn partial(sev: &Severity, z: f64) -> (f64, bool) {
    let x = sev.sigma - z;
    if x > 0.0 { (normal_cdf(-x), true) } else { (normal_cdf(x), false) }
}

/// E[H | H in the tail quantiles (a, b]].
fn stratum_mean(sev: &Severity, a: f64, b: f64) -> f64 {
    let lo = harm_at(sev, b);
    let hi = if a > 0.0 { harm_at(sev, a) } else { f64::INFINITY };
    let z_of = |u: f64| if u > 0.0 { -normal_quantile(sev.p_tail * u) } else { f64::INFINITY };
    // E[H; z_b ≤ Z < z_a] = M (Φ(σ − z_b) − Φ(σ − z_a)), the difference taken between the smaller
    // of each pair of complements.
    let (pb, cb) = partial(sev, z_of(b));
    let (pa, ca) = if a > 0.0 { partial(sev, z_of(a)) } else { (0.0, false) };
    let diff = match (cb, ca) {
        (true, true) => pa - pb,
        (false, false) => pb - pa,
        (true, false) => (1.0 - pb) - pa,
        (false, true) => pb - (1.0 - pa),
    };
    let m = fastmath::exp(sev.mu + 0.5 * sev.sigma * sev.sigma) * diff / (sev.p_tail * (b - a));
    // Rounding must not put the mean outside its stratum (nor, in a thin stratum, swap its ends).
    let (lo, hi) = (lo.min(hi), hi.max(lo));
    match (m.is_finite(), lo <= hi) {
        (true, true) => m.clamp(lo, hi),
        (true, false) => m,
        (false, _) => lo,
    }
}

fn strata(c: &TailContext, sev: &Severity, u_top: f64) -> Vec<Stratum> {
    let u_crit = quantile_of(sev, c.critical_harm);
    let u_floor = quantile_of(sev, c.harm_floor);
    let mut cuts = vec![u_top];
    let mut u = u_top;
    while u < 0.5 {
        u *= 2.0;
        cuts.push(u);
    }
    cuts.extend([u_crit, u_floor].into_iter().filter(|&x| x > u_top && x < 1.0));
    cuts.push(1.0);
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    cuts.windows(2)
        .filter(|w| w[1] > w[0])
        .map(|w| Stratum {
            width: w[1] - w[0],
            mean_harm: stratum_mean(sev, w[0], w[1]),
            critical: w[1] <= u_crit,
            actionable: w[1] <= u_floor,
        })
        .collect()
}

impl Simulation {
    /// The quarter's incidents with `tail_total` (> [`MAX_TAIL_DRAWS`]) expected at or above the
    /// split: `top_draws` of them expected one by one (the largest), the rest in strata (see the
    /// module's documentation).
    pub(super) fn incidents_in_strata(&mut self, c: &TailContext, sev: &Severity, exposures: Vec<Exposure>, lambdas: Vec<f64>, tail_total: f64, top_draws: f64) {
        let u_top = (top_draws / tail_total).min(1.0);
        let strata = strata(c, sev, u_top);
        let groups = pool(c, exposures, lambdas, sev.p_tail);
        let court = c.rule == LiabilityRule::Negligence || c.penalties;
        for g in &groups {
            let e = &g.exposure;
            let n_body = c.incident_streams.stream(g.key, 0).poisson(capped_mean(g.body));
            self.totals.incidents += n_body as f64;
            self.totals.harm += n_body as f64 * sev.body_mean;
            let n_top = c.incident_streams.stream(g.key, 1).poisson(capped_mean(g.tail * u_top));
            self.totals.incidents += n_top as f64;
            for i in 0..n_top {
                let u = c.severity_streams.stream(g.key, i).uniform();
                self.tail_incident(c, sev, e, u_top, u, i);
            }
            let liable = e.responsible != Responsible::Nobody && c.liability;
            let p_below = if court { found_below_due_care(e.safety, c.due_care, c.court_noise) } else { 0.0 };
            let (mut owed, mut violations) = (0.0, 0.0);
            for (j, st) in strata.iter().enumerate() {
                let mean = capped_mean(g.tail * st.width);
                let stream = |k: u64| c.incident_streams.stream(g.key, 2 + 2 * j as u64 + k);
                let (below, other) = if liable && st.actionable && court {
                    (stream(0).poisson(mean * p_below) as f64, stream(1).poisson(mean * (1.0 - p_below)) as f64)
                } else {
                    (0.0, stream(0).poisson(mean) as f64)
                };
                let n = below + other;
                self.totals.incidents += n;
                self.totals.harm += n * st.mean_harm;
                if st.critical {
                    self.totals.critical += n;
                }
                if liable && st.actionable {
                    owed += st.mean_harm
                        * match c.rule {
                            LiabilityRule::Strict => n,
                            LiabilityRule::Negligence => below,
                            LiabilityRule::None => 0.0,
                        };
                    if c.penalties {
                        violations += below;
                    }
                }
            }
            owed += self.penalties_for(e.responsible, e.cost, violations);
            owed *= e.enforced;
            if owed > 0.0 {
                self.charge(e.responsible, owed);
            }
        }
    }

    /// The penalties for `count` violations found at once, as that many calls of `penalty_for`
    /// would charge them: the first at the party's current count, the rest as repeats (a
    /// developer's repeat penalty does not change within the quarter).
    fn penalties_for(&mut self, who: Responsible, cost: f64, count: f64) -> f64 {
        if !(count >= 1.0) {
            return 0.0;
        }
        let first = self.penalty_for(who, cost);
        let rest = count - 1.0;
        if !(rest >= 1.0) {
            return first;
        }
        let repeat = match who {
            Responsible::Developer(i) => {
                let d = &mut self.devs[i];
                d.violations = d.violations.saturating_add(rest.min(u32::MAX as f64) as u32);
                super::regulation::penalty(&self.s.regime, cost, d.yearly_revenue(), 1)
            }
            Responsible::Derivative(_) => super::regulation::penalty(&self.s.regime, cost, 0.0, 0),
            Responsible::Nobody => 0.0,
        };
        first + rest * repeat
    }
}

/// Pool the quarter's products: one group for those nobody answers for (or all of them, when no
/// liability applies), one per (party, effort, cost, share enforced) otherwise, in a fixed order.
fn pool(c: &TailContext, exposures: Vec<Exposure>, lambdas: Vec<f64>, p_tail: f64) -> Vec<Group> {
    let mut nobody: Option<Group> = None;
    let mut liable: Vec<Group> = Vec::new();
    for (e, lambda) in exposures.into_iter().zip(lambdas) {
        // A product without use (NaN: no share under an infinite hazard) has no incidents.
        if !(lambda > 0.0) {
            continue;
        }
        let (body, tail) = (lambda * (1.0 - p_tail), lambda * p_tail);
        if e.responsible == Responsible::Nobody || !c.liability {
            let g = nobody.get_or_insert(Group { key: POOL_KEY, exposure: Exposure { responsible: Responsible::Nobody, ..e }, body: 0.0, tail: 0.0 });
            g.body += body;
            g.tail += tail;
        } else {
            liable.push(Group { key: e.key, exposure: e, body, tail });
        }
    }
    let same = |a: &Exposure, b: &Exposure| {
        a.responsible == b.responsible && a.safety.to_bits() == b.safety.to_bits() && a.cost.to_bits() == b.cost.to_bits() && a.enforced.to_bits() == b.enforced.to_bits()
    };
    liable.sort_by(|a, b| {
        let (x, y) = (&a.exposure, &b.exposure);
        x.responsible
            .cmp(&y.responsible)
            .then(x.safety.total_cmp(&y.safety))
            .then(x.cost.total_cmp(&y.cost))
            .then(x.enforced.total_cmp(&y.enforced))
            .then(a.key.cmp(&b.key))
    });
    let mut out: Vec<Group> = Vec::with_capacity(liable.len() + 1);
    for g in liable {
        match out.last_mut() {
            Some(last) if same(&last.exposure, &g.exposure) => {
                last.body += g.body;
                last.tail += g.tail;
            }
            _ => out.push(g),
        }
    }
    out.extend(nobody);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{apply_set, preset};

    fn severity(median: f64, sigma: f64, split: f64) -> Severity {
        let mut s = preset("none").unwrap();
        s.harms.severity_median = median;
        s.harms.severity_sigma = sigma;
        s.harms.critical_harm = split;
        Severity::new(&s)
    }

    #[test]
    fn strata_tile_the_tail_and_their_means_reproduce_the_tail_mean() {
        for (median, sigma, split) in [(1e6, 1.8, 5e8), (1e12, 5.0, 5e8), (1.0, 0.01, 1.0), (1e6, 0.5, 3e7)] {
            let sev = severity(median, sigma, split);
            let s = apply_set(&preset("strict_all").unwrap(), "regime.harm_floor=1e9").unwrap();
            let c = TailContext::new(&s, 1, 0);
            for u_top in [1e-12, 1e-3, 0.3] {
                let st = strata(&c, &sev, u_top);
                let width: f64 = st.iter().map(|x| x.width).sum();
                assert!((width + u_top - 1.0).abs() < 1e-12, "widths sum to {width}");
                let mut prev = f64::INFINITY;
                for x in &st {
                    assert!(x.mean_harm.is_finite() && x.mean_harm > 0.0 && x.mean_harm <= prev, "{median} {sigma}: mean {}", x.mean_harm);
                    prev = x.mean_harm;
                }
                // Σ width × mean + the top stratum's share = the tail's mean, E[H | H ≥ S].
                let big = fastmath::exp(sev.mu + 0.5 * sev.sigma * sev.sigma);
                let z_s = -normal_quantile(sev.p_tail);
                let tail_mean = big * normal_cdf(sev.sigma - z_s) / sev.p_tail;
                let top = stratum_mean(&sev, 0.0, u_top) * u_top;
                let total = st.iter().map(|x| x.width * x.mean_harm).sum::<f64>() + top;
                assert!((total / tail_mean - 1.0).abs() < 1e-6, "{median} {sigma} {u_top}: {total} against {tail_mean}");
            }
        }
    }

    #[test]
    fn critical_and_actionable_strata_are_cut_at_their_thresholds() {
        let mut s = apply_set(&preset("strict_all").unwrap(), "regime.harm_floor=1e9").unwrap();
        s.harms.critical_harm = 5e8;
        let sev = Severity::new(&s);
        let c = TailContext::new(&s, 1, 0);
        let st = strata(&c, &sev, 1e-6);
        let crit: f64 = st.iter().filter(|x| x.critical).map(|x| x.width).sum::<f64>() + 1e-6;
        let act: f64 = st.iter().filter(|x| x.actionable).map(|x| x.width).sum::<f64>() + 1e-6;
        assert!((crit - quantile_of(&sev, 5e8)).abs() < 1e-12);
        assert!((act - quantile_of(&sev, 1e9)).abs() < 1e-12);
        for x in &st {
            assert!(!x.critical || x.mean_harm >= 5e8);
            assert!(!x.actionable || x.mean_harm >= 1e9);
        }
    }

    /// The quarter's totals that incidents make, drawn one by one (`top` None, when the quarter
    /// expects few enough) or in strata with `top` expected one by one.
    fn one_quarter(sim: &mut Simulation, top: Option<f64>) -> [f64; 5] {
        sim.totals = super::super::QuarterTotals::default();
        let sev = sim.severity.clone();
        let exposures = sim.exposures();
        let lambdas = sim.exposure_means(&exposures);
        let tail: f64 = lambdas.iter().filter(|l| **l > 0.0).map(|l| l * sev.p_tail).sum();
        match top {
            None => {
                assert!(tail <= MAX_TAIL_DRAWS);
                sim.incidents_and_liability();
            }
            Some(k) => {
                let c = TailContext::new(&sim.s, sim.seed, sim.t);
                sim.incidents_in_strata(&c, &sev, exposures, lambdas, tail, k);
            }
        }
        let t = sim.totals;
        let violations = sim.devs.iter().map(|d| d.violations as f64).sum();
        [t.incidents, t.harm, t.critical, t.liability_paid, violations]
    }

    #[test]
    fn strata_match_one_by_one_draws_in_distribution() {
        let negligence = [
            "regime.liability_rule=negligence",
            "regime.derivative_liability=true",
            "regime.harm_floor=1e6",
            "regime.penalty_fixed=1e6",
            "regime.penalty_frac_cost=0.1",
            "regime.penalty_frac_cost_repeat=0.3",
            "harms.court_noise=0.3",
            "harms.incidents0=600",
            "harms.critical_harm=1e8",
        ]
        .iter()
        .fold(preset("strict_all").unwrap(), |s, kv| apply_set(&s, kv).unwrap());
        let strict = apply_set(&preset("strict_all").unwrap(), "harms.incidents0=600").unwrap();
        for (name, s) in [("negligence with penalties", negligence), ("strict liability", strict)] {
            let n = 400;
            let mut diffs: Vec<[f64; 5]> = Vec::new();
            let mut level = [0.0; 5];
            for rep in 0..n {
                let seed = crate::rng::replicate_seed(1, rep);
                let (mut a, mut b) = (Simulation::new(&s, seed), Simulation::new(&s, seed));
                for _ in 0..4 {
                    a.step();
                    b.step();
                }
                let (x, y) = (one_quarter(&mut a, None), one_quarter(&mut b, Some(3.0)));
                diffs.push(std::array::from_fn(|k| x[k] - y[k]));
                for k in 0..5 {
                    level[k] += x[k] / n as f64;
                }
            }
            let names = ["incidents", "harm", "critical", "liability paid", "violations"];
            for k in 0..5 {
                let mean = diffs.iter().map(|d| d[k]).sum::<f64>() / n as f64;
                let var = diffs.iter().map(|d| (d[k] - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
                let se = (var / n as f64).sqrt();
                // Strict liability without penalties finds no violations.
                assert!(level[k] > 0.0 || (k == 4 && name == "strict liability"), "{name}: no {} to compare", names[k]);
                assert!(mean.abs() <= 4.5 * se + 1e-9 * level[k].abs(), "{name}: {} differ by {mean} (se {se}, level {})", names[k], level[k]);
            }
        }
    }
}

//! The shipped calibration: the parameter sets that history matching accepted
//! (`data/accepted_sets.csv`; the whole record, with its waves, is `data/calibration.json` and
//! docs/calibration.md), and scenarios "with parameter uncertainty" built from
//! [`UNCERTAINTY_SETS`] of them (`data/uncertainty_sets.csv`), the same in every build.

use crate::scenario::Scenario;
use std::sync::OnceLock;

/// How many accepted sets parameter uncertainty cycles through: enough that an ensemble of up to
/// this many replicates never repeats one, few enough to ship in the browser's model.
pub const UNCERTAINTY_SETS: usize = 64;

/// The sets parameter uncertainty uses: a header of parameter paths, then one line of values per
/// set ([`UNCERTAINTY_SETS`] of the accepted ones, drawn at random).
pub const UNCERTAINTY_CSV: &str = include_str!("../data/uncertainty_sets.csv");

/// Every accepted set, in the same form, for the CLI's robustness shares; the browser build
/// leaves it out.
#[cfg(not(target_arch = "wasm32"))]
pub const ACCEPTED_CSV: &str = include_str!("../data/accepted_sets.csv");

/// The whole calibration record (method, prior, targets, waves, accepted sets with their target
/// values), for the CLI; the browser build leaves it out.
#[cfg(not(target_arch = "wasm32"))]
pub const RECORD: &str = include_str!("../data/calibration.json");

/// The accepted parameter sets.
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptedSets {
    /// Calibrated parameters' paths.
    pub paths: Vec<String>,
    /// One row of values per set, in `paths` order.
    pub sets: Vec<Vec<f64>>,
}

/// Parse the shipped text (see [`ACCEPTED_CSV`]).
pub fn parse(text: &str) -> Result<AcceptedSets, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let paths: Vec<String> = lines.next().ok_or("no header")?.split(',').map(|p| p.trim().to_string()).collect();
    let mut sets = Vec::new();
    for (i, line) in lines.enumerate() {
        let row: Vec<f64> = line.split(',').map(|x| x.trim().parse::<f64>().map_err(|_| format!("line {}: {x:?} is not a number", i + 2))).collect::<Result<_, _>>()?;
        if row.len() != paths.len() {
            return Err(format!("line {}: {} values for {} parameters", i + 2, row.len(), paths.len()));
        }
        sets.push(row);
    }
    Ok(AcceptedSets { paths, sets })
}

/// The sets parameter uncertainty uses (parsed once).
pub fn accepted() -> &'static AcceptedSets {
    static SETS: OnceLock<AcceptedSets> = OnceLock::new();
    SETS.get_or_init(|| parse(UNCERTAINTY_CSV).expect("data/uncertainty_sets.csv is checked by the tests"))
}

/// Every accepted set (parsed once).
#[cfg(not(target_arch = "wasm32"))]
pub fn all_accepted() -> &'static AcceptedSets {
    static SETS: OnceLock<AcceptedSets> = OnceLock::new();
    SETS.get_or_init(|| parse(ACCEPTED_CSV).expect("data/accepted_sets.csv is checked by the tests"))
}

/// Which calibrated parameters a scenario leaves at their defaults: those are the ones parameter
/// uncertainty varies (a value the user chose stays theirs in every replicate).
pub fn varied_paths(s: &Scenario) -> Vec<usize> {
    let here = crate::scenario::numeric_fields(s);
    let default = crate::scenario::numeric_fields(&Scenario::default());
    let value = |fields: &[(String, Option<f64>)], p: &str| fields.iter().find(|(q, _)| q == p).and_then(|(_, x)| *x);
    accepted().paths.iter().enumerate().filter(|(_, p)| value(&here, p).map(f64::to_bits) == value(&default, p).map(f64::to_bits)).map(|(i, _)| i).collect()
}

/// Replicate `index`'s scenario with parameter uncertainty: the calibrated parameters the scenario
/// leaves at their defaults take the values of accepted set `index` mod n.
pub fn with_set(s: &Scenario, index: u32) -> Scenario {
    let a = accepted();
    if a.sets.is_empty() {
        return s.clone();
    }
    with_values(s, &a.paths, &a.sets[index as usize % a.sets.len()])
}

/// `s` with the values of one parameter set (`row`, for `paths`) for the calibrated parameters it
/// leaves at their defaults.
pub fn with_values(s: &Scenario, paths: &[String], row: &[f64]) -> Scenario {
    let mut out = s.clone();
    for i in varied_paths(s) {
        set_calibrated(&mut out, &paths[i], row[i]);
    }
    out
}

/// Set one calibrated (uncertain) parameter by its path, directly: parameter uncertainty runs it
/// for every replicate, and the browser's model has no general scenario writer. A test checks
/// that every parameter with an uncertain range is here.
fn set_calibrated(s: &mut Scenario, path: &str, x: f64) -> bool {
    let field: &mut f64 = match path {
        "market.growth_first" => &mut s.market.growth_first,
        "market.frontier_weight" => &mut s.market.frontier_weight,
        "market.beta_frontier" => &mut s.market.beta_frontier,
        "market.beta_commodity" => &mut s.market.beta_commodity,
        "market.alpha_commodity" => &mut s.market.alpha_commodity,
        "market.nest_lambda" => &mut s.market.nest_lambda,
        "market.price_open" => &mut s.market.price_open,
        "market.xi_open" => &mut s.market.xi_open,
        "market.derivative_premium" => &mut s.market.derivative_premium,
        "market.serving_cost" => &mut s.market.serving_cost,
        "market.phi_open" => &mut s.market.phi_open,
        "market.xi_outside_api" => &mut s.market.xi_outside_api,
        "market.adoption_open" => &mut s.market.adoption_open,
        "technology.spillover" => &mut s.technology.spillover,
        "technology.distillation" => &mut s.technology.distillation,
        "firms.dev_cost_multiple" => &mut s.firms.dev_cost_multiple,
        "firms.open_reputation" => &mut s.firms.open_reputation,
        "firms.open_talent" => &mut s.firms.open_talent,
        "firms.home_revenue_share" => &mut s.firms.home_revenue_share,
        "harms.demand_elasticity" => &mut s.harms.demand_elasticity,
        "derivatives.initial" => {
            s.derivatives.initial = x.round() as u32;
            return true;
        }
        _ => return false,
    };
    *field = x;
    true
}

/// One uncertain parameter and how much of its range the calibration left open.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Uncertain {
    /// Scenario path.
    pub path: &'static str,
    /// Low end of its uncertain range.
    pub low: f64,
    /// High end.
    pub high: f64,
    /// The accepted sets' 5th–95th percentile spread as a fraction of the range (1 when the
    /// calibration did not narrow it, or did not vary it).
    pub spread: f64,
}

/// The uncertain parameters, most uncertain first: the calibration narrowed them least.
pub fn most_uncertain() -> Vec<Uncertain> {
    let a = accepted();
    let mut out: Vec<Uncertain> = crate::scenario::spec::param_specs()
        .iter()
        .filter_map(|p| {
            let (low, high) = p.prior?;
            let col = a.paths.iter().position(|q| q == p.path);
            let spread = match col {
                Some(j) if a.sets.len() > 1 => {
                    let mut v: Vec<f64> = a.sets.iter().map(|r| r[j]).collect();
                    v.sort_by(|x, y| x.total_cmp(y));
                    (crate::ensemble::quantile(&v, 0.95) - crate::ensemble::quantile(&v, 0.05)) / (high - low)
                }
                _ => 1.0,
            };
            Some(Uncertain { path: p.path, low, high, spread })
        })
        .collect();
    // Stable: ties keep the table's order.
    out.sort_by(|x, y| y.spread.total_cmp(&x.spread));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_shipped_sets_parse_and_lie_inside_their_parameters_ranges() {
        let a = all_accepted();
        assert!(a.sets.len() >= 100, "an accepted set of at least 100 members: {}", a.sets.len());
        let u = accepted();
        assert_eq!(u.paths, a.paths);
        assert_eq!(u.sets.len(), UNCERTAINTY_SETS.min(a.sets.len()));
        assert!(u.sets.iter().all(|s| a.sets.contains(s)), "the uncertainty sets are accepted ones");
        for p in &a.paths {
            assert!(crate::scenario::spec::find(p).is_some_and(|s| s.prior.is_some()), "{p} is not an uncertain parameter");
        }
        for row in &a.sets {
            for (p, x) in a.paths.iter().zip(row) {
                let (lo, hi) = crate::scenario::spec::find(p).unwrap().prior.unwrap();
                assert!(*x >= lo && *x <= hi, "{p} = {x} outside {lo}–{hi}");
            }
        }
    }

    #[test]
    fn every_uncertain_parameter_can_be_set_directly() {
        for p in crate::analysis::prior::prior() {
            let mut s = Scenario::default();
            let x = 0.5 * (p.min + p.max);
            assert!(set_calibrated(&mut s, &p.path, x), "{} has no setter", p.path);
            let v = serde_json::to_value(&s).unwrap();
            let got = p.path.split('.').fold(&v, |v, k| &v[k]).as_f64().unwrap();
            assert_eq!(got, if p.integer { x.round() } else { x }, "{}", p.path);
        }
    }

    #[test]
    fn parse_names_the_bad_line() {
        assert_eq!(parse("a.b,c.d\n1,2\n").unwrap().sets, vec![vec![1.0, 2.0]]);
        assert!(parse("a.b,c.d\n1,x\n").unwrap_err().contains("line 2"));
        assert!(parse("a.b,c.d\n1\n").unwrap_err().contains("1 values for 2"));
    }
}

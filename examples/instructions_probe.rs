fn main() {
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(8);
    let s = regsim::scenario::Scenario::default();
    let r = regsim::ensemble::run(&s, n).unwrap();
    let aq: f64 = r.runs.iter().map(|run| run.get(regsim::metrics::Metric::NDevelopers).iter().sum::<f64>() + run.get(regsim::metrics::Metric::NDerivatives).iter().sum::<f64>()).sum();
    println!("agent_quarters {aq}");
}

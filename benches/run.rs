//! `cargo bench`: one default 40-quarter run, and the same with 10× and 100× the firms, with
//! agent-quarters per second; then a summary of the cost per agent-quarter at each scale.
//!
//! Targets (single thread, two-core machine): a default run in at most 1 ms; cost per
//! agent-quarter growing by no more than 1.3× from the default to 100× the firms.

use divan::counter::ItemsCount;
use divan::Bencher;
use regsim::ensemble::run_replicate;
use regsim::metrics::Metric;
use regsim::scenario::Scenario;
use std::time::Instant;

fn main() {
    divan::main();
    summary();
}

/// The default scenario with every firm count, derivative count and entry rate scaled by `k`.
fn scaled(k: u32) -> Scenario {
    let mut s = Scenario::default();
    for a in [&mut s.firms.frontier_lab, &mut s.firms.big_tech, &mut s.firms.challenger, &mut s.firms.startup, &mut s.firms.foreign_open_lab] {
        a.count *= k;
        a.open_at_start *= k;
    }
    s.derivatives.initial *= k;
    s.derivatives.entry_rate *= k as f64;
    s.entry.rate *= k as f64;
    s
}

/// Alive developers plus alive derivatives, summed over the quarters of replicate 0.
fn agent_quarters(s: &Scenario) -> u64 {
    let r = run_replicate(s, 0);
    (r.get(Metric::NDevelopers).iter().sum::<f64>() + r.get(Metric::NDerivatives).iter().sum::<f64>()) as u64
}

fn bench_scale(bencher: Bencher, k: u32) {
    let s = scaled(k);
    let n = agent_quarters(&s);
    bencher.counter(ItemsCount::new(n)).bench(|| run_replicate(divan::black_box(&s), 0));
}

/// One default 40-quarter run.
#[divan::bench]
fn default_run(bencher: Bencher) {
    bench_scale(bencher, 1);
}

/// 10× the firms.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn firms_10x(bencher: Bencher) {
    bench_scale(bencher, 10);
}

/// 100× the firms.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn firms_100x(bencher: Bencher) {
    bench_scale(bencher, 100);
}

/// The default comparison of the web app: two scenarios × 32 replicates, on one thread.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn default_comparison_64_runs() {
    let b = regsim::scenario::preset("none").unwrap();
    let r = regsim::scenario::preset("sb1047").unwrap();
    divan::black_box(regsim::ensemble::compare(&b, &r, 32).unwrap());
}

fn median_seconds(s: &Scenario, runs: usize) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            divan::black_box(run_replicate(s, 0));
            start.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(|a, b| a.total_cmp(b));
    t[t.len() / 2]
}

fn summary() {
    println!("\nsummary (median of repeated single-thread runs):");
    let mut base = None;
    for (k, runs) in [(1, 101), (10, 11), (100, 3)] {
        let s = scaled(k);
        let n = agent_quarters(&s) as f64;
        let secs = median_seconds(&s, runs);
        let per = secs / n;
        let ratio = per / *base.get_or_insert(per);
        println!(
            "  {k:>3}× firms: {:>9.3} ms a run, {n:>9.0} agent-quarters, {:>6.2} M agent-quarters/s, cost per agent-quarter {ratio:.2}× the default",
            secs * 1e3,
            n / secs / 1e6
        );
    }
}

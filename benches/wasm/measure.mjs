// The wasm half of the benchmark, shared by Node.js (bench.mjs) and Chromium (bench-worker.mjs):
// whole ensembles of the default scenario, after a warm-up, for at least `seconds`.
export function measure(api, replicates, seconds) {
  const s = api.defaultScenario();
  api.runEnsemble(s, Math.min(4, replicates)); // warm-up: compilation tiers, memory growth
  let agentQuarters = 0;
  let ensembles = 0;
  const t0 = performance.now();
  let elapsed;
  do {
    const m = api.runEnsemble(s, replicates).baseline.metrics;
    // n_developers and n_derivatives are never missing, so mean × replicates is the sum.
    for (let q = 0; q < m.n_developers.mean.length; q++) agentQuarters += (m.n_developers.mean[q] + m.n_derivatives.mean[q]) * replicates;
    ensembles++;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < seconds);
  return {
    replicates,
    ensembles,
    agent_quarters: Math.round(agentQuarters),
    seconds: elapsed,
    agent_quarters_per_second: agentQuarters / elapsed,
    ms_per_replicate: (elapsed * 1000) / (ensembles * replicates),
    hash: api.replicateHash(s, 0),
  };
}

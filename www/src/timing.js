// Performance measures the benchmarks read (regsim:draw, regsim:merge), kept to the last few
// hundred: the browser keeps every measure until it is cleared, so over a long session they would
// grow without bound (found by www/bench/memory-bench.mjs).

const KEEP = 200;

/** Record a measure `name` from `start` to `end` (performance.now() times). */
export function measure(name, start, end) {
  if (!performance.measure) return;
  performance.measure(name, { start, end });
  if (performance.getEntriesByName(name, 'measure').length > KEEP) performance.clearMeasures(name);
}

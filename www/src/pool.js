// Runs comparisons on a few module workers, each taking a share of the replicates, and merges
// their runs into one result on the page (band statistics only: no simulation on this thread).
// Only the newest request matters: a new one supersedes the one in flight.

export class RunPool {
  /**
   * @param {object} api     the wasm module's exports (for merging)
   * @param {WebAssembly.Module} module  the compiled model, shared with the workers
   * @param {number} size    number of workers
   */
  constructor(api, module, size) {
    this.api = api;
    this.size = size;
    this.workers = [];
    this.nextId = 1;
    this.current = null;
    this.readyCount = 0;
    this.onReady = null;
    this.ready = new Promise((resolve) => (this.onReady = resolve));
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `regsim-${i}` });
      w.onmessage = (e) => this.#message(i, e.data);
      w.onerror = (e) => this.#fail(`a worker failed: ${e.message ?? 'unknown error'}`);
      w.postMessage({ type: 'init', module });
      this.workers.push(w);
    }
  }

  /**
   * Run a comparison; resolves to {result, ms} or rejects with an Error; resolves to null when a
   * newer request superseded it. `onProgress(done, total)` reports runs.
   */
  run(baseline, reform, replicates, onProgress) {
    if (this.current) this.current.resolve(null);
    const id = this.nextId++;
    const parts = Math.max(1, Math.min(this.size, replicates));
    return new Promise((resolve, reject) => {
      this.current = { id, baseline, reform, replicates, parts, shards: new Array(parts).fill(null), progress: new Array(parts).fill(0), total: 2 * replicates, resolve, reject, onProgress, t0: performance.now() };
      for (let p = 0; p < parts; p++) this.workers[p].postMessage({ type: 'run', id, baseline, reform, replicates, part: p, parts });
      for (let p = parts; p < this.size; p++) this.workers[p].postMessage({ type: 'cancel' });
    });
  }

  #fail(message) {
    const c = this.current;
    this.current = null;
    c?.reject(new Error(message));
  }

  #message(worker, m) {
    if (m.type === 'ready') {
      if (++this.readyCount === this.size) this.onReady();
      return;
    }
    const c = this.current;
    if (m.type === 'error' && m.id === -1) {
      this.#fail(m.message);
      return;
    }
    if (!c || m.id !== c.id) return; // stale
    if (m.type === 'error') {
      this.#fail(m.message);
    } else if (m.type === 'progress') {
      c.progress[worker] = m.done;
      c.onProgress?.(c.progress.reduce((a, b) => a + b, 0), c.total);
    } else if (m.type === 'runs') {
      c.shards[worker] = m.runs;
      c.progress[worker] = (m.runs.length && c.total / c.parts) || 0;
      if (c.shards.every((s) => s !== null)) this.#merge(c);
    }
  }

  #merge(c) {
    this.current = null;
    let exp;
    const t0 = performance.now();
    try {
      exp = new this.api.Experiment(c.baseline, c.reform, c.replicates);
      for (const runs of c.shards) exp.importRuns(runs);
      const result = exp.result();
      performance.measure?.('regsim:merge', { start: t0, end: performance.now() });
      c.resolve({ result, ms: performance.now() - c.t0 });
    } catch (e) {
      c.reject(new Error(String(e?.message ?? e)));
    } finally {
      exp?.free();
    }
  }

  terminate() {
    for (const w of this.workers) w.terminate();
  }
}

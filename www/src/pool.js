// Runs comparisons on a few module workers, each taking a share of the replicates
// (Experiment.shard); worker 0 merges the others' runs into the result, so the page's thread
// only draws. Only the newest request matters: a new one supersedes the one in flight, whose
// workers drop it at their next slice.

export class RunPool {
  /**
   * @param {Promise<WebAssembly.Module>} module  the compiled model (when ready), for the workers
   * @param {number} size    number of workers
   */
  constructor(module, size) {
    this.size = size;
    this.workers = [];
    this.nextId = 1;
    this.current = null;
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `regsim-${i}` });
      w.onmessage = (e) => this.#message(i, e.data);
      w.onerror = (e) => this.#fail(`a worker failed: ${e.message ?? 'unknown error'}`);
      // Workers start loading their script now; the model follows when it is compiled.
      module.then((m) => w.postMessage({ type: 'init', module: m }));
      this.workers.push(w);
    }
  }

  /**
   * Run a comparison; resolves to {result, ms, mergeMs}, or to null when a newer request
   * superseded it; rejects with an Error. `onProgress(done, total)` reports runs.
   */
  run(baseline, reform, replicates, onProgress) {
    if (this.current) this.current.resolve(null);
    const id = this.nextId++;
    const parts = Math.max(1, Math.min(this.size, replicates));
    return new Promise((resolve, reject) => {
      const share = (p) => 2 * Math.ceil((replicates - p) / parts);
      this.current = { id, parts, progress: new Array(parts).fill(0), totals: Array.from({ length: parts }, (_, p) => share(p)), resolve, reject, onProgress, t0: performance.now() };
      for (let p = 0; p < parts; p++) this.workers[p].postMessage({ type: 'run', id, baseline, reform, replicates, part: p, parts });
      for (let p = parts; p < this.size; p++) this.workers[p].postMessage({ type: 'cancel' });
    });
  }

  #fail(message) {
    const c = this.current;
    this.current = null;
    for (const w of this.workers) w.postMessage({ type: 'cancel' });
    c?.reject(new Error(message));
  }

  #message(worker, m) {
    if (m.type === 'ready') return;
    if (m.type === 'error' && m.id === -1) {
      this.#fail(m.message);
      return;
    }
    const c = this.current;
    if (!c || m.id !== c.id) return; // stale
    if (m.type === 'error') {
      this.#fail(m.message);
    } else if (m.type === 'progress') {
      // Runs actually computed: a reused baseline is not counted.
      c.progress[worker] = m.done;
      c.totals[worker] = m.total;
      const sum = (a) => a.reduce((x, y) => x + y, 0);
      c.onProgress?.(sum(c.progress), sum(c.totals));
    } else if (m.type === 'runs') {
      // Another shard's runs go to shard 0, which merges (transferred, not copied).
      this.workers[0].postMessage({ type: 'import', id: m.id, runs: m.runs }, [m.runs.buffer]);
    } else if (m.type === 'result') {
      this.current = null;
      performance.measure?.('regsim:merge', { start: performance.now() - m.mergeMs, end: performance.now() });
      c.resolve({ result: m.result, ms: performance.now() - c.t0, mergeMs: m.mergeMs });
    }
  }

  terminate() {
    for (const w of this.workers) w.terminate();
  }
}

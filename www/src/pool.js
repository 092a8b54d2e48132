// Runs comparisons on a few module workers, each taking a share of the replicates
// (Experiment.shard); worker 0 merges the others' runs into the result, so the page's thread
// only draws. Requests come from clients (the app is one client; each embedded figure is one):
// a client's new request supersedes its own request in flight, whose workers drop it at their
// next slice, or its own queued one; requests of different clients wait their turn.
// Two kinds of request: a comparison (`run`, replicates shared out with Experiment.shard) and
// the points of a sweep (`sweep`, each worker building its own Sweep and taking the next point
// when it has finished one).

const DEFAULT_CLIENT = 'default';

export class RunPool {
  /**
   * @param {Promise<WebAssembly.Module|string|URL>} module  the compiled model, or the URL of
   *   its .wasm file for the workers to fetch and compile themselves (when ready)
   * @param {number} size    number of workers
   * @param {{workerUrl?: URL|string, createWorker?: (name: string) => Worker}} [options]  where
   *   the worker script is (by default next to this module, as built), or a function that makes
   *   a worker-like object (postMessage, onmessage, onerror, terminate: Node.js's worker threads)
   */
  constructor(module, size, options = {}) {
    this.size = size;
    this.workers = [];
    this.nextId = 1;
    this.current = null; // the request in flight
    this.queue = []; // requests waiting, oldest first: at most one per client
    this.calls = new Map(); // id → {resolve, reject}: api calls
    this.broken = null; // message, once the model could not start
    for (let i = 0; i < size; i++) {
      const w = options.createWorker
        ? options.createWorker(`regsim-${i}`)
        : options.workerUrl
          ? makeWorker(options.workerUrl, `regsim-${i}`)
          : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `regsim-${i}` });
      w.onmessage = (e) => this.#message(i, e.data);
      w.onerror = (e) => this.#fail(`a worker failed: ${e.message ?? 'unknown error'}`, true);
      // Workers start loading their script now; the model follows when it is ready.
      Promise.resolve(module).then(
        (m) => w.postMessage({ type: 'init', module: m instanceof URL ? m.href : m }),
        (e) => this.#fail(`the model could not be loaded: ${e?.message ?? e}`, true),
      );
      this.workers.push(w);
    }
  }

  /**
   * Run a comparison; resolves to {result, ms, mergeMs}, or to null when a newer request of the
   * same client superseded it; rejects with an Error. `onProgress(done, total)` reports runs.
   */
  run(baseline, reform, replicates, onProgress, client = DEFAULT_CLIENT) {
    return this.#request({ kind: 'run', baseline, reform, replicates, onProgress }, client);
  }

  /** Queue a request of a client (superseding its own queued or running one). */
  #request(fields, client) {
    return new Promise((resolve, reject) => {
      if (this.broken) {
        reject(new Error(this.broken));
        return;
      }
      const req = { id: this.nextId++, client, ...fields, resolve, reject };
      const q = this.queue.findIndex((r) => r.client === client);
      if (q >= 0) {
        this.queue[q].resolve(null);
        this.queue.splice(q, 1);
      }
      if (this.current && this.current.client === client) {
        // Superseded: the workers drop the old request when they get the new one.
        this.current.resolve(null);
        this.current = null;
        this.#start(req);
      } else if (!this.current) {
        this.#start(req);
      } else {
        this.queue.push(req);
      }
    });
  }

  /**
   * Run points of a sweep: `experiment` is an experiment object (the wasm API's `Sweep`), `points`
   * the indices to run. Every worker builds its own Sweep from the same object and takes the next
   * point when it has finished one; `onPoint(i, rows)` gets each point's rows as it finishes (a
   * Float64Array, replicates × columns, row by row). Resolves to {ms} when every point is done, or
   * to null when a newer request of the same client superseded it or it was cancelled; rejects
   * with an Error (a point the model refused).
   */
  sweep(experiment, points, onPoint, client = DEFAULT_CLIENT) {
    return this.#request({ kind: 'sweep', experiment, points: [...points], onPoint }, client);
  }

  /** Drop a client's requests, queued or in flight (they resolve to null). */
  cancel(client = DEFAULT_CLIENT) {
    const q = this.queue.findIndex((r) => r.client === client);
    if (q >= 0) {
      this.queue[q].resolve(null);
      this.queue.splice(q, 1);
    }
    if (this.current?.client === client) {
      this.current.resolve(null);
      this.current = null;
      for (const w of this.workers) w.postMessage({ type: 'cancel' });
      this.#next();
    }
  }

  /**
   * Call one of the model's functions in worker 0 (see worker.js for the list): resolves to its
   * value, rejects with its Error.
   */
  api(fn, ...args) {
    return new Promise((resolve, reject) => {
      if (this.broken) {
        reject(new Error(this.broken));
        return;
      }
      const id = this.nextId++;
      this.calls.set(id, { resolve, reject });
      this.workers[0].postMessage({ type: 'api', id, fn, args });
    });
  }

  #start(req) {
    if (req.kind === 'sweep') {
      this.#startSweep(req);
      return;
    }
    const { id, baseline, reform, replicates } = req;
    const parts = Math.max(1, Math.min(this.size, replicates));
    const share = (p) => 2 * Math.ceil((replicates - p) / parts);
    this.current = { ...req, parts, progress: new Array(parts).fill(0), totals: Array.from({ length: parts }, (_, p) => share(p)), t0: performance.now() };
    for (let p = 0; p < parts; p++) this.workers[p].postMessage({ type: 'run', id, baseline, reform, replicates, part: p, parts });
    for (let p = parts; p < this.size; p++) this.workers[p].postMessage({ type: 'cancel' });
  }

  /**
   * Hand the sweep's first points out, one per worker; each worker gets the experiment with its
   * first. `inflight[w]` is the point worker w is running (null when none), `queue` those not
   * handed out yet.
   */
  #startSweep(req) {
    const c = { ...req, queue: [...req.points], inflight: new Array(this.size).fill(null), done: 0, t0: performance.now() };
    this.current = c;
    if (!c.queue.length) {
      this.current = null;
      c.resolve({ ms: 0 });
      this.#next();
      return;
    }
    const used = Math.min(this.size, c.queue.length);
    for (let w = 0; w < used; w++) this.#sendPoint(c, w, true);
    for (let w = used; w < this.size; w++) this.workers[w].postMessage({ type: 'cancel' });
  }

  #sendPoint(c, w, first) {
    const i = c.queue.shift();
    c.inflight[w] = i;
    this.workers[w].postMessage(first ? { type: 'point', id: c.id, experiment: c.experiment, i } : { type: 'point', id: c.id, i });
  }

  #next() {
    if (this.current || !this.queue.length) return;
    this.#start(this.queue.shift());
  }

  /** The request in flight failed; with `fatal`, the model cannot run at all. */
  #fail(message, fatal = false) {
    const c = this.current;
    this.current = null;
    for (const w of this.workers) w.postMessage({ type: 'cancel' });
    c?.reject(new Error(message));
    if (fatal) {
      this.broken = message;
      for (const r of this.queue.splice(0)) r.reject(new Error(message));
      for (const call of this.calls.values()) call.reject(new Error(message));
      this.calls.clear();
    } else {
      this.#next();
    }
  }

  #message(worker, m) {
    if (m.type === 'ready') return;
    if (m.type === 'error' && m.id === -1) {
      this.#fail(m.message, true);
      return;
    }
    if (m.type === 'api') {
      const call = this.calls.get(m.id);
      this.calls.delete(m.id);
      if (!call) return;
      if ('error' in m) call.reject(new Error(m.error));
      else call.resolve(m.value);
      return;
    }
    const c = this.current;
    if (!c || m.id !== c.id) return; // stale
    if (m.type === 'error') {
      this.#fail(m.message);
    } else if (m.type === 'point') {
      c.done += 1;
      c.inflight[worker] = null;
      if (c.queue.length) this.#sendPoint(c, worker, false);
      c.onPoint?.(m.i, m.rows);
      if (this.current !== c) return; // onPoint cancelled or superseded it
      if (c.done === c.points.length) {
        this.current = null;
        c.resolve({ ms: performance.now() - c.t0 });
        this.#next();
      }
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
      this.#next();
    }
  }

  /** Stop the workers; what is pending, and what is asked later, rejects. */
  terminate() {
    this.#fail('the model was closed', true);
    for (const w of this.workers) w.terminate();
  }
}

/**
 * A module worker from a URL. A worker's script must have the page's origin; from another origin
 * (the figure's script hosted elsewhere, served with CORS) a same-origin blob: module imports it.
 */
function makeWorker(url, name) {
  const u = new URL(url, location.href);
  if (u.origin === location.origin) return new Worker(u, { type: 'module', name });
  const blob = new Blob([`import ${JSON.stringify(u.href)};\n`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(blob), { type: 'module', name });
}

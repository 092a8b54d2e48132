// Runs comparisons on a few module workers, each taking a share of the replicates
// (Experiment.shard); worker 0 merges the others' runs into the result, so the page's thread
// only draws. Requests come from clients (the app is one client; each embedded figure is one):
// a client's new request supersedes its own request in flight, whose workers drop it at their
// next slice, or its own queued one; requests of different clients wait their turn.
//
// A worker that crashes (an error it did not catch, its model trapping, or silence for
// `stallMs` while it has runs to do) is replaced by a new one, and the request in flight is run
// again from the start; the result then says so (`restarted`), so that the page can tell the
// reader. A request whose runs crash a worker twice is refused with a message instead.
//
// Two kinds of request: a comparison (`run`, replicates shared out with Experiment.shard) and
// the points of a sweep (`sweep`, each worker building its own Sweep and taking the next point
// when it has finished one; a point a crashed worker was running is run again by its
// replacement, points already done are kept).

import { measure } from './timing.js';

const DEFAULT_CLIENT = 'default';
/** How long a worker with runs to do may stay silent before it is taken for dead. */
const STALL_MS = 15_000;

export class RunPool {
  /**
   * @param {Promise<WebAssembly.Module|string|URL>} module  the compiled model, or the URL of
   *   its .wasm file for the workers to fetch and compile themselves (when ready)
   * @param {number} size    number of workers
   * @param {{workerUrl?: URL|string, createWorker?: (name: string) => Worker, stallMs?: number}} [options]
   *   where the worker script is (by default next to this module, as built), or a function that
   *   makes a worker-like object (postMessage, onmessage, onerror, terminate: Node.js's worker
   *   threads); how long a busy worker may be silent; `full`: whether `module` is the model's full
   *   build (sweeps, "What drives this?", model v1.3's scenarios), or else `fullModule`, where the
   *   full build is, which a worker then loads only when first asked for one of those
   */
  constructor(module, size, options = {}) {
    this.size = size;
    this.module = module;
    this.options = options;
    this.stallMs = options.stallMs ?? STALL_MS;
    this.slots = []; // per worker: {w, ready, heard}
    this.nextId = 1;
    this.current = null; // the request in flight
    this.queue = []; // requests waiting, oldest first: at most one per client
    this.calls = new Map(); // id → {resolve, reject, fn, args}: api calls
    this.broken = null; // message, once the model could not start
    this.restarts = 0; // workers replaced so far
    // Workers start loading their script now; the model follows when it is ready.
    for (let i = 0; i < size; i++) this.#spawn(i);
    this.watchdog = setInterval(() => this.#checkStalls(), Math.min(1000, this.stallMs / 2));
    // In Node.js the watchdog alone must not keep the caller's process alive.
    this.watchdog.unref?.();
  }

  /** The workers (for tests and tools that look at them). */
  get workers() {
    return this.slots.map((s) => s.w);
  }

  #spawn(i) {
    const { workerUrl, createWorker } = this.options;
    const name = `regsim-${i}`;
    const w = createWorker
      ? createWorker(name)
      : workerUrl
        ? makeWorker(workerUrl, name)
        : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name });
    const slot = { w, ready: false, heard: performance.now() };
    this.slots[i] = slot;
    const mine = () => this.slots[i] === slot;
    w.onmessage = (e) => {
      if (!mine()) return;
      slot.heard = performance.now();
      this.#message(i, slot, e.data);
    };
    w.onerror = (e) => {
      e.preventDefault?.();
      if (!mine()) return;
      const what = e.message ?? 'unknown error';
      // Before the model is ready, the model itself cannot start here: no worker would do better.
      if (!slot.ready) this.#fail(`a worker failed: ${what}`, true);
      else this.#crashed(i, `it stopped with an error (${what})`);
    };
    w.onmessageerror = () => mine() && this.#crashed(i, 'a message from it could not be read');
    Promise.resolve(this.module).then(
      (m) => mine() && w.postMessage({ type: 'init', module: href(m), full: !!this.options.full, fullModule: href(this.options.fullModule) }),
      (e) => this.#fail(`the model could not be loaded: ${e?.message ?? e}`, true),
    );
  }

  /**
   * Run a comparison; resolves to {result, ms, mergeMs, restarted}, or to null when a newer
   * request of the same client superseded it; rejects with an Error. `onProgress(done, total)`
   * reports runs. `restarted` is null, or why a worker was replaced during the request (whose
   * runs were then done again).
   */
  run(baseline, reform, replicates, onProgress, client = DEFAULT_CLIENT) {
    return this.#request({ kind: 'run', baseline, reform, replicates, onProgress }, client);
  }

  /**
   * Run points of a sweep: `experiment` is an experiment object (the wasm API's `Sweep`), `points`
   * the indices to run. Every worker builds its own Sweep from the same object and takes the next
   * point when it has finished one; `onPoint(i, rows)` gets each point's rows as it finishes (a
   * Float64Array, replicates × columns, row by row). Resolves to {ms, restarted} when every point
   * is done, or to null when a newer request of the same client superseded it or it was
   * cancelled; rejects with an Error (a point the model refused, or one that crashed two workers).
   */
  sweep(experiment, points, onPoint, client = DEFAULT_CLIENT) {
    return this.#request({ kind: 'sweep', experiment, points: [...points], onPoint }, client);
  }

  /** Queue a request of a client (superseding its own queued or running one). */
  #request(fields, client) {
    return new Promise((resolve, reject) => {
      if (this.broken) {
        reject(new Error(this.broken));
        return;
      }
      const req = { id: this.nextId++, client, ...fields, resolve, reject, restarted: null };
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
      for (const s of this.slots) s.w.postMessage({ type: 'cancel' });
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
      this.calls.set(id, { resolve, reject, fn, args });
      this.slots[0].w.postMessage({ type: 'api', id, fn, args });
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
    const now = performance.now();
    this.current = { ...req, parts, progress: new Array(parts).fill(0), totals: Array.from({ length: parts }, (_, p) => share(p)), finished: new Array(parts).fill(false), t0: req.t0 ?? now };
    for (let p = 0; p < parts; p++) {
      this.slots[p].heard = now;
      this.slots[p].w.postMessage({ type: 'run', id, baseline, reform, replicates, part: p, parts });
    }
    for (let p = parts; p < this.size; p++) this.slots[p].w.postMessage({ type: 'cancel' });
  }

  /**
   * Hand the sweep's first points out, one per worker; a worker gets the experiment with its
   * first point (`sent`). `inflight[w]` is the point worker w is running (null when none), `queue`
   * those not handed out yet.
   */
  #startSweep(req) {
    const now = performance.now();
    const c = { ...req, queue: [...req.points], inflight: new Array(this.size).fill(null), sent: new Array(this.size).fill(false), done: 0, t0: now };
    this.current = c;
    if (!c.queue.length) {
      this.current = null;
      c.resolve({ ms: 0, restarted: null });
      this.#next();
      return;
    }
    const used = Math.min(this.size, c.queue.length);
    for (let w = 0; w < used; w++) this.#sendPoint(c, w);
    for (let w = used; w < this.size; w++) this.slots[w].w.postMessage({ type: 'cancel' });
  }

  #sendPoint(c, w) {
    const i = c.queue.shift();
    c.inflight[w] = i;
    this.slots[w].heard = performance.now();
    this.slots[w].w.postMessage(c.sent[w] ? { type: 'point', id: c.id, i } : { type: 'point', id: c.id, experiment: c.experiment, i });
    c.sent[w] = true;
  }

  /** Worker w of a sweep crashed: its replacement runs the point it had, once. */
  #sweepCrashed(c, w, reason) {
    c.sent[w] = false;
    const lost = c.inflight[w];
    if (lost === null) return;
    if (c.restarted) {
      this.current = null;
      for (const s of this.slots) s.w.postMessage({ type: 'cancel' });
      c.reject(new Error(`a simulation worker stopped twice on this sweep (${c.restarted}; then ${reason}); it was replaced, but the sweep was not finished`));
      this.#next();
      return;
    }
    c.restarted = `a simulation worker stopped: ${reason}`;
    c.queue.unshift(lost);
    this.#sendPoint(c, w);
  }

  #next() {
    if (this.current || !this.queue.length) return;
    this.#start(this.queue.shift());
  }

  /** The request in flight failed; with `fatal`, the model cannot run at all. */
  #fail(message, fatal = false) {
    if (this.broken) return;
    const c = this.current;
    this.current = null;
    for (const s of this.slots) s.w.postMessage({ type: 'cancel' });
    c?.reject(new Error(message));
    if (fatal) {
      this.broken = message;
      clearInterval(this.watchdog);
      for (const r of this.queue.splice(0)) r.reject(new Error(message));
      for (const call of this.calls.values()) call.reject(new Error(message));
      this.calls.clear();
    } else {
      this.#next();
    }
  }

  /**
   * Worker `i` crashed (`reason` says how): replace it, and run the request in flight again, once;
   * calls waiting on worker 0 are asked of its replacement.
   */
  #crashed(i, reason) {
    if (this.broken) return;
    this.slots[i].w.terminate();
    this.restarts += 1;
    this.#spawn(i);
    if (i === 0) {
      // Asked once more of the new worker; a call that a second worker dies on is refused.
      for (const [id, call] of this.calls) {
        if (call.retried) {
          this.calls.delete(id);
          call.reject(new Error(`the model stopped twice on this call (${reason})`));
        } else {
          call.retried = true;
          this.slots[0].w.postMessage({ type: 'api', id, fn: call.fn, args: call.args });
        }
      }
    }
    const c = this.current;
    if (c?.kind === 'sweep') {
      this.#sweepCrashed(c, i, reason);
      return;
    }
    if (!c || i >= c.parts) return;
    this.current = null;
    if (c.restarted) {
      for (const s of this.slots) s.w.postMessage({ type: 'cancel' });
      c.reject(new Error(`a simulation worker stopped twice on these settings (${c.restarted}; then ${reason}); it was replaced, but these runs were not done`));
      this.#next();
      return;
    }
    const again = { ...c, id: this.nextId++, restarted: `a simulation worker stopped: ${reason}` };
    c.onProgress?.(0, c.totals.reduce((x, y) => x + y, 0));
    this.#start(again);
  }

  /** A worker with runs still to do that has said nothing for `stallMs` is taken for dead. */
  #checkStalls() {
    const c = this.current;
    if (!c) return;
    const now = performance.now();
    const busy = c.kind === 'sweep' ? (p) => c.inflight[p] !== null : (p) => !c.finished[p];
    for (let p = 0; p < (c.kind === 'sweep' ? this.size : c.parts); p++) {
      const s = this.slots[p];
      if (!s.ready || !busy(p) || now - s.heard <= this.stallMs) continue;
      this.#crashed(p, `it did not answer for ${Math.round((now - s.heard) / 1000)} s`);
      return;
    }
  }

  #message(worker, slot, m) {
    if (m.type === 'ready') {
      slot.ready = true;
      return;
    }
    if (m.type === 'crashed') {
      this.#crashed(worker, `its model stopped (${m.message})`);
      return;
    }
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
    } else if (m.type === 'progress') {
      // Runs actually computed: a reused baseline is not counted.
      c.progress[worker] = m.done;
      c.totals[worker] = m.total;
      c.finished[worker] = m.done >= m.total;
      const sum = (a) => a.reduce((x, y) => x + y, 0);
      c.onProgress?.(sum(c.progress), sum(c.totals));
    } else if (m.type === 'runs') {
      // Another shard's runs go to shard 0, which merges (transferred, not copied).
      this.slots[0].w.postMessage({ type: 'import', id: m.id, runs: m.runs }, [m.runs.buffer]);
    } else if (m.type === 'point') {
      c.done += 1;
      c.inflight[worker] = null;
      if (c.queue.length) this.#sendPoint(c, worker);
      c.onPoint?.(m.i, m.rows);
      if (this.current !== c) return; // onPoint cancelled or superseded it
      if (c.done === c.points.length) {
        this.current = null;
        c.resolve({ ms: performance.now() - c.t0, restarted: c.restarted });
        this.#next();
      }
    } else if (m.type === 'result') {
      this.current = null;
      measure('regsim:merge', performance.now() - m.mergeMs, performance.now());
      c.resolve({ result: m.result, ms: performance.now() - c.t0, mergeMs: m.mergeMs, restarted: c.restarted });
      this.#next();
    }
  }

  /** Stop the workers; what is pending, and what is asked later, rejects. */
  terminate() {
    this.#fail('the model was closed', true);
    clearInterval(this.watchdog);
    for (const s of this.slots) s.w.terminate();
  }
}

/** A model's source as a message carries it: a URL as its text, a compiled module as it is. */
const href = (m) => (m instanceof URL ? m.href : m);

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

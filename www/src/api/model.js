// regsim's JavaScript API, the npm package's `regsim`: the model's catalog (presets, parameters,
// metrics), validation, and runs that return promises, with progress and cancellation, on the
// worker pool the app and the figures use (pool.js over worker.js). Results are the model's own:
// one Float64Array per metric and statistic.
//
// The browser's entry (index.js) and Node.js's (the package's node/index.js) differ only in how
// they start workers and find the model: their `platform`. The model's functions reach this
// module through worker.js's API table; a new one becomes package API as one method of Model
// (and a line in the package's index.d.ts).

import { RunPool } from '../pool.js';
import { show } from '../format.js';

const RUN_OPTIONS = ['replicates', 'onProgress', 'signal'];
const MODEL_OPTIONS = ['workers'];
const MAX_WORKERS = 64;

const isPlain = (x) => x !== null && typeof x === 'object' && !Array.isArray(x) && [Object.prototype, null].includes(Object.getPrototypeOf(x));
const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

/** A whole number from `lo` to `hi`, or a RangeError naming `name`, the value and the range. */
function whole(name, v, lo, hi) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name}: ${show(v)} is not allowed; expected a whole number from ${lo} to ${hi}`);
  return v;
}

/** Keys of an options object, checked against those allowed. */
function readOptions(what, options, allowed) {
  if (options === undefined) return {};
  if (!isPlain(options)) throw new TypeError(`${what}: ${show(options)} is not allowed; expected an object with any of ${allowed.join(', ')}`);
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new TypeError(unknown.map((k) => `${what}: ${show(k)} is not an option; expected ${allowed.join(', ')}`).join('; '));
  return options;
}

function abortError(signal) {
  return signal.reason ?? new DOMException('The run was aborted.', 'AbortError');
}

/** A model: its own pool of workers, and the catalog asked of them once. */
export class Model {
  #pool;
  #catalog = null;
  #clients = 0;
  #busy = 0;
  #closed = false;

  /**
   * @param {{module: () => Promise<WebAssembly.Module|URL>, poolOptions: object, defaultWorkers: () => number}} platform
   * @param {{workers?: number}} [options]
   */
  constructor(platform, options) {
    const { workers } = readOptions('createModel', options, MODEL_OPTIONS);
    const size = workers === undefined ? platform.defaultWorkers() : whole('workers', workers, 1, MAX_WORKERS);
    this.#pool = new RunPool(platform.module(), size, platform.poolOptions);
  }

  /** Number of workers. */
  get workers() {
    return this.#pool.size;
  }

  /**
   * Everything a page needs to build and check scenarios, asked once: {version, names, presets,
   * descriptions, specs, metrics, maxReplicates, defaults} (a copy each time).
   */
  async catalog() {
    return structuredClone(await this.#cat());
  }

  /** The model's version (Cargo.toml's): the same version gives the same bits. */
  async version() {
    return (await this.#cat()).version;
  }

  /** Preset names, in menu order. */
  async presetNames() {
    return [...(await this.#cat()).names];
  }

  /** A preset's scenario (a copy). */
  async preset(name) {
    const cat = await this.#cat();
    return structuredClone(cat.presets[this.#presetName(cat, name, 'preset')]);
  }

  /** A preset's one-line description. */
  async presetDescription(name) {
    const cat = await this.#cat();
    return cat.descriptions[this.#presetName(cat, name, 'preset')];
  }

  /** The default scenario (no regulation). */
  async defaultScenario() {
    return structuredClone((await this.#cat()).defaults);
  }

  /** The parameter table: path, group, label, unit, kind, min, max, log_scale, doc, source. */
  async parameters() {
    return structuredClone((await this.#cat()).specs);
  }

  /** The metrics, in output order: [{name, description}]. */
  async metrics() {
    return structuredClone((await this.#cat()).metrics);
  }

  /** The largest replicate count a run accepts. */
  async maxReplicates() {
    return (await this.#cat()).maxReplicates;
  }

  /**
   * Every problem with a scenario (or a preset's name) as [{field, value, allowed}]; [] when
   * valid. Only a value that cannot be sent to a worker at all (a function inside) throws.
   */
  async validate(scenario) {
    const cat = await this.#cat();
    if (typeof scenario === 'string' && !own(cat.presets, scenario)) return [{ field: 'scenario', value: show(scenario), allowed: `a scenario object, or one of ${cat.names.join(', ')}` }];
    if (typeof scenario !== 'string' && !isPlain(scenario)) return [{ field: 'scenario', value: show(scenario), allowed: 'a scenario object (see defaultScenario()) or a preset\'s name' }];
    return this.#call('validateScenario', this.#scenario(cat, scenario, 'scenario'));
  }

  /**
   * An ensemble of one scenario (an object, whose missing fields take the defaults, or a preset's
   * name): {version, quarters, years, replicates, baseline: {scenario, metrics}}, where
   * metrics.NAME.STAT is a Float64Array per quarter. Options: replicates (default: the
   * scenario's), onProgress({done, total}), signal (an AbortSignal).
   */
  run(scenario, options) {
    return this.#experiment(scenario, null, options, true);
  }

  /**
   * A reform against a baseline, paired replicate by replicate (common random numbers):
   * {version, quarters, years, replicates, baseline, reform, difference}. Options as run().
   */
  compare(baseline, reform, options) {
    return this.#experiment(baseline, reform, options, false);
  }

  /** Stop the workers; later calls reject. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#pool.terminate();
  }

  // ------------------------------------------------------------------------------------------

  #cat() {
    if (this.#closed) return Promise.reject(new Error('this model was closed; createModel() makes another'));
    if (!this.#catalog) {
      this.#catalog = this.#call('catalog');
      this.#catalog.catch(() => (this.#catalog = null)); // asked again next time
    }
    return this.#catalog;
  }

  /** Call one of the model's functions in a worker (worker.js's API). */
  async #call(fn, ...args) {
    this.#hold();
    try {
      return await this.#pool.api(fn, ...args);
    } finally {
      this.#release();
    }
  }

  // Node.js's workers would keep a process alive: they are held only while a call is pending.
  #hold() {
    if (this.#busy++ === 0) for (const w of this.#pool.workers) w.ref?.();
  }

  #release() {
    if (--this.#busy === 0) for (const w of this.#pool.workers) w.unref?.();
  }

  #presetName(cat, name, what) {
    if (typeof name === 'string' && own(cat.presets, name)) return name;
    throw new Error(`${what}: ${show(name)} is not a preset; expected one of ${cat.names.join(', ')}`);
  }

  /** A scenario argument: a preset's name, or a plain object for the model to check. */
  #scenario(cat, value, what) {
    if (typeof value === 'string') return structuredClone(cat.presets[this.#presetName(cat, value, what)]);
    if (!isPlain(value)) throw new TypeError(`${what}: ${show(value)} is not allowed; expected a scenario object (see defaultScenario()) or a preset's name`);
    try {
      return structuredClone(value); // what the worker gets; a function inside cannot be sent
    } catch (e) {
      throw new TypeError(`${what}: the scenario cannot be sent to the model (${e.message}); expected numbers, text, true/false and null`);
    }
  }

  async #experiment(baseline, reform, options, single) {
    const { replicates, onProgress, signal } = readOptions(single ? 'run' : 'compare', options, RUN_OPTIONS);
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError(`onProgress: ${show(onProgress)} is not allowed; expected a function`);
    if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) {
      throw new TypeError(`signal: ${show(signal)} is not allowed; expected an AbortSignal`);
    }
    if (signal?.aborted) throw abortError(signal);
    const cat = await this.#cat();
    if (signal?.aborted) throw abortError(signal);
    const b = this.#scenario(cat, baseline, single ? 'scenario' : 'baseline');
    const r = single ? null : this.#scenario(cat, reform, 'reform');
    // The pool shares replicates out among its workers: it needs the count itself.
    const scenarioReps = b.simulation?.replicates;
    const reps =
      replicates !== undefined
        ? whole('replicates', replicates, 1, cat.maxReplicates)
        : scenarioReps !== undefined
          ? whole(`${single ? '' : 'baseline.'}simulation.replicates`, scenarioReps, 1, cat.maxReplicates)
          : cat.defaults.simulation.replicates;
    const client = `api-${++this.#clients}`; // calls of one model queue; none supersedes another
    this.#hold();
    try {
      return await new Promise((resolve, reject) => {
        let settled = false;
        const settle = (f, v) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          f(v);
        };
        const onAbort = () => {
          this.#pool.cancel(client);
          settle(reject, abortError(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const progress = onProgress
          ? (done, total) => {
              if (settled) return;
              try {
                onProgress({ done, total });
              } catch (e) {
                // The caller's own error stops the run and is what the promise rejects with.
                this.#pool.cancel(client);
                settle(reject, e);
              }
            }
          : undefined;
        this.#pool.run(b, r, reps, progress, client).then(
          (res) => (res ? settle(resolve, res.result) : settle(reject, new Error('the run was cancelled'))),
          (e) => settle(reject, e),
        );
      });
    } finally {
      this.#release();
    }
  }
}

/**
 * The package's functions for a platform: createModel(options), and every Model method as a
 * function of one model shared by the caller's whole program, made on first use.
 */
export function platformApi(platform) {
  let shared = null;
  const model = () => (shared ??= new Model(platform));
  const api = {
    createModel: (options) => new Model(platform, options),
    close() {
      shared?.close();
      shared = null;
    },
  };
  for (const name of ['catalog', 'version', 'presetNames', 'preset', 'presetDescription', 'defaultScenario', 'parameters', 'metrics', 'maxReplicates', 'validate', 'run', 'compare']) {
    api[name] = (...args) => model()[name](...args);
  }
  return api;
}

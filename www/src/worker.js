// A module worker that runs one shard of an experiment at a time, a few replicates per task,
// yielding between tasks so that a newer request replaces a stale one instead of queueing.
// Shard 0 also merges: it imports the other shards' runs and computes the result, so that the
// page's thread never does more than draw.
//
// Two builds of the model: the core (runs, validation, the catalog: what a figure needs) and the
// full build (also sweeps, "What drives this?", parameter uncertainty and the mapping of model
// v1.3's scenarios), bit for bit the same where both run. A
// worker started with the core loads the full build only when it is first asked for one of
// those, so that a figure without them never downloads it (docs/embedding.md).
//
// Messages in:  {type:'init', module, full, fullModule}    (module: a WebAssembly.Module, or the
//                                                             .wasm's URL; full: whether it is the
//                                                             full build; fullModule: the full
//                                                             build's, for a core worker)
//               {type:'run', id, baseline, reform, replicates, part, parts}
//               {type:'api', id, fn, args}                   (a call of the model's API, see API)
//               {type:'import', id, runs: Float64Array}      (shard 0 only: another shard's runs)
//               {type:'point', id, experiment?, i}           (run point i of a sweep; the experiment
//                                                             object comes with a request's first point)
//               {type:'cancel'}
// Messages out: {type:'ready'}
//               {type:'progress', id, done, total}         (after every slice: also a sign of life)
//               {type:'crashed', message}                  (the model trapped; this worker closes)
//               {type:'runs', id, runs: Float64Array}        (shards 1…: their runs, for shard 0)
//               {type:'result', id, result, mergeMs}         (shard 0: the whole comparison)
//               {type:'point', id, i, rows: Float64Array}    (a sweep's point: replicates × columns)
//               {type:'error', id, message}
//               {type:'api', id, value} or {type:'api', id, error}

// Both builds' JavaScript glue is part of this one file (a few kB each), not a chunk imported
// later: a bundler that copies the worker as an asset (a project that imports the npm package)
// copies it alone. Only the .wasm files are fetched, from the addresses the pool gives.
import initCore, * as coreBuild from '../pkg-core/regsim.js';
import initFull, * as fullBuild from '../pkg/regsim.js';
import { catalogData } from './state.js';

let wasm = null; // the model this worker runs: the core build's exports, or the full build's
let fullSource = null; // where the full build is, for a worker running the core
let full = null; // the full build's exports, once asked for: a promise

/** The full build, initialised the first time it is needed. */
function fullModel() {
  full ??= initFull({ module_or_path: fullSource }).then(() => fullBuild);
  return full;
}

/** Start the model this worker was given; the full build too when that is the one. */
async function start(m) {
  if (m.full) {
    await initFull({ module_or_path: m.module });
    wasm = fullBuild;
    full = Promise.resolve(fullBuild);
  } else {
    await initCore({ module_or_path: m.module });
    wasm = coreBuild;
    fullSource = m.fullModule ?? null;
  }
}

/** Whether a scenario needs the full build: one of model v1.3, or one with parameter uncertainty. */
const needsFull = (s) => s !== null && typeof s === 'object' && (s.schema_version === 1 || s.simulation?.uncertainty === true);

/**
 * The build to run or check these scenarios with, and the scenarios as it reads them (one of
 * model v1.3 mapped onto this model by the full build): {model, scenarios}.
 */
async function modelFor(...scenarios) {
  if (!scenarios.some(needsFull)) return { model: wasm, scenarios };
  const f = await fullModel();
  return { model: f, scenarios: scenarios.map((s) => (s !== null && typeof s === 'object' && s.schema_version === 1 ? f.upgradeScenario(s) : s)) };
}

/** The model's functions a page may call here (embedded figures keep no model of their own). */
const API = {
  /** Everything a page needs to build and check scenarios, in one message. */
  catalog: () => catalogData(wasm),
  validateScenario: async (s) => {
    const { model, scenarios } = await modelFor(s);
    return model.validateScenario(scenarios[0]);
  },
  upgradeScenario: async (s) => (await fullModel()).upgradeScenario(s),
  /** The experiment of a "What drives this?" view (see drivers.js). */
  driversExperiment: async (baseline, reform, drivers) => (await fullModel()).driversExperiment(baseline, reform, drivers),
  /** What a sweep's points and rows are: {points, replicates, columns, factors}. */
  sweepInfo: async (experiment) => {
    const s = sweepOf(await fullModel(), experiment);
    return { points: s.points, replicates: s.replicates, columns: Array.from(s.columns()), factors: Array.from(s.factors()) };
  },
  /** Sensitivity indices of a sweep from one number per point (Float64Array). */
  sweepIndices: async (experiment, y, options) => sweepOf(await fullModel(), experiment).indices(y, options ?? {}),
};

// Sweeps built, by their experiment's text: one for the points this worker runs, one for the API
// calls (indices, often of another experiment: a Morris design's first trajectories).
const pointSweep = { key: null, sweep: null, id: null };
const apiSweep = { key: null, sweep: null };
function sweepOf(f, experiment, cache = apiSweep) {
  const key = JSON.stringify(experiment);
  if (cache.key !== key) {
    const sweep = new f.Sweep(experiment); // throws, naming the field, before the old one goes
    cache.sweep?.free();
    cache.key = key;
    cache.sweep = sweep;
  }
  return cache.sweep;
}

// A sweep's point waits one turn of the event loop before it runs, so that a 'cancel' sent
// right after it is seen first and the point is not run for nothing.
let pendingPoint = null; // {id, i, experiment, f}
const pointChannel = new MessageChannel();
pointChannel.port1.onmessage = () => {
  const p = pendingPoint;
  pendingPoint = null;
  if (!p) return;
  try {
    if (p.experiment !== undefined) {
      sweepOf(p.f, p.experiment, pointSweep);
      pointSweep.id = p.id;
    } else if (pointSweep.id !== p.id) {
      throw new Error('a sweep point came without its experiment');
    }
    const rows = pointSweep.sweep.runPoint(p.i);
    postMessage({ type: 'point', id: p.id, i: p.i, rows }, [rows.buffer]);
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) crash(err);
    else postMessage({ type: 'error', id: p.id, message: String(err?.message ?? err) });
  }
};

let markReady;
const ready = new Promise((r) => (markReady = r));
let runSeq = 0; // 'run' messages so far: a newer one makes an older one still starting stale
let job = null; // {id, exp, part, parts, replicates, key, reused, pending, ownDone}
// The baseline's runs of the last few experiments, by what they depend on: a reform slider then
// runs the reform alone (the same bits as running the baseline again). A few, not one, because
// several figures on a page share this worker.
const baselineCache = new Map(); // key → runs, oldest first
const CACHE_SIZE = 6;
const SLICE_MS = 12;

const tickChannel = new MessageChannel();
tickChannel.port1.onmessage = tick;

function drop() {
  if (job) {
    job.exp.free();
    job = null;
  }
}

function fail(id, e) {
  if (e instanceof WebAssembly.RuntimeError) {
    crash(e);
    return;
  }
  drop();
  postMessage({ type: 'error', id, message: String(e?.message ?? e) });
}

/**
 * The model trapped (a panic, or memory it could not get): its instance cannot be trusted any
 * more, so this worker says so and closes; the pool replaces it and runs the request again.
 */
function crash(e) {
  job = null;
  postMessage({ type: 'crashed', message: String(e?.message ?? e) });
  close();
}

/** Shard 0, once its own runs are done and every other shard's are in: the result. */
function maybeFinish() {
  if (!job || !job.ownDone || job.part !== 0 || job.pending.length < job.parts - 1) return;
  const { exp, id } = job;
  try {
    for (const runs of job.pending) exp.importRuns(runs);
    const t = performance.now();
    const result = exp.result();
    const mergeMs = performance.now() - t;
    drop();
    postMessage({ type: 'result', id, result, mergeMs }, buffersOf(result));
  } catch (e) {
    fail(id, e);
  }
}

function buffersOf(result) {
  const out = [];
  for (const arm of ['baseline', 'reform', 'difference']) {
    const metrics = result[arm]?.metrics;
    if (!metrics) continue;
    for (const band of Object.values(metrics)) for (const a of Object.values(band)) out.push(a.buffer);
  }
  out.push(result.years.buffer);
  return out;
}

function tick() {
  if (!job || job.ownDone) return;
  const { exp, id } = job;
  let done = false;
  try {
    // The model times its own slice (performance.now(), read through web-sys).
    done = exp.advanceFor(SLICE_MS);
  } catch (e) {
    fail(id, e);
    return;
  }
  if (!done) {
    postMessage({ type: 'progress', id, done: exp.runsDone, total: exp.runsTotal });
    tickChannel.port2.postMessage(0);
    return;
  }
  job.ownDone = true;
  postMessage({ type: 'progress', id, done: exp.runsDone, total: exp.runsTotal });
  // Only this shard's own runs are present here: imports wait for maybeFinish.
  const runs = exp.exportRuns();
  if (!job.reused) keepBaseline(job.key, exp.exportBaselineRuns());
  if (job.part === 0) {
    maybeFinish();
  } else {
    drop();
    postMessage({ type: 'runs', id, runs }, [runs.buffer]);
  }
}

/** Keep this shard's baseline runs (the model checks them when they are reused). */
function keepBaseline(key, runs) {
  baselineCache.delete(key);
  baselineCache.set(key, runs);
  while (baselineCache.size > CACHE_SIZE) baselineCache.delete(baselineCache.keys().next().value);
}

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'init') {
    try {
      await start(m);
      markReady();
      postMessage({ type: 'ready' });
    } catch (err) {
      postMessage({ type: 'error', id: -1, message: `the model could not start: ${err?.message ?? err}` });
    }
    return;
  }
  if (m.type === 'api') {
    await ready;
    try {
      if (!Object.prototype.hasOwnProperty.call(API, m.fn)) throw new Error(`${m.fn} is not a function of the model`);
      postMessage({ type: 'api', id: m.id, value: await API[m.fn](...(m.args ?? [])) });
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) crash(err);
      else postMessage({ type: 'api', id: m.id, error: String(err?.message ?? err) });
    }
    return;
  }
  if (m.type === 'cancel') {
    runSeq += 1;
    drop();
    pendingPoint = null;
    return;
  }
  if (m.type === 'point') {
    runSeq += 1;
    drop(); // the pool runs one request at a time: a comparison still here is stale
    await ready;
    let f;
    try {
      f = await fullModel();
    } catch (err) {
      postMessage({ type: 'error', id: m.id, message: `the model's analysis part could not be loaded: ${err?.message ?? err}` });
      return;
    }
    pendingPoint = { id: m.id, i: m.i, experiment: m.experiment, f };
    pointChannel.port2.postMessage(0);
    return;
  }
  if (m.type === 'import') {
    if (!job || job.id !== m.id) return; // stale
    job.pending.push(m.runs);
    maybeFinish();
    return;
  }
  if (m.type === 'run') {
    const mine = ++runSeq;
    drop();
    await ready;
    if (mine !== runSeq) return; // a newer request, or a cancel, arrived while waiting
    let exp;
    const key = JSON.stringify([m.baseline, m.replicates, m.part, m.parts]);
    let reused = false;
    try {
      const { model, scenarios: [baseline, reform] } = await modelFor(m.baseline, m.reform);
      if (mine !== runSeq) return; // a newer request came while the full build was loading
      exp = new model.Experiment(baseline, reform, m.replicates);
      exp.shard(m.part, m.parts);
      const kept = m.reform ? baselineCache.get(key) : undefined;
      if (kept) {
        exp.reuseBaselineRuns(kept);
        reused = true;
        baselineCache.delete(key); // most recently used last
        baselineCache.set(key, kept);
      }
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) {
        crash(err);
        return;
      }
      exp?.free();
      postMessage({ type: 'error', id: m.id, message: String(err?.message ?? err) });
      return;
    }
    job = { id: m.id, exp, part: m.part, parts: m.parts, replicates: m.replicates, key, reused, pending: [], ownDone: false };
    tick();
  }
};

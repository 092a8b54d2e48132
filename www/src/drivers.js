// "What drives this?": for one metric over a window of years, which of the model's most uncertain
// parameters move it most. A tornado puts each parameter at the low and the high end of its
// uncertain range (one at a time, baseline and reform paired); Morris screening moves them along
// random trajectories. The experiment comes from the model (driversExperiment); its points run in
// the worker pool (pool.sweep), each worker with its own Sweep; this module keeps the means over
// replicates of every point that has finished, per experiment, so that a cancelled view resumes
// and a view seen before comes back at once. Used by the app and by embedded figures.

import { show } from './format.js';

export const DRIVERS_KINDS = ['tornado', 'morris'];
/** What the bars measure: the reform's paired effect, or the level under one arm. */
export const MEASURES = ['effect', 'reform', 'baseline'];
/** The model's own defaults (analysis::drivers): parameters, paired replicates per point, trajectories. */
export const DRIVERS_DEFAULTS = { kind: 'tornado', metric: 'hhi', measure: 'effect', count: 20, replicates: 16, trajectories: 10 };
export const LIMITS = { replicates: [1, 256], trajectories: [2, 100] };

/** Link keys of the drivers view, and what each holds. */
export const DRIVERS_KEYS = ['drivers', 'dmetric', 'dyears', 'dmeasure', 'dparams', 'dreps', 'dtraj'];

/** The simulated years of a scenario: [first, last]. */
export function simulatedYears(scenario) {
  const s = scenario.simulation;
  return [s.start_year, s.start_year + Math.ceil(s.quarters / 4) - 1];
}

/** The window a drivers state stands for: its years, or the last simulated year. */
export function windowOf(d, scenario) {
  const [, last] = simulatedYears(scenario);
  return { from: d.from ?? last, to: d.to ?? last };
}

/** A fresh drivers state (years null: the last simulated year, whatever the horizon). */
export function defaultDrivers(cat) {
  return { kind: DRIVERS_DEFAULTS.kind, metric: DRIVERS_DEFAULTS.metric, from: null, to: null, measure: DRIVERS_DEFAULTS.measure, count: Math.min(DRIVERS_DEFAULTS.count, cat.uncertain.length), replicates: DRIVERS_DEFAULTS.replicates, trajectories: DRIVERS_DEFAULTS.trajectories };
}

/** "2034" or "2030-2034". */
export function yearsText(from, to) {
  return from === to ? String(from) : `${from}-${to}`;
}

/**
 * Read "2034" or "2030-2034" (or "2030–2034") against the simulated years: {from, to} or throws a
 * message naming `name`.
 */
export function parseYears(name, text, [first, last]) {
  const m = /^\s*(\d{4})\s*(?:[-–]\s*(\d{4}))?\s*$/.exec(String(text));
  const from = m ? Number(m[1]) : NaN;
  const to = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || from > to || from < first || to > last) {
    throw new Error(`${name}: ${show(text)} is not allowed; expected a year or two years (e.g. ${yearsText(last, last)} or ${yearsText(Math.max(first, last - 4), last)}) within the simulated years, ${first} to ${last}`);
  }
  return { from, to };
}

function whole(name, text, [lo, hi]) {
  const t = String(text).trim();
  if (!/^\d{1,6}$/.test(t) || Number(t) < lo || Number(t) > hi) throw new Error(`${name}: ${show(text)} is not allowed; expected a whole number from ${lo} to ${hi}`);
  return Number(t);
}

/** Metrics a drivers view can be about: the model's, by name. */
export function driversMetricNames(cat) {
  return cat.metrics.map((m) => m.name);
}

/**
 * Read a drivers state from named values (`get(name)`: text, or null when absent), with the
 * names a link or a figure uses for each field ({kind, metric, years, measure, count, replicates,
 * trajectories}). Returns {drivers} or {errors}. `scenario` decides which years are allowed.
 */
export function readDrivers(cat, get, names, scenario) {
  const errors = [];
  const attempt = (f) => {
    try {
      return f();
    } catch (e) {
      errors.push(e.message);
      return undefined;
    }
  };
  const d = defaultDrivers(cat);
  const kind = get(names.kind);
  if (kind !== null) {
    const k = String(kind).trim();
    if (DRIVERS_KINDS.includes(k)) d.kind = k;
    else errors.push(`${names.kind}: ${show(kind)} is not allowed; expected ${DRIVERS_KINDS.join(' or ')}`);
  }
  const metric = get(names.metric);
  if (metric !== null) {
    const m = String(metric).trim();
    const all = driversMetricNames(cat);
    if (all.includes(m)) d.metric = m;
    else errors.push(`${names.metric}: ${show(metric)} is not a metric; expected one of ${all.join(', ')}`);
  }
  const years = get(names.years);
  if (years !== null) Object.assign(d, attempt(() => parseYears(names.years, years, simulatedYears(scenario))) ?? {});
  const measure = get(names.measure);
  if (measure !== null) {
    const m = String(measure).trim();
    if (MEASURES.includes(m)) d.measure = m;
    else errors.push(`${names.measure}: ${show(measure)} is not allowed; expected ${MEASURES.join(', ')}`);
  }
  const count = get(names.count);
  if (count !== null) d.count = attempt(() => whole(names.count, count, [1, cat.uncertain.length])) ?? d.count;
  const reps = get(names.replicates);
  if (reps !== null) d.replicates = attempt(() => whole(names.replicates, reps, LIMITS.replicates)) ?? d.replicates;
  const traj = get(names.trajectories);
  if (traj !== null) d.trajectories = attempt(() => whole(names.trajectories, traj, LIMITS.trajectories)) ?? d.trajectories;
  return errors.length ? { errors } : { drivers: d };
}

/** The link's drivers keys for a state (null: the view is closed), defaults left out. */
export function driversQuery(cat, d) {
  if (!d) return [];
  const def = defaultDrivers(cat);
  const parts = [`drivers=${d.kind}`];
  if (d.metric !== def.metric) parts.push(`dmetric=${encodeURIComponent(d.metric)}`);
  if (d.from !== null) parts.push(`dyears=${yearsText(d.from, d.to)}`);
  if (d.measure !== def.measure) parts.push(`dmeasure=${d.measure}`);
  if (d.count !== def.count) parts.push(`dparams=${d.count}`);
  if (d.replicates !== def.replicates) parts.push(`dreps=${d.replicates}`);
  if (d.kind === 'morris' && d.trajectories !== def.trajectories) parts.push(`dtraj=${d.trajectories}`);
  return parts;
}

/** The drivers spec the model reads (driversExperiment's third argument). */
export function driversSpec(d, scenario) {
  const { from, to } = windowOf(d, scenario);
  return { kind: d.kind, metric: d.metric, from, to, count: d.count, replicates: d.replicates, trajectories: d.trajectories };
}

/**
 * Per column, the mean over replicates of one point's rows (replicates × columns, row by row),
 * NaN values left out: the sums in the order of the rows, as `regsim sensitivity` reads a
 * sweep's output (analysis::results::point_means), so the same bits.
 */
export function pointMeans(rows, columns) {
  const out = new Float64Array(columns);
  for (let c = 0; c < columns; c++) {
    let sum = 0;
    let n = 0;
    for (let r = c; r < rows.length; r += columns) {
      const x = rows[r];
      if (!Number.isNaN(x)) {
        sum += x;
        n += 1;
      }
    }
    out[c] = n > 0 ? sum / n : NaN;
  }
  return out;
}

/** Which column holds a measure ("value_effect" …). */
export function measureColumn(columns, measure) {
  const i = columns.indexOf(`value_${measure}`);
  if (i < 0) throw new Error(`the experiment has no column value_${measure}`);
  return i;
}

/**
 * The tornado of one measure from the means so far: {base, bars: [{k, path, low, high, swing}]}
 * for every parameter whose two ends are done (base null until point 0 is), sorted by swing,
 * largest first (ties in the parameters' order), and `pending`: the parameters still to come.
 */
export function tornadoOf(table, measure) {
  const c = measureColumn(table.columns, measure);
  const at = (i) => (table.done[i] ? table.means[i][c] : null);
  const bars = [];
  const pending = [];
  table.factors.forEach((path, k) => {
    const low = at(1 + 2 * k);
    const high = at(2 + 2 * k);
    if (low === null || high === null) pending.push({ k, path });
    else bars.push({ k, path, low, high, swing: Math.abs(high - low) });
  });
  // A swing the runs could not measure (NaN: the metric had no value in the window) goes last.
  const key = (b) => (Number.isNaN(b.swing) ? -1 : b.swing);
  bars.sort((a, b) => key(b) - key(a) || a.k - b.k);
  return { base: at(0), bars, pending };
}

/** How many whole Morris trajectories, from the first, have every point done. */
export function morrisComplete(table) {
  const per = table.factors.length + 1;
  let t = 0;
  while ((t + 1) * per <= table.points && table.done.slice(t * per, (t + 1) * per).every(Boolean)) t++;
  return t;
}

/**
 * A table of the means of an experiment's points: {experiment, key, points, replicates, columns,
 * factors, means: [Float64Array|undefined], done: [bool], count}.
 */
function newTable(experiment, key, info) {
  return { experiment, key, points: info.points, replicates: info.replicates, columns: info.columns, factors: info.factors, means: new Array(info.points), done: new Array(info.points).fill(false), count: 0 };
}

/**
 * One drivers view's computation on a pool, as a client of its own: `run(baseline, reform,
 * drivers)` resolves the experiment, then runs the points not yet done, calling `onUpdate(table)`
 * after each, and resolves to the complete table, or null when cancelled or superseded. Tables of
 * the last few experiments are kept, so that cancelling and running again resumes.
 */
export class DriversSession {
  constructor(pool, client) {
    this.pool = pool;
    this.client = client;
    this.tables = new Map(); // key → table, oldest first
    this.seq = 0;
  }

  /** The experiment object of a state: the model's own (throws its message). */
  async experiment(baseline, reform, d) {
    return this.pool.api('driversExperiment', baseline, reform, driversSpec(d, reform));
  }

  async run(baseline, reform, d, onUpdate) {
    const seq = ++this.seq;
    const experiment = await this.experiment(baseline, reform, d);
    if (seq !== this.seq) return null;
    const key = JSON.stringify(experiment);
    let table = this.tables.get(key);
    if (!table) {
      const info = await this.pool.api('sweepInfo', experiment);
      if (seq !== this.seq) return null;
      table = newTable(experiment, key, info);
    }
    this.tables.delete(key);
    this.tables.set(key, table);
    while (this.tables.size > 8) this.tables.delete(this.tables.keys().next().value);
    onUpdate?.(table);
    const todo = [];
    for (let i = 0; i < table.points; i++) if (!table.done[i]) todo.push(i);
    if (!todo.length) return table;
    const ncol = table.columns.length;
    const res = await this.pool.sweep(
      experiment,
      todo,
      (i, rows) => {
        if (table.done[i]) return;
        table.means[i] = pointMeans(rows, ncol);
        table.done[i] = true;
        table.count += 1;
        if (seq === this.seq) onUpdate?.(table);
      },
      this.client,
    );
    if (res === null || seq !== this.seq) return null;
    return table;
  }

  /** Stop the computation in flight (its points done so far are kept). */
  cancel() {
    this.seq += 1;
    this.pool.cancel(this.client);
  }

  /**
   * Morris indices of a measure from the first `t` whole trajectories (t ≥ 2): the model's own
   * estimates (Sweep.indices). A Morris design's first t trajectories are the design of t
   * trajectories with the same seed, so the estimate after t is that experiment's.
   */
  async morris(table, measure, t) {
    const c = measureColumn(table.columns, measure);
    const per = table.factors.length + 1;
    const y = new Float64Array(t * per);
    for (let i = 0; i < y.length; i++) y[i] = table.means[i][c];
    const experiment = t === table.experiment.design.trajectories ? table.experiment : { ...table.experiment, design: { ...table.experiment.design, trajectories: t } };
    return this.pool.api('sweepIndices', experiment, y, {});
  }
}

/** A factor's label and uncertain range, from the catalog and the experiment itself. */
export function factorMeta(cat, table) {
  const byPath = new Map(table.experiment.factors.map((f) => [f.path, { low: f.min, high: f.max }]));
  return (path) => ({ label: cat.byPath.get(path)?.label ?? path, range: byPath.get(path) ?? { low: NaN, high: NaN } });
}

/** The tornado view of a table, for DriversChart: `kind` formats the metric's values. */
export function tornadoView(cat, table, measure, kind) {
  return { type: 'tornado', kind, measure, meta: factorMeta(cat, table), ...tornadoOf(table, measure) };
}

/** A Morris view: `indices` the model's (Sweep.indices), or null while fewer than two trajectories are done. */
export function morrisView(cat, table, measure, kind, indices, trajectories) {
  return { type: 'morris', kind, measure, meta: factorMeta(cat, table), paths: table.factors, factors: indices?.factors ?? null, trajectories };
}

/** What a drivers view is about, in words: "the effect of the reform on HHI (mean over 2034)". */
export function driversWhat(d, window, metricTitle, labels) {
  const years = window.from === window.to ? `in ${window.from}` : `over ${window.from}–${window.to}`;
  const what = d.measure === 'effect' ? `the effect of ${labels.reform} against ${labels.baseline} on ${metricTitle}` : `${metricTitle} under ${d.measure === 'reform' ? labels.reform : labels.baseline}`;
  return `${what}, mean ${years}`;
}

/**
 * The view to draw of a table: a tornado at once; Morris from the model's indices of the whole
 * trajectories done (asked of the worker only when more are done than `prev` had, or for another
 * measure; an older estimate stays shown meanwhile). Resolves to {view, indices}.
 */
export async function driversView(session, cat, table, d, kind, prev) {
  if (d.kind === 'tornado') return { view: tornadoView(cat, table, d.measure, kind), indices: null };
  const t = morrisComplete(table);
  let indices = prev && prev.measure === d.measure ? prev : null;
  if (t >= 2 && (!indices || indices.t < t)) indices = { t, measure: d.measure, value: await session.morris(table, d.measure, t) };
  const view = morrisView(cat, table, d.measure, kind, indices?.value ?? null, indices?.t ?? 0);
  view.total = table.experiment.design.trajectories;
  return { view, indices };
}

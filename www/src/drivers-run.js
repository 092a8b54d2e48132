// Running "What drives this?" (see drivers.js for what it is and its state): the experiment's
// points on the worker pool, the means over replicates of each point as it finishes, kept per
// experiment so that a cancelled view resumes and a view seen before comes back at once, and the
// views to draw (tornado bars, Morris indices). Embedded figures load this only when they draw
// a drivers view.

import { driversSpec } from './drivers.js';

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
    // Why a worker was replaced on the way (its point was run again), for the view to say.
    table.restarted = res.restarted ?? null;
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

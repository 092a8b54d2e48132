// "What drives this?": for one metric over a window of years, which of the model's most uncertain
// parameters move it most. A tornado puts each parameter at the low and the high end of its
// uncertain range (one at a time, baseline and reform paired); Morris screening moves them along
// random trajectories. The experiment comes from the model (driversExperiment) and runs in the
// worker pool (drivers-run.js). This module is the view's state: its defaults, its link keys and
// figure attributes, and the spec the model reads. Used by the app and by embedded figures.

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
  return { kind: DRIVERS_DEFAULTS.kind, metric: DRIVERS_DEFAULTS.metric, from: null, to: null, measure: DRIVERS_DEFAULTS.measure, count: Math.min(DRIVERS_DEFAULTS.count, cat.uncertainCount), replicates: DRIVERS_DEFAULTS.replicates, trajectories: DRIVERS_DEFAULTS.trajectories };
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
  if (count !== null) d.count = attempt(() => whole(names.count, count, [1, cat.uncertainCount])) ?? d.count;
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

/** What a drivers view is about, in words: "the effect of the reform on HHI (mean over 2034)". */
export function driversWhat(d, window, metricTitle, labels) {
  const years = window.from === window.to ? `in ${window.from}` : `over ${window.from}–${window.to}`;
  const what = d.measure === 'effect' ? `the effect of ${labels.reform} against ${labels.baseline} on ${metricTitle}` : `${metricTitle} under ${d.measure === 'reform' ? labels.reform : labels.baseline}`;
  return `${what}, mean ${years}`;
}


// A figure's options, read from its attributes (or an iframe's query): every value checked, every
// problem reported as one line naming the attribute, the value and what is allowed.

import { CHARTS } from '../charts.js';
import { show, thousandsHint } from '../format.js';
import { SHARED_PATHS, clone, controlModel, getPath, setPath } from '../params.js';
import { DEFAULT_BASELINE, DEFAULT_REFORM, LEGACY_FORMAT, diffFromPreset, isCustom, runScenarios } from '../state.js';
import { DRIVERS_DEFAULTS, readDrivers } from '../drivers.js';

/** Every attribute a figure reads, in the order the docs list them. */
export const ATTRIBUTES = ['preset', 'baseline', 'set', 'seed', 'replicates', 'quarters', 'start', 'uncertainty', 'metric', 'controls', 'difference', 'height', 'caption', 'theme', 'app', 'drivers', 'years', 'measure', 'parameters', 'trajectories'];

/** Attributes of a "What drives this?" figure only. */
const DRIVERS_ONLY = ['years', 'measure', 'parameters', 'trajectories'];

/** Model v1.3's derivative shift, which a figure written for it may still set (see resolveLegacy). */
const LEGACY_DERIVATIVE = 'market.xi_derivative';

/** Controls that are not parameters. */
export const SPECIAL_CONTROLS = ['preset', 'baseline', 'difference'];

/** The simulation settings, which apply to both arms, and their attributes. */
const SIMULATION = {
  seed: { path: 'simulation.seed', lo: 0, hi: Number.MAX_SAFE_INTEGER, what: 'a whole number' },
  replicates: { path: 'simulation.replicates', lo: 1, hi: null, what: 'a whole number' }, // hi: the model's
  quarters: { path: 'simulation.quarters', lo: 1, hi: 200, what: 'a whole number' },
  start: { path: 'simulation.start_year', lo: 2000, hi: 2100, what: 'a year' },
};

/** The option that sets each simulation path (`simulation.seed` → `seed`). */
export const SIMULATION_OPTIONS = { ...Object.fromEntries(Object.entries(SIMULATION).map(([name, s]) => [s.path, name])), 'simulation.uncertainty': 'uncertainty' };

/** Charts for metrics the app does not chart by themselves: title, kind, unit. */
const EXTRA = {
  hhi_ecosystem: ['Concentration counting derivatives (HHI)', 'hhi', 'HHI, 0–10,000'],
  open_share_current: ['Open share of current models', 'share', 'share of developers’ current models'],
  frontier_capability: ['Frontier capability', 'flop', 'effective FLOP'],
  open_frontier_capability: ['Open frontier capability', 'flop', 'effective FLOP'],
  critical_harms: ['Critical harms', 'count', 'per quarter'],
  training_spend_usd: ['Training spend', 'usd', '$ per quarter'],
  new_top_model_cost_usd: ['Cost of a new top model', 'usd', '$, final run'],
  consumer_surplus: ['Consumer surplus', 'usd', '$ per quarter'],
  covered_models: ['Covered models', 'count', 'models'],
  entries: ['Developers entering', 'count', 'per quarter'],
  derivative_entries: ['Derivative builders entering', 'count', 'per quarter'],
  exits: ['Developers exiting', 'count', 'per quarter'],
  liability_bankruptcies: ['Bankruptcies from liability', 'count', 'per quarter'],
  bunching: ['Training runs bunched below a threshold', 'count', 'per quarter'],
  safety_large: ['Safety effort of large developers', 'number', 'effort, 0–1'],
  safety_small: ['Safety effort of small developers', 'number', 'effort, 0–1'],
  outside_share_usage: ['Share of use by developers outside the jurisdiction', 'share', 'share of use'],
  outside_share_open_usage: ['Share of open models’ use by developers outside the jurisdiction', 'share', 'share of open use'],
};

/** Longest text an attribute may hold. */
export const MAX_TEXT = 2000;

/** Names a writer may give to `metric`: chart names, then metric names. */
export function metricNames(cat) {
  const out = CHARTS.map((c) => c.id);
  for (const m of cat.metrics) if (!out.includes(m.name)) out.push(m.name);
  return out;
}

/** The chart of a metric name (a chart of the app, or one made for a single metric). */
export function chartFor(cat, name) {
  const app = CHARTS.find((c) => c.id === name);
  if (app) return app;
  const m = cat.metrics.find((x) => x.name === name);
  if (!m) return null;
  const [title, kind, unit] = EXTRA[name] ?? [name, 'number', ''];
  return { id: name, title, metrics: [name], kind, unit };
}

/**
 * A parameter named by its path or by the end of it ("compliance_fixed", "big_tech.count"):
 * {path} or {error} (unknown, or ambiguous with the candidates listed).
 */
export function resolveParam(cat, name, attr) {
  if (cat.byPath.has(name)) return { path: name };
  const hits = cat.specs.filter((s) => s.path.endsWith(`.${name}`)).map((s) => s.path);
  if (hits.length === 1) return { path: hits[0] };
  if (hits.length > 1) return { error: `${attr}: ${show(name)} is ambiguous: it could be ${hits.join(', ')}; write the whole path` };
  return { error: `${attr}: ${show(name)} is not a parameter; expected a parameter path such as regime.compliance_fixed, or its last part (compliance_fixed); docs/embedding.md lists them` };
}

/** Read a parameter's value from text (or a JS value): {value} or {error}. */
export function parseParam(cat, path, v, attr) {
  const spec = cat.byPath.get(path);
  const kind = spec.kind.type;
  const where = `${attr}: ${path}`;
  if (kind === 'bool') {
    if (v === true || v === false) return { value: v };
    const t = String(v).trim().toLowerCase();
    if (['true', 'on', 'yes'].includes(t)) return { value: true };
    if (['false', 'off', 'no'].includes(t)) return { value: false };
    return { error: `${where}: ${show(v)} is not allowed; expected true or false` };
  }
  if (kind === 'choice') {
    if (typeof v === 'string' && spec.kind.options.includes(v.trim())) return { value: v.trim() };
    return { error: `${where}: ${show(v)} is not allowed; expected one of ${spec.kind.options.join(', ')}` };
  }
  const m = controlModel(spec, []);
  if (v === null && kind === 'optional_number') return { value: null };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { error: `${where}: ${show(v)} is not a finite number` };
    v = String(v);
  }
  if (typeof v !== 'string') return { error: `${where}: ${show(v)} is not allowed; expected a number${kind === 'optional_number' ? ', or none' : ''}` };
  const p = m.parse(v);
  if (p.error) return { error: `${where}: ${show(v)}: ${p.error}` };
  return { value: p.value };
}

/** A whole number attribute, or undefined when absent; throws a readable message. */
function wholeNumber(name, t, lo, hi, what) {
  if (t === null || t === undefined) return undefined;
  const s = String(t).trim();
  if (!/^\d{1,16}$/.test(s) || Number(s) < lo || Number(s) > hi) throw new Error(`${name}: ${show(t)} is not allowed; expected ${what} from ${lo} to ${hi}`);
  return Number(s);
}

/** A boolean attribute: present (empty, "true" or its own name) or "false". */
function flag(name, t) {
  if (t === null || t === undefined) return false;
  if (t === true || t === false) return t;
  const s = String(t).trim().toLowerCase();
  if (s === '' || s === 'true' || s === name) return true;
  if (s === 'false') return false;
  throw new Error(`${name}: ${show(t)} is not allowed; expected the attribute alone (${name}), ${name}="true" or ${name}="false"`);
}

/** Split a list attribute at commas or semicolons, dropping empty items. */
function list(t) {
  return String(t)
    .split(/[;,]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/**
 * Read options from `get(name)` (an attribute's value, or null when absent): {options} or
 * {errors: [line…]}. `appDefault` is the full app's address.
 */
export function readOptions(cat, get, appDefault) {
  // Each problem once, however often the attribute repeats it.
  const errors = [];
  const add = (line) => {
    if (!errors.includes(line)) errors.push(line);
  };
  const attempt = (f) => {
    try {
      return f();
    } catch (e) {
      add(e.message);
      return undefined;
    }
  };
  const text = (name) => {
    const v = get(name);
    if (v === null || v === undefined) return null;
    const s = String(v);
    if (s.length > MAX_TEXT) {
      add(`${name}: ${s.length} characters long; at most ${MAX_TEXT} are read`);
      return null;
    }
    return s;
  };

  const presetAttr = (name, fallback) => {
    const v = text(name);
    if (v === null) return fallback;
    const t = v.trim();
    if (!cat.hasPreset(t)) {
      add(`${name}: ${show(v)} is not a preset; expected one of ${cat.names.join(', ')}`);
      return fallback;
    }
    return t;
  };
  const preset = presetAttr('preset', DEFAULT_REFORM);
  const baseline = presetAttr('baseline', DEFAULT_BASELINE);

  // set="regime.compliance_fixed=5e6; derivative_liability=false"
  const set = [];
  const legacy = {};
  const setText = text('set');
  if (setText !== null) {
    const seen = new Set();
    for (const item of list(setText)) {
      const i = item.indexOf('=');
      if (i < 0) {
        // "compliance_fixed=5,000,000" splits at its commas: say so rather than "000 has no value".
        const grouping = /^\d{3}$/.test(item) ? `; ${thousandsHint('commas and semicolons')}` : '; write name=value, e.g. compliance_fixed=5e6';
        add(`set: ${show(item)} has no value${grouping}`);
        continue;
      }
      const name = item.slice(0, i).trim();
      if (name === 'xi_derivative' || name === LEGACY_DERIVATIVE) {
        // Written for model v1.3: mapped by the model once the figure can ask it (resolveLegacy).
        const x = Number(item.slice(i + 1).trim());
        if (item.slice(i + 1).trim() === '' || !Number.isFinite(x)) add(`set: ${LEGACY_DERIVATIVE}: ${show(item.slice(i + 1).trim())} is not a number`);
        else if (legacy.xi_derivative !== undefined) add(`set: ${LEGACY_DERIVATIVE} appears more than once`);
        else legacy.xi_derivative = x;
        continue;
      }
      const r = resolveParam(cat, name, 'set');
      if (r.error) {
        add(r.error);
        continue;
      }
      if (SHARED_PATHS.includes(r.path)) {
        add(`set: ${r.path} has its own attribute: write ${SIMULATION_OPTIONS[r.path]}="…"`);
        continue;
      }
      if (seen.has(r.path)) {
        add(`set: ${r.path} appears more than once`);
        continue;
      }
      seen.add(r.path);
      const p = parseParam(cat, r.path, item.slice(i + 1).trim(), 'set');
      if (p.error) add(p.error);
      else set.push([r.path, p.value]);
    }
  }

  if (legacy.xi_derivative !== undefined) {
    if (set.some(([p]) => p === 'market.derivative_premium')) add(`set: ${LEGACY_DERIVATIVE} (model v1.3’s) and market.derivative_premium, which replaced it: give one`);
    const open = set.find(([p]) => p === 'market.xi_open');
    if (open) legacy.xi_open = open[1];
  }

  // A "What drives this?" figure (drivers="tornado" or "morris"): `replicates` are per point.
  const driversText = text('drivers');
  const simulation = {};
  for (const [name, s] of Object.entries(SIMULATION)) {
    if (name === 'replicates' && driversText !== null) continue;
    const v = attempt(() => wholeNumber(name, text(name), s.lo, s.hi ?? cat.maxReplicates, s.what));
    if (v !== undefined) simulation[s.path] = v;
  }
  const uncertainty = attempt(() => flag('uncertainty', get('uncertainty')));
  if (uncertainty) simulation['simulation.uncertainty'] = true;

  let drivers = null;
  if (driversText !== null) {
    const sim = { simulation: { start_year: simulation['simulation.start_year'] ?? cat.defaults.simulation.start_year, quarters: simulation['simulation.quarters'] ?? cat.defaults.simulation.quarters } };
    const r = readDrivers(cat, (n) => text(n), { kind: 'drivers', metric: 'metric', years: 'years', measure: 'measure', count: 'parameters', replicates: 'replicates', trajectories: 'trajectories' }, sim);
    if (r.errors) r.errors.forEach(add);
    else drivers = r.drivers;
  } else {
    for (const n of DRIVERS_ONLY) if (get(n) !== null && get(n) !== undefined) add(`${n}: only in a "What drives this?" figure; add drivers="${DRIVERS_DEFAULTS.kind}" (or "morris")`);
  }

  // metric="hhi, open_share_models"
  const charts = [];
  const metricText = driversText !== null ? null : text('metric');
  const names = metricText === null ? ['hhi'] : list(metricText);
  if (metricText !== null && !names.length) add('metric: "" names no metric; expected one or more of the names docs/embedding.md lists, e.g. hhi');
  for (const n of names) {
    const def = chartFor(cat, n);
    if (!def) add(`metric: ${show(n)} is not a metric; expected one of ${metricNames(cat).join(', ')}`);
    else if (charts.includes(def)) add(`metric: ${n} appears more than once`);
    else charts.push(def);
  }
  if (charts.length > 12) add(`metric: ${charts.length} metrics; at most 12 are shown`);

  // controls="compliance_fixed, derivative_liability" (none: no controls)
  const controls = [];
  const controlText = text('controls');
  if (controlText !== null && controlText.trim().toLowerCase() !== 'none') {
    for (const n of list(controlText)) {
      // Model v1.3's xi_derivative: its successor's control.
      const name = n === 'xi_derivative' || n === LEGACY_DERIVATIVE ? 'market.derivative_premium' : n;
      const path = SPECIAL_CONTROLS.includes(name) ? name : resolveParam(cat, name, 'controls');
      if (path.error) {
        add(path.error);
        continue;
      }
      const p = typeof path === 'string' ? path : path.path;
      if (controls.includes(p)) add(`controls: ${p} appears more than once`);
      else controls.push(p);
    }
    if (controls.length > 12) add(`controls: ${controls.length} controls; at most 12 are shown`);
  }

  const difference = attempt(() => flag('difference', get('difference'))) ?? false;
  let height = null;
  const h = text('height');
  if (h !== null) {
    const m = /^\s*(\d{2,4})\s*(px)?\s*$/.exec(h);
    if (!m || Number(m[1]) < 100 || Number(m[1]) > 1000) add(`height: ${show(h)} is not allowed; expected the chart's height in pixels, from 100 to 1000 (e.g. 260)`);
    else height = Number(m[1]);
  }
  const caption = text('caption');
  let theme = (text('theme') ?? 'light').trim();
  if (!['auto', 'light', 'dark'].includes(theme)) {
    add(`theme: ${show(theme)} is not allowed; expected auto, light or dark`);
    theme = 'light';
  }
  let app = appDefault;
  const appText = text('app');
  if (appText !== null) {
    let u = null;
    try {
      u = new URL(appText.trim(), document.baseURI);
    } catch {
      u = null;
    }
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) add(`app: ${show(appText)} is not allowed; expected the address (http or https) of the regsim app`);
    else app = u.href.split(/[?#]/)[0];
  }

  if (errors.length) return { errors };
  return { options: { preset, baseline, set, simulation, charts, controls, difference, height, caption, theme, app, drivers, legacy: legacy.xi_derivative === undefined ? null : legacy } };
}

/**
 * A figure written for model v1.3 may set its market.xi_derivative (a derivative's absolute
 * quality shift), which model v1.4 replaced with market.derivative_premium (the shift over open
 * weights'). The model maps it as it maps any scenario of model v1.3 (upgradeScenario:
 * xi_derivative − xi_open, with the figure's xi_open or model v1.3's default), asked of the
 * figures' worker; the premium joins `options.set`. Resolves to the lines of any problem.
 */
export async function resolveLegacy(pool, options) {
  const legacy = options.legacy;
  if (!legacy) return [];
  let up;
  try {
    up = await pool.api('upgradeScenario', { schema_version: LEGACY_FORMAT, label: options.preset, market: { ...legacy } });
  } catch (e) {
    return [`set: ${String(e?.message ?? e)} (xi_derivative is model v1.3's; model v1.4 has derivative_premium)`];
  }
  options.set = [...options.set.filter(([p]) => p !== 'market.derivative_premium'), ['market.derivative_premium', up.market.derivative_premium]];
  options.legacy = null;
  return [];
}

/**
 * The state the figure runs, in the app's terms ({baseline, reformBase, reform}): the options'
 * presets, their `set`, the reader's own changes (`local`: path → value) and the simulation
 * settings. `local` may also hold 'preset' and 'baseline'.
 */
export function stateOf(cat, options, local) {
  const reformBase = local.get('preset') ?? options.preset;
  const baseline = local.get('baseline') ?? options.baseline;
  const reform = cat.preset(reformBase);
  for (const [p, v] of options.set) setPath(reform, p, v);
  for (const [p, v] of Object.entries(options.simulation)) setPath(reform, p, v);
  for (const [p, v] of local) if (!SPECIAL_CONTROLS.includes(p)) setPath(reform, p, v);
  return { baseline, reformBase, reform };
}

/** The scenarios to run (as the app runs them) and whether the reform is a custom one. */
export function scenariosOf(cat, state) {
  return { ...runScenarios(cat, state), custom: isCustom(cat, state) };
}

/** The `set` text of a state: every parameter that differs from the reform's preset. */
export function setText(cat, state) {
  return diffFromPreset(cat, state)
    .map(([path, v]) => `${path}=${v === null ? 'none' : String(v)}`)
    .join(';');
}

/**
 * The simulation attributes of a state that differ from the defaults: [[attr, value]…], and
 * ['uncertainty', ''] (present) with parameter uncertainty.
 */
export function simulationAttrs(cat, state, all = false) {
  const out = [];
  for (const [name, s] of Object.entries(SIMULATION)) {
    const v = getPath(state.reform, s.path);
    if (all || name === 'seed' || name === 'replicates' || v !== getPath(cat.defaults, s.path)) out.push([name, v]);
  }
  if (state.reform.simulation.uncertainty) out.push(['uncertainty', '']);
  return out;
}

export { clone, show };

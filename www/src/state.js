// The app's state (baseline preset, reform scenario), and its two serialisations: the URL
// query and the scenario file. Everything read from outside is checked field by field and then
// by the model's own validateScenario; on any problem the caller gets a list of messages.

import { SHARED_PATHS, clone, controlModel, getPath, readNumber, setPath } from './params.js';
import { thousandsHint } from './format.js';
import { DRIVERS_KEYS, driversQuery, readDrivers } from './drivers.js';

/**
 * Version of the link and file format: the scenario schema it was made for. Version 1 links and
 * files were made for model v1.3; they still open, mapped onto this model (`migrated` says how).
 */
export const FORMAT_VERSION = 2;
export const LEGACY_FORMAT = 1;
/** The model each format (scenario schema) version was made for, as the app's notes name it. */
export const MODEL_OF_FORMAT = { 1: 'v1.3', 2: 'v1.4' };
export const FILE_KIND = 'regsim-app-scenario';
const MAX_QUERY = 8000;
const MAX_FILE = 1_000_000;

/** The chart views a link can name: both arms, or their paired difference. */
export const VIEWS = ['levels', 'diff'];

export const DEFAULT_BASELINE = 'none';
export const DEFAULT_REFORM = 'sb1047';

/** Preset names as people say them: a title for menus, a phrase for sentences. */
const PRESET_TITLES = {
  none: ['No regulation', 'no regulation'],
  sb1047: ['SB 1047 as passed', 'SB 1047 as passed'],
  sb53: ['SB 53', 'SB 53'],
  eu_gpai: ['EU AI Act GPAI rules', 'the EU AI Act’s GPAI rules'],
  strict_all: ['Strict liability on everything', 'strict liability on everything'],
  open_safe_harbor: ['SB 1047 with an open-weights safe harbor', 'SB 1047 with an open-weights safe harbor'],
};
export const presetTitle = (name) => PRESET_TITLES[name]?.[0] ?? name;
export const presetPhrase = (name) => PRESET_TITLES[name]?.[1] ?? name;

/** What a page needs of the model to build and check scenarios (as the worker's `catalog`). */
export function catalogData(api) {
  const names = Array.from(api.presetNames());
  const specs = api.paramSpecs();
  return {
    names,
    presets: Object.fromEntries(names.map((n) => [n, api.preset(n)])),
    descriptions: Object.fromEntries(names.map((n) => [n, api.presetDescription(n)])),
    specs,
    metrics: Array.from(api.metrics()),
    maxReplicates: api.maxReplicates(),
    defaults: api.defaultScenario(),
    version: api.version(),
    // How many parameters have an uncertain range, the most "What drives this?" can vary (which
    // they are, most uncertain first, the full build's driversExperiment decides).
    uncertainCount: specs.filter((p) => p.prior).length,
    schemaVersion: api.schemaVersion(),
  };
}

/** What is allowed, for text where an absent threshold is written "none" (links, attributes), not JSON's null. */
export const noneForNull = (allowed) => allowed.replace(/, or null for none$/, ', or none');

/**
 * The model's validation errors [{field, value, allowed}] as readable lines. `name` says a field
 * as the reader knows it (the panel's label, say); `allowed` rewords what is allowed for where
 * the value was written (a link writes an absent threshold as "none", not JSON's null).
 */
export function formatProblems(errs, { name = (f) => f, allowed = (a) => a } = {}) {
  return errs.map((e) => `${name(e.field)}: ${e.value} is not allowed; expected ${allowed(e.allowed)}`);
}

/**
 * The model behind the state: presets, specs and the wasm module's validation, loaded once.
 * `api` is the wasm module's exports; or `api` is null and `data` comes from a worker
 * (embedded figures keep no model on the page's thread), and `problems` is not available.
 */
export class Catalog {
  constructor(api, data = catalogData(api)) {
    this.api = api;
    this.names = data.names;
    this.presets = data.presets;
    this.descriptions = data.descriptions;
    this.specs = data.specs;
    this.metrics = data.metrics;
    this.byPath = new Map(this.specs.map((s) => [s.path, s]));
    this.maxReplicates = data.maxReplicates;
    this.defaults = data.defaults;
    this.version = data.version;
    this.uncertainCount = data.uncertainCount;
    this.schemaVersion = data.schemaVersion;
  }

  /** Map a scenario object of schema version 1 (model v1.3) onto this model: the model's own mapping; throws naming what cannot be mapped. */
  upgrade(scenario) {
    return this.api.upgradeScenario(scenario);
  }

  preset(name) {
    return clone(this.presets[name]);
  }

  hasPreset(name) {
    return typeof name === 'string' && Object.prototype.hasOwnProperty.call(this.presets, name);
  }

  /** Problems with a scenario object as readable lines (worded as `formatProblems`'s options say); empty when valid. */
  problems(scenario, wording) {
    let errs;
    try {
      errs = this.api.validateScenario(scenario);
    } catch (e) {
      return [String(e?.message ?? e)];
    }
    return formatProblems(errs, wording);
  }

  /** A fresh default state. */
  defaultState() {
    return { baseline: DEFAULT_BASELINE, reformBase: DEFAULT_REFORM, reform: this.preset(DEFAULT_REFORM) };
  }
}

/** Paths (other than shared simulation settings) where the reform differs from its preset. */
export function diffFromPreset(cat, state) {
  const base = cat.presets[state.reformBase];
  const out = [];
  for (const s of cat.specs) {
    if (SHARED_PATHS.includes(s.path)) continue;
    const a = getPath(state.reform, s.path);
    const b = getPath(base, s.path);
    if (!Object.is(a, b)) out.push([s.path, a]);
  }
  return out;
}

export function isCustom(cat, state) {
  return diffFromPreset(cat, state).length > 0;
}

/** The scenarios to run: the baseline preset with the reform's shared simulation settings. */
export function runScenarios(cat, state) {
  const baseline = cat.preset(state.baseline);
  for (const p of SHARED_PATHS) setPath(baseline, p, getPath(state.reform, p));
  const reform = clone(state.reform);
  reform.label = isCustom(cat, state) ? `custom (based on ${state.reformBase})` : state.reformBase;
  return { baseline, reform, replicates: reform.simulation.replicates };
}

function encodeValue(v) {
  if (v === null) return 'none';
  return encodeURIComponent(String(v));
}

/**
 * The query string (without "?") that reproduces the state, the chart view unless it is the
 * first, and the "What drives this?" view when it is open (`drivers`, null when closed).
 */
export function toQuery(cat, state, view = VIEWS[0], drivers = null) {
  const parts = [`v=${FORMAT_VERSION}`, `baseline=${encodeURIComponent(state.baseline)}`, `reform=${encodeURIComponent(state.reformBase)}`];
  const diff = diffFromPreset(cat, state);
  if (diff.length) parts.push(`set=${diff.map(([p, v]) => `${p}:${encodeValue(v)}`).join(',')}`);
  const sim = state.reform.simulation;
  if (sim.start_year !== cat.defaults.simulation.start_year) parts.push(`start=${sim.start_year}`);
  if (sim.quarters !== cat.defaults.simulation.quarters) parts.push(`quarters=${sim.quarters}`);
  parts.push(`seed=${sim.seed}`, `reps=${sim.replicates}`);
  if (sim.uncertainty) parts.push('unc=1');
  if (view !== VIEWS[0]) parts.push(`view=${view}`);
  parts.push(...driversQuery(cat, drivers));
  return parts.join('&');
}

/** Read one value typed for a spec from text; throws a readable message. */
export function parseFor(spec, text, where) {
  const t = String(text);
  const kind = spec.kind.type;
  const show = JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t);
  if (kind === 'bool') {
    if (t === 'true') return true;
    if (t === 'false') return false;
    throw new Error(`${where}: ${show} is not allowed; expected true or false`);
  }
  if (kind === 'choice') {
    if (spec.kind.options.includes(t)) return t;
    throw new Error(`${where}: ${show} is not allowed; expected one of ${spec.kind.options.join(', ')}`);
  }
  if (kind === 'optional_number' && t === 'none') return null;
  // As the app's value boxes read it (5M, 1e26 FLOP); the model checks the range.
  const n = readNumber(controlModel(spec, []), t);
  if (n.error) throw new Error(`${where}: ${n.error}`);
  const x = n.value;
  if (!Number.isFinite(x)) throw new Error(`${where}: ${show} is not a finite number`);
  if (kind === 'integer' && !Number.isSafeInteger(x)) throw new Error(`${where}: ${show} is not a whole number`);
  return x;
}

function intParam(params, key, lo, hi, what) {
  const t = params.get(key);
  if (t === null) return undefined;
  if (!/^\d{1,16}$/.test(t) || Number(t) < lo || Number(t) > hi) {
    const show = JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t);
    throw new Error(`${key}: ${show} is not allowed; expected ${what} from ${lo} to ${hi}`);
  }
  return Number(t);
}

/** Keys of a link, by format version. */
const LINK_KEYS = {
  1: ['v', 'baseline', 'reform', 'set', 'seed', 'reps', 'quarters', 'start', 'view'],
  2: ['v', 'baseline', 'reform', 'set', 'seed', 'reps', 'quarters', 'start', 'unc', 'view', ...DRIVERS_KEYS],
};

/** model v1.3's derivative shift, which v1.4 replaced (docs/webapp.md, "Links and files of model v1.3"). */
const V1_XI_DERIVATIVE = 'market.xi_derivative';

/**
 * Read a state from a query string. Returns {state, view, drivers, migrated} (state null when the
 * query is empty, i.e. use the defaults; drivers null when the view is closed; migrated, for a
 * link of format 1, {from: 1, changes}) or {errors: [message…]}.
 */
export function fromQuery(cat, search) {
  const q = search.startsWith('?') ? search.slice(1) : search;
  if (q === '') return { state: null };
  if (q.length > MAX_QUERY) return { errors: [`the link is ${q.length} characters long; at most ${MAX_QUERY} are read`] };
  const errors = [];
  let params;
  try {
    params = new URLSearchParams(q);
  } catch (e) {
    return { errors: ['the link’s query cannot be read'] };
  }
  // Each problem once, however often the link repeats it.
  const add = (message) => {
    if (!errors.includes(message)) errors.push(message);
  };
  const v = params.get('v');
  const version = v === String(LEGACY_FORMAT) ? LEGACY_FORMAT : FORMAT_VERSION;
  if (v === null) add(`v is missing; expected v=${FORMAT_VERSION} (the format version every link of this app carries)`);
  else if (v !== String(FORMAT_VERSION) && v !== String(LEGACY_FORMAT)) add(`v: ${JSON.stringify(v.slice(0, 40))} is not a version this app reads; expected ${FORMAT_VERSION} (or ${LEGACY_FORMAT}, links made for model ${MODEL_OF_FORMAT[LEGACY_FORMAT]})`);
  const known = new Set(LINK_KEYS[version]);
  for (const k of params.keys()) {
    if (!known.has(k)) add(`${JSON.stringify(k.slice(0, 40))} is not a setting this app knows${version === LEGACY_FORMAT ? ' in a link of version 1' : ''} (it knows ${[...known].join(', ')})`);
    else if (params.getAll(k).length > 1) add(`${k} appears more than once`);
  }
  const baseline = params.get('baseline') ?? DEFAULT_BASELINE;
  const reformBase = params.get('reform') ?? DEFAULT_REFORM;
  for (const [k, name] of [['baseline', baseline], ['reform', reformBase]]) {
    if (!cat.hasPreset(name)) add(`${k}: ${JSON.stringify(name.slice(0, 40))} is not a preset; expected one of ${cat.names.join(', ')}`);
  }
  const view = params.get('view') ?? VIEWS[0];
  if (!VIEWS.includes(view)) add(`view: ${JSON.stringify(view.slice(0, 40))} is not a view; expected ${VIEWS.join(' or ')}`);
  // The rest is read whatever the presets, so that a link with several problems names them all
  // (over the default reform when its preset is unknown).
  const reform = cat.preset(cat.hasPreset(reformBase) ? reformBase : DEFAULT_REFORM);
  const legacyItems = []; // [path, value] of a version 1 link, in order
  const set = params.get('set');
  if (set !== null && set !== '') {
    const seen = new Set();
    let previous = '';
    for (const item of set.split(',')) {
      const after = previous;
      previous = item;
      if (item === '') {
        add('set: an empty item; items are separated by single commas, as in set=PATH:VALUE,PATH:VALUE');
        continue;
      }
      // "compliance_fixed:5,000,000" splits at its commas: say so rather than "000 is not a parameter".
      if (/^\d{3}$/.test(item) && /:[-+]?\d+$/.test(after)) {
        add(`set: ${JSON.stringify(item)} follows ${JSON.stringify(after.slice(0, 60))}; ${thousandsHint()}`);
        continue;
      }
      const i = item.indexOf(':');
      const path = i < 0 ? item : item.slice(0, i);
      const legacyDerivative = version === LEGACY_FORMAT && path === V1_XI_DERIVATIVE;
      const spec = legacyDerivative ? { path, label: path, kind: { type: 'number' }, unit: '', min: -1e6, max: 1e6 } : cat.byPath.get(path);
      if (SHARED_PATHS.includes(path)) {
        add(`set: ${path} is set with its own key (start, quarters, seed, reps or unc), not in set`);
        continue;
      }
      if (!spec) {
        add(`set: ${JSON.stringify(path.slice(0, 60))} is not a scenario parameter`);
        continue;
      }
      if (seen.has(path)) {
        add(`set: ${path} appears more than once`);
        continue;
      }
      seen.add(path);
      if (i < 0) {
        add(`set: ${path} has no value (write ${path}:VALUE)`);
        continue;
      }
      try {
        const value = parseFor(spec, item.slice(i + 1), path);
        if (version === LEGACY_FORMAT) legacyItems.push([path, value]);
        else setPath(reform, path, value);
      } catch (e) {
        add(e.message);
      }
    }
  }
  let migrated = null;
  if (version === LEGACY_FORMAT && !errors.length) {
    try {
      migrated = migrateLinkItems(cat, reform, cat.hasPreset(reformBase) ? reformBase : DEFAULT_REFORM, legacyItems);
    } catch (e) {
      add(`set: ${String(e?.message ?? e)} (the link was made for model ${MODEL_OF_FORMAT[LEGACY_FORMAT]})`);
    }
  }
  // Every number is read, so that a link with several bad ones names them all.
  const d = cat.defaults.simulation;
  const number = (key, lo, hi, what, fallback) => {
    try {
      return intParam(params, key, lo, hi, what) ?? fallback;
    } catch (e) {
      add(e.message);
      return fallback;
    }
  };
  reform.simulation.seed = number('seed', 0, Number.MAX_SAFE_INTEGER, 'a whole number', d.seed);
  reform.simulation.replicates = number('reps', 1, cat.maxReplicates, 'a whole number', d.replicates);
  reform.simulation.quarters = number('quarters', 1, 200, 'a whole number', d.quarters);
  reform.simulation.start_year = number('start', 2000, 2100, 'a year', d.start_year);
  const unc = params.get('unc');
  if (unc !== null && unc !== '0' && unc !== '1') add(`unc: ${JSON.stringify(unc.slice(0, 40))} is not allowed; expected 1 (with parameter uncertainty) or 0`);
  reform.simulation.uncertainty = unc === '1';
  let drivers = null;
  if (params.get('drivers') !== null) {
    const r = readDrivers(cat, (k) => params.get(k), { kind: 'drivers', metric: 'dmetric', years: 'dyears', measure: 'dmeasure', count: 'dparams', replicates: 'dreps', trajectories: 'dtraj' }, reform);
    if (r.errors) r.errors.forEach(add);
    else drivers = r.drivers;
  } else {
    for (const k of DRIVERS_KEYS.slice(1)) if (params.get(k) !== null) add(`${k}: only with drivers=tornado or drivers=morris (the "What drives this?" view)`);
  }
  if (errors.length) return { errors };
  // In a link an absent threshold is written "none", not JSON's null.
  const problems = cat.problems(reform, { allowed: noneForNull });
  if (problems.length) return { errors: problems };
  return { state: { baseline, reformBase, reform }, view, drivers, migrated };
}

/**
 * A version 1 link's `set` items onto this model's preset (`reform`, changed in place). Each item
 * is a value the link's author chose over model v1.3's preset, so it is kept as it is; model
 * v1.3's market.xi_derivative (a derivative's absolute quality shift) becomes
 * market.derivative_premium, its shift over open weights, as the model maps a version 1 scenario
 * (upgradeScenario: xi_derivative − xi_open, with xi_open the link's or model v1.3's default).
 * Everything the link did not set takes this model's (calibrated) values. Returns {from, changes:
 * [[path, value]…], premium: {from, to}|null}; throws naming what cannot be mapped.
 */
function migrateLinkItems(cat, reform, reformBase, items) {
  const market = {};
  for (const [path, value] of items) {
    if (path === V1_XI_DERIVATIVE) market.xi_derivative = value;
    else setPath(reform, path, value);
    if (path === 'market.xi_open') market.xi_open = value;
  }
  let premium = null;
  if (Object.keys(market).length) {
    const up = cat.upgrade({ schema_version: LEGACY_FORMAT, label: reformBase, market });
    const to = up.market.derivative_premium;
    if ('xi_derivative' in market || to !== reform.market.derivative_premium) premium = { from: market.xi_derivative ?? null, to };
    reform.market.derivative_premium = to;
  }
  return { from: LEGACY_FORMAT, changes: items, premium };
}

/** The scenario file: the baseline preset's name and the whole reform scenario. */
export function toFile(cat, state) {
  const { reform } = runScenarios(cat, state);
  return JSON.stringify(
    {
      kind: FILE_KIND,
      version: FORMAT_VERSION,
      baseline: state.baseline,
      reform_preset: state.reformBase,
      reform,
    },
    null,
    2,
  );
}

/**
 * Lay `overlay` over `base` (a full scenario), following only fields the base has; unknown or
 * mistyped fields are reported, never copied.
 */
function overlayKnown(base, overlay, prefix, errors) {
  if (overlay === null || typeof overlay !== 'object' || Array.isArray(overlay)) {
    errors.push(`${prefix || 'reform'}: expected an object`);
    return;
  }
  for (const key of Object.keys(overlay)) {
    const where = prefix ? `${prefix}.${key}` : key;
    if (!Object.prototype.hasOwnProperty.call(base, key)) {
      errors.push(`${where.slice(0, 80)}: not a scenario field`);
      continue;
    }
    const b = base[key];
    const o = overlay[key];
    if (b !== null && typeof b === 'object') overlayKnown(b, o, where, errors);
    else if (o !== null && typeof o === 'object') errors.push(`${where}: expected a value, found an object`);
    else base[key] = o;
  }
}

/** A file's preset field as a message shows it: quoted text, or what else it is (an array, a number). */
function presetShown(v) {
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 40));
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `the ${typeof v} ${String(v).slice(0, 40)}`;
}

/**
 * Read a state from a scenario file's text: {state, migrated} or {errors}. Accepts a bare
 * scenario too. A file of version 1, or a bare scenario of schema version 1 (model v1.3), is
 * mapped onto this model by the model itself (upgradeScenario); `migrated` then says so.
 */
export function fromFile(cat, text) {
  if (typeof text !== 'string') return { errors: ['the file cannot be read as text'] };
  if (text.length > MAX_FILE) return { errors: [`the file is ${text.length} characters long; at most ${MAX_FILE} are read`] };
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { errors: [`the file is not valid JSON (${String(e.message).slice(0, 120)})`] };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { errors: ['the file does not hold a scenario object'] };
  const errors = [];
  let baseline = DEFAULT_BASELINE;
  let reformBase;
  let body;
  let legacy = false;
  if (doc.kind === FILE_KIND) {
    if (doc.version === LEGACY_FORMAT) legacy = true;
    else if (doc.version !== FORMAT_VERSION) errors.push(`version: ${JSON.stringify(doc.version)} is not a version this app reads; expected ${FORMAT_VERSION} (or ${LEGACY_FORMAT}, files made for model ${MODEL_OF_FORMAT[LEGACY_FORMAT]})`);
    for (const k of Object.keys(doc)) {
      if (!['kind', 'version', 'baseline', 'reform_preset', 'reform'].includes(k)) errors.push(`${k.slice(0, 60)}: not a field of a scenario file`);
    }
    baseline = doc.baseline;
    reformBase = doc.reform_preset;
    body = doc.reform;
    for (const [k, name] of [['baseline', baseline], ['reform_preset', reformBase]]) {
      if (!cat.hasPreset(name)) errors.push(`${k}: ${presetShown(name)} is not a preset${typeof name === 'string' ? '' : ' name'}; expected one of ${cat.names.join(', ')}`);
    }
  } else {
    // A bare scenario, e.g. from the CLI, is laid over the preset its label names (none without one).
    body = doc;
    legacy = body.schema_version === LEGACY_FORMAT;
    const label = body.label;
    const m = typeof label === 'string' ? /^custom \(based on (.*)\)$/.exec(label) : null;
    reformBase = label === undefined ? DEFAULT_BASELINE : m ? m[1] : label;
    if (!cat.hasPreset(reformBase)) {
      errors.push(`label: ${JSON.stringify(String(label).slice(0, 60))} names no preset; a bare scenario is laid over the preset its label names: one of ${cat.names.join(', ')}, or “custom (based on NAME)”`);
    }
  }
  if (legacy) {
    if (errors.length) return { errors };
    return fromLegacyBody(cat, baseline, reformBase, body);
  }
  if (body !== null && typeof body === 'object' && 'schema_version' in body && body.schema_version !== cat.schemaVersion) {
    errors.push(`schema_version: ${JSON.stringify(body.schema_version)} is not allowed; expected ${cat.schemaVersion} (or ${LEGACY_FORMAT} in a bare scenario of model ${MODEL_OF_FORMAT[LEGACY_FORMAT]})`);
  }
  // The fields are checked whatever the presets, so that every problem is named at once.
  const reform = cat.preset(cat.hasPreset(reformBase) ? reformBase : DEFAULT_BASELINE);
  overlayKnown(reform, body, '', errors);
  if (errors.length) return { errors };
  const problems = cat.problems(reform);
  if (problems.length) return { errors: problems };
  reform.label = reformBase;
  return { state: { baseline, reformBase, reform } };
}

/**
 * A reform scenario of model v1.3 (schema version 1, whole or partial) as a state of this model:
 * upgradeScenario maps it (fields at v1.3's defaults take this model's, other values stay,
 * xi_derivative becomes derivative_premium) over the reform's preset. The rules (`regime`) are
 * policy levers, never calibrated defaults: a rule the file sets stays as the file has it, also
 * where it equals model v1.3's default scenario (no regulation) but not the preset, as a custom
 * reform based on SB 1047 without liability does.
 */
function fromLegacyBody(cat, baseline, reformBase, body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { errors: ['reform: expected an object'] };
  const custom = `custom (based on ${reformBase})`;
  const v1 = { ...body, schema_version: LEGACY_FORMAT, label: body.label === reformBase || body.label === custom ? body.label : reformBase };
  let reform;
  try {
    reform = cat.upgrade(v1);
  } catch (e) {
    return { errors: [`${String(e?.message ?? e)} (the file was made for model ${MODEL_OF_FORMAT[LEGACY_FORMAT]})`] };
  }
  const rules = body.regime;
  if (rules !== null && typeof rules === 'object' && !Array.isArray(rules)) {
    for (const [k, v] of Object.entries(rules)) if (Object.prototype.hasOwnProperty.call(reform.regime, k)) reform.regime[k] = v;
  }
  const problems = cat.problems(reform);
  if (problems.length) return { errors: problems.map((p) => `${p} (the file was made for model ${MODEL_OF_FORMAT[LEGACY_FORMAT]})`) };
  reform.label = reformBase;
  const xi = body.market?.xi_derivative;
  return { state: { baseline, reformBase, reform }, migrated: { from: LEGACY_FORMAT, premium: typeof xi === 'number' ? { from: xi, to: reform.market.derivative_premium } : null } };
}

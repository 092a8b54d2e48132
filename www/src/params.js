// The parameter table (paramSpecs() from the wasm module) turned into control models: how each
// parameter is shown, typed and mapped onto a slider. Every parameter gets a control.

import { fmtUsd, fmtNumber, fmtLogFlop, fmtInt, parseHuman, decimalComma } from './format.js';

/** The panel's groups, in order, and which spec groups they hold. */
export const UI_GROUPS = [
  { id: 'coverage', title: 'Coverage', groups: ['coverage'], open: true },
  { id: 'liability', title: 'Liability', groups: ['liability'], open: true },
  { id: 'compliance', title: 'Compliance', groups: ['compliance'], open: true },
  {
    id: 'reach',
    title: 'Reach: developers outside the jurisdiction',
    groups: ['reach'],
    note: 'How far the rules reach developers based outside the regime’s jurisdiction, who can comply or stay out of its market.',
  },
  { id: 'market', title: 'Market and technology', groups: ['market', 'technology'] },
  { id: 'firms', title: 'Firms', groups: ['firms'] },
  { id: 'derivatives', title: 'Derivatives and entry', groups: ['derivatives', 'entry'] },
  { id: 'harms', title: 'Harms', groups: ['harms'] },
  { id: 'decision', title: 'Firms’ decisions', groups: ['decision'] },
  { id: 'simulation', title: 'Simulation', groups: ['simulation'], note: 'These apply to baseline and reform alike.' },
];

/**
 * Parameters shared by both arms: a paired comparison needs the same horizon and seed, and both
 * arms with parameter uncertainty or neither.
 */
export const SHARED_PATHS = ['simulation.start_year', 'simulation.quarters', 'simulation.seed', 'simulation.replicates', 'simulation.uncertainty'];

const MANTISSAS = [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8];

/** Read a dotted path; undefined when any step is missing. Only own properties are followed. */
export function getPath(obj, path) {
  let v = obj;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = v[k];
  }
  return v;
}

/** Set a dotted path in place; every step but the last must exist as an own object property. */
export function setPath(obj, path, value) {
  const keys = path.split('.');
  let v = obj;
  for (const k of keys.slice(0, -1)) {
    if (!Object.prototype.hasOwnProperty.call(v, k) || typeof v[k] !== 'object' || v[k] === null) throw new Error(`${path}: no such field`);
    v = v[k];
  }
  const last = keys[keys.length - 1];
  if (!Object.prototype.hasOwnProperty.call(v, last)) throw new Error(`${path}: no such field`);
  v[last] = value;
}

/** A deep copy of a plain JSON-like object. */
export function clone(x) {
  return structuredClone(x);
}

function niceStep(range, n = 100) {
  const raw = range / n;
  const e = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * e >= raw) return m * e;
  return 10 * e;
}

function niceCeil(x) {
  if (x <= 0) return 1;
  const e = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * e >= x - 1e-12) return m * e;
  return 10 * e;
}

function logGrid(lo, hi, integer) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of MANTISSAS) {
      let v = +(m * Math.pow(10, e)).toPrecision(12);
      if (integer) v = Math.round(v);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && out[out.length - 1] !== v) out.push(v);
    }
  }
  return out;
}

/** Humanise an identifier: compute_only → compute only. */
export function humanOption(o) {
  return {
    none: 'none',
    and: 'compute AND cost',
    or: 'compute OR cost',
    compute_only: 'compute only',
    all: 'everything',
    cost_and_compute: 'spend AND compute',
    fraction: 'fraction of base compute',
    negligence: 'negligence',
    strict: 'strict liability',
  }[o] ?? o.replace(/_/g, ' ');
}

/**
 * Build the control model of one spec. `presetValues` are the values the presets give this
 * parameter (to choose a sensible slider range where the valid range is huge).
 */
export function controlModel(spec, presetValues) {
  const kind = spec.kind.type;
  const m = {
    path: spec.path,
    group: spec.group,
    label: spec.label,
    unit: spec.unit,
    doc: spec.doc,
    source: spec.source,
    kind,
    options: spec.kind.options ?? null,
    min: spec.min,
    max: spec.max,
    integer: kind === 'integer',
    optional: kind === 'optional_number',
    slider: null, // {type:'grid', values} | {type:'linear', min, max, step}
  };
  if (kind === 'bool' || kind === 'choice') return finish(m);
  const isFlop = spec.unit === 'log10 FLOP';
  const isUsd = spec.unit.startsWith('$');
  m.display = isFlop ? 'flop' : isUsd ? 'usd' : m.integer ? 'int' : 'number';
  m.unitText = isFlop ? 'FLOP' : spec.unit;
  if (spec.path === 'simulation.seed') return finish(m);
  if (spec.path === 'simulation.replicates') {
    m.slider = { type: 'grid', values: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096].filter((v) => v >= spec.min && v <= spec.max) };
    return finish(m);
  }
  if (isFlop) {
    m.slider = { type: 'grid', values: logGrid(Math.pow(10, spec.min), Math.pow(10, spec.max)).map((v) => Math.log10(v)), flop: true };
    return finish(m);
  }
  const autoLog = spec.min > 0 && spec.max / spec.min >= 1000;
  if (spec.log_scale || autoLog) {
    const zero = spec.min <= 0;
    const lo = zero ? spec.max / 1e8 : spec.min;
    const values = logGrid(lo, spec.max, m.integer);
    m.slider = { type: 'grid', values: zero ? [0, ...values] : values };
    return finish(m);
  }
  let hi = spec.max;
  const finite = presetValues.filter((v) => typeof v === 'number' && Number.isFinite(v));
  const big = finite.length ? Math.max(...finite.map(Math.abs)) : 0;
  if (spec.max - spec.min > 50 * Math.max(big, 1e-9)) hi = Math.min(spec.max, big > 0 ? niceCeil(5 * big) : 10);
  let step = niceStep(hi - spec.min);
  if (m.integer) step = Math.max(1, Math.round(step));
  m.slider = { type: 'linear', min: spec.min, max: hi, step };
  return finish(m);
}

function finish(m) {
  m.format = (v) => formatValue(m, v);
  m.parse = (text) => parseValue(m, text);
  m.toSlider = (v) => toSlider(m, v);
  m.fromSlider = (p) => fromSlider(m, p);
  return m;
}

/** The value as a person reads it, without the unit: "$100M", "1e26", "0.02", "none". */
export function formatValue(m, v) {
  if (v === null) return 'none';
  if (m.kind === 'bool') return v ? 'on' : 'off';
  if (m.kind === 'choice') return humanOption(v);
  if (m.path === 'simulation.seed') return String(v);
  if (m.path === 'simulation.start_year') return String(v);
  switch (m.display) {
    case 'flop':
      return fmtLogFlop(v);
    case 'usd':
      return fmtUsd(v, 3);
    case 'int':
      return fmtInt(v);
    default:
      return fmtNumber(v, 3);
  }
}

/**
 * A number as the value boxes read it, without range checks: 5e6, 5M, $5M, 2%, and a compute
 * threshold in FLOP (1e26) or as its log10 (26). {value} or {error}.
 */
export function readNumber(m, text) {
  const t = String(text).trim();
  const x = parseHuman(t);
  if (Number.isNaN(x) && decimalComma(t)) return { error: `“${t.slice(0, 40)}”: write decimals with a point (2.5, not 2,5); commas only separate thousands` };
  if (Number.isNaN(x)) return { error: `“${t.slice(0, 40)}” is not a number` };
  return { value: m.display === 'flop' && x > 1000 ? Math.log10(x) : x };
}

/** Parse what a person typed into the value box; {value} or {error}. */
export function parseValue(m, text) {
  const t = String(text).trim();
  if (m.optional && /^(none|off|∞|inf|infinite|no)$/i.test(t)) return { value: null };
  const n = readNumber(m, t);
  if (n.error) return n;
  const x = n.value;
  if (m.integer && !Number.isInteger(x)) return { error: `${m.label} takes a whole number` };
  if (x < m.min || x > m.max) {
    const f = (v) => formatValue(m, v);
    return { error: `${m.label} must be from ${f(m.min)} to ${f(m.max)}${m.optional ? ', or none' : ''}` };
  }
  return { value: x };
}

function toSlider(m, v) {
  const s = m.slider;
  if (!s || v === null) return null;
  if (s.type === 'linear') return Math.min(s.max, Math.max(s.min, v));
  // Nearest grid value, in log terms where both are positive.
  let best = 0;
  let bestD = Infinity;
  s.values.forEach((g, i) => {
    const d = g > 0 && v > 0 && !s.flop ? Math.abs(Math.log(g / v)) : Math.abs(g - v);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

function fromSlider(m, p) {
  const s = m.slider;
  if (s.type === 'linear') {
    const x = Number(p);
    return m.integer ? Math.round(x) : +x.toPrecision(12);
  }
  return s.values[Math.max(0, Math.min(s.values.length - 1, Math.round(Number(p))))];
}

/** A value to turn an optional parameter back on with: from a preset that sets it, else mid-range. */
export function fallbackValue(m, presetValues) {
  const v = presetValues.find((x) => typeof x === 'number');
  if (v !== undefined) return v;
  if (m.slider?.type === 'grid') return m.slider.values[Math.floor(m.slider.values.length / 2)];
  return (m.min + m.max) / 2;
}

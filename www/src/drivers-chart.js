// Drawing "What drives this?": a tornado (each parameter's bar from the base value to the output
// at the low and at the high end of its range, sorted by swing, the base marked) or Morris bars
// (μ* with its interval, σ), on a canvas; their text alternative, data table and CSV. Shared by
// the app and embedded figures. Text only ever reaches the page through textContent.

import { fmtKind } from './charts.js';
import { el } from './controls.js';
import { fmtNumber } from './format.js';

const ROW = 26; // px per parameter
const BAR = 16;
const TOP = 42; // the base's value and the axis above the rows
const BOTTOM = 8;

/** Colours from CSS custom properties of `root` (light or dark scheme). */
function colours(root) {
  const cs = getComputedStyle(root);
  const get = (n, dflt) => cs.getPropertyValue(n).trim() || dflt;
  return {
    low: get('--c-low', '#0f766e'),
    high: get('--c-high', '#b45309'),
    mu: get('--c-diff', '#7c3aed'),
    sigma: get('--c-reform', '#c2410c'),
    fg: get('--fg', '#1b1f24'),
    muted: get('--fg-muted', '#555f6b'),
    grid: get('--grid', '#e4e8ec'),
    bg: get('--bg-card', '#ffffff'),
  };
}

/** About five round ticks covering [lo, hi]. */
export function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const e = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * e).find((s) => s >= raw) ?? 10 * e;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
  return out;
}

/** A value as the bars show it: signed for an effect (reform − baseline), plain for a level. */
export function fmtValue(view, v) {
  return fmtKind(view.kind, v, view.measure === 'effect');
}

/** A magnitude (μ*, σ, an interval's half-width), in the metric's units of change. */
function fmtMagnitude(view, v) {
  return fmtKind(view.kind, v, true).replace(/^\+/, '');
}

/** A parameter's uncertain range as text: "0.2–0.7". */
export function rangeText(range) {
  return `${fmtNumber(range.low, 3)}–${fmtNumber(range.high, 3)}`;
}

/**
 * The rows a view draws, in order: [{path, label, range, done, ...values}] (`view.meta(path)`
 * gives {label, range}). A tornado's come sorted by swing (pending ones after); Morris's by μ*.
 */
export function rowsOf(view) {
  const meta = (r) => ({ ...r, ...view.meta(r.path) });
  if (view.type === 'tornado') {
    return [...view.bars.map((b) => meta({ ...b, done: true })), ...view.pending.map((p) => meta({ ...p, done: false }))];
  }
  const done = view.factors ? view.factors.map((f, k) => meta({ ...f, k, path: view.paths[k], done: true })) : [];
  const key = (r) => (Number.isNaN(r.mu_star) ? -1 : r.mu_star);
  done.sort((a, b) => key(b) - key(a) || a.k - b.k);
  return done.length ? done : view.paths.map((path, k) => meta({ k, path, done: false }));
}

/** The value range a view's axis covers. */
function extent(view, rows) {
  const xs = [];
  for (const r of rows) {
    if (!r.done) continue;
    if (view.type === 'tornado') xs.push(r.low, r.high);
    else xs.push(0, r.mu_star + r.mu_star_conf, r.mu_star - r.mu_star_conf, r.sigma);
  }
  if (view.type === 'tornado' && view.base !== null) xs.push(view.base);
  const finite = xs.filter(Number.isFinite);
  if (!finite.length) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (view.type === 'morris') lo = 0;
  if (hi === lo) {
    const pad = Math.abs(hi) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.06;
  return [view.type === 'morris' ? 0 : lo - pad, hi + pad];
}

function ellipsize(ctx, text, width) {
  if (ctx.measureText(text).width <= width) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > width) t = t.slice(0, -1);
  return `${t}…`;
}

/**
 * Draw a view onto a 2D context of `width` CSS px (already scaled for the device's pixels).
 * Returns the row boxes, for the readout: [{y0, y1, row}].
 */
function paint(ctx, width, view, pal, pendingText) {
  const rows = rowsOf(view);
  const height = TOP + rows.length * ROW + BOTTOM;
  ctx.fillStyle = pal.bg;
  ctx.fillRect(0, 0, width, height);
  const labelW = Math.round(Math.min(300, Math.max(120, width * 0.42)));
  const left = labelW + 8;
  const right = width - 12;
  const [lo, hi] = extent(view, rows);
  const x = (v) => left + ((v - lo) / (hi - lo)) * (right - left);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  // Axis: ticks and grid lines.
  ctx.strokeStyle = pal.grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = pal.muted;
  ctx.textAlign = 'center';
  const fmtTick = view.type === 'tornado' ? (v) => fmtValue(view, v) : (v) => fmtMagnitude(view, v);
  for (const t of niceTicks(lo, hi, Math.max(2, Math.floor((right - left) / 90)))) {
    const px = Math.round(x(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, TOP - 4);
    ctx.lineTo(px, height - BOTTOM);
    ctx.stroke();
    ctx.fillText(fmtTick(t), px, TOP - 12);
  }
  const boxes = [];
  rows.forEach((r, i) => {
    const y0 = TOP + i * ROW;
    const mid = y0 + ROW / 2;
    boxes.push({ y0, y1: y0 + ROW, row: r });
    // The parameter: its label, and its range when it fits.
    ctx.textAlign = 'left';
    ctx.font = '12px system-ui, sans-serif';
    const range = ` ${rangeText(r.range)}`;
    ctx.font = '11px system-ui, sans-serif';
    const rangeW = ctx.measureText(range).width;
    ctx.font = '12px system-ui, sans-serif';
    const labelFits = ctx.measureText(r.label).width + rangeW <= labelW;
    const label = ellipsize(ctx, r.label, labelFits ? labelW - rangeW : labelW);
    ctx.fillStyle = r.done ? pal.fg : pal.muted;
    ctx.fillText(label, 0, mid);
    if (labelFits) {
      const lw = ctx.measureText(label).width;
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = pal.muted;
      ctx.fillText(range, lw, mid);
    }
    if (!r.done) {
      ctx.font = 'italic 11px system-ui, sans-serif';
      ctx.fillStyle = pal.muted;
      ctx.fillText(pendingText, left + 4, mid);
      return;
    }
    const top = mid - BAR / 2;
    if (view.type === 'tornado') {
      const from = view.base ?? 0;
      // The low end in the upper half of the row's bar, the high end in the lower half: both stay
      // visible when they lie on the same side of the base.
      for (const [v, colour, y] of [
        [r.low, pal.low, top],
        [r.high, pal.high, top + BAR / 2],
      ]) {
        if (!Number.isFinite(v)) continue;
        const a = x(Math.min(from, v));
        const b = x(Math.max(from, v));
        ctx.fillStyle = colour;
        // A bar too short to see still shows as a sliver at the base.
        ctx.fillRect(a, y, Math.max(1.5, b - a), BAR / 2);
      }
    } else {
      ctx.fillStyle = pal.mu;
      if (Number.isFinite(r.mu_star)) ctx.fillRect(x(0), top, Math.max(1.5, x(r.mu_star) - x(0)), BAR);
      if (Number.isFinite(r.mu_star_conf)) {
        ctx.strokeStyle = pal.fg;
        ctx.lineWidth = 1.5;
        const a = x(Math.max(lo, r.mu_star - r.mu_star_conf));
        const b = x(Math.min(hi, r.mu_star + r.mu_star_conf));
        ctx.beginPath();
        ctx.moveTo(a, mid);
        ctx.lineTo(b, mid);
        ctx.moveTo(a, mid - 4);
        ctx.lineTo(a, mid + 4);
        ctx.moveTo(b, mid - 4);
        ctx.lineTo(b, mid + 4);
        ctx.stroke();
      }
      if (Number.isFinite(r.sigma)) {
        const sx = x(r.sigma);
        ctx.fillStyle = pal.sigma;
        ctx.beginPath();
        ctx.moveTo(sx, mid - 6);
        ctx.lineTo(sx + 6, mid);
        ctx.lineTo(sx, mid + 6);
        ctx.lineTo(sx - 6, mid);
        ctx.closePath();
        ctx.fill();
      }
    }
  });
  // The base value, over the bars: a dashed line with its value above.
  if (view.type === 'tornado' && view.base !== null && Number.isFinite(view.base)) {
    const bx = Math.round(x(view.base)) + 0.5;
    ctx.strokeStyle = pal.fg;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(bx, TOP - 2);
    ctx.lineTo(bx, height - BOTTOM);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = '600 11px system-ui, sans-serif';
    const text = `base ${fmtValue(view, view.base)}`;
    const tw = ctx.measureText(text).width;
    const tx = Math.min(Math.max(bx, left + tw / 2), right - tw / 2);
    ctx.fillStyle = pal.bg;
    ctx.fillRect(tx - tw / 2 - 3, 0, tw + 6, 13);
    ctx.fillStyle = pal.fg;
    ctx.textAlign = 'center';
    ctx.fillText(text, tx, 6);
  }
  return { height, boxes };
}

/** The legend of a tornado or a Morris chart, as elements (the app's view and the figures'). */
export function driversLegend(kind) {
  const items =
    kind === 'tornado'
      ? [
          ['solid', 'var(--c-low)', 'low end of the range'],
          ['solid', 'var(--c-high)', 'high end of the range'],
          ['dashed', 'var(--fg)', 'base: every parameter as set'],
        ]
      : [
          ['solid', 'var(--c-diff)', 'μ* (with its 95% interval)'],
          ['diamond', 'var(--c-reform)', 'σ'],
        ];
  return items.map(([cls, colour, label]) => {
    const span = el('span', { class: 'legend-item' });
    const sw = el('span', { class: `swatch ${cls}` });
    sw.style.setProperty('--sw', colour);
    span.append(sw, document.createTextNode(label));
    return span;
  });
}

export class DriversChart {
  /**
   * @param {HTMLElement} el  the container: the chart's canvas goes in it
   * @param {{styleRoot?: Element}} [options]  the element whose CSS custom properties give colours
   */
  constructor(el, options = {}) {
    this.el = el;
    this.styleRoot = options.styleRoot ?? document.documentElement;
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
    this.canvas.style.display = 'block';
    this.canvas.style.width = '100%';
    el.append(this.canvas);
    this.view = null;
    this.boxes = [];
    this.onHover = null; // (row | null) → void
    this.pendingText = 'computing…';
    this.canvas.addEventListener('mousemove', (e) => {
      const y = e.offsetY;
      const hit = this.boxes.find((b) => y >= b.y0 && y < b.y1);
      this.onHover?.(hit && hit.row.done ? hit.row : null);
    });
    this.canvas.addEventListener('mouseleave', () => this.onHover?.(null));
  }

  /**
   * Draw a view: {type: 'tornado', kind, measure, base, bars, pending} or {type: 'morris', kind,
   * paths, factors|null}; rows carry `label` and `low`/`high` (the parameter's range).
   */
  update(view) {
    this.view = view;
    this.draw();
  }

  draw() {
    if (!this.view) return;
    const width = Math.max(240, this.el.clientWidth || 600);
    const dpr = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
    const rows = rowsOf(this.view).length;
    const height = TOP + rows * ROW + BOTTOM;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.height = `${height}px`;
    }
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.boxes = paint(ctx, width, this.view, colours(this.styleRoot), this.pendingText).boxes;
  }

  /** A canvas of the chart at `width` CSS px (its height follows the rows), for export. */
  async render(width) {
    if (!this.view) throw new Error('the chart is not drawn yet');
    const dpr = Math.max(1, Math.min(2, window.devicePixelRatio || 1));
    const rows = rowsOf(this.view).length;
    const out = document.createElement('canvas');
    out.width = Math.round(width * dpr);
    out.height = Math.round((TOP + rows * ROW + BOTTOM) * dpr);
    const ctx = out.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    paint(ctx, width, this.view, colours(this.styleRoot), this.pendingText);
    return out;
  }

  resize() {
    this.draw();
  }
}

/** What a tornado's bar says, in words: "Label (0.2–0.7): +310 at the low end, +95 at the high end". */
export function rowText(view, r) {
  if (view.type === 'tornado') return `${r.label} (${rangeText(r.range)}): ${fmtValue(view, r.low)} at the low end, ${fmtValue(view, r.high)} at the high end`;
  return `${r.label} (${rangeText(r.range)}): μ* ${fmtMagnitude(view, r.mu_star)} (±${fmtMagnitude(view, r.mu_star_conf)}), σ ${fmtMagnitude(view, r.sigma)}`;
}

/** The text alternative: what the chart shows, its base and its three largest drivers. */
export function describeDrivers(view, what) {
  const rows = rowsOf(view).filter((r) => r.done);
  if (!rows.length) return `${what}: no parameter computed yet.`;
  if (view.type === 'tornado') {
    const base = view.base === null ? '' : ` With every parameter as set, ${fmtValue(view, view.base)}.`;
    return `${what}.${base} Largest swings: ${rows
      .slice(0, 3)
      .map((r) => rowText(view, r))
      .join('; ')}.`;
  }
  return `${what}. Largest mean absolute effects of moving a parameter across its range (μ*): ${rows
    .slice(0, 3)
    .map((r) => rowText(view, r))
    .join('; ')}.`;
}

function make(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The data table of a view (its text alternative in full). */
export function driversTable(view, caption) {
  const t = make('table', {});
  t.append(make('caption', {}, caption));
  const head = view.type === 'tornado' ? ['Parameter', 'Range', 'At the low end', 'At the high end', 'Swing'] : ['Parameter', 'Range', 'μ*', '95% interval of μ*', 'μ', 'σ'];
  const thead = make('thead', {});
  const hr = make('tr', {});
  for (const h of head) hr.append(make('th', { scope: 'col' }, h));
  thead.append(hr);
  t.append(thead);
  const tb = make('tbody', {});
  if (view.type === 'tornado' && view.base !== null) {
    const tr = make('tr', {});
    tr.append(make('th', { scope: 'row' }, 'Base: every parameter as set'), make('td', {}, '–'), make('td', {}, fmtValue(view, view.base)), make('td', {}, fmtValue(view, view.base)), make('td', {}, '–'));
    tb.append(tr);
  }
  for (const r of rowsOf(view)) {
    const tr = make('tr', {});
    tr.append(make('th', { scope: 'row' }, r.label), make('td', {}, rangeText(r.range)));
    if (!r.done) {
      tr.append(make('td', { colspan: String(head.length - 2) }, 'not computed'));
    } else if (view.type === 'tornado') {
      tr.append(make('td', {}, fmtValue(view, r.low)), make('td', {}, fmtValue(view, r.high)), make('td', {}, fmtMagnitude(view, r.swing)));
    } else {
      tr.append(
        make('td', {}, fmtMagnitude(view, r.mu_star)),
        make('td', {}, `${fmtMagnitude(view, r.mu_star - r.mu_star_conf)} to ${fmtMagnitude(view, r.mu_star + r.mu_star_conf)}`),
        make('td', {}, fmtKind(view.kind, r.mu, true)),
        make('td', {}, fmtMagnitude(view, r.sigma)),
      );
    }
    tb.append(tr);
  }
  t.append(tb);
  return t;
}

const csvCell = (v) => (typeof v === 'number' ? (Number.isNaN(v) ? '' : String(v)) : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/**
 * A tornado's CSV, tidy: one row per design point with the factor it moves (none for the base),
 * which end and that value, and the means over the point's replicates of the baseline, the
 * reform and the paired effect (blank where a point is not computed).
 */
export function tornadoCsv(table, metric, from, to, labelOf, values) {
  const lines = [['point', 'parameter', 'label', 'end', 'parameter_value', 'metric', 'from', 'to', 'replicates', ...table.columns].join(',')];
  for (let i = 0; i < table.points; i++) {
    const k = i === 0 ? null : Math.floor((i - 1) / 2);
    const path = k === null ? '' : table.factors[k];
    const end = i === 0 ? 'base' : i % 2 === 1 ? 'low' : 'high';
    const value = k === null ? '' : values(k, end);
    const means = table.done[i] ? Array.from(table.means[i]) : table.columns.map(() => NaN);
    lines.push([i, path, k === null ? '' : labelOf(path), end, value, metric, from, to, table.replicates, ...means].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Morris indices as CSV: one row per parameter and measure. `indices[measure]` as the model gives them. */
export function morrisCsv(table, metric, from, to, labelOf, indices, trajectories) {
  const lines = [['parameter', 'label', 'measure', 'metric', 'from', 'to', 'trajectories', 'replicates', 'mu', 'mu_star', 'mu_star_conf', 'sigma'].join(',')];
  for (const [measure, idx] of Object.entries(indices)) {
    if (!idx) continue;
    idx.factors.forEach((f, k) => {
      const path = table.factors[k];
      lines.push([path, labelOf(path), measure, metric, from, to, trajectories, table.replicates, f.mu, f.mu_star, f.mu_star_conf, f.sigma].map(csvCell).join(','));
    });
  }
  return `${lines.join('\n')}\n`;
}

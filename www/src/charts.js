// Charts of the results: one uPlot per chart, baseline and reform medians with their 50% and
// 90% bands, or the paired difference (reform − baseline) with its bands.

// uPlot's stylesheet is the page's to load (the app imports it; a figure adopts it in its shadow
// root), so that this module has no side effects on the document.
import uPlot from 'uplot';
import { fmtInt, fmtNumber, fmtPct, fmtPp, fmtUsd, fmtLogFlop, quarterText } from './format.js';

export { quarterText };

export const CHARTS = [
  {
    id: 'hhi',
    title: 'Market concentration (HHI)',
    metrics: ['hhi'],
    kind: 'hhi',
    unit: 'HHI, 0–10,000',
    refLines: [
      { y: 1800, label: 'highly concentrated above 1,800' },
      { y: 1000, label: 'moderately above 1,000' },
    ],
  },
  { id: 'cr4', title: 'Top-4 share of use', metrics: ['cr4'], kind: 'share', unit: 'share of use' },
  { id: 'n_developers', title: 'Active developers', metrics: ['n_developers'], kind: 'count', unit: 'developers' },
  { id: 'n_derivatives', title: 'Active derivative builders', metrics: ['n_derivatives'], kind: 'count', unit: 'fine-tuners' },
  { id: 'open_share_usage', title: 'Open models’ share of use', metrics: ['open_share_usage'], kind: 'share', unit: 'share of use' },
  { id: 'open_share_models', title: 'Open share of new models', metrics: ['open_share_models'], kind: 'share', unit: 'share of releases, trailing year' },
  {
    id: 'capability',
    title: 'Capability: frontier and open frontier',
    metrics: ['frontier_capability', 'open_frontier_capability'],
    names: ['frontier', 'open frontier'],
    kind: 'flop',
    unit: 'effective FLOP',
  },
  { id: 'open_lag_quarters', title: 'Open models’ lag behind the frontier', metrics: ['open_lag_quarters'], kind: 'number', unit: 'quarters' },
  {
    id: 'outside_share',
    title: 'Developers outside the jurisdiction: share of use',
    metrics: ['outside_share_usage', 'outside_share_open_usage'],
    names: ['of all use', 'of open models’ use'],
    kind: 'share',
    unit: 'share of use',
  },
  // 0 or 1 in each run: its mean over runs is how often, and its percentiles say nothing more.
  { id: 'open_frontier_outside', title: 'Where the open frontier is made: outside the jurisdiction', metrics: ['open_frontier_outside'], kind: 'share', unit: 'share of runs', stat: 'mean' },
  { id: 'incidents', title: 'Incidents', metrics: ['incidents'], kind: 'count', unit: 'per quarter' },
  { id: 'harm_usd', title: 'Harm from incidents', metrics: ['harm_usd'], kind: 'usd', unit: '$ per quarter' },
  { id: 'compliance_spend_usd', title: 'Compliance spend', metrics: ['compliance_spend_usd'], kind: 'usd', unit: '$ per quarter' },
  { id: 'liability_paid_usd', title: 'Liability paid (damages and penalties)', metrics: ['liability_paid_usd'], kind: 'usd', unit: '$ per quarter' },
];

export const STATS = ['mean', 'p5', 'p25', 'p50', 'p75', 'p95'];


/** Format a value of a chart's kind; `diff` for a difference (signed; pp for shares; OOM for FLOP). */
export function fmtKind(kind, v, diff = false) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const sign = diff && v > 0 ? '+' : '';
  switch (kind) {
    case 'hhi':
      return sign + fmtInt(v);
    case 'share':
      return diff ? fmtPp(v) : fmtPct(v);
    case 'usd':
      return sign + fmtUsd(v, 3);
    case 'flop':
      return diff ? `${sign}${fmtNumber(v, 2)} OOM` : fmtLogFlop(v);
    case 'count':
      return sign + fmtNumber(v, 3);
    default:
      return sign + fmtNumber(v, 3);
  }
}

function axisFmt(kind, v, diff) {
  if (kind === 'flop' && !diff) return fmtLogFlop(v);
  if (kind === 'share') return diff ? `${fmtNumber(v * 100, 3)} pp` : `${fmtNumber(v * 100, 3)}%`;
  if (kind === 'usd') return fmtUsd(v, 3);
  if (kind === 'flop') return `${fmtNumber(v, 3)} OOM`;
  return fmtNumber(v, 4);
}

/**
 * Colours from CSS custom properties (light or dark scheme): the page's, or those of `root` (an
 * element, e.g. an embedded figure's host).
 */
function palette(root = document.documentElement) {
  const cs = getComputedStyle(root);
  const get = (n) => cs.getPropertyValue(n).trim();
  return {
    base: get('--c-base'),
    reform: get('--c-reform'),
    diff: get('--c-diff'),
    axis: get('--fg-muted'),
    grid: get('--grid'),
    ref: get('--c-ref'),
    bg: get('--bg-card'),
    fg: get('--fg'),
  };
}

function withAlpha(color, a) {
  // color is #rrggbb
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

/** Column of a metric stat with NaN turned into null (uPlot's gap), or the typed array itself. */
function col(arr) {
  for (let i = 0; i < arr.length; i++) {
    if (Number.isNaN(arr[i])) return Array.from(arr, (x) => (Number.isNaN(x) ? null : x));
  }
  return arr;
}

/** The arms drawn in a mode: [{key, label, color}]. */
function armsFor(mode, labels, pal) {
  return mode === 'diff'
    ? [{ key: 'difference', label: `${labels.reform} − ${labels.baseline}`, color: pal.diff }]
    : [
        { key: 'baseline', label: labels.baseline, color: pal.base },
        { key: 'reform', label: labels.reform, color: pal.reform },
      ];
}

const BAND_STATS = ['p5', 'p25', 'p50', 'p75', 'p95'];

/** The statistics a chart draws: the median with its bands, or (stat: 'mean') the mean alone. */
const drawnStats = (def) => (def.stat === 'mean' ? ['mean'] : BAND_STATS);

export class Chart {
  /**
   * @param {HTMLElement} el  container for the plot
   * @param {object} def      an entry of CHARTS
   * @param {{height?: number, styleRoot?: Element}} [options]  a fixed plot height in CSS px
   *   (else 200 or 230 by width); the element whose CSS custom properties give the colours
   */
  constructor(el, def, options = {}) {
    this.el = el;
    this.def = def;
    this.fixedHeight = options.height ?? null;
    this.styleRoot = options.styleRoot ?? document.documentElement;
    this.u = null;
    this.mode = null;
    this.shape = null;
    this.onCursor = null;
  }

  /** Draw a result in a mode ('levels' or 'diff'); labels {baseline, reform}. */
  update(result, mode, labels) {
    const pal = palette(this.styleRoot);
    const arms = armsFor(mode, labels, pal);
    const data = [result.years];
    for (const metric of this.def.metrics) {
      for (const arm of arms) {
        const band = result[arm.key].metrics[metric];
        for (const s of drawnStats(this.def)) data.push(col(band[s]));
      }
    }
    const shape = `${mode}|${data[0].length}|${pal.base}|${pal.fg}|${labels.baseline}|${labels.reform}`;
    this.result = result;
    this.mode = mode;
    this.data = data;
    this.arms = arms;
    if (this.u && this.shape === shape) {
      this.u.setData(data);
      return;
    }
    this.shape = shape;
    this.u?.destroy();
    this.u = new uPlot(this.#opts(mode, arms, pal), data, this.el);
    this.u.root.setAttribute('aria-hidden', 'true');
  }

  /** A canvas of the chart drawn at a fixed size, for export (uPlot paints in a microtask). */
  async render(width, height) {
    if (!this.data) throw new Error('the chart is not drawn yet');
    const host = document.createElement('div');
    host.style.cssText = 'position:fixed;left:-10000px;top:0;';
    document.body.append(host);
    const opts = this.#opts(this.mode, this.arms, palette(this.styleRoot));
    opts.width = width;
    opts.height = height;
    const u = new uPlot(opts, this.data, host);
    await new Promise((r) => setTimeout(r, 0));
    const out = document.createElement('canvas');
    out.width = u.ctx.canvas.width;
    out.height = u.ctx.canvas.height;
    out.getContext('2d').drawImage(u.ctx.canvas, 0, 0);
    u.destroy();
    host.remove();
    return out;
  }

  #opts(mode, arms, pal) {
    const def = this.def;
    const diff = mode === 'diff';
    // A one-quarter run has no line to draw: its medians are shown as points.
    const single = this.data?.[0]?.length === 1;
    const series = [{ label: 'year' }];
    const bands = [];
    def.metrics.forEach((metric, mi) => {
      arms.forEach((arm) => {
        if (def.stat === 'mean') {
          series.push({ label: `${metric} ${arm.key} mean`, stroke: arm.color, width: 2, dash: mi === 1 ? [6, 4] : undefined, points: { show: single, size: 7, fill: arm.color }, spanGaps: false });
          return;
        }
        const first = series.length; // index of p5
        for (const s of BAND_STATS) {
          const mid = s === 'p50';
          series.push({
            label: `${metric} ${arm.key} ${s}`,
            stroke: mid ? arm.color : 'transparent',
            width: mid ? 2 : 0,
            dash: mid && mi === 1 ? [6, 4] : undefined,
            points: { show: mid && single, size: 7, fill: arm.color },
            spanGaps: false,
          });
        }
        const alpha90 = mi === 1 ? 0.08 : 0.14;
        const alpha50 = mi === 1 ? 0.16 : 0.28;
        bands.push({ series: [first + 4, first], fill: withAlpha(arm.color, alpha90) });
        bands.push({ series: [first + 3, first + 1], fill: withAlpha(arm.color, alpha50) });
      });
    });
    const kind = def.kind;
    const refLines = diff ? [] : def.refLines ?? [];
    const width = Math.max(200, this.el.clientWidth || 300);
    return {
      width,
      height: this.#height(width),
      pxAlign: 0,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false },
        y: {
          range: (u, lo, hi) => {
            if (lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
            if (diff) {
              const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
              return [lo < 0 ? -m * 1.1 : -m * 0.1, hi > 0 ? m * 1.1 : m * 0.1];
            }
            for (const r of refLines) hi = Math.max(hi, r.y * 1.1);
            if (kind === 'flop') {
              const pad = Math.max(0.2, (hi - lo) * 0.05);
              return [Math.floor(lo - pad), Math.ceil(hi + pad)];
            }
            const floor = lo >= 0 ? 0 : lo * 1.1;
            if (kind === 'share') return [floor, Math.min(1, Math.max(hi * 1.1, 0.05))];
            return [floor, hi > 0 ? hi * 1.08 : 1];
          },
        },
      },
      axes: [
        {
          stroke: pal.axis,
          grid: { stroke: pal.grid, width: 1 },
          ticks: { stroke: pal.grid, width: 1 },
          incrs: [1, 2, 5, 10, 20, 50],
          space: 42,
          size: 34,
          values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
        },
        {
          stroke: pal.axis,
          grid: { stroke: pal.grid, width: 1 },
          ticks: { stroke: pal.grid, width: 1 },
          size: 64,
          space: 30,
          incrs: kind === 'flop' && !diff ? [1, 2, 5, 10] : undefined,
          values: (u, splits) => splits.map((v) => axisFmt(kind, v, diff)),
        },
      ],
      series,
      bands,
      hooks: {
        // Reference lines and their labels go under the data, so that no label hides a line.
        drawClear: [
          (u) => {
            const ctx = u.ctx;
            const { left, top, width: w, height: h } = u.bbox;
            ctx.save();
            ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
            for (const r of refLines) {
              const y = Math.round(u.valToPos(r.y, 'y', true)) + 0.5;
              if (y < top || y > top + h) continue;
              ctx.strokeStyle = pal.ref;
              ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
              ctx.lineWidth = devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(left, y);
              ctx.lineTo(left + w, y);
              ctx.stroke();
              // The label sits on a box of the card's colour so that grid lines do not cross it.
              ctx.setLineDash([]);
              ctx.textAlign = 'left';
              ctx.textBaseline = 'bottom';
              const tw = ctx.measureText(r.label).width;
              const px = left + 4 * devicePixelRatio;
              const py = y - 2 * devicePixelRatio;
              ctx.globalAlpha = 0.85;
              ctx.fillStyle = pal.bg;
              ctx.fillRect(px - 2 * devicePixelRatio, py - 13 * devicePixelRatio, tw + 4 * devicePixelRatio, 13 * devicePixelRatio);
              ctx.globalAlpha = 1;
              ctx.fillStyle = pal.ref;
              ctx.fillText(r.label, px, py);
            }
            ctx.restore();
          },
        ],
        draw: [
          (u) => {
            const ctx = u.ctx;
            const { left, width: w } = u.bbox;
            ctx.save();
            if (diff) {
              const y = Math.round(u.valToPos(0, 'y', true)) + 0.5;
              ctx.strokeStyle = pal.axis;
              ctx.setLineDash([]);
              ctx.lineWidth = devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(left, y);
              ctx.lineTo(left + w, y);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            this.onCursor?.(i === null || i === undefined ? null : i);
          },
        ],
      },
    };
  }

  #height(width) {
    return this.fixedHeight ?? (width < 420 ? 200 : 230);
  }

  /** Follow the container's width (and a new fixed height, when given). */
  resize(height) {
    if (height !== undefined) this.fixedHeight = height;
    if (!this.u) return;
    const width = Math.max(200, this.el.clientWidth);
    if (width !== this.u.width || this.#height(width) !== this.u.height) this.u.setSize({ width, height: this.#height(width) });
  }

  /** The plot's canvas (for PNG export). */
  canvas() {
    return this.u?.ctx.canvas ?? null;
  }

  destroy() {
    this.u?.destroy();
    this.u = null;
  }
}

/** Medians and 90% ranges of a chart's metrics at quarter i, as text. */
export function readout(def, result, mode, labels, i) {
  const parts = [];
  const arms = mode === 'diff' ? [['difference', `${labels.reform} − ${labels.baseline}`]] : [['baseline', labels.baseline], ['reform', labels.reform]];
  def.metrics.forEach((metric, mi) => {
    for (const [key, label] of arms) {
      const b = result[key].metrics[metric];
      const name = def.names ? `${def.names[mi]}, ` : '';
      if (def.stat === 'mean') parts.push(`${name}${label}: ${fmtKind(def.kind, b.mean[i], mode === 'diff')} (mean over runs)`);
      else parts.push(`${name}${label}: ${fmtKind(def.kind, b.p50[i], mode === 'diff')} (90%: ${fmtKind(def.kind, b.p5[i], mode === 'diff')} to ${fmtKind(def.kind, b.p95[i], mode === 'diff')})`);
    }
  });
  return `${quarterText(result.quarters[i])} — ${parts.join('; ')}`;
}

function make(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * The data tables of a chart (one per metric), the end of each year: median and the range of 90%
 * of runs, for baseline, reform and the difference. `titles` {baseline, reform} head the columns.
 * Built with textContent only.
 */
export function dataTables(def, result, titles) {
  const q = result.quarters;
  const rows = [];
  for (let i = 0; i < q.length; i++) if (q[i].endsWith('Q4') || i === q.length - 1) rows.push(i);
  const arms = [
    ['baseline', `Baseline: ${titles.baseline}`, false],
    ['reform', `Reform: ${titles.reform}`, false],
    ['difference', 'Difference', true],
  ];
  return def.metrics.map((metric, mi) => {
    const t = make('table', {});
    const name = def.names ? ` (${def.names[mi]})` : '';
    const what = def.stat === 'mean' ? 'the mean over runs' : 'median and the range of 90% of runs';
    t.append(make('caption', {}, `${def.title}${name}, end of each year: ${what}. The CSV has every quarter.`));
    const thead = make('thead', {});
    const hr = make('tr', {});
    hr.append(make('th', { scope: 'col' }, 'Quarter'));
    for (const [, label] of arms) hr.append(make('th', { scope: 'col' }, label));
    thead.append(hr);
    t.append(thead);
    const tb = make('tbody', {});
    for (const i of rows) {
      const tr = make('tr', {});
      tr.append(make('th', { scope: 'row' }, quarterText(q[i])));
      for (const [key, , diff] of arms) {
        const b = result[key].metrics[metric];
        if (def.stat === 'mean') tr.append(make('td', {}, fmtKind(def.kind, b.mean[i], diff)));
        else tr.append(make('td', {}, `${fmtKind(def.kind, b.p50[i], diff)} (${fmtKind(def.kind, b.p5[i], diff)} to ${fmtKind(def.kind, b.p95[i], diff)})`));
      }
      tb.append(tr);
    }
    t.append(tb);
    return t;
  });
}

/** CSV text of a chart's metrics: every quarter, every statistic, baseline, reform and difference. */
export function chartCsv(def, result) {
  const arms = ['baseline', 'reform', 'difference'];
  const header = ['quarter', 'year'];
  for (const m of def.metrics) for (const a of arms) for (const s of STATS) header.push(`${m}_${a}_${s}`);
  const lines = [header.join(',')];
  for (let i = 0; i < result.quarters.length; i++) {
    const row = [result.quarters[i], String(result.years[i])];
    for (const m of def.metrics) for (const a of arms) for (const s of STATS) {
      const v = result[a].metrics[m][s][i];
      row.push(Number.isNaN(v) ? '' : String(v));
    }
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function wrap(ctx, text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** A PNG of the chart (900 × 420 CSS px) with its title, legend and a source line, as a Blob. */
export async function chartPng(chart, title, legend, note) {
  const dpr = Math.max(1, Math.min(2, window.devicePixelRatio || 1));
  const src = await chart.render(900, 420);
  const pal = palette();
  const pad = Math.round(16 * dpr);
  const line = Math.round(20 * dpr);
  const out = document.createElement('canvas');
  const ctx = out.getContext('2d');
  const W = src.width + 2 * pad;
  ctx.font = `600 ${Math.round(16 * dpr)}px system-ui, sans-serif`;
  const titleLines = wrap(ctx, title, W - 2 * pad);
  ctx.font = `${Math.round(12 * dpr)}px system-ui, sans-serif`;
  const noteLines = wrap(ctx, note, W - 2 * pad);
  // Legend items flow onto as many lines as they need.
  const items = [];
  let x = pad;
  let row = 0;
  for (const item of legend) {
    const w = Math.round(22 * dpr) + ctx.measureText(item.label).width + Math.round(16 * dpr);
    if (x + w > W - pad && x > pad) {
      x = pad;
      row += 1;
    }
    items.push({ ...item, x, row });
    x += w;
  }
  const legendTop = pad + titleLines.length * line + Math.round(4 * dpr);
  const plotTop = legendTop + (row + 1) * line + Math.round(4 * dpr);
  out.width = W;
  out.height = plotTop + src.height + Math.round(6 * dpr) + noteLines.length * Math.round(16 * dpr) + pad;
  ctx.fillStyle = pal.bg || '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.textBaseline = 'top';
  ctx.fillStyle = pal.fg || '#000000';
  ctx.font = `600 ${Math.round(16 * dpr)}px system-ui, sans-serif`;
  titleLines.forEach((t, k) => ctx.fillText(t, pad, pad + k * line));
  ctx.font = `${Math.round(12 * dpr)}px system-ui, sans-serif`;
  for (const it of items) {
    const y = legendTop + it.row * line;
    ctx.strokeStyle = it.color;
    ctx.lineWidth = 2.5 * dpr;
    ctx.setLineDash(it.dash ? [5 * dpr, 3 * dpr] : []);
    ctx.beginPath();
    ctx.moveTo(it.x, y + Math.round(7 * dpr));
    ctx.lineTo(it.x + Math.round(16 * dpr), y + Math.round(7 * dpr));
    ctx.stroke();
    ctx.fillStyle = pal.fg;
    ctx.fillText(it.label, it.x + Math.round(22 * dpr), y);
  }
  ctx.setLineDash([]);
  ctx.drawImage(src, pad, plotTop);
  ctx.fillStyle = pal.axis;
  noteLines.forEach((t, k) => ctx.fillText(t, pad, plotTop + src.height + Math.round(6 * dpr) + k * Math.round(16 * dpr)));
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
}

export { palette };

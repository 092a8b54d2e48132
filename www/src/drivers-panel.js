// The app's "What drives this?" view: its options, its runs in the worker pool (a client of its
// own, so that it never delays the comparison: the page pauses it while a comparison runs and
// resumes it when that is drawn), progress, cancel and resume, the chart, its text alternative,
// CSV and PNG. Its state lives in the link (drivers.js: driversQuery).

import { el } from './controls.js';
import { chartPng } from './charts.js';
import { chartFor } from './embed/options.js';
import { defaultDrivers, driversMetricNames, driversWhat, simulatedYears, windowOf } from './drivers.js';
import { DriversSession, driversView, morrisComplete } from './drivers-run.js';
import { DriversChart, describeDrivers, driversLegend, driversTable, morrisCsv, rowText, tornadoCsv } from './drivers-chart.js';

const $ = (id) => document.getElementById(id);
const CLIENT = 'drivers';

export class DriversPanel {
  /**
   * @param {object} o
   * @param o.cat        the Catalog
   * @param o.pool       the app's RunPool
   * @param o.current    () → {baseline, reform, labels, runnable}: the scenarios the charts show
   * @param o.onChange   called when the view's state changes (for the link)
   * @param o.download   (blob, name) → void
   * @param o.link       () → the current link, for the PNG's source line
   */
  constructor({ cat, pool, current, onChange, download, link }) {
    this.cat = cat;
    this.session = new DriversSession(pool, CLIENT);
    this.current = current;
    this.onChange = onChange;
    this.download = download;
    this.link = link;
    this.d = null; // the view's state; null while closed
    this.last = defaultDrivers(cat); // what opening it again shows
    this.table = null;
    this.indices = null; // Morris: {t, value} of the shown measure
    this.status = 'closed'; // closed | waiting | running | done | cancelled | error | invalid
    this.userCancelled = false;
    this.runSeq = 0;
    this.t0 = 0;
    this.chart = null;
    this.drawn = null; // {labels, window, what}
  }

  /** The state for the link: null when closed. */
  get state() {
    return this.d ? { ...this.d } : null;
  }

  // ------------------------------------------------------------------ building

  build() {
    const metric = $('drivers-metric');
    for (const name of driversMetricNames(this.cat)) metric.append(el('option', { value: name }, chartFor(this.cat, name)?.title ?? name));
    const count = $('drivers-count');
    const n = this.cat.uncertainCount;
    for (const c of [...new Set([5, 10, 20, n])].filter((c) => c <= n).sort((a, b) => a - b)) count.append(el('option', { value: c }, c === n ? `${c} (all)` : String(c)));
    for (const r of [2, 4, 8, 16, 32, 64]) $('drivers-reps').append(el('option', { value: r }, String(r)));
    for (const t of [4, 10, 20, 40]) $('drivers-traj').append(el('option', { value: t }, String(t)));
    this.chart = new DriversChart($('drivers-plot'));
    this.chart.onHover = (row) => {
      $('drivers-readout').textContent = row && this.view ? rowText(this.view, row) : ' ';
    };
    new ResizeObserver(() => this.chart.resize()).observe($('drivers-plot'));
    $('drivers-toggle').addEventListener('click', () => (this.d ? this.close() : this.open({ ...this.last })));
    const set = (patch) => {
      this.d = { ...this.d, ...patch };
      this.userCancelled = false;
      this.#renderOptions();
      this.onChange();
      this.#start();
    };
    metric.addEventListener('change', () => set({ metric: metric.value }));
    const years = () => {
      let from = Number($('drivers-from').value);
      let to = Number($('drivers-to').value);
      if (from > to) [from, to] = [to, from];
      set({ from, to });
    };
    $('drivers-from').addEventListener('change', years);
    $('drivers-to').addEventListener('change', years);
    for (const r of document.querySelectorAll('input[name="drivers-measure"]')) r.addEventListener('change', () => r.checked && this.#setMeasure(r.value));
    for (const r of document.querySelectorAll('input[name="drivers-kind"]')) r.addEventListener('change', () => r.checked && set({ kind: r.value }));
    count.addEventListener('change', () => set({ count: Number(count.value) }));
    $('drivers-reps').addEventListener('change', () => set({ replicates: Number($('drivers-reps').value) }));
    $('drivers-traj').addEventListener('change', () => set({ trajectories: Number($('drivers-traj').value) }));
    $('drivers-cancel').addEventListener('click', () => this.cancel());
    $('drivers-resume').addEventListener('click', () => {
      this.userCancelled = false;
      this.#start();
    });
    $('drivers-csv').addEventListener('click', () => this.#csv());
    $('drivers-png').addEventListener('click', () => this.#png());
    $('drivers-table').addEventListener('toggle', () => this.#renderTable());
    this.#renderOptions();
  }

  // ------------------------------------------------------------------ state

  /** Open the view with a state (from a link, or the last one). */
  open(d) {
    this.d = { ...d };
    this.userCancelled = false;
    $('drivers-body').hidden = false;
    $('drivers-toggle').setAttribute('aria-expanded', 'true');
    $('drivers-toggle').textContent = 'Hide';
    this.#renderOptions();
    this.onChange();
    this.#start();
  }

  close() {
    this.last = { ...this.d };
    this.d = null;
    this.session.cancel();
    this.#setStatus('closed');
    $('drivers-body').hidden = true;
    $('drivers-toggle').setAttribute('aria-expanded', 'false');
    $('drivers-toggle').textContent = 'Show what drives this';
    this.onChange();
  }

  /** Stop the computation; what is done stays drawn, Resume goes on from there. */
  cancel() {
    if (this.status !== 'running' && this.status !== 'waiting') return;
    this.userCancelled = true;
    this.session.cancel();
    const t = this.table;
    this.#setStatus('cancelled', t ? `Cancelled after ${t.count} of ${t.points} points; Resume goes on from there.` : 'Cancelled.');
  }

  /**
   * A comparison of changed settings is about to run: stop (keeping the points done) so that it
   * goes first. The new settings will be computed once it is drawn, whatever was cancelled before.
   */
  pause() {
    if (!this.d) return;
    this.userCancelled = false;
    if (this.status === 'running' || this.status === 'waiting') this.session.cancel();
    this.#setStatus('waiting', 'Waiting for the comparison…');
    $('drivers-figure').classList.add('stale');
  }

  /** The comparison is drawn: compute for its scenario, unless the reader cancelled meanwhile. */
  refresh() {
    if (!this.d || this.userCancelled) return;
    this.#renderOptions();
    this.#start();
  }

  /** The scenario cannot run: nor can this. */
  invalid() {
    if (!this.d) return;
    this.session.cancel();
    this.#setStatus('invalid', 'Not run: the settings above cannot run.');
  }

  #setMeasure(measure) {
    this.d = { ...this.d, measure };
    this.onChange();
    this.indices = null;
    if (this.table) this.#update(this.table, this.runSeq);
  }

  // ------------------------------------------------------------------ running

  async #start() {
    if (!this.d) return;
    const seq = ++this.runSeq;
    const { baseline, reform, labels, runnable } = this.current();
    if (!runnable) {
      this.invalid();
      return;
    }
    const d = { ...this.d };
    const win = windowOf(d, reform);
    this.drawn = { labels, window: win, d };
    this.indices = null;
    this.t0 = performance.now();
    this.#setStatus('running', 'Starting…');
    let table;
    try {
      table = await this.session.run(baseline, reform, d, (t) => this.#update(t, seq));
    } catch (e) {
      if (seq !== this.runSeq) return;
      this.#setStatus('error', `Could not compute: ${String(e?.message ?? e)}`);
      return;
    }
    if (table === null || seq !== this.runSeq) return;
    await this.#update(table, seq);
    if (seq !== this.runSeq) return;
    const ms = performance.now() - this.t0;
    const runs = table.points * table.replicates * 2;
    const restarted = table.restarted ? ` A simulation worker was replaced on the way (${table.restarted}); a new one ran its point again.` : '';
    this.#setStatus('done', `${table.points} points, ${runs.toLocaleString('en-US')} runs (${table.replicates} paired runs per point); computed in ${(ms / 1000).toFixed(1)} s.${restarted}`);
    $('drivers-figure').classList.remove('stale');
    document.dispatchEvent(new CustomEvent('regsim:drivers', { detail: { ms, points: table.points, replicates: table.replicates, runs, t0: this.t0, drawnTs: performance.now() } }));
  }

  /** Draw what is done so far (Morris: the model's indices of the whole trajectories done). */
  async #update(table, seq) {
    if (seq !== this.runSeq || !this.d) return;
    this.table = table;
    const d = this.d;
    const kind = chartFor(this.cat, d.metric)?.kind ?? 'number';
    const total = table.points;
    if (this.status === 'running') {
      const p = $('drivers-progress');
      p.hidden = false;
      p.max = total;
      p.value = table.count;
      $('drivers-status').textContent = `Computing ${total} points × ${table.replicates} paired runs: ${table.count} of ${total} done (${Math.round((100 * table.count) / total)}%)`;
    }
    if (table.count > 0) $('drivers-figure').classList.remove('stale');
    let view;
    try {
      const r = await driversView(this.session, this.cat, table, d, kind, this.indices);
      if (seq !== this.runSeq || this.d !== d) return;
      // Answers can come back out of order: an estimate from fewer trajectories never replaces one from more.
      if (r.indices && this.indices && r.indices.measure === this.indices.measure && r.indices.t < this.indices.t) return;
      this.indices = r.indices;
      view = r.view;
    } catch (e) {
      this.#setStatus('error', `Could not compute the indices: ${String(e?.message ?? e)}`);
      return;
    }
    this.view = view;
    this.chart.pendingText = this.status === 'cancelled' ? 'not computed' : 'computing…';
    this.chart.update(view);
    this.#renderText();
  }

  #setStatus(status, text = '') {
    this.status = status;
    document.body.dataset.drivers = status;
    $('drivers-status').textContent = text;
    const running = status === 'running' || status === 'waiting';
    if (!running) $('drivers-progress').hidden = true;
    $('drivers-cancel').hidden = !running;
    $('drivers-resume').hidden = status !== 'cancelled';
    if (status === 'cancelled' && this.view) {
      this.chart.pendingText = 'not computed';
      this.chart.draw();
    }
  }

  // ------------------------------------------------------------------ text, legend, exports

  #what() {
    const { d, window: win, labels } = this.drawn;
    const title = chartFor(this.cat, d.metric)?.title ?? d.metric;
    return driversWhat({ ...d, measure: this.d?.measure ?? d.measure }, win, title, labels);
  }

  #renderText() {
    const v = this.view;
    if (!v || !this.drawn) return;
    const what = this.#what();
    const method = v.type === 'tornado' ? 'Tornado' : 'Morris screening';
    const title = `${method}: ${what}`;
    $('drivers-chart-title').textContent = title.charAt(0).toUpperCase() + title.slice(1);
    const reps = this.table.replicates;
    const unc = this.current().reform.simulation.uncertainty;
    $('drivers-desc').textContent =
      v.type === 'tornado'
        ? `Each bar runs from the base (every parameter as set, dashed line) to the result with one parameter at the low end of its uncertain range and at the high end; sorted by swing. Means over ${reps} paired runs at each point.${unc ? ' With parameter uncertainty, each run also draws the calibrated parameters it does not move.' : ''}`
        : `μ*: the mean absolute effect of moving a parameter across its whole range (bar; the line is its 95% bootstrap interval); σ: how much that effect varies with the other parameters (◆). ${v.factors ? `From ${v.trajectories} of ${v.total} trajectories` : 'Shown once two trajectories are done'}; means over ${reps} paired runs at each point.`;
    $('drivers-legend').replaceChildren(...driversLegend(v.type));
    $('drivers-plot').setAttribute('aria-label', `${describeDrivers(v, title)} The data table has every parameter.`);
    this.#renderTable();
  }

  #renderTable() {
    const det = $('drivers-table');
    if (!det.open || !this.view) return;
    det.querySelector('.table-wrap').replaceChildren(driversTable(this.view, $('drivers-chart-title').textContent));
  }

  #fileTag() {
    const { d, window: win } = this.drawn;
    return `${d.kind}-${d.metric}-${win.from === win.to ? win.from : `${win.from}-${win.to}`}`;
  }

  async #csv() {
    const t = this.table;
    if (!t || !this.drawn) return;
    const { d, window: win } = this.drawn;
    const labelOf = (p) => this.cat.byPath.get(p)?.label ?? p;
    let text;
    if (d.kind === 'tornado') {
      const f = t.experiment.factors;
      text = tornadoCsv(t, d.metric, win.from, win.to, labelOf, (k, end) => (end === 'low' ? f[k].min : f[k].max));
    } else {
      const tr = morrisComplete(t);
      if (tr < 2) return;
      const indices = {};
      for (const m of ['effect', 'reform', 'baseline']) indices[m] = await this.session.morris(t, m, tr);
      text = morrisCsv(t, d.metric, win.from, win.to, labelOf, indices, tr);
    }
    this.download(new Blob([text], { type: 'text/csv' }), `regsim-drivers-${this.#fileTag()}.csv`);
  }

  async #png() {
    if (!this.view) return;
    const v = this.view;
    const legend =
      v.type === 'tornado'
        ? [
            { color: cssVar('--c-low'), label: 'low end of the range' },
            { color: cssVar('--c-high'), label: 'high end of the range' },
            { color: cssVar('--fg'), label: 'base: every parameter as set', dash: true },
          ]
        : [
            { color: cssVar('--c-diff'), label: 'μ*, with its 95% interval' },
            { color: cssVar('--c-reform'), label: 'σ' },
          ];
    const blob = await chartPng(
      { render: (w) => this.chart.render(w) },
      $('drivers-chart-title').textContent,
      legend,
      `regsim ${this.cat.version} · ${this.table.replicates} paired runs per point · ${this.link()}`,
    );
    this.download(blob, `regsim-drivers-${this.#fileTag()}.png`);
  }

  #renderOptions() {
    const d = this.d ?? this.last;
    const { reform } = this.current();
    const [first, last] = simulatedYears(reform);
    // Years picked before the horizon changed may fall outside it: back to the last year then.
    if (this.d && this.d.from !== null && (this.d.from < first || this.d.to > last)) {
      this.d = { ...this.d, from: null, to: null };
      this.onChange();
    }
    const win = windowOf(this.d ?? d, reform);
    for (const id of ['drivers-from', 'drivers-to']) {
      const sel = $(id);
      const want = `${first}-${last}`;
      if (sel.dataset.years !== want) {
        sel.replaceChildren(...Array.from({ length: last - first + 1 }, (_, i) => el('option', { value: first + i }, String(first + i))));
        sel.dataset.years = want;
      }
    }
    $('drivers-from').value = String(win.from);
    $('drivers-to').value = String(win.to);
    $('drivers-metric').value = d.metric;
    for (const r of document.querySelectorAll('input[name="drivers-measure"]')) r.checked = r.value === d.measure;
    for (const r of document.querySelectorAll('input[name="drivers-kind"]')) r.checked = r.value === d.kind;
    ensureOption($('drivers-count'), d.count);
    ensureOption($('drivers-reps'), d.replicates);
    ensureOption($('drivers-traj'), d.trajectories);
    $('drivers-traj-field').hidden = d.kind !== 'morris';
    $('drivers-reps').previousElementSibling.textContent = d.kind === 'tornado' ? 'Paired runs at each end' : 'Paired runs per point';
  }
}

/** Select `value` in a menu, adding it when a link asks for one the menu does not list. */
function ensureOption(sel, value) {
  if (![...sel.options].some((o) => Number(o.value) === value)) {
    sel.append(el('option', { value }, String(value)));
    const sorted = [...sel.options].sort((a, b) => Number(a.value) - Number(b.value));
    sel.replaceChildren(...sorted);
  }
  sel.value = String(value);
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}


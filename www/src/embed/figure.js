// The <regsim-figure> element: one comparison (a baseline preset against a reform), one or more
// metrics as charts with their bands, the controls the writer chose, a text alternative, the
// data, and a link to the same scenario in the full app. Everything lives in a shadow root.
// Text from attributes, messages and the model only ever reaches the page through textContent
// or attributes, never as HTML.

import controlsCss from '../controls.css?inline';
import css from './figure.css?inline';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { Chart, dataTables, fmtKind, readout } from '../charts.js';
import { el, idOf, makeControl } from '../controls.js';
import { quarterText } from '../format.js';
import { controlModel, fallbackValue, getPath } from '../params.js';
import { formatProblems, noneForNull, presetPhrase, presetTitle, toQuery } from '../state.js';
import { ATTRIBUTES, MAX_TEXT, SIMULATION_OPTIONS, SPECIAL_CONTROLS, chartFor, parseParam, readOptions, resolveLegacy, resolveParam, scenariosOf, setText, show, stateOf } from './options.js';
import { getRuntime } from './runtime.js';
import { driversWhat, windowOf } from '../drivers.js';
import { UNCERTAINTY_NOTE } from '../uncertainty.js';

// Running and drawing "What drives this?" is loaded only by figures that show it (drivers="…"),
// so that other figures' pages do not pay for it.
let driversModules = null;
const loadDrivers = () => (driversModules ??= Promise.all([import('../drivers-run.js'), import('../drivers-chart.js')]).then(([run, chart]) => ({ ...run, ...chart })));

let sheet = null;
/** The figure's styles: one constructed stylesheet shared by every figure (or a <style>). */
function adoptStyles(root) {
  const text = `${uplotCss}\n${controlsCss}\n${css}`;
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(el('style', {}, text));
  }
}

const isPlain = (x) => x !== null && typeof x === 'object' && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;

/** Column as a plain array, NaN as null (JSON-friendly). */
const plain = (a) => Array.from(a, (x) => (Number.isNaN(x) ? null : x));

let counter = 0;

/** Define <regsim-figure> (once); `app` is the full app's address. */
export function defineFigure(app) {
  if (customElements.get('regsim-figure')) return;

  class RegsimFigure extends HTMLElement {
    static get observedAttributes() {
      return ATTRIBUTES;
    }

    #root;
    #e = {}; // the shadow root's elements
    #client = `figure-${++counter}`;
    #cat = null;
    #opts = null;
    #optsKey = null;
    #local = new Map(); // the reader's changes: path (or 'preset', 'baseline', 'difference') → value
    #pendingParams = null;
    #controls = new Map(); // path → control
    #controlsKey = null;
    #charts = []; // {def, chart, plot, ro}
    #chartsKey = null;
    #state = null;
    #runKey = null;
    #result = null;
    #drawnState = null; // {state, custom}
    #mode = 'levels';
    #seq = 0;
    #applied = 0; // counts #apply calls, so that a stale one stops after its await
    #validKey = null; // scenarioKey of the last attributes the model accepted (no need to ask again)
    #status = 'loading';
    #errors = [];
    #draws = 0;
    #scheduled = false;
    #connected = false;
    #resizeObs = null;
    #progressTimer = 0;
    #scheme = null;
    #drivers = null; // a "What drives this?" figure: {session, chart, table, view, indices, state, custom, d}
    #onScheme = () => {
      this.#applyScheme();
      this.#draw(false);
    };

    /** Light or dark, from the theme attribute: `auto` follows the system; none (or a wrong one) is light. */
    #applyScheme() {
      const theme = this.getAttribute('theme')?.trim();
      const dark = theme === 'dark' || (theme === 'auto' && !!this.#scheme?.matches);
      this.#e.figure.dataset.scheme = dark ? 'dark' : 'light';
    }

    constructor() {
      super();
      this.#root = this.attachShadow({ mode: 'open' });
      adoptStyles(this.#root);
      const e = this.#e;
      e.figure = el('figure', { part: 'figure', 'aria-labelledby': 'caption' });
      e.caption = el('figcaption', { id: 'caption', part: 'caption' });
      e.message = el('div', { class: 'message', role: 'alert', hidden: true });
      e.content = el('div', { class: 'content' });
      e.controls = el('div', { class: 'controls', part: 'controls', role: 'group', 'aria-label': 'Settings for this figure', hidden: true });
      e.legend = el('div', { class: 'legend', 'aria-hidden': 'true' });
      e.plots = el('div', { class: 'plots' });
      e.status = el('p', { class: 'status', role: 'status' });
      e.alt = el('div', { class: 'alt', id: 'alt', part: 'description' });
      e.alt.append(el('p', {}, 'Loading the model…'));
      e.data = el('details', { class: 'data' });
      e.data.append(el('summary', {}, 'Data'));
      e.tableWrap = el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Data behind this figure' });
      e.data.append(e.tableWrap);
      e.data.addEventListener('toggle', () => e.data.open && this.#renderTables());
      e.note = el('p', { class: 'note' });
      e.link = el('a', { class: 'open', part: 'link', target: '_blank', rel: 'noopener' }, 'Open in regsim');
      const links = el('span', { class: 'links' });
      links.append(e.link);
      const foot = el('div', { class: 'foot' });
      foot.append(e.note, links);
      e.results = el('div', { class: 'results' });
      e.results.append(e.legend, e.plots, e.status, e.alt, e.data, foot);
      e.content.append(e.controls, e.results);
      e.figure.append(e.caption, e.message, e.content);
      this.#root.append(e.figure);
    }

    // ------------------------------------------------------------ public API

    /** 'loading', 'running', 'idle', 'invalid' (an attribute is wrong) or 'error'. */
    get status() {
      return this.#status;
    }

    /** The problems shown, when the status is 'invalid' or 'error'. */
    get errors() {
      return [...this.#errors];
    }

    /** How many times results have been drawn. */
    get drawCount() {
      return this.#draws;
    }

    /**
     * The figure's scenario, its summary in words and the numbers behind its charts (null before
     * the first result): {status, mode, scenario, labels, summary, link, quarters, series}.
     */
    get results() {
      if (this.#opts?.drivers) return this.#driversResults();
      if (!this.#result || !this.#drawnState) return null;
      const { state, custom } = this.#drawnState;
      const r = this.#result;
      const series = {};
      for (const c of this.#charts) {
        for (const m of c.def.metrics) {
          series[m] = {};
          for (const arm of ['baseline', 'reform', 'difference']) {
            const b = r[arm].metrics[m];
            series[m][arm] = Object.fromEntries(['p5', 'p25', 'p50', 'p75', 'p95', 'mean'].map((s) => [s, plain(b[s])]));
          }
        }
      }
      const sim = state.reform.simulation;
      return {
        status: this.#status,
        mode: this.#mode === 'diff' ? 'difference' : 'levels',
        scenario: { preset: state.reformBase, baseline: state.baseline, set: setText(this.#cat, state), seed: sim.seed, replicates: sim.replicates, quarters: sim.quarters, start: sim.start_year, uncertainty: sim.uncertainty },
        labels: this.#titles(state, custom),
        summary: this.#e.alt.textContent,
        link: this.#e.link.href,
        quarters: [...r.quarters],
        series,
      };
    }

    /**
     * Change the figure at once, all or nothing: `options` are attributes (null removes one),
     * `params` parameter values by path or short name (as the reader's controls set them).
     * Resolves when accepted; rejects with an Error whose `errors` lists every problem, and then
     * changes nothing.
     */
    async update(changes = {}) {
      const refuse = (errors) => Object.assign(new TypeError(`update: ${errors.join('; ')}`), { errors });
      if (!isPlain(changes)) throw refuse([`${show(changes)} is not allowed; expected an object {options, params}`]);
      const unknown = Object.keys(changes).filter((k) => k !== 'options' && k !== 'params');
      if (unknown.length) throw refuse(unknown.map((k) => `${show(k)} is not a key of update; expected options or params`));
      const { options = {}, params = {} } = changes;
      if (!isPlain(options) || !isPlain(params)) throw refuse(['options and params must be plain objects']);
      // Nothing to change: nothing to run or draw again.
      if (!Object.keys(options).length && !Object.keys(params).length) return;
      const rt = getRuntime(app);
      const cat = this.#cat ?? (this.#cat = await rt.catalog);
      const errors = [];
      const attrs = {};
      for (const [k, v] of Object.entries(options)) {
        if (!ATTRIBUTES.includes(k)) errors.push(`${show(k)} is not an option; expected one of ${ATTRIBUTES.join(', ')}`);
        else if (v === null) attrs[k] = null;
        else if (v === true) attrs[k] = k === 'difference' ? '' : 'true';
        else if (v === false) attrs[k] = 'false';
        else if (typeof v === 'number' && Number.isFinite(v)) attrs[k] = String(v);
        else if (typeof v === 'string') attrs[k] = v;
        else errors.push(`${k}: ${show(v)} is not allowed; expected text, a finite number, true or false (or null to remove it)`);
      }
      const r = readOptions(cat, (n) => (n in attrs ? attrs[n] : this.getAttribute(n)), rt.app);
      if (r.errors) errors.push(...r.errors);
      else errors.push(...(await resolveLegacy(rt.pool, r.options)));
      const parsed = [];
      for (const [k, v] of Object.entries(params)) {
        const p = resolveParam(cat, k, 'params');
        if (p.error) {
          errors.push(p.error);
          continue;
        }
        const own = SIMULATION_OPTIONS[p.path];
        if (own) {
          errors.push(`params: ${p.path} has its own option: update({options: {${own}: …}})`);
          continue;
        }
        const val = parseParam(cat, p.path, v, 'params');
        if (val.error) errors.push(val.error);
        else parsed.push([p.path, val.value]);
      }
      if (errors.length) throw Object.assign(new Error(errors.join('\n')), { errors });
      const local = new Map(scenarioKey(r.options) === this.#optsKey ? this.#local : []);
      for (const [p, v] of parsed) local.set(p, v);
      const { reform } = scenariosOf(cat, stateOf(cat, r.options, local));
      const problems = formatProblems(await rt.pool.api('validateScenario', reform));
      if (problems.length) throw Object.assign(new Error(problems.join('\n')), { errors: problems });
      // Without reader's values this was the attributes' own scenario: #apply need not ask again.
      if (!local.size) this.#validKey = scenarioKey(r.options);
      this.#pendingParams = parsed;
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null) this.removeAttribute(k);
        else this.setAttribute(k, v);
      }
      this.#schedule();
    }

    /** Set parameters, as the reader's controls do: update({params}). */
    setParams(params) {
      return this.update({ params });
    }

    /** Undo the reader's changes. */
    reset() {
      this.#local.clear();
      this.#schedule();
    }

    // ------------------------------------------------------------ lifecycle

    connectedCallback() {
      this.#connected = true;
      if (!this.#resizeObs) {
        let raf = 0;
        this.#resizeObs = new ResizeObserver(() => {
          cancelAnimationFrame(raf);
          raf = requestAnimationFrame(() => {
            this.#charts.forEach((c) => c.chart.resize());
            this.#drivers?.chart?.resize();
          });
        });
      }
      this.#resizeObs.observe(this.#e.plots);
      this.#scheme = matchMedia('(prefers-color-scheme: dark)');
      this.#scheme.addEventListener('change', this.#onScheme);
      this.#schedule();
    }

    disconnectedCallback() {
      this.#connected = false;
      this.#resizeObs?.disconnect();
      this.#scheme?.removeEventListener('change', this.#onScheme);
      if (this.#status === 'running' || this.#status === 'loading') {
        getRuntime(app).pool.cancel(this.#client);
        this.#runKey = null; // run again when put back
      }
    }

    attributeChangedCallback(name, old, value) {
      if (old !== value) this.#schedule();
    }

    #schedule() {
      if (this.#scheduled) return;
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        if (this.#connected) this.#apply();
      });
    }

    async #apply() {
      this.#applyScheme();
      const rt = getRuntime(app);
      let cat = this.#cat;
      if (!cat) {
        try {
          cat = this.#cat = await rt.catalog;
        } catch (e) {
          this.#fail('error', 'The model could not start in this browser (it needs WebAssembly with SIMD and module workers: Chrome or Edge 91, Firefox 89, Safari 16.4 or later):', [String(e?.message ?? e)]);
          return;
        }
        if (!this.#connected) return;
      }
      const r = readOptions(cat, (n) => this.getAttribute(n), rt.app);
      const invalid = (errors) => {
        this.#opts = null;
        this.#optsKey = null;
        this.#runKey = null;
        rt.pool.cancel(this.#client);
        this.#fail('invalid', 'This figure cannot be shown:', errors);
      };
      if (r.errors) {
        invalid(r.errors);
        return;
      }
      const opts = r.options;
      if (opts.legacy) {
        // Written for model v1.3 (xi_derivative): the model maps it.
        const applied = ++this.#applied;
        const problems = await resolveLegacy(rt.pool, opts);
        if (applied !== this.#applied || !this.#connected) return;
        if (problems.length) {
          invalid(problems);
          return;
        }
      }
      // Values each allowed alone can still make a scenario the model refuses (cadence_min above
      // cadence_max): that is the attributes' fault too, so it is said before anything runs.
      const key = scenarioKey(opts);
      if (key !== this.#validKey) {
        const applied = ++this.#applied;
        const { reform } = scenariosOf(cat, stateOf(cat, opts, new Map()));
        let problems;
        try {
          problems = formatProblems(await rt.pool.api('validateScenario', reform), { allowed: noneForNull });
        } catch {
          problems = null; // the run that follows reports a model that cannot answer
        }
        if (applied !== this.#applied || !this.#connected) return;
        if (problems?.length) {
          invalid(problems.map((p) => `set: ${p}`));
          return;
        }
        if (problems) this.#validKey = key;
      } else {
        ++this.#applied; // an #apply still waiting for the model is stale now
      }
      if (key !== this.#optsKey) this.#local.clear();
      this.#optsKey = key;
      this.#opts = opts;
      if (this.#pendingParams) {
        for (const [p, v] of this.#pendingParams) this.#local.set(p, v);
        this.#pendingParams = null;
      }
      // In a drivers figure, "the difference" is the reform's effect, against its level.
      this.#mode = this.#local.get('difference') ?? (opts.drivers ? opts.drivers.measure === 'effect' : opts.difference) ? 'diff' : 'levels';
      this.#hideMessage();
      this.#buildControls();
      this.#buildCharts();
      this.#run();
    }

    // ------------------------------------------------------------ controls

    #presetValues(path) {
      return this.#cat.names.map((n) => getPath(this.#cat.presets[n], path));
    }

    #buildControls() {
      const opts = this.#opts;
      const key = JSON.stringify(opts.controls);
      const box = this.#e.controls;
      if (key !== this.#controlsKey) {
        this.#controlsKey = key;
        this.#controls.clear();
        box.replaceChildren();
        for (const path of opts.controls) {
          const row = SPECIAL_CONTROLS.includes(path) ? this.#special(path) : this.#param(path);
          box.append(row);
        }
        const reset = el('button', { type: 'button', class: 'reset' }, 'Reset');
        reset.addEventListener('click', () => this.reset());
        this.#e.reset = reset;
        box.append(reset);
        box.hidden = opts.controls.length === 0;
      }
      this.#renderControls();
    }

    #special(which) {
      const row = el('div', { class: 'param special', 'data-path': which });
      const id = `c-${which}`;
      if (which === 'difference') {
        const box = el('input', { type: 'checkbox', id });
        const label = el('label', { class: 'check', for: id });
        label.append(box, document.createTextNode('Show the difference'));
        row.append(label);
        box.addEventListener('change', () => {
          const attr = this.#opts.drivers ? this.#opts.drivers.measure === 'effect' : this.#opts.difference;
          if (box.checked === attr) this.#local.delete('difference');
          else this.#local.set('difference', box.checked);
          this.#mode = box.checked ? 'diff' : 'levels';
          this.#renderControls();
          this.#draw(true);
        });
        this.#controls.set(which, { row, render: () => (box.checked = this.#mode === 'diff') });
        return row;
      }
      const head = el('div', { class: 'param-head' });
      head.append(el('label', { for: id }, which === 'preset' ? 'Reform' : 'Baseline'));
      const sel = el('select', { id });
      for (const n of this.#cat.names) sel.append(el('option', { value: n }, presetTitle(n)));
      row.append(head, sel);
      sel.addEventListener('change', () => {
        if (sel.value === this.#opts[which]) this.#local.delete(which);
        else this.#local.set(which, sel.value);
        this.#renderControls();
        this.#run();
      });
      this.#controls.set(which, { row, render: (state) => (sel.value = which === 'preset' ? state.reformBase : state.baseline) });
      return row;
    }

    #param(path) {
      const spec = this.#cat.byPath.get(path);
      const m = controlModel(spec, this.#presetValues(path));
      const c = makeControl(m, {
        id: idOf(path, 'c'),
        onSet: (ctl, value, event, source) => this.#userSet(path, ctl, value, source),
        current: () => getPath(this.#state.reform, path),
        fallback: () => fallbackValue(m, this.#presetValues(path)),
      });
      this.#controls.set(path, { row: c.row, render: (state) => c.render(getPath(state.reform, path)) });
      return c.row;
    }

    #userSet(path, ctl, value) {
      const without = new Map(this.#local);
      without.delete(path);
      const before = getPath(stateOf(this.#cat, this.#opts, without).reform, path);
      if (Object.is(before, value)) this.#local.delete(path);
      else this.#local.set(path, value);
      this.#renderControls();
      this.#run();
    }

    #renderControls() {
      const state = stateOf(this.#cat, this.#opts, this.#local);
      this.#state = state;
      for (const [path, c] of this.#controls) {
        c.render(state);
        c.row.classList.toggle('changed', this.#local.has(path));
      }
      if (this.#e.reset) this.#e.reset.hidden = this.#local.size === 0;
    }

    // ------------------------------------------------------------ runs

    #run() {
      const cat = this.#cat;
      const state = stateOf(cat, this.#opts, this.#local);
      this.#state = state;
      const { baseline, reform, replicates, custom } = scenariosOf(cat, state);
      if (this.#opts.drivers) {
        this.#runDrivers(state, baseline, reform, custom);
        return;
      }
      const key = JSON.stringify([baseline, reform, replicates]);
      if (key === this.#runKey) {
        // Only the view changed (metric, height, difference, caption, theme): draw again.
        if (this.#status === 'idle' || this.#status === 'invalid' || this.#status === 'error') this.#draw(true);
        return;
      }
      this.#runKey = key;
      const seq = ++this.#seq;
      this.#status = 'running';
      const e = this.#e;
      clearTimeout(this.#progressTimer);
      this.#progressTimer = setTimeout(() => {
        if (seq !== this.#seq || this.#status !== 'running') return;
        e.plots.classList.add('stale');
        e.status.textContent = `Computing ${(2 * replicates).toLocaleString('en-US')} runs…`;
      }, 300);
      getRuntime(app)
        .pool.run(
          baseline,
          reform,
          replicates,
          (done, total) => {
            if (seq === this.#seq && e.status.textContent) e.status.textContent = `Computing ${total.toLocaleString('en-US')} runs: ${Math.round((100 * done) / total)}%`;
          },
          this.#client,
        )
        .then(
          (res) => {
            if (!res || seq !== this.#seq) return;
            clearTimeout(this.#progressTimer);
            e.plots.classList.remove('stale');
            e.status.textContent = '';
            this.#result = res.result;
            this.#drawnState = { state, custom };
            this.#hideMessage();
            this.#draw(true);
            // A worker that crashed was replaced and its runs done again: say so, in passing.
            if (res.restarted) e.status.textContent = `${res.restarted}; a new worker did the runs again.`;
          },
          (err) => {
            if (seq !== this.#seq) return;
            clearTimeout(this.#progressTimer);
            this.#runKey = null;
            // The controls stay, so that the reader can undo what the model refused.
            this.#fail('error', 'The simulation could not run:', [String(err?.message ?? err)], true);
          },
        );
    }

    // ------------------------------------------------------------ drawing

    #buildCharts() {
      const opts = this.#opts;
      const key = JSON.stringify([opts.drivers ? 'drivers' : opts.charts.map((c) => c.id), opts.height]);
      if (key === this.#chartsKey) return;
      this.#chartsKey = key;
      for (const c of this.#charts) c.chart.destroy();
      this.#charts = [];
      const plots = this.#e.plots;
      plots.replaceChildren();
      if (opts.drivers) {
        const wrap = el('div', { class: 'chart', part: 'chart' });
        const title = el('p', { class: 'chart-title' });
        const plot = el('div', { class: 'plot drivers-plot', role: 'img', 'aria-describedby': 'alt' });
        const ro = el('p', { class: 'readout', 'aria-hidden': 'true' }, ' ');
        wrap.append(title, plot, ro);
        plots.append(wrap);
        const dr = { ...(this.#drivers ?? {}), chart: null, title, plot };
        dr.ready = loadDrivers().then((m) => {
          dr.mod = m;
          dr.session ??= new m.DriversSession(getRuntime(app).pool, this.#client);
          dr.chart = new m.DriversChart(plot, { styleRoot: this.#e.figure });
          dr.chart.onHover = (row) => {
            ro.textContent = row && dr.view ? m.rowText(dr.view, row) : ' ';
          };
        });
        this.#drivers = dr;
        return;
      }
      for (const def of opts.charts) {
        const wrap = el('div', { class: 'chart', part: 'chart' });
        const title = el('p', { class: 'chart-title' }, def.title);
        const unit = def.unit?.replace(/^HHI, /, '');
        if (unit) title.append(el('span', { class: 'chart-unit' }, ` (${unit})`));
        const plot = el('div', { class: 'plot', role: 'img', 'aria-describedby': 'alt' });
        const ro = el('p', { class: 'readout', 'aria-hidden': 'true' }, ' ');
        wrap.append(title, plot, ro);
        plots.append(wrap);
        const chart = new Chart(plot, def, { height: opts.height ?? undefined, styleRoot: this.#e.figure });
        const entry = { def, chart, plot, ro };
        chart.onCursor = (i) => {
          if (!this.#result || !this.#drawnState) return;
          const t = this.#titles(this.#drawnState.state, this.#drawnState.custom);
          ro.textContent = i === null ? ' ' : readout(def, this.#result, this.#mode, t, i);
        };
        this.#charts.push(entry);
      }
    }

    #titles(state, custom) {
      return {
        baseline: presetTitle(state.baseline),
        reform: custom ? `Custom (based on ${presetTitle(state.reformBase)})` : presetTitle(state.reformBase),
      };
    }

    #phrases(state, custom) {
      return {
        baseline: presetPhrase(state.baseline),
        reform: custom ? `a custom reform based on ${presetPhrase(state.reformBase)}` : presetPhrase(state.reformBase),
      };
    }

    /** Draw the result; `fresh` when it is a new result (or a new view), not a colour change. */
    #draw(fresh) {
      if (this.#opts?.drivers) {
        this.#drawDrivers(fresh);
        return;
      }
      const result = this.#result;
      if (!result || !this.#drawnState || !this.#opts) return;
      const { state, custom } = this.#drawnState;
      const titles = this.#titles(state, custom);
      const phrases = this.#phrases(state, custom);
      const diff = this.#mode === 'diff';
      const e = this.#e;
      const years = result.years;
      const span = `${Math.floor(years[0])}–${Math.floor(years[years.length - 1])}`;
      for (const c of this.#charts) {
        c.chart.update(result, this.#mode, titles);
        c.ro.textContent = ' ';
        c.plot.setAttribute(
          'aria-label',
          diff
            ? `Chart: ${c.def.title}, the difference, ${phrases.reform} minus ${phrases.baseline}, ${span}. Described below.`
            : `Chart: ${c.def.title} under ${phrases.baseline} and under ${phrases.reform}, ${span}. Described below.`,
        );
      }
      const caption = this.#opts.caption;
      e.caption.textContent = caption ?? (diff ? `${titles.reform} against ${titles.baseline}: the difference` : `${titles.reform} against ${titles.baseline}`);
      e.caption.hidden = caption === '';
      this.#renderLegend(titles);
      const same = state.baseline === state.reformBase && !custom;
      e.alt.replaceChildren(...this.#charts.map((c) => el('p', {}, describe(c.def, result, this.#mode, phrases, same))));
      const unc = !!result.baseline.scenario?.simulation?.uncertainty;
      e.note.textContent = `Simulated live by regsim ${result.version}: ${diff ? 'paired differences' : 'medians'} over ${result.replicates} runs${diff ? '' : ' of each scenario'}, which share their random numbers; shaded bands hold 50% and 90% of runs${unc ? ', with parameter uncertainty' : ''}. A model of policy levers, not a forecast.${unc ? ` ${UNCERTAINTY_NOTE}` : ''}`;
      e.link.href = `${this.#opts.app}?${toQuery(this.#cat, state)}`;
      e.link.setAttribute('aria-label', `Open in regsim: ${titles.reform} against ${titles.baseline} in the full app (new tab)`);
      if (e.data.open) this.#renderTables();
      this.#status = 'idle';
      this.#errors = [];
      if (!fresh) return;
      queueMicrotask(() => {
        this.#draws += 1;
        this.dispatchEvent(new CustomEvent('regsim:results', { detail: this.results, bubbles: true, composed: true }));
      });
    }

    #renderLegend(titles) {
      const unc = !!this.#result?.baseline?.scenario?.simulation?.uncertainty;
      const items =
        this.#mode === 'diff'
          ? [{ color: 'var(--c-diff)', label: `${titles.reform} − ${titles.baseline}` }]
          : [
              { color: 'var(--c-base)', label: `Baseline: ${titles.baseline}` },
              { color: 'var(--c-reform)', label: `Reform: ${titles.reform}` },
            ];
      const spans = items.map((it) => {
        const span = el('span', { class: 'legend-item' });
        const sw = el('span', { class: 'swatch' });
        sw.style.setProperty('--sw', it.color);
        span.append(sw, document.createTextNode(it.label));
        return span;
      });
      spans.push(el('span', { class: 'legend-item legend-bands' }, `line: median; shading: 50% and 90% of runs${unc ? ', with parameter uncertainty' : ''}`));
      this.#e.legend.replaceChildren(...spans);
    }

    #renderTables() {
      if (this.#opts?.drivers) {
        const v = this.#drivers?.view;
        if (v && this.#drivers.mod) this.#e.tableWrap.replaceChildren(this.#drivers.mod.driversTable(v, this.#e.caption.textContent));
        return;
      }
      if (!this.#result || !this.#drawnState) return;
      const t = this.#titles(this.#drawnState.state, this.#drawnState.custom);
      this.#e.tableWrap.replaceChildren(...this.#charts.flatMap((c) => dataTables(c.def, this.#result, t)));
    }

    // ------------------------------------------------------------ what drives this?

    /** The measure drawn: the attribute's, or the reader's choice through the difference control. */
    #measure() {
      const local = this.#local.get('difference');
      if (local === undefined) return this.#opts.drivers.measure;
      return local ? 'effect' : this.#opts.drivers.measure === 'effect' ? 'reform' : this.#opts.drivers.measure;
    }

    #runDrivers(state, baseline, reform, custom) {
      const d = this.#opts.drivers;
      const key = JSON.stringify([baseline, reform, d]);
      if (key === this.#runKey) {
        if (this.#status === 'idle') this.#draw(true);
        return;
      }
      this.#runKey = key;
      const seq = ++this.#seq;
      this.#status = 'running';
      const e = this.#e;
      const dr = this.#drivers;
      dr.state = state;
      dr.custom = custom;
      dr.d = d;
      dr.indices = null;
      dr.done = false;
      e.plots.classList.add('stale');
      e.status.textContent = 'Computing…';
      const t0 = performance.now();
      const update = async (table) => {
        if (seq !== this.#seq) return;
        dr.table = table;
        if (!dr.done) e.status.textContent = `Computing ${table.points} points × ${table.replicates} paired runs: ${Math.round((100 * table.count) / table.points)}%`;
        if (table.count) e.plots.classList.remove('stale');
        await this.#drawDrivers(false);
      };
      dr.ready.then(() => (seq === this.#seq ? dr.session.run(baseline, reform, d, update) : null)).then(
        async (table) => {
          if (!table || seq !== this.#seq) return;
          dr.done = true;
          dr.ms = performance.now() - t0;
          e.status.textContent = '';
          e.plots.classList.remove('stale');
          dr.table = table;
          this.#drawnState = { state, custom };
          this.#hideMessage();
          await this.#drawDrivers(true);
        },
        (err) => {
          if (seq !== this.#seq) return;
          this.#runKey = null;
          this.#fail('error', 'The simulation could not run:', [String(err?.message ?? err)], true);
        },
      );
    }

    /** Draw what is done; `fresh` when the computation is complete (results event, status idle). */
    async #drawDrivers(fresh) {
      const dr = this.#drivers;
      if (!dr?.table || !this.#opts?.drivers) return;
      const d = { ...dr.d, measure: this.#measure() };
      const seq = this.#seq;
      const kind = chartFor(this.#cat, d.metric)?.kind ?? 'number';
      let r;
      try {
        await dr.ready;
        r = await dr.mod.driversView(dr.session, this.#cat, dr.table, d, kind, dr.indices);
      } catch (err) {
        if (seq === this.#seq) this.#fail('error', 'The indices could not be computed:', [String(err?.message ?? err)], true);
        return;
      }
      if (seq !== this.#seq || !this.#drivers) return;
      if (r.indices && dr.indices && r.indices.measure === dr.indices.measure && r.indices.t < dr.indices.t) return;
      dr.indices = r.indices;
      dr.view = r.view;
      dr.chart.pendingText = 'computing…';
      dr.chart.update(r.view);
      const { state, custom } = dr;
      const titles = this.#titles(state, custom);
      const phrases = this.#phrases(state, custom);
      const win = windowOf(d, state.reform);
      const metricTitle = chartFor(this.#cat, d.metric)?.title ?? d.metric;
      const what = driversWhat(d, win, metricTitle, phrases);
      const method = d.kind === 'tornado' ? 'What drives this? Each parameter at the low and the high end of its uncertain range' : 'What drives this? Morris screening';
      const e = this.#e;
      const caption = this.#opts.caption;
      e.caption.textContent = caption ?? `What drives ${what}?`;
      e.caption.hidden = caption === '';
      dr.title.textContent = `${method}: ${what}`;
      e.legend.replaceChildren(...dr.mod.driversLegend(d.kind));
      dr.plot.setAttribute('aria-label', `Chart: ${method}: ${what}. Described below.`);
      e.alt.replaceChildren(el('p', {}, dr.mod.describeDrivers(r.view, `${method}: ${what}`)));
      const unc = !!state.reform.simulation.uncertainty;
      e.note.textContent = `Simulated live by regsim ${this.#cat.version}: means over ${dr.table.replicates} paired runs of baseline and reform at every point, which share their random numbers${unc ? ' and, with parameter uncertainty, the calibrated parameters each run draws' : ''}. A model of policy levers, not a forecast.`;
      const link = { ...dr.d, measure: d.measure };
      e.link.href = `${this.#opts.app}?${toQuery(this.#cat, state, 'levels', link)}`;
      e.link.setAttribute('aria-label', `Open in regsim: what drives ${titles.reform} against ${titles.baseline}, in the full app (new tab)`);
      if (e.data.open) this.#renderTables();
      if (!fresh || !dr.done) return;
      this.#status = 'idle';
      this.#errors = [];
      queueMicrotask(() => {
        this.#draws += 1;
        this.dispatchEvent(new CustomEvent('regsim:results', { detail: this.results, bubbles: true, composed: true }));
      });
    }

    /** A drivers figure's results: its scenario, its view's numbers, the summary and the link. */
    #driversResults() {
      const dr = this.#drivers;
      if (!dr?.view || !dr.done) return null;
      const { state, custom } = dr;
      const sim = state.reform.simulation;
      const v = dr.view;
      const win = windowOf(dr.d, state.reform);
      const numbers =
        v.type === 'tornado'
          ? { base: v.base, bars: v.bars.map((b) => ({ parameter: b.path, low: b.low, high: b.high, swing: b.swing })) }
          : { trajectories: v.trajectories, factors: (v.factors ?? []).map((f, k) => ({ parameter: v.paths[k], ...f })) };
      return {
        status: this.#status,
        mode: 'drivers',
        scenario: { preset: state.reformBase, baseline: state.baseline, set: setText(this.#cat, state), seed: sim.seed, replicates: dr.table.replicates, quarters: sim.quarters, start: sim.start_year, uncertainty: sim.uncertainty },
        drivers: { kind: dr.d.kind, metric: dr.d.metric, from: win.from, to: win.to, measure: v.measure, parameters: dr.table.factors.length, replicates: dr.table.replicates, ...(v.type === 'morris' ? { trajectories: dr.table.experiment.design.trajectories } : {}) },
        labels: this.#titles(state, custom),
        summary: this.#e.alt.textContent,
        link: this.#e.link.href,
        quarters: [],
        series: {},
        ...numbers,
      };
    }

    // ------------------------------------------------------------ messages

    /** Show a problem instead of the results (and, unless `keepControls`, the controls). */
    #fail(status, title, lines, keepControls = false) {
      this.#status = status;
      this.#errors = [...lines];
      this.#result = null; // results describe what is shown: nothing now
      this.#drawnState = null;
      if (this.#drivers) this.#drivers.done = false;
      const m = this.#e.message;
      const list = el('ul');
      for (const l of lines.slice(0, 12)) list.append(el('li', {}, l));
      if (lines.length > 12) list.append(el('li', {}, `… and ${lines.length - 12} more`));
      m.replaceChildren(el('p', {}, title), list);
      m.hidden = false;
      this.#e.content.hidden = !keepControls;
      this.#e.results.hidden = true;
      // A caption too long to read is not shown either.
      const caption = this.getAttribute('caption');
      this.#e.caption.textContent = caption !== null && caption.length <= MAX_TEXT ? caption : 'regsim figure';
      this.#e.caption.hidden = false;
      queueMicrotask(() => this.dispatchEvent(new CustomEvent('regsim:error', { detail: { status, errors: [...lines] }, bubbles: true, composed: true })));
    }

    #hideMessage() {
      this.#e.message.hidden = true;
      this.#e.content.hidden = false;
      this.#e.results.hidden = false;
    }
  }

  customElements.define('regsim-figure', RegsimFigure);
}

/** The options that decide the scenario (a change clears the reader's changes). */
function scenarioKey(o) {
  return JSON.stringify([o.preset, o.baseline, o.set, o.simulation]);
}

function signed(kind, v) {
  return fmtKind(kind, v, true);
}

/** A chart's text alternative: first and last quarter, the range over runs, the paired direction. */
export function describe(def, result, mode, phrases, same) {
  const q = result.quarters;
  const i = q.length - 1;
  const out = [];
  def.metrics.forEach((metric, mi) => {
    const name = def.names ? `${def.title}, ${def.names[mi]}` : def.title;
    const b = result.baseline.metrics[metric];
    const r = result.reform.metrics[metric];
    const d = result.difference.metrics[metric];
    const f = (v) => fmtKind(def.kind, v);
    let first = 0;
    while (first < i && Number.isNaN(r.p50[first])) first++;
    const end = quarterText(q[i]);
    if (def.stat === 'mean') {
      // A 0/1 outcome: how often, over runs.
      if (mode === 'diff') out.push(`${name}, ${phrases.reform} minus ${phrases.baseline}: ${signed(def.kind, d.mean[i])} in ${end} (mean of paired differences).`);
      else out.push(`${name}: under ${phrases.reform}, ${f(r.mean[first])} of runs in ${quarterText(q[first])} and ${f(r.mean[i])} in ${end}${same ? '; the baseline is the same scenario.' : `; with ${phrases.baseline}, ${f(b.mean[first])} and ${f(b.mean[i])}.`}`);
      return;
    }
    if (mode === 'diff') {
      out.push(`${name}, ${phrases.reform} minus ${phrases.baseline}: ${signed(def.kind, d.p50[i])} in ${end} (90% of paired runs ${signed(def.kind, d.p5[i])} to ${signed(def.kind, d.p95[i])}).`);
      return;
    }
    let s = `${name}: under ${phrases.reform}, ${f(r.p50[first])} in ${quarterText(q[first])} and ${f(r.p50[i])} in ${end} (90% of runs ${f(r.p5[i])} to ${f(r.p95[i])})`;
    if (same) {
      out.push(`${s}; the baseline is the same scenario.`);
      return;
    }
    s += `; with ${phrases.baseline}, ${f(b.p50[first])} and ${f(b.p50[i])}.`;
    if (d.p5[i] > 0 || d.p95[i] < 0) s += ` In 90% of paired runs the reform is ${d.p5[i] > 0 ? 'higher' : 'lower'} in ${end} (by ${signed(def.kind, d.p5[i])} to ${signed(def.kind, d.p95[i])}).`;
    else s += ` Paired runs do not agree on the direction in ${end} (90% between ${signed(def.kind, d.p5[i])} and ${signed(def.kind, d.p95[i])}).`;
    out.push(s);
  });
  return out.join(' ');
}

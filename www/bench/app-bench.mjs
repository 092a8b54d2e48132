// Speed of the web app in a real browser (Debian's Chromium, headless), on the built www/dist
// served from a local static server:
//
//   1. first load to first chart: navigation start → the default comparison's charts drawn,
//      each load in a fresh browser context (empty cache);
//   2. input → redraw: a reform slider moved by keyboard → every chart redrawn with the new
//      comparison, for the default comparison (2 scenarios × 32 replicates × 40 quarters); the
//      baseline is unchanged, so the app reuses its runs and runs the reform's 32;
//   3. the same when both arms are run (64 runs): a new seed typed into the seed box each time,
//      so that no earlier baseline can be reused;
//   4. the default "What drives this?" tornado (the 20 most uncertain parameters, 16 paired
//      replicates at each end: 41 points, 1,312 runs): "Show what drives this" pressed → every
//      bar drawn, on the app's workers, after a new seed so that nothing computed before is
//      reused; with what one run costs in the workers, from the comparisons of step 3.
//
//   node www/bench/app-bench.mjs [--loads N] [--moves N] [--tornados N] [--json]
//
// Prints medians, spread and the machine's load. Not a test: it measures, and never fails on a
// number.

import os from 'node:os';
import { chromium } from '@playwright/test';
import { serveDist } from './serve-dist.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const LOADS = opt('loads', 7);
const MOVES = Math.max(20, opt('moves', 30));
const TORNADOS = Math.max(1, opt('tornados', 3));
const JSON_OUT = args.includes('--json');
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const server = await serveDist('app-bench');
const base = server.base;

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const r1 = (x) => Math.round(x * 10) / 10;

// Record every 'regsim:drawn' event with the time the charts were drawn.
const RECORDER = () => {
  window.__bench = [];
  document.addEventListener('regsim:drawn', (e) => window.__bench.push({ ...e.detail, frameTs: null }));
};

async function firstLoad() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.waitForFunction(() => performance.getEntriesByName('regsim:first-chart').length > 0, null, { timeout: 60_000 });
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { firstChart: performance.getEntriesByName('regsim:first-chart')[0].startTime, domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN };
  });
  await ctx.close();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return t;
}

/**
 * `count` inputs made by `act(i)`, each measured from its input event to every chart redrawn
 * (the app's 'regsim:drawn' event, sent after uPlot has painted). Two more are made first, to
 * warm the JIT, and not counted.
 */
async function measure(page, count, act) {
  const samples = [];
  const runs = [];
  for (let i = 0; i < count + 2; i++) {
    const n = await page.evaluate(() => window.__bench.length);
    await act(i);
    await page.waitForFunction((k) => window.__bench.length > k && document.body.dataset.status === 'idle', n, { timeout: 60_000 });
    const ev = await page.evaluate((k) => window.__bench[k], n);
    if (i >= 2) {
      samples.push(ev.drawnTs - ev.inputTs);
      runs.push(ev.runMs);
    }
    await page.waitForTimeout(150);
  }
  return { samples, runs };
}

/** Keyboard steps on one control, alternating two keys. */
async function moves(page, selector, keys, count) {
  await page.locator(selector).focus();
  return measure(page, count, (i) => page.keyboard.press(keys[i % 2]));
}

/** New seeds typed into the seed box (Enter): no earlier baseline matches, so both arms run. */
async function seeds(page, count) {
  const group = page.locator('#group-simulation');
  if (!(await group.evaluate((d) => d.open))) await group.locator('summary').click();
  const box = page.getByRole('textbox', { name: 'Seed' });
  return measure(page, count, async (i) => {
    await box.fill(String(1000 + i));
    await box.press('Enter');
  });
}

async function sliderMoves() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.addInitScript(RECORDER);
  await page.goto(base);
  await page.waitForSelector('body[data-status="idle"]', { timeout: 60_000 });
  const setup = await page.evaluate(() => {
    const r = window.__regsim.result;
    return { replicates: r.replicates, quarters: r.quarters.length, charts: document.querySelectorAll('#charts canvas').length };
  });
  // A reform parameter: the baseline is unchanged, so its runs are reused and 32 runs are made.
  const reform = await moves(page, '#p-regime-compliance_fixed', ['ArrowRight', 'ArrowLeft'], MOVES);
  const parts = await page.evaluate(() => {
    const med = (name) => {
      const xs = performance.getEntriesByName(name).map((e) => e.duration).sort((a, b) => a - b);
      return xs.length ? xs[Math.floor(xs.length / 2)] : NaN;
    };
    return { merge: med('regsim:merge'), draw: med('regsim:draw') };
  });
  // A new seed each time: both arms run, 64 runs (a seed seen before would find its baseline kept).
  const both = await seeds(page, Math.max(10, Math.round(MOVES / 3)));
  const workers = await page.evaluate(() => Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)));
  const tornado = await tornados(page, TORNADOS);
  await ctx.close();
  return { reform, both, setup, parts, workers, tornado };
}

/**
 * The default tornado, `count` times: a new seed (its comparison drawn), then "Show what drives
 * this" pressed and timed to the last bar drawn (the app's 'regsim:drivers' event), then hidden.
 */
async function tornados(page, count) {
  const box = page.getByRole('textbox', { name: 'Seed' });
  const toggle = page.locator('#drivers-toggle');
  await page.evaluate(() => {
    window.__drivers = [];
    document.addEventListener('regsim:drivers', (e) => window.__drivers.push(e.detail));
    document.getElementById('drivers-toggle').addEventListener('click', (e) => (window.__toggleTs = e.timeStamp));
  });
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = await page.evaluate(() => window.__bench.length);
    await box.fill(String(5000 + i));
    await box.press('Enter');
    await page.waitForFunction((k) => window.__bench.length > k && document.body.dataset.status === 'idle', n, { timeout: 60_000 });
    await page.waitForTimeout(300);
    const k = await page.evaluate(() => window.__drivers.length);
    await toggle.click();
    await page.waitForFunction((j) => window.__drivers.length > j, k, { timeout: 300_000 });
    const ev = await page.evaluate((j) => ({ ...window.__drivers[j], clickTs: window.__toggleTs }), k);
    if (ev.points !== 41 || ev.replicates !== 16) throw new Error(`the default tornado has ${ev.points} points of ${ev.replicates} replicates; expected 41 of 16`);
    out.push(ev);
    await toggle.click(); // hide it again
  }
  return out;
}

try {
  // Warm the browser itself once (process start, disk cache of Chromium's own files).
  await firstLoad();
  const loads = [];
  for (let i = 0; i < LOADS; i++) loads.push((await firstLoad()).firstChart);
  const { reform, both, setup, parts, workers, tornado } = await sliderMoves();
  // One run (one scenario, one replicate, the default horizon) as the workers cost it: the
  // comparisons of both arms (2 × replicates runs) shared out among the workers.
  const perRun = (median(both.runs) * workers) / (2 * setup.replicates);
  const tornadoMs = tornado.map((t) => t.drawnTs - t.clickTs);
  const stats = (xs) => ({ median: r1(median(xs)), min: r1(Math.min(...xs)), max: r1(Math.max(...xs)), n: xs.length });
  const out = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', chromium: browser.version(), loadavg: os.loadavg().map(r1) },
    setup,
    first_load_to_first_chart_ms: stats(loads),
    input_to_redraw_ms: stats(reform.samples),
    input_to_redraw_both_arms_ms: stats(both.samples),
    simulation_ms: { reform_slider: r1(median(reform.runs)), both_arms: r1(median(both.runs)) },
    merge_ms: r1(parts.merge),
    draw_ms: r1(parts.draw),
    workers,
    run_in_workers_ms: r1(perRun),
    default_tornado: {
      points: tornado[0].points,
      runs: tornado[0].runs,
      click_to_all_bars_ms: stats(tornadoMs),
      // Its cost per run on each worker, to set beside the comparisons' (the model's speed).
      per_run_ms: r1((median(tornadoMs) * workers) / tornado[0].runs),
    },
  };
  if (JSON_OUT) {
    console.log(JSON.stringify(out, null, 2));
  } else {
    const f = (x) => `median ${x.median} ms (min ${x.min}, max ${x.max}, n = ${x.n})`;
    console.log(`regsim web app in Chromium ${out.machine.chromium}; ${out.machine.cpus} CPUs (${out.machine.model}); load average ${out.machine.loadavg.join(', ')}`);
    console.log(`default comparison: 2 scenarios × ${setup.replicates} replicates × ${setup.quarters} quarters, ${setup.charts} charts`);
    console.log(`first load to first chart:  ${f(out.first_load_to_first_chart_ms)}, cold loads`);
    console.log(`input to redraw:            ${f(out.input_to_redraw_ms)}, reform slider moved by keyboard (baseline runs reused)`);
    console.log(`  of which simulation ${out.simulation_ms.reform_slider} ms (workers, with merging), merging ${out.merge_ms} ms, drawing ${out.draw_ms} ms (main thread, before painting)`);
    console.log(`input to redraw, both arms: ${f(out.input_to_redraw_both_arms_ms)}, a new seed typed (simulation ${out.simulation_ms.both_arms} ms)`);
    const t = out.default_tornado;
    console.log(`default tornado:            ${f(t.click_to_all_bars_ms)}, "Show what drives this" to every bar drawn: ${t.points} points, ${t.runs.toLocaleString('en-US')} runs of at most ${setup.quarters} quarters on ${workers} workers`);
    console.log(`  per run on each worker: ${t.per_run_ms} ms in the tornado; ${out.run_in_workers_ms} ms in the comparisons above (both arms, with merging)`);
  }
} finally {
  await browser.close();
  server.close();
}

// Speed of the web app in a real browser (Debian's Chromium, headless), on the built www/dist
// served from a local static server:
//
//   1. first load to first chart: navigation start → the default comparison's charts drawn,
//      each load in a fresh browser context (empty cache);
//   2. input → redraw: a slider moved by keyboard → every chart redrawn with the new ensemble,
//      for the default comparison (2 scenarios × 32 replicates × 40 quarters).
//
//   node www/bench/app-bench.mjs [--loads N] [--moves N] [--json]
//
// Prints the medians (and the spread). Not a test: it measures, and never fails on a number.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..', 'dist');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const LOADS = opt('loads', 7);
const MOVES = Math.max(20, opt('moves', 30));
const JSON_OUT = args.includes('--json');
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('app-bench: www/dist/index.html not found; build first (./build.sh build, or npm run build in www)');
  process.exit(1);
}

// A plain static server: what a user's local server would do, nothing more.
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let file = path.normalize(path.join(dist, decodeURIComponent(url.pathname)));
  if (!file.startsWith(dist)) {
    res.writeHead(403).end();
    return;
  }
  if (file.endsWith(path.sep)) file = path.join(file, 'index.html');
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(data);
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

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

async function sliderMoves() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.addInitScript(RECORDER);
  await page.goto(base);
  await page.waitForSelector('body[data-status="idle"]', { timeout: 60_000 });
  const setup = await page.evaluate(() => {
    const r = window.__regsim.result;
    return { replicates: r.replicates, quarters: r.quarters.length, charts: document.querySelectorAll('#charts canvas').length, workers: navigator.hardwareConcurrency };
  });
  const slider = page.locator('#p-regime-compliance_fixed');
  await slider.focus();
  const samples = [];
  const runs = [];
  for (let i = 0; i < MOVES + 2; i++) {
    const n = await page.evaluate(() => window.__bench.length);
    await page.keyboard.press(i % 2 ? 'ArrowLeft' : 'ArrowRight');
    await page.waitForFunction((k) => window.__bench.length > k && document.body.dataset.status === 'idle', n, { timeout: 60_000 });
    const ev = await page.evaluate((k) => window.__bench[k], n);
    if (i >= 2) {
      // The first two moves warm the JIT; they are not counted.
      samples.push(ev.drawnTs - ev.inputTs);
      runs.push(ev.runMs);
    }
    await page.waitForTimeout(150);
  }
  const parts = await page.evaluate(() => {
    const med = (name) => {
      const xs = performance.getEntriesByName(name).map((e) => e.duration).sort((a, b) => a - b);
      return xs.length ? xs[Math.floor(xs.length / 2)] : NaN;
    };
    return { merge: med('regsim:merge'), draw: med('regsim:draw') };
  });
  await ctx.close();
  return { samples, runs, setup, parts };
}

try {
  // Warm the browser itself once (process start, disk cache of Chromium's own files).
  await firstLoad();
  const loads = [];
  for (let i = 0; i < LOADS; i++) loads.push((await firstLoad()).firstChart);
  const { samples, runs, setup, parts } = await sliderMoves();
  const out = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', chromium: browser.version() },
    setup,
    first_load_to_first_chart_ms: { median: r1(median(loads)), min: r1(Math.min(...loads)), max: r1(Math.max(...loads)), n: loads.length },
    input_to_redraw_ms: { median: r1(median(samples)), min: r1(Math.min(...samples)), max: r1(Math.max(...samples)), n: samples.length },
    simulation_part_ms: { median: r1(median(runs)) },
    merge_ms: { median: r1(parts.merge) },
    draw_ms: { median: r1(parts.draw) },
  };
  if (JSON_OUT) {
    console.log(JSON.stringify(out, null, 2));
  } else {
    console.log(`regsim web app, Chromium ${out.machine.chromium}, ${out.machine.cpus} CPUs (${out.machine.model})`);
    console.log(`default comparison: 2 scenarios × ${setup.replicates} replicates × ${setup.quarters} quarters, ${setup.charts} charts`);
    console.log(`first load to first chart: median ${out.first_load_to_first_chart_ms.median} ms (min ${out.first_load_to_first_chart_ms.min}, max ${out.first_load_to_first_chart_ms.max}, ${loads.length} cold loads)`);
    console.log(`input to redraw:           median ${out.input_to_redraw_ms.median} ms (min ${out.input_to_redraw_ms.min}, max ${out.input_to_redraw_ms.max}, ${samples.length} slider moves; of which simulation in workers and merge: median ${out.simulation_part_ms.median} ms, merge ${out.merge_ms.median} ms, drawing ${out.draw_ms.median} ms)`);
  }
} finally {
  await browser.close();
  server.close();
}

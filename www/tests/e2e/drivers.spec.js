// "What drives this?" (tornado and Morris on the worker pool), the outside-developer charts and
// the "with parameter uncertainty" toggle, in the app and in an embedded figure. Small designs
// (a few parameters, a few replicates, runs of two or three years) keep these quick; one test
// starts the default tornado only to cancel it.
import { test } from '@playwright/test';
import fs from 'node:fs/promises';
import { axeViolations, drawn, expect, openApp, summaryText, waitRedraw } from './helpers.js';
import { model, sweepMeans } from './model.js';

/** A small tornado: 4 parameters, 3 paired replicates at each end, runs of 2025–2027. */
const SMALL = '?v=2&baseline=none&reform=sb1047&seed=2&reps=8&drivers=tornado&dparams=4&dreps=3&dyears=2026-2027';

/** One CSV line's cells (quoted cells may hold commas and doubled quotes). */
function csvRow(line) {
  const out = [];
  const re = /("((?:[^"]|"")*)"|[^,]*)(,|$)/g;
  let m;
  while ((m = re.exec(line)) && m[0] !== '') {
    out.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]);
    if (m[3] === '') break;
  }
  return out;
}

async function driversDone(page) {
  await page.waitForFunction(() => document.body.dataset.drivers === 'done', null, { timeout: 60_000 });
}

/** The drivers view's state, table and view, as plain data. */
function driversData(page) {
  return page.evaluate(() => {
    const d = window.__regsim.drivers;
    const t = d.table;
    return {
      state: d.state,
      status: d.status,
      experiment: t.experiment,
      columns: t.columns,
      factors: t.factors,
      count: t.count,
      points: t.points,
      means: t.means.map((m) => (m ? Array.from(m) : null)),
      view: d.view && { type: d.view.type, measure: d.view.measure, base: d.view.base, bars: d.view.bars, factors: d.view.factors, pending: d.view.pending },
    };
  });
}

test('the tornado matches the model’s own Sweep, bit for bit, for each measure', async ({ page }) => {
  const problems = await openApp(page, SMALL);
  await driversDone(page);
  const app = await driversData(page);
  expect(app.points).toBe(1 + 2 * 4);
  expect(app.count).toBe(app.points);
  expect(app.experiment.factors.map((f) => f.path)).toEqual(app.factors);
  // The experiment is the model's for this scenario and these settings.
  const { driversExperiment, preset } = await model();
  const [baseline, reform] = ['none', 'sb1047'].map((n) => {
    const s = preset(n);
    Object.assign(s.simulation, { seed: 2, replicates: 8 });
    return s;
  });
  expect(app.experiment).toEqual(driversExperiment(baseline, reform, { kind: 'tornado', metric: 'hhi', from: 2026, to: 2027, count: 4, replicates: 3 }));
  const { sweep, columns, means } = await sweepMeans(app.experiment);
  expect(app.columns).toEqual(columns);
  expect(app.means).toEqual(means);
  for (const measure of ['effect', 'reform', 'baseline']) {
    if (measure !== 'effect') {
      const draws = await page.evaluate(() => window.__regsim.drivers.table.count);
      await page.getByRole('radio', { name: measure === 'reform' ? 'Level under the reform' : 'Level under the baseline' }).check();
      await expect.poll(() => page.evaluate(() => window.__regsim.drivers.view.measure)).toBe(measure);
      // Nothing is run again: the same points give every measure.
      expect(await page.evaluate(() => window.__regsim.drivers.table.count)).toBe(draws);
      await expect(page.locator('#drivers-chart-title')).toContainText(measure === 'reform' ? 'under SB 1047 as passed' : 'under no regulation');
    }
    const view = (await driversData(page)).view;
    const c = columns.indexOf(`value_${measure}`);
    const idx = sweep.indices(new Float64Array(means.map((m) => m[c])), {});
    expect(idx.method).toBe('tornado');
    expect(view.base).toBe(idx.base);
    expect(view.bars).toHaveLength(4);
    for (const bar of view.bars) {
      expect(bar.low).toBe(idx.factors[bar.k].low);
      expect(bar.high).toBe(idx.factors[bar.k].high);
    }
    // Sorted by swing, largest first.
    const swings = view.bars.map((b) => b.swing);
    expect([...swings].sort((a, b) => b - a)).toEqual(swings);
  }
  // The chart is described in words, with the base and the largest swing.
  await expect(page.locator('#drivers-plot')).toHaveAttribute('aria-label', /With every parameter as set, .*Largest swings: /);
  await page.locator('#drivers-table summary').click();
  await expect(page.locator('#drivers-table tbody tr')).toHaveCount(1 + 4);
  expect(problems).toEqual([]);
});

test('Morris bars are the model’s own indices', async ({ page }) => {
  await openApp(page, '?v=2&baseline=none&reform=sb1047&seed=1&reps=8&drivers=morris&dparams=3&dreps=2&dtraj=3&dyears=2025');
  await driversDone(page);
  const app = await driversData(page);
  expect(app.points).toBe(3 * (3 + 1));
  const { sweep, columns, means } = await sweepMeans(app.experiment);
  expect(app.means).toEqual(means);
  const c = columns.indexOf('value_effect');
  const idx = sweep.indices(new Float64Array(means.map((m) => m[c])), {});
  expect(idx.method).toBe('morris');
  expect(app.view.factors).toEqual(idx.factors);
  await expect(page.locator('#drivers-desc')).toContainText('From 3 of 3 trajectories');
  await expect(page.locator('#drivers-legend')).toContainText('μ*');
});

test('the default tornado shows bars as they finish, and Cancel stops it; Resume goes on', async ({ page }) => {
  await openApp(page, '?v=2&baseline=none&reform=sb1047&seed=1&reps=32&drivers=tornado');
  // Bars appear while the rest is still running, with progress shown.
  await page.waitForFunction(() => window.__regsim.drivers?.view?.bars?.length >= 1 && document.body.dataset.drivers === 'running', null, { timeout: 60_000 });
  await expect(page.locator('#drivers-progress')).toBeVisible();
  await expect(page.locator('#drivers-status')).toContainText(/Computing 41 points × 16 paired runs: \d+ of 41 done/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-drivers', 'cancelled');
  await expect(page.locator('#drivers-status')).toContainText(/Cancelled after \d+ of 41 points/);
  await expect(page.locator('#drivers-progress')).toBeHidden();
  const after = (await driversData(page)).count;
  expect(after).toBeLessThan(41);
  // Nothing more is computed (a point in a worker when Cancel was pressed may still come in).
  await page.waitForTimeout(2500);
  const settled = (await driversData(page)).count;
  expect(settled).toBeLessThanOrEqual(after + 2);
  await page.waitForTimeout(2500);
  expect((await driversData(page)).count).toBe(settled);
  // The workers are free: a comparison runs at once.
  const before = await drawn(page);
  await page.locator('#reform').selectOption('sb53');
  await waitRedraw(page, before);
  // A new scenario computes anew; Cancel, then Resume continues from the points done.
  await page.waitForFunction(() => document.body.dataset.drivers === 'running' && window.__regsim.drivers.table?.count >= 2, null, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-drivers', 'cancelled');
  await page.waitForTimeout(1000);
  const kept = (await driversData(page)).count;
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.waitForFunction((k) => window.__regsim.drivers.table.count > k, kept, { timeout: 60_000 });
  expect((await driversData(page)).count).toBeGreaterThan(kept);
  await page.getByRole('button', { name: 'Cancel' }).click();
});

test('the drivers data downloads as CSV, and the chart as PNG', async ({ page }) => {
  await openApp(page, SMALL);
  await driversDone(page);
  const app = await driversData(page);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#drivers-csv').click()]);
  expect(dl.suggestedFilename()).toBe('regsim-drivers-tornado-hhi-2026-2027.csv');
  const lines = (await fs.readFile(await dl.path(), 'utf8')).trim().split('\n');
  expect(lines[0]).toBe('point,parameter,label,end,parameter_value,metric,from,to,replicates,value_baseline,value_reform,value_effect');
  expect(lines).toHaveLength(1 + app.points);
  const cells = lines.map(csvRow);
  expect(cells[1].slice(0, 4)).toEqual(['0', '', '', 'base']);
  for (let i = 0; i < app.points; i++) {
    const row = cells[i + 1];
    expect(row[0]).toBe(String(i));
    expect(row.slice(5, 9)).toEqual(['hhi', '2026', '2027', '3']);
    expect(row.slice(9).map(Number)).toEqual(app.means[i]);
    if (i > 0) {
      const k = Math.floor((i - 1) / 2);
      const f = app.experiment.factors[k];
      expect(row[1]).toBe(f.path);
      expect(row[2]).toBe(await page.evaluate((p) => window.__regsim.cat.byPath.get(p).label, f.path));
      expect(row[3]).toBe(i % 2 ? 'low' : 'high');
      expect(Number(row[4])).toBe(i % 2 ? f.min : f.max);
    }
  }
  const [png] = await Promise.all([page.waitForEvent('download'), page.locator('#drivers-png').click()]);
  const bytes = await fs.readFile(await png.path());
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(bytes.length).toBeGreaterThan(5000);
});

test('the link keeps the drivers view and the uncertainty toggle', async ({ page, context, browser }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page, SMALL);
  await driversDone(page);
  await page.locator('#group-simulation summary').click();
  const before = await drawn(page);
  await page.getByRole('checkbox', { name: 'With parameter uncertainty' }).check();
  await waitRedraw(page, before);
  await page.getByRole('radio', { name: 'Level under the reform' }).check();
  await driversDone(page);
  // Both arms run with it, the legend and the summary say so, and the reform stays the preset.
  expect(await page.evaluate(() => [window.__regsim.result.baseline.scenario.simulation.uncertainty, window.__regsim.result.reform.scenario.simulation.uncertainty])).toEqual([true, true]);
  await expect(page.locator('#legend')).toContainText('with parameter uncertainty');
  expect(await summaryText(page)).toContain('Ranges include parameter uncertainty');
  await expect(page.locator('#reform')).toHaveValue('sb1047');
  const numbers = (await driversData(page)).means;
  // A saved scenario file keeps it too (format 2).
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download scenario (JSON)' }).click()]);
  const doc = JSON.parse(await fs.readFile(await dl.path(), 'utf8'));
  expect([doc.version, doc.reform.simulation.uncertainty, doc.reform.schema_version]).toEqual([2, true, await page.evaluate(() => window.__regsim.cat.schemaVersion)]);
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.locator('#link-text').inputValue();
  for (const part of ['v=2', 'unc=1', 'drivers=tornado', 'dyears=2026-2027', 'dmeasure=reform', 'dparams=4', 'dreps=3']) expect(link).toContain(part);
  const fresh = await browser.newContext();
  const page2 = await fresh.newPage();
  expect(await openApp(page2, link.slice(link.indexOf('?')))).toEqual([]);
  await driversDone(page2);
  const again = await driversData(page2);
  expect(again.state).toEqual({ kind: 'tornado', metric: 'hhi', from: 2026, to: 2027, measure: 'reform', count: 4, replicates: 3, trajectories: 10 });
  expect(again.means).toEqual(numbers);
  await page2.locator('#group-simulation summary').click();
  await expect(page2.getByRole('checkbox', { name: 'With parameter uncertainty' })).toBeChecked();
  await expect(page2.getByRole('radio', { name: 'Level under the reform' })).toBeChecked();
  await fresh.close();
  // Hiding the view takes it out of the link.
  await page.locator('#drivers-toggle').click();
  await expect.poll(() => new URL(page.url()).search).not.toContain('drivers=');
  // A bad drivers setting in a link is named.
  await openApp(page, '?v=2&drivers=sideways&dyears=1999&dmetric=nope');
  for (const line of ['drivers: "sideways" is not allowed', 'dmetric: "nope" is not a metric', 'dyears: "1999" is not allowed']) await expect(page.locator('#message')).toContainText(line);
});

test('developers outside the jurisdiction: their controls, charts and sentence', async ({ page }) => {
  const problems = await openApp(page);
  // The reach group holds the regime's reach, in its own section of the panel.
  const reach = page.locator('#group-reach');
  await reach.locator('summary').click();
  const paths = await reach.locator('.param').evaluateAll((rows) => rows.map((r) => r.dataset.path));
  expect(paths).toEqual(expect.arrayContaining(['regime.market_share', 'regime.binds_outside', 'regime.foreign_enforcement']));
  // The charts have lines drawn from the result's own numbers.
  for (const id of ['outside_share', 'open_frontier_outside']) {
    await expect(page.locator(`#chart-${id} canvas`)).toHaveCount(1);
    const box = await page.locator(`#chart-${id} canvas`).boundingBox();
    expect(box.width).toBeGreaterThan(200);
  }
  const r = await page.evaluate(() => {
    const m = window.__regsim.result.reform.metrics;
    return { su: Array.from(m.outside_share_usage.p50), fo: Array.from(m.open_frontier_outside.mean) };
  });
  expect(r.su.some((x) => Number.isFinite(x))).toBe(true);
  expect(r.fo.every((x) => Number.isNaN(x) || (x >= 0 && x <= 1))).toBe(true);
  await page.locator('#chart-open_frontier_outside details.table summary').click();
  await expect(page.locator('#chart-open_frontier_outside table caption')).toContainText('the mean over runs');
  expect(await summaryText(page)).toMatch(/Developers based outside the jurisdiction take [\d.]+% of use against [\d.]+%, and [\d.]+% of open models’ use against [\d.]+%; they make the best open model in [\d.]+% of runs against [\d.]+%\./);
  // A reach slider makes the reform custom and runs it.
  const before = await drawn(page);
  const slider = page.getByRole('slider', { name: 'Enforcement against developers outside', exact: true });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await waitRedraw(page, before);
  await expect(page.locator('#reform option:checked')).toHaveText('Custom (based on SB 1047 as passed)');
  expect(problems).toEqual([]);
});

test('a "What drives this?" figure (iframe) gives the app’s numbers; its link opens them', async ({ page, browser }) => {
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto('./embed.html?drivers=tornado&parameters=3&replicates=2&years=2026&seed=5&uncertainty&controls=difference');
  const fig = page.locator('regsim-figure');
  await page.waitForFunction(() => document.querySelector('regsim-figure')?.status === 'idle', null, { timeout: 60_000 });
  const res = await fig.evaluate((f) => f.results);
  expect(res.mode).toBe('drivers');
  expect(res.drivers).toEqual({ kind: 'tornado', metric: 'hhi', from: 2026, to: 2026, measure: 'effect', parameters: 3, replicates: 2 });
  expect(res.scenario.uncertainty).toBe(true);
  expect(res.bars).toHaveLength(3);
  expect(res.summary).toContain('Largest swings');
  // The difference control switches to the level under the reform, without running again.
  await fig.locator('#c-difference').uncheck();
  await expect.poll(() => fig.evaluate((f) => f.results?.drivers.measure)).toBe('reform');
  // "Open in regsim" opens the same view in the app, with the same numbers.
  const link = res.link;
  expect(link).toContain('drivers=tornado');
  expect(link).toContain('unc=1');
  const fresh = await browser.newContext();
  const app = await fresh.newPage();
  expect(await openApp(app, link.slice(link.indexOf('?')))).toEqual([]);
  await driversDone(app);
  const view = (await driversData(app)).view;
  expect(view.base).toBe(res.base);
  expect(view.bars.map((b) => [b.path, b.low, b.high])).toEqual(res.bars.map((b) => [b.parameter, b.low, b.high]));
  await fresh.close();
  // Attributes of a drivers figure are checked like any other.
  await page.goto('./embed.html?drivers=tornado&years=2101&measure=sideways');
  await expect(page.locator('regsim-figure')).toHaveJSProperty('status', 'invalid');
  const errors = await fig.evaluate((f) => f.errors);
  expect(errors.join('\n')).toContain('years: "2101" is not allowed');
  expect(errors.join('\n')).toContain('measure: "sideways" is not allowed');
  expect(problems).toEqual([]);
});

test('the Embed dialog offers the drivers view as a figure', async ({ page }) => {
  await openApp(page, SMALL);
  await page.getByRole('button', { name: 'Embed' }).click();
  await expect(page.locator('#embed-drivers')).toBeChecked();
  const snippet = await page.locator('#embed-element').inputValue();
  for (const part of ['drivers="tornado"', 'metric="hhi"', 'years="2026-2027"', 'parameters="4"', 'replicates="3"']) expect(snippet).toContain(part);
  await page.locator('#embed-drivers').uncheck();
  expect(await page.locator('#embed-element').inputValue()).not.toContain('drivers=');
});

test('the drivers view is accessible, light and dark, and fits a 375 px phone', async ({ page }) => {
  await openApp(page, SMALL);
  await driversDone(page);
  await page.locator('#drivers-table summary').click();
  expect(await axeViolations(page)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('radio', { name: /Morris screening/ }).check();
  await driversDone(page);
  expect(await axeViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 375, height: 740 });
  await page.locator('#drivers-plot').scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  const box = await page.locator('#drivers-plot canvas').boundingBox();
  expect(box.x + box.width).toBeLessThanOrEqual(375);
});

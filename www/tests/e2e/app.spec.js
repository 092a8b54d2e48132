// The app as a new user meets it: load, presets, sliders, the difference view, links, files,
// downloads and accessibility, in a real headless Chromium.
import { test } from '@playwright/test';
import fs from 'node:fs/promises';
import { axeViolations, chartNumbers, chartsHash, drawn, expect, openApp, summaryText, waitRedraw } from './helpers.js';

test('the page loads with charts, a summary and no console errors', async ({ page }) => {
  const problems = await openApp(page);
  await expect(page.locator('#charts canvas')).toHaveCount(14);
  const summary = await summaryText(page);
  expect(summary).toMatch(/^In 20\d\d, under SB 1047 as passed, HHI is [\d,]+ \(90% of runs [\d,]+–[\d,]+\)/);
  expect(summary).toContain('with no regulation');
  await expect(page.locator('#reform')).toHaveValue('sb1047');
  await expect(page.locator('#baseline')).toHaveValue('none');
  // The address bar holds the whole scenario.
  await expect.poll(() => new URL(page.url()).search).toContain('v=2');
  expect(problems).toEqual([]);
});

test('every parameter has a labelled control', async ({ page }) => {
  await openApp(page);
  const n = await page.evaluate(() => window.__regsim.cat.specs.length);
  await expect(page.locator('#params .param')).toHaveCount(n);
  // Each control has an accessible name (checked by role lookups on a sample of kinds).
  await expect(page.getByRole('slider', { name: 'Compute threshold', exact: true })).toHaveAttribute('aria-valuetext', '1e26 FLOP');
  await expect(page.getByRole('slider', { name: 'Cost threshold', exact: true })).toHaveAttribute('aria-valuetext', '$100M');
  await expect(page.getByRole('combobox', { name: 'Liability standard' })).toHaveValue('negligence');
  await expect(page.getByRole('checkbox', { name: 'Derivative liability' })).toBeChecked();
});

test('each preset changes the charts', async ({ page }) => {
  await openApp(page);
  const names = await page.evaluate(() => window.__regsim.cat.names);
  expect(names.length).toBeGreaterThanOrEqual(6);
  const seen = new Map();
  seen.set('sb1047', { hash: await chartsHash(page), numbers: JSON.stringify(await chartNumbers(page)) });
  for (const name of names.filter((n) => n !== 'sb1047')) {
    const before = await drawn(page);
    await page.locator('#reform').selectOption(name);
    await waitRedraw(page, before);
    const hash = await chartsHash(page);
    const numbers = JSON.stringify(await chartNumbers(page));
    for (const [other, v] of seen) {
      expect(hash, `${name} draws the same charts as ${other}`).not.toBe(v.hash);
      expect(numbers, `${name} gives the same numbers as ${other}`).not.toBe(v.numbers);
    }
    seen.set(name, { hash, numbers });
    await expect(page.locator('#reform-desc')).not.toBeEmpty();
  }
  // The baseline picker changes the charts too.
  const before = await drawn(page);
  const hash = await chartsHash(page);
  await page.locator('#baseline').selectOption('sb53');
  await waitRedraw(page, before);
  expect(await chartsHash(page)).not.toBe(hash);
  expect(await summaryText(page)).toContain('than with SB 53');
});

test('a slider moved by keyboard changes the summary and makes the reform custom', async ({ page }) => {
  await openApp(page);
  const summary = await summaryText(page);
  const slider = page.getByRole('slider', { name: 'Compliance cost (recurring)' });
  await slider.focus();
  const before = await drawn(page);
  // $1.25M → $1.5M, 2, 2.5, 3, 4, 5, 6, 8, 10, 12.5M: ten quick steps.
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await waitRedraw(page, before);
  expect(await summaryText(page)).not.toBe(summary);
  expect(await summaryText(page)).toContain('under a custom reform based on SB 1047 as passed');
  await expect(page.locator('#reform option:checked')).toHaveText('Custom (based on SB 1047 as passed)');
  await expect(page.getByRole('textbox', { name: /Compliance cost \(recurring\), exact value/ })).toHaveValue('$12.5M');
  // Only the newest of the quick moves was kept: the drawn result is for the final value.
  const drawnValue = await page.evaluate(() => window.__regsim.result.reform.scenario.regime.compliance_fixed);
  expect(drawnValue).toBe(12_500_000);
  // "Back to preset" returns to SB 1047.
  const b2 = await drawn(page);
  await page.getByRole('button', { name: 'Back to preset' }).click();
  await waitRedraw(page, b2);
  expect(await summaryText(page)).toBe(summary);
});

test('typing an exact value works, and a bad one is refused with a message', async ({ page }) => {
  await openApp(page);
  const box = page.getByRole('textbox', { name: /Cost threshold, exact value/ });
  // Each control is a small form of its own; Enter must never submit it (reload the page).
  await page.evaluate(() => (window.__samePage = true));
  const before = await drawn(page);
  await box.fill('250M');
  await box.press('Enter');
  await waitRedraw(page, before);
  await expect(box).toHaveValue('$250M');
  expect(await page.evaluate(() => window.__regsim.state.reform.regime.cover_cost)).toBe(250e6);
  await box.fill('lots');
  await box.press('Enter');
  await expect(page.locator('#p-regime-cover_cost-err')).toContainText('is not a number');
  await expect(box).toHaveValue('$250M');
  expect(await page.evaluate(() => window.__samePage)).toBe(true);
  // Turning the threshold off sets it to none.
  const b2 = await drawn(page);
  await page.getByRole('checkbox', { name: /Cost threshold: on/ }).uncheck();
  await waitRedraw(page, b2);
  expect(await page.evaluate(() => window.__regsim.state.reform.regime.cover_cost)).toBe(null);
  await expect(box).toHaveValue('none');
});

test('the difference toggle shows reform − baseline and back', async ({ page }) => {
  await openApp(page);
  const levels = await chartsHash(page);
  await page.getByRole('radio', { name: /Difference/ }).check();
  await expect(page.locator('body')).toHaveAttribute('data-mode', 'diff');
  await expect(page.locator('#chart-note')).toContainText('Paired differences');
  await expect(page.locator('#legend')).toContainText('SB 1047 as passed − No regulation');
  const diff = await chartsHash(page);
  expect(diff).not.toBe(levels);
  // The data table follows the difference too.
  await page.locator('#chart-hhi details.table summary').click();
  await expect(page.locator('#chart-hhi table')).toContainText('Difference');
  await page.getByRole('radio', { name: /Baseline and reform/ }).check();
  expect(await chartsHash(page)).toBe(levels);
});

test('a copied link, reopened, gives the same numbers', async ({ page, context, browser }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  // Change three things: a slider, the baseline and the seed.
  const before = await drawn(page);
  const slider = page.getByRole('slider', { name: 'Compute threshold', exact: true });
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.locator('#baseline').selectOption('sb53');
  await page.locator('#group-simulation summary').click();
  const seed = page.getByRole('textbox', { name: 'Seed' });
  await seed.fill('7');
  await seed.press('Enter');
  await waitRedraw(page, before);
  await expect(page.locator('body')).toHaveAttribute('data-status', 'idle');
  const summary = await summaryText(page);
  const numbers = await chartNumbers(page);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.locator('#action-status')).toContainText('Link copied');
  const link = await page.locator('#link-text').inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  expect(link).toContain('baseline=sb53');
  expect(link).toContain('seed=7');
  expect(link).toMatch(/set=regime\.cover_log_flop:/);

  const fresh = await browser.newContext();
  const page2 = await fresh.newPage();
  const problems = await openApp(page2, link.slice(link.indexOf('?')));
  expect(await summaryText(page2)).toBe(summary);
  expect(await chartNumbers(page2)).toEqual(numbers);
  await expect(page2.locator('#reform option:checked')).toHaveText('Custom (based on SB 1047 as passed)');
  expect(problems).toEqual([]);
  await fresh.close();
});

test('a reform change reuses the baseline runs and gives the numbers of a fresh run', async ({ page, browser }) => {
  await openApp(page);
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowLeft']) {
    const before = await drawn(page);
    await page.getByRole('slider', { name: 'Actionable harm floor', exact: true }).focus();
    await page.keyboard.press(key);
    await waitRedraw(page, before);
  }
  const numbers = await chartNumbers(page);
  const fresh = await browser.newContext();
  const page2 = await fresh.newPage();
  await openApp(page2, new URL(page.url()).search);
  expect(await chartNumbers(page2)).toEqual(numbers);
  await fresh.close();
});

test('a broken link shows a clear message and falls back to the defaults', async ({ page }) => {
  const problems = await openApp(page, '?v=2&baseline=none&reform=bogus&set=regime.cover_cost:-5');
  await expect(page.locator('#message')).toBeVisible();
  await expect(page.locator('#message')).toContainText('This link could not be used');
  await expect(page.locator('#message')).toContainText('"bogus" is not a preset');
  await expect(page.locator('#reform')).toHaveValue('sb1047');
  expect(await summaryText(page)).toContain('under SB 1047 as passed');
  expect(problems).toEqual([]);

  // Out-of-range values are named with what is allowed.
  await openApp(page, '?v=2&reform=sb1047&set=regime.cover_cost:-5');
  await expect(page.locator('#message')).toContainText('regime.cover_cost: -5 is not allowed');
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.locator('#message')).toBeHidden();

  // Every bad number is named, each problem once, and a link without its version says so.
  await openApp(page, '?v=2&reps=abc&seed=-1&quarters=999&start=1&set=,,');
  const message = page.locator('#message');
  for (const line of ['reps: "abc" is not allowed', 'seed: "-1" is not allowed', 'quarters: "999" is not allowed', 'start: "1" is not allowed', 'set: an empty item']) {
    await expect(message).toContainText(line);
  }
  expect(await message.locator('li').allTextContents()).toHaveLength(5);
  await openApp(page, '?reform=sb53');
  await expect(message).toContainText('v is missing; expected v=2');
});

test('a browser that cannot compile the model (no WebAssembly SIMD) gets a clear message', async ({ page }) => {
  // What a browser without SIMD does with the module: it refuses to compile it.
  await page.addInitScript(() => {
    const refuse = () => Promise.reject(new WebAssembly.CompileError('invalid opcode (SIMD is not supported)'));
    WebAssembly.compileStreaming = refuse;
    WebAssembly.compile = refuse;
    WebAssembly.instantiateStreaming = refuse;
    WebAssembly.instantiate = refuse;
  });
  await page.goto('/');
  await expect(page.locator('body')).toHaveAttribute('data-status', 'error');
  await expect(page.locator('#summary')).toContainText('needs WebAssembly with SIMD');
  await expect(page.locator('#message')).toContainText('SIMD is not supported');
  // The rest of the page still works: the panel's links and headings are there, nothing hangs.
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('a hostile link is shown as text, never run as HTML', async ({ page }) => {
  let dialog = false;
  page.on('dialog', async (d) => {
    dialog = true;
    await d.dismiss();
  });
  const evil = encodeURIComponent('<img src=x onerror=alert(1)>');
  await openApp(page, `?v=2&reform=${evil}&set=${evil}:1,__proto__:1,constructor.prototype.x:1`);
  await expect(page.locator('#message')).toContainText('<img src=x onerror=alert(1)>');
  await expect(page.locator('#message img')).toHaveCount(0);
  await expect(page.locator('#reform')).toHaveValue('sb1047');
  expect(await page.evaluate(() => ({}).x)).toBeUndefined();
  expect(dialog).toBe(false);
  // An unknown version is refused too.
  await openApp(page, '?v=99&reform=sb53');
  await expect(page.locator('#message')).toContainText('v: "99" is not a version');
});

test('a scenario downloaded as JSON opens again; a broken file shows a message', async ({ page }, info) => {
  await openApp(page);
  let before = await drawn(page);
  await page.locator('#reform').selectOption('eu_gpai');
  await waitRedraw(page, before);
  before = await drawn(page);
  const slider = page.getByRole('slider', { name: 'Compliance cost (recurring)' });
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await waitRedraw(page, before);
  const summary = await summaryText(page);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download scenario (JSON)' }).click()]);
  const file = info.outputPath('scenario.json');
  await dl.saveAs(file);
  const doc = JSON.parse(await fs.readFile(file, 'utf8'));
  expect(doc.baseline).toBe('none');
  expect(doc.reform_preset).toBe('eu_gpai');
  expect(doc.reform.label).toBe('custom (based on eu_gpai)');

  // Back to defaults, then open the file.
  await openApp(page);
  before = await drawn(page);
  await page.locator('#open-file').setInputFiles(file);
  await waitRedraw(page, before);
  expect(await summaryText(page)).toBe(summary);

  // A broken file: a clear message, and the reader's settings stay as they were.
  const bad = info.outputPath('bad.json');
  await fs.writeFile(bad, JSON.stringify({ kind: 'regsim-app-scenario', version: 2, baseline: 'none', reform_preset: 'sb53', reform: { regime: { cover_cost: 'a lot', '<b>x</b>': 1 } } }));
  before = await drawn(page);
  const state = await page.evaluate(() => window.__regsim.state);
  await page.locator('#open-file').setInputFiles(bad);
  await expect(page.locator('#message')).toContainText('could not be used; your settings are unchanged');
  await expect(page.locator('#message')).toContainText('regime.<b>x</b>: not a scenario field');
  await expect(page.locator('#message b')).toHaveCount(0);
  expect(await page.evaluate(() => window.__regsim.state)).toEqual(state);
  expect(await drawn(page)).toBe(before);
  expect(await summaryText(page)).toBe(summary);
  await expect(page.locator('#reform option:checked')).toHaveText('Custom (based on EU AI Act GPAI rules)');
  await fs.writeFile(bad, '{ not json');
  await page.locator('#open-file').setInputFiles(bad);
  await expect(page.locator('#message')).toContainText('not valid JSON');
});

test('each chart downloads its data as CSV and its image as PNG', async ({ page }, info) => {
  await openApp(page);
  const quarters = await page.evaluate(() => window.__regsim.result.quarters.length);
  for (const id of ['hhi', 'capability', 'liability_paid_usd']) {
    const fig = page.locator(`#chart-${id}`);
    const [csv] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: /Download data \(CSV\)/ }).click()]);
    expect(csv.suggestedFilename()).toBe(`regsim-${id}-sb1047-vs-none.csv`);
    const text = await fs.readFile(await csv.path(), 'utf8');
    const lines = text.trim().split('\n');
    expect(lines.length).toBe(quarters + 1);
    expect(lines[0]).toMatch(/^quarter,year,\w+_baseline_mean,/);
    expect(lines[1]).toMatch(/^2025Q1,2025,/);
    expect(lines[1].split(',').length).toBe(lines[0].split(',').length);

    const [png] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: /Download image \(PNG\)/ }).click()]);
    const bytes = await fs.readFile(await png.path());
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.length).toBeGreaterThan(5000);
    await fs.writeFile(info.outputPath(`${id}.png`), bytes);
  }
});

test('axe-core finds no violations, light and dark, with a data table open', async ({ page }) => {
  await openApp(page);
  await page.locator('#chart-hhi details.table summary').click();
  expect(await axeViolations(page)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('radio', { name: /Difference/ }).check();
  expect(await axeViolations(page)).toEqual([]);
});

test.describe('on a 375 px phone', () => {
  test.use({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true });
  test('fits the width, and works', async ({ page }) => {
    const problems = await openApp(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await page.locator('#chart-hhi canvas').boundingBox();
    expect(box.width).toBeGreaterThan(250);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    expect(await axeViolations(page)).toEqual([]);
    const before = await drawn(page);
    await page.locator('#reform').selectOption('strict_all');
    await waitRedraw(page, before);
    expect(await summaryText(page)).toContain('strict liability on everything');
    expect(problems).toEqual([]);
  });
});

test('keyboard users see where focus is and can reach the controls', async ({ page }) => {
  await openApp(page);
  await page.keyboard.press('Tab');
  await expect(page.locator('a.skip')).toBeFocused();
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  expect(outline).not.toBe('none');
  const slider = page.getByRole('slider', { name: 'Compute threshold', exact: true });
  await slider.focus();
  // The explanation and source appear on focus.
  await expect(page.locator('#p-regime-cover_log_flop-tip')).toBeVisible();
  await expect(page.locator('#p-regime-cover_log_flop-tip')).toContainText('Source:');
});

test('reduced motion is respected', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openApp(page);
  const t = await page.evaluate(() => getComputedStyle(document.getElementById('charts')).transitionDuration);
  expect(t).toBe('0s');
});

test('a large ensemble shows progress, and a newer request replaces a stale one', async ({ page }) => {
  // Large enough that a reform's runs alone take well over the 300 ms before progress shows,
  // on two cores (256 took about that long, so the bar sometimes never appeared).
  await openApp(page, '?v=2&baseline=none&reform=sb1047&seed=1&reps=1024');
  // Switch preset twice in quick succession: only the last is drawn.
  const before = await drawn(page);
  const draws = Number(await page.locator('body').getAttribute('data-draws'));
  await page.locator('#reform').selectOption('sb53');
  await expect(page.locator('#progress')).toBeVisible();
  await expect(page.locator('#status-text')).toContainText(/Running [\d,]+ simulations: \d+%/);
  await page.locator('#reform').selectOption('eu_gpai');
  await waitRedraw(page, before);
  expect(Number(await page.locator('body').getAttribute('data-draws'))).toBe(draws + 1);
  expect(await page.evaluate(() => window.__regsim.result.reform.scenario.label)).toBe('eu_gpai');
  expect(await page.evaluate(() => window.__regsim.result.replicates)).toBe(1024);
  await expect(page.locator('#progress')).toBeHidden();
});

test('once loaded, the app works offline', async ({ page, context }) => {
  await openApp(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await context.setOffline(true);
  const before = await drawn(page);
  await page.locator('#reform').selectOption('strict_all');
  await waitRedraw(page, before);
  const b2 = await drawn(page);
  const slider = page.getByRole('slider', { name: 'Due care', exact: true });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await waitRedraw(page, b2);
  await page.getByRole('radio', { name: /Difference/ }).check();
  expect(await summaryText(page)).toContain('a custom reform based on strict liability on everything');
  expect(requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
  await context.setOffline(false);
});

test('choosing "Custom" in the menu leads to the parameters', async ({ page }) => {
  await openApp(page);
  await page.locator('#reform').selectOption('custom');
  await expect(page.locator('#action-status')).toContainText('Change any control');
  await expect(page.locator('#group-coverage')).toHaveAttribute('open', '');
  await expect(page.locator('#reform')).toHaveValue('sb1047');
});

test('settings the model refuses: named as the panel names them, dimmed results, no link, and all clear once fixed', async ({ page }) => {
  // After a bad link, whose message stays until dismissed or replaced.
  await openApp(page, '?v=2&reps=abc');
  await expect(page.locator('#message')).toContainText('This link could not be used');
  await page.locator('#group-decision summary').click();
  const box = page.getByRole('textbox', { name: /Shortest cadence, exact value/ });
  await box.fill('30');
  await box.press('Enter');
  await expect(page.locator('body')).toHaveAttribute('data-status', 'invalid');
  await expect(page.locator('#message')).toContainText('Shortest cadence (decision.cadence_min): 30 is not allowed');
  await expect(page.locator('#charts')).toHaveClass(/stale/);
  await expect(page.locator('#summary')).toHaveClass(/stale/);
  await expect(page.locator('#status-text')).toContainText('Not run');
  // Neither a link nor a snippet is handed out for settings that cannot run.
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.locator('#action-status')).toContainText('cannot run');
  await expect(page.locator('#link-box')).toBeHidden();
  await page.getByRole('button', { name: 'Embed' }).click();
  await expect(page.locator('#embed-dialog')).not.toBeVisible();
  const before = await drawn(page);
  await box.fill('2');
  await box.press('Enter');
  await waitRedraw(page, before);
  await expect(page.locator('#message')).toBeHidden();
  await expect(page.locator('#charts')).not.toHaveClass(/stale/);
  await expect(page.locator('#summary')).not.toHaveClass(/stale/);
  await expect(page.locator('#status-text')).not.toContainText('Not run');
});

test('a link keeps the difference view', async ({ page, browser }) => {
  await openApp(page);
  await page.getByRole('radio', { name: /Difference/ }).check();
  await expect.poll(() => new URL(page.url()).search).toContain('view=diff');
  const fresh = await browser.newContext();
  const page2 = await fresh.newPage();
  expect(await openApp(page2, new URL(page.url()).search)).toEqual([]);
  await expect(page2.locator('body')).toHaveAttribute('data-mode', 'diff');
  await expect(page2.getByRole('radio', { name: /Difference/ })).toBeChecked();
  await expect(page2.locator('#legend')).toContainText('SB 1047 as passed − No regulation');
  await fresh.close();
  await page.getByRole('radio', { name: /Baseline and reform/ }).check();
  await expect.poll(() => new URL(page.url()).search).not.toContain('view=');
});

test('a link with several problems names them all, and reads values as the boxes do', async ({ page }) => {
  await openApp(page, '?v=2&reps=abc&seed=xyz&foo=1&reform=nope&view=wide');
  const message = page.locator('#message');
  for (const line of ['"foo" is not a setting', 'reform: "nope" is not a preset', 'reps: "abc" is not allowed', 'seed: "xyz" is not allowed', 'view: "wide" is not a view']) {
    await expect(message).toContainText(line);
  }
  // 5M and a threshold in FLOP are read as the boxes read them.
  await openApp(page, '?v=2&reform=sb1047&set=regime.compliance_fixed:5M,regime.cover_log_flop:1e25');
  await expect(message).toBeHidden();
  expect(await page.evaluate(() => window.__regsim.state.reform.regime.compliance_fixed)).toBe(5e6);
  expect(await page.evaluate(() => window.__regsim.state.reform.regime.cover_log_flop)).toBe(25);
  // A thousands separator splits the list: said so. An absent threshold is "none" in a link.
  await openApp(page, '?v=2&reform=sb1047&set=regime.compliance_fixed:5,000');
  await expect(message).toContainText('write numbers without thousands separators');
  await openApp(page, '?v=2&reform=sb1047&set=regime.cover_log_flop:99');
  await expect(message).toContainText('or none');
  await expect(message).not.toContainText('null');
});

test('a decimal comma is refused with a hint, not read as thousands', async ({ page }) => {
  await openApp(page);
  const box = page.getByRole('textbox', { name: /Compliance cost \(recurring\), exact value/ });
  const was = await box.inputValue();
  await box.fill('2,5M');
  await box.press('Enter');
  await expect(page.locator('#p-regime-compliance_fixed-err')).toContainText('write decimals with a point');
  await expect(box).toHaveValue(was);
  const before = await drawn(page);
  await box.fill('2,500,000');
  await box.press('Enter');
  await waitRedraw(page, before);
  expect(await page.evaluate(() => window.__regsim.state.reform.regime.compliance_fixed)).toBe(2.5e6);
});

test('a bare scenario file whose label names no preset is refused, and the status says so', async ({ page }, info) => {
  await openApp(page);
  const file = info.outputPath('typo-label.json');
  await fs.writeFile(file, JSON.stringify({ label: 'sb1074', regime: { compliance_fixed: 5e6, nope: 1 } }));
  await page.locator('#open-file').setInputFiles(file);
  await expect(page.locator('#message')).toContainText('label: "sb1074" names no preset');
  await expect(page.locator('#message')).toContainText('regime.nope: not a scenario field');
  await expect(page.locator('#action-status')).toContainText('Could not open typo-label.json');
});

test('a one-quarter run gets a summary that fits it', async ({ page }) => {
  expect(await openApp(page, '?v=2&quarters=1&seed=1&reps=4')).toEqual([]);
  const summary = await summaryText(page);
  expect(summary).toContain('at least 90% of paired runs give exactly the same HHI');
  expect(summary).not.toContain('disagree');
  expect(summary).not.toContain('last four quarters');
});

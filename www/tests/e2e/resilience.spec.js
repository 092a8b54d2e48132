// Nothing lost when work is interrupted, and long work that can be stopped: a simulation worker
// that crashes, or dies without a word, is replaced and its run done again (the same numbers),
// with a message and without reloading the page; a long run keeps the page responsive and can be
// stopped, or superseded by new settings, at once.
import { test } from '@playwright/test';
import { chartNumbers, drawn, expect, openApp, waitRedraw } from './helpers.js';

// About 500 runs of 80 quarters: a second or two on two workers, time enough to interrupt.
const LONG = '?v=1&baseline=none&reform=sb1047&quarters=80&seed=7&reps=256';
const LONG_SB53 = '?v=1&baseline=none&reform=sb53&quarters=80&seed=7&reps=256';

/** The app's simulation workers, once both are up. */
async function simulationWorkers(page) {
  await expect.poll(() => page.workers().length).toBeGreaterThanOrEqual(2);
  return page.workers();
}

/** Console errors other than the crash a test causes on purpose. */
function unexpected(problems) {
  return problems.filter((p) => !/simulated crash|did not answer|worker/i.test(p));
}

/** The numbers a link's settings draw in a fresh page, with nothing interrupted. */
async function undisturbed(browser, baseURL, query) {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await openApp(page, query);
  const numbers = await chartNumbers(page);
  await ctx.close();
  return numbers;
}

test('a worker that crashes mid-run is replaced and the run done again, with a message, without reloading', async ({ page, browser, baseURL }) => {
  const problems = await openApp(page, LONG);
  await page.evaluate(() => (window.__sameDocument = true));
  const workers = await simulationWorkers(page);
  const before = await drawn(page);
  await page.locator('#reform').selectOption('sb53');
  await expect(page.locator('body')).toHaveAttribute('data-status', 'running');
  // An error the worker does not catch, while it is computing its share.
  await workers[1].evaluate(() => setTimeout(() => {
    throw new Error('simulated crash');
  }, 50));
  await waitRedraw(page, before);
  await expect(page.locator('#message')).toContainText('A simulation worker was replaced');
  await expect(page.locator('#message')).toContainText('it stopped with an error');
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
  await expect.poll(() => page.workers().length).toBe(2);
  // The runs done again are the same runs: the charts match an undisturbed page's.
  expect(await chartNumbers(page)).toEqual(await undisturbed(browser, baseURL, LONG_SB53));
  expect(await page.evaluate(() => window.__regsim.result.reform.scenario.label)).toBe('sb53');
  // And the next settings run as usual, on the new worker too.
  const again = await drawn(page);
  await page.locator('#reform').selectOption('eu_gpai');
  await waitRedraw(page, again);
  await expect(page.locator('#message')).toBeHidden();
  expect(unexpected(problems)).toEqual([]);
});

test('a worker that dies without a word is noticed, replaced and its run done again', async ({ page, browser, baseURL }) => {
  await page.addInitScript(() => (window.__regsimStallMs = 2000));
  const problems = await openApp(page, LONG);
  const workers = await simulationWorkers(page);
  const before = await drawn(page);
  await page.locator('#reform').selectOption('sb53');
  await expect(page.locator('body')).toHaveAttribute('data-status', 'running');
  // The worker closes itself: no error event, no message, only silence.
  await workers[0].evaluate(() => setTimeout(() => self.close(), 50)).catch(() => {});
  await waitRedraw(page, before);
  await expect(page.locator('#message')).toContainText('A simulation worker was replaced');
  await expect(page.locator('#message')).toContainText('did not answer for');
  expect(await chartNumbers(page)).toEqual(await undisturbed(browser, baseURL, LONG_SB53));
  expect(unexpected(problems)).toEqual([]);
});

test('a long run leaves the page responsive and stops at once with Stop, or gives way to new settings', async ({ page }) => {
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  // 8,192 runs of 200 quarters: far longer than this test waits.
  await page.goto('./?v=1&baseline=none&reform=sb1047&quarters=200&seed=3&reps=4096');
  await expect(page.locator('body')).toHaveAttribute('data-status', 'running');
  const stop = page.getByRole('button', { name: 'Stop' });
  await expect(stop).toBeVisible();
  // The page's thread is free: frames are painted and the panel opens while the workers compute.
  for (let i = 0; i < 5; i++) await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  await page.locator('#group-market summary').click();
  await expect(page.locator('#group-market')).toHaveAttribute('open', '');
  const progress = await page.locator('#progress').evaluate((p) => p.value);
  await stop.click();
  await expect(page.locator('body')).toHaveAttribute('data-status', 'stopped');
  await expect(page.locator('#status-text')).toContainText('Stopped');
  await expect(stop).toBeHidden();
  await expect(page.locator('#progress')).toBeHidden();
  // Nothing more arrives from the stopped run.
  const draws = await drawn(page);
  await page.waitForTimeout(1000);
  expect(await drawn(page)).toBe(draws);
  expect(progress).toBeGreaterThanOrEqual(0);

  // New settings run at once: the workers are free.
  await page.locator('#group-simulation summary').click();
  const replicates = page.getByRole('textbox', { name: /^Replicates, exact value/ });
  await replicates.fill('8');
  await replicates.press('Enter');
  await waitRedraw(page, draws);
  expect(await page.evaluate(() => window.__regsim.result.replicates)).toBe(8);

  // A long run superseded by new settings gives way as soon as they are set.
  const d = await drawn(page);
  await replicates.fill('4096');
  await replicates.press('Enter');
  await expect(page.locator('body')).toHaveAttribute('data-status', 'running');
  await page.waitForTimeout(500);
  await replicates.fill('6');
  await replicates.press('Enter');
  await waitRedraw(page, d);
  expect(await page.evaluate(() => window.__regsim.result.replicates)).toBe(6);
  expect(problems).toEqual([]);
});

// A tornado of 21 points × 16 paired replicates of 2025–2030: a few seconds, long enough to interrupt.
const TORNADO = '?v=2&baseline=none&reform=sb1047&seed=3&reps=8&drivers=tornado&dparams=10&dreps=16&dyears=2029-2030';

/** The drivers view's table of means, once it is done. */
async function driversMeans(page) {
  await page.waitForFunction(() => document.body.dataset.drivers === 'done', null, { timeout: 90_000 });
  return page.evaluate(() => window.__regsim.drivers.table.means.map((m) => (m ? Array.from(m) : null)));
}

test('a worker that crashes during a "What drives this?" sweep is replaced; the view finishes with the same numbers', async ({ page, browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  const calm = await ctx.newPage();
  await openApp(calm, TORNADO);
  const expected = await driversMeans(calm);
  await ctx.close();

  const problems = await openApp(page, TORNADO);
  const workers = await simulationWorkers(page);
  // Once a few points are in, crash worker 1: it has the next point in hand (the pool gives a
  // worker its next point as soon as it returns one), which its replacement runs again.
  await page.waitForFunction(() => window.__regsim.drivers?.table?.count >= 3 && document.body.dataset.drivers === 'running');
  await workers[1].evaluate(() => setTimeout(() => {
    throw new Error('simulated crash');
  }, 0));
  expect(await driversMeans(page)).toEqual(expected);
  await expect(page.locator('#drivers-status')).toContainText('A simulation worker was replaced');
  await expect.poll(() => page.workers().length).toBe(2);
  expect(unexpected(problems)).toEqual([]);
});

// Shared steps for the end-to-end tests: open the app as a new user would, and wait for redraws.
import { createRequire } from 'node:module';
import { expect } from '@playwright/test';

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** Open the app (optionally with a query) and wait for the first charts; returns console problems. */
export async function openApp(page, query = '') {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`./${query}`);
  await page.waitForSelector('body[data-status="idle"]', { timeout: 30_000 });
  return problems;
}

/** How many times the results have been drawn so far. */
export async function drawn(page) {
  return Number((await page.locator('body').getAttribute('data-drawn')) ?? 0);
}

/** Wait until the results are drawn again after `before` and nothing is running. */
export async function waitRedraw(page, before) {
  await page.waitForFunction((b) => Number(document.body.dataset.drawn || 0) > b && document.body.dataset.status === 'idle', before, { timeout: 30_000 });
}

/** A SHA-256 of every chart's pixels: changes when any chart changes. */
export async function chartsHash(page) {
  return page.evaluate(async () => {
    const text = Array.from(document.querySelectorAll('#charts canvas'), (c) => c.toDataURL()).join('|');
    const buf = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
  });
}

/** The numbers behind the charts: every charted metric's median, per arm. */
export async function chartNumbers(page) {
  return page.evaluate(() => {
    const r = window.__regsim.result;
    const out = {};
    for (const arm of ['baseline', 'reform', 'difference']) {
      for (const [name, band] of Object.entries(r[arm].metrics)) out[`${arm}.${name}`] = Array.from(band.p50, (x) => (Number.isNaN(x) ? null : x));
    }
    return out;
  });
}

export async function summaryText(page) {
  return (await page.locator('#summary').innerText()).trim();
}

/** Run axe-core on the page; returns violations as short strings. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const v = await page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((x) => `${x.id} (${x.impact}): ${x.help} — ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return v;
}

export { expect };

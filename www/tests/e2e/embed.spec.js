// Embedded figures as a writer and a reader meet them: the sample article with its two
// <regsim-figure> elements and one iframe figure, controls, attributes set from script, the
// iframe's postMessage API and its origin checks, invalid attributes, the documented
// Content-Security-Policy, hosting on another origin, and the size of what a figure loads.
import { test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { AXE_PATH, expect } from './helpers.js';
import { DIST, serve } from './servers.js';
import { crateVersion } from '../../../tools/version.mjs';

const ARTICLE = './examples/article.html';
const here = path.dirname(fileURLToPath(import.meta.url));

/** Collect console errors and page errors. */
function watch(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

/** Wait until every <regsim-figure> of a page or frame has drawn at least `min` times and is idle. */
async function figuresIdle(target, min = 1) {
  await target.waitForFunction(
    (m) => {
      const f = [...document.querySelectorAll('regsim-figure')];
      return f.length > 0 && f.every((x) => x.status === 'idle' && x.drawCount >= m);
    },
    min,
    { timeout: 30_000 },
  );
}

/** The article's iframe figure, once its page has loaded. */
async function figureFrame(page) {
  await expect.poll(() => page.frames().some((f) => f.url().includes('/embed.html'))).toBe(true);
  return page.frames().find((f) => f.url().includes('/embed.html'));
}

async function openArticle(page, url = ARTICLE) {
  const problems = watch(page);
  await page.goto(url);
  await figuresIdle(page);
  await figuresIdle(await figureFrame(page));
  return problems;
}

const drawCount = (target, i = 0) => target.evaluate((k) => document.querySelectorAll('regsim-figure')[k].drawCount, i);
const resultsOf = (target, i = 0) => target.evaluate((k) => document.querySelectorAll('regsim-figure')[k].results, i);

async function waitDraw(target, i, before) {
  await target.waitForFunction(([k, b]) => {
    const f = document.querySelectorAll('regsim-figure')[k];
    return f.drawCount > b && f.status === 'idle';
  }, [i, before], { timeout: 30_000 });
}

/** The reform's medians of every metric a figure shows: what its charts draw. */
const medians = (r) => Object.fromEntries(Object.entries(r.series).map(([m, s]) => [m, [s.baseline.p50, s.reform.p50]]));

/** The Content-Security-Policy that docs/embedding.md documents for a page with figures. */
function documentedPolicy() {
  const doc = fs.readFileSync(path.resolve(here, '../../../docs/embedding.md'), 'utf8');
  const m = /^Content-Security-Policy: (.+)$/m.exec(doc);
  if (!m) throw new Error('docs/embedding.md has no "Content-Security-Policy: …" line');
  return m[1].trim();
}

test('the sample article renders its three figures with no console errors', async ({ page }) => {
  const problems = await openArticle(page);
  const figs = page.locator('regsim-figure');
  await expect(figs).toHaveCount(2);
  // Each chart of each figure is drawn (one canvas per chart), with a text alternative.
  await expect(figs.nth(0).locator('canvas')).toHaveCount(2);
  await expect(figs.nth(1).locator('canvas')).toHaveCount(2);
  await expect(figs.nth(0).locator('figcaption')).toHaveText(/^Figure 1\. Market concentration/);
  await expect(figs.nth(0).locator('.alt')).toContainText(/Market concentration \(HHI\): under SB 1047 as passed, [\d,]+ in 2025 Q1 and [\d,]+ in 2034 Q4/);
  await expect(figs.nth(1).locator('.alt')).toContainText('Open share of new models: under strict liability on everything');
  await expect(figs.nth(0).getByRole('img', { name: /Chart: Market concentration \(HHI\) under no regulation and under SB 1047 as passed/ })).toBeVisible();
  // The iframe figure: drawn, in the difference view, and the frame fits it.
  const frame = await figureFrame(page);
  await expect(frame.locator('regsim-figure canvas')).toHaveCount(2);
  await expect(frame.locator('regsim-figure .alt')).toContainText('Active developers, a custom reform based on SB 1047 as passed minus no regulation');
  // "Open in regsim" leads to the app with the same scenario.
  const href = await figs.nth(0).getByRole('link', { name: /Open in regsim/ }).getAttribute('href');
  expect(new URL(href).pathname).toMatch(/\/index\.html$/);
  expect(href).toContain('baseline=none&reform=sb1047');
  // The article's CSS does not reach into the figures (its serif font, its uppercase buttons).
  const style = await figs.nth(0).evaluate((f) => {
    const cs = (sel) => getComputedStyle(f.shadowRoot.querySelector(sel));
    return { caption: cs('figcaption').fontFamily, select: cs('select').textTransform, figure: cs('figure').fontStyle };
  });
  expect(style.caption).not.toContain('Georgia');
  expect(style.select).toBe('none');
  expect(style.figure).toBe('normal');
  // …and the figures' CSS does not reach out.
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('article p')).fontFamily)).toContain('Georgia');
  expect(problems).toEqual([]);
});

test('a control inside a figure changes only that figure', async ({ page }) => {
  await openArticle(page);
  const frame = await figureFrame(page);
  const before = [await resultsOf(page, 0), await resultsOf(page, 1), await resultsOf(frame, 0)];
  const draws = [await drawCount(page, 0), await drawCount(page, 1), await drawCount(frame, 0)];

  // Figure 2: switch derivative liability off.
  const fig2 = page.locator('regsim-figure').nth(1);
  await fig2.getByRole('checkbox', { name: 'Derivative liability' }).uncheck();
  await waitDraw(page, 1, draws[1]);
  const after2 = await resultsOf(page, 1);
  expect(after2.scenario.set).toContain('regime.derivative_liability=false');
  expect(after2.labels.reform).toBe('Custom (based on Strict liability on everything)');
  expect(JSON.stringify(medians(after2))).not.toBe(JSON.stringify(medians(before[1])));
  await expect(fig2.getByRole('button', { name: 'Reset' })).toBeVisible();

  // Figure 1 by keyboard: its compliance cost slider, three steps up.
  const slider = page.locator('regsim-figure').nth(0).getByRole('slider', { name: 'Compliance cost (recurring)' });
  await slider.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await waitDraw(page, 0, draws[0]);
  const after1 = await resultsOf(page, 0);
  expect(after1.scenario.set).toMatch(/regime\.compliance_fixed=2500000/);
  expect(JSON.stringify(medians(after1))).not.toBe(JSON.stringify(medians(before[0])));

  // Figure 2 did not run again for figure 1's change, and the iframe figure never did.
  await page.waitForTimeout(500);
  expect(await drawCount(page, 1)).toBe(draws[1] + 1);
  expect(await drawCount(frame, 0)).toBe(draws[2]);
  expect(medians(await resultsOf(frame, 0))).toEqual(medians(before[2]));
  expect(medians(await resultsOf(page, 1))).toEqual(medians(after2));

  // Reset brings figure 2 back to its attributes, and to the same numbers.
  const d2 = await drawCount(page, 1);
  await fig2.getByRole('button', { name: 'Reset' }).click();
  await waitDraw(page, 1, d2);
  expect(medians(await resultsOf(page, 1))).toEqual(medians(before[1]));
});

test('setting an attribute from script updates the figure', async ({ page }) => {
  await openArticle(page);
  const fig = page.locator('regsim-figure').nth(0);
  let d = await drawCount(page, 0);
  await page.evaluate(() => document.querySelector('regsim-figure').setAttribute('preset', 'sb53'));
  await waitDraw(page, 0, d);
  let r = await resultsOf(page, 0);
  expect(r.scenario.preset).toBe('sb53');
  expect(r.labels.reform).toBe('SB 53');
  await expect(fig.locator('.legend')).toContainText('Reform: SB 53');
  expect(await fig.getByRole('link', { name: /Open in regsim/ }).getAttribute('href')).toContain('reform=sb53');

  // Several attributes at once: one run; a new metric is a new chart.
  d = await drawCount(page, 0);
  await page.evaluate(() => {
    const f = document.querySelector('regsim-figure');
    f.setAttribute('metric', 'open_share_usage');
    f.setAttribute('set', 'regime.compliance_fixed=5e6; liability_rule=strict');
    f.setAttribute('caption', 'A new caption');
  });
  await waitDraw(page, 0, d);
  await expect(fig.locator('canvas')).toHaveCount(1);
  await expect(fig.locator('figcaption')).toHaveText('A new caption');
  await expect(fig.locator('.chart-title')).toHaveText(/Open models’ share of use/);
  r = await resultsOf(page, 0);
  expect(Object.keys(r.series)).toEqual(['open_share_usage']);
  expect(r.scenario.set).toContain('regime.compliance_fixed=5000000');
  expect(r.scenario.set).toContain('regime.liability_rule=strict');
  await expect(fig.getByRole('slider', { name: 'Compliance cost (recurring)' })).toHaveAttribute('aria-valuetext', '$5M per quarter');

  // The difference view is a new view of the same runs, and so is a new height.
  d = await drawCount(page, 0);
  await page.evaluate(() => {
    const f = document.querySelector('regsim-figure');
    f.setAttribute('difference', '');
    f.setAttribute('height', '320');
  });
  await waitDraw(page, 0, d);
  expect((await resultsOf(page, 0)).mode).toBe('difference');
  expect((await fig.locator('canvas').boundingBox()).height).toBeCloseTo(320, -1);
  await expect(fig.locator('.legend')).toContainText('Custom (based on SB 53) − No regulation');

  // The same through the element's update(): all or nothing.
  const refused = await page.evaluate(() => document.querySelector('regsim-figure').update({ options: { seed: 'x' }, params: { due_care: 2 } }).then(() => null, (e) => e.errors));
  expect(refused.join('\n')).toContain('seed: "x" is not allowed');
  expect(refused.join('\n')).toContain('regime.due_care');
  d = await drawCount(page, 0);
  await page.evaluate(() => document.querySelector('regsim-figure').update({ options: { seed: 7 }, params: { due_care: 0.8 } }));
  await waitDraw(page, 0, d);
  r = await resultsOf(page, 0);
  expect(r.scenario.seed).toBe(7);
  expect(r.scenario.set).toContain('regime.due_care=0.8');
});

test('a figure follows its theme: light by default, auto with the system, dark whatever the system', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openArticle(page);
  const setTheme = (t) => page.evaluate((v) => (v === null ? document.querySelector('regsim-figure').removeAttribute('theme') : document.querySelector('regsim-figure').setAttribute('theme', v)), t);
  // The figure's background and its charts' grid colour, as the reader sees them.
  const look = () =>
    page.evaluate(() => {
      const f = document.querySelector('regsim-figure').shadowRoot.querySelector('figure');
      return { bg: getComputedStyle(f).backgroundColor, grid: getComputedStyle(f).getPropertyValue('--grid').trim() };
    });
  // Mean brightness of the first chart's canvas (its background, axes, grid and lines).
  const ink = () =>
    page.evaluate(() => {
      const c = document.querySelector('regsim-figure').shadowRoot.querySelector('canvas');
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] > 200) {
          sum += (px[i] + px[i + 1] + px[i + 2]) / 3;
          n++;
        }
      }
      return sum / n;
    });
  const WHITE = 'rgb(255, 255, 255)';
  const DARK = 'rgb(23, 28, 34)';
  // No theme (the article's figures set none): light, even on a dark system.
  await setTheme(null);
  await expect.poll(async () => (await look()).bg).toBe(WHITE);
  const light = await look();
  const lightInk = await ink();
  // auto: dark with the system, and its charts too; light again when the system turns light.
  await setTheme('auto');
  await expect.poll(async () => (await look()).bg).toBe(DARK);
  expect((await look()).grid).not.toBe(light.grid);
  await expect.poll(ink).toBeLessThan(lightInk - 40);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(async () => (await look()).bg).toBe(WHITE);
  // dark whatever the system; a wrong theme is refused with a message.
  await setTheme('dark');
  await expect.poll(async () => (await look()).bg).toBe(DARK);
  await setTheme('purple');
  await expect(page.locator('regsim-figure').nth(0).getByRole('alert')).toContainText('theme: "purple" is not allowed');
});

test('the iframe fits its figure and answers the postMessage API', async ({ page }) => {
  await openArticle(page);
  const frame = await figureFrame(page);
  // The frame's height follows its content (the article's iframe starts at 560 px).
  const fit = async () =>
    page.evaluate(() => {
      const f = document.querySelector('iframe.regsim');
      return { frame: f.getBoundingClientRect().height, content: Math.ceil(f.contentDocument.body.getBoundingClientRect().height) };
    });
  await expect.poll(async () => { const h = await fit(); return Math.abs(h.frame - h.content); }).toBeLessThanOrEqual(1);
  expect((await fit()).frame).not.toBe(560);

  // A helper in the page: post a message to the frame, resolve with the first reply of a type.
  await page.evaluate(() => {
    const f = document.querySelector('iframe.regsim');
    window.__ask = (msg, types, ms = 20_000) =>
      new Promise((resolve) => {
        const t = setTimeout(() => {
          removeEventListener('message', on);
          resolve('timeout');
        }, ms);
        function on(e) {
          if (e.source !== f.contentWindow || !types.includes(e.data?.type)) return;
          if (msg.id !== undefined && e.data.type !== 'regsim:results' && e.data.id !== msg.id) return;
          clearTimeout(t);
          removeEventListener('message', on);
          resolve(e.data);
        }
        addEventListener('message', on);
        if (msg.type) f.contentWindow.postMessage(msg, '*');
      });
  });

  const got = await page.evaluate(() => window.__ask({ type: 'regsim:get', id: 1 }, ['regsim:result']));
  expect(got.type).toBe('regsim:result');
  expect(got.id).toBe(1);
  expect(got.status).toBe('idle');
  expect(got.mode).toBe('difference');
  expect(got.scenario).toMatchObject({ preset: 'sb1047', baseline: 'none', replicates: 32, seed: 1 });
  expect(got.scenario.set).toContain('regime.cover_rule=all');
  expect(Object.keys(got.series)).toEqual(['n_developers', 'hhi']);
  expect(got.series.hhi.difference.p50.length).toBe(got.quarters.length);
  expect(got.summary).toContain('Active developers');

  // regsim:set: acknowledged, then the new results arrive by themselves, and the height again.
  const d = await drawCount(frame, 0);
  const [ack, results] = await page.evaluate(() =>
    Promise.all([window.__ask({ type: 'regsim:set', id: 'a', params: { compliance_fixed: '5M' }, options: { metric: 'hhi' } }, ['regsim:ack', 'regsim:error']), window.__ask({}, ['regsim:results'])]),
  );
  expect(ack).toEqual({ type: 'regsim:ack', id: 'a' });
  expect(results.scenario.set).toContain('regime.compliance_fixed=5000000');
  expect(Object.keys(results.series)).toEqual(['hhi']);
  await waitDraw(frame, 0, d);
  await expect.poll(async () => { const h = await fit(); return Math.abs(h.frame - h.content); }).toBeLessThanOrEqual(1);

  // A refused set is answered with the problems, and changes nothing.
  const err = await page.evaluate(() => window.__ask({ type: 'regsim:set', id: 2, params: { compliance_fixed: -1, nonsense: 1 } }, ['regsim:ack', 'regsim:error']));
  expect(err.type).toBe('regsim:error');
  expect(err.id).toBe(2);
  expect(err.errors.join('\n')).toContain('params: regime.compliance_fixed: "-1"');
  expect(err.errors.join('\n')).toContain('params: "nonsense" is not a parameter');
  const again = await page.evaluate(() => window.__ask({ type: 'regsim:get', id: 3 }, ['regsim:result']));
  expect(again.scenario.set).toBe(results.scenario.set);
  expect(await drawCount(frame, 0)).toBe(d + 1);
});

test('malformed messages, and messages from other windows or origins, are ignored', async ({ page, baseURL }) => {
  const A = new URL(baseURL).origin;
  // A second origin (another port): parent pages for the figure's frame, and a sibling frame.
  const helper = `
    <script>
      window.ask = (msg, ms = 1500) => new Promise((resolve) => {
        const f = document.getElementById('f');
        const t = setTimeout(() => { removeEventListener('message', on); resolve('no reply'); }, ms);
        function on(e) {
          if (e.source !== f.contentWindow || e.data?.id !== msg.id) return;
          clearTimeout(t); removeEventListener('message', on); resolve(e.data.type);
        }
        addEventListener('message', on);
        f.contentWindow.postMessage(msg, '*');
      });
    </script>`;
  const frameSrc = (extra) => `${A}/embed.html?preset=sb53&amp;replicates=4&amp;quarters=8${extra}`;
  const B = await serve({
    pages: {
      '/restricted.html': `<!doctype html><title>t</title><iframe id="f" src="${frameSrc(`&amp;origin=${encodeURIComponent(A)}`)}"></iframe>${helper}`,
      '/open.html': `<!doctype html><title>t</title><iframe id="f" src="${frameSrc('')}"></iframe>${helper}`,
      '/sibling.html': `<!doctype html><title>t</title><script>
        const replies = [];
        addEventListener('message', (e) => replies.push(e.data?.type));
        const target = parent.frames[0];
        target.postMessage({ type: 'regsim:set', id: 's', params: { compliance_fixed: '9M' } }, '*');
        target.postMessage({ type: 'regsim:get', id: 'g' }, '*');
        setTimeout(() => parent.postMessage({ type: 'sibling-done', replies }, '*'), 1500);
      </script>`,
    },
  });
  try {
    const B2 = B.origin;
    const ready = async (p) => {
      const fr = await figureFrame(p);
      await figuresIdle(fr);
      return fr;
    };
    // The frame allows only origin A; its parent is on origin B: nothing is answered or done.
    await page.goto(`${B2}/restricted.html`);
    let fr = await ready(page);
    const d = await drawCount(fr, 0);
    expect(await page.evaluate(() => window.ask({ type: 'regsim:get', id: 1 }))).toBe('no reply');
    expect(await page.evaluate(() => window.ask({ type: 'regsim:set', id: 2, params: { compliance_fixed: '9M' } }))).toBe('no reply');
    expect(await drawCount(fr, 0)).toBe(d);
    expect((await resultsOf(fr, 0)).scenario.set).toBe('');

    // Without `origin`, the same parent is answered (the check above is the origin's doing).
    await page.goto(`${B2}/open.html`);
    fr = await ready(page);
    expect(await page.evaluate(() => window.ask({ type: 'regsim:get', id: 1 }))).toBe('regsim:result');

    // Malformed messages from the parent itself: ignored, and the frame keeps working.
    const d2 = await drawCount(fr, 0);
    const bad = [null, 'regsim:get', 42, [], { type: 7 }, { type: 'regsim:get', id: { x: 1 } }, { type: 'regsim:set', id: 3, params: [1, 2] }, { type: 'regsim:set', id: 4, params: { compliance_fixed: { x: 1 } } }, { type: 'regsim:set', id: 5, options: 'preset=none' }, { type: 'regsim:nonsense', id: 6 }];
    const replies = await page.evaluate(async (msgs) => {
      const f = document.getElementById('f');
      const seen = [];
      const on = (e) => e.source === f.contentWindow && e.data?.type !== 'regsim:resize' && seen.push(e.data?.type);
      addEventListener('message', on);
      for (const m of msgs) f.contentWindow.postMessage(m, '*');
      await new Promise((r) => setTimeout(r, 1500));
      removeEventListener('message', on);
      return seen;
    }, bad);
    expect(replies).toEqual([]);
    expect(await drawCount(fr, 0)).toBe(d2);
    expect(await page.evaluate(() => window.ask({ type: 'regsim:get', id: 9 }))).toBe('regsim:result');

    // A sibling frame from origin B, inside the article on origin A, is not the figure's parent.
    await openArticle(page);
    const frame = await figureFrame(page);
    const d3 = await drawCount(frame, 0);
    const before = await resultsOf(frame, 0);
    const done = await page.evaluate(
      (src) =>
        new Promise((resolve) => {
          addEventListener('message', (e) => e.data?.type === 'sibling-done' && resolve(e.data));
          const s = document.createElement('iframe');
          s.src = src;
          document.body.append(s);
        }),
      `${B2}/sibling.html`,
    );
    expect(done.replies).toEqual([]);
    expect(await drawCount(frame, 0)).toBe(d3);
    expect((await resultsOf(frame, 0)).scenario).toEqual(before.scenario);
  } finally {
    await B.close();
  }
});

test('an invalid attribute shows a clear message inside the figure; the rest of the article works', async ({ page }) => {
  let dialog = false;
  page.on('dialog', async (d) => {
    dialog = true;
    await d.dismiss();
  });
  const problems = await openArticle(page);
  await page.evaluate(() => {
    const f = document.createElement('regsim-figure');
    f.id = 'bad';
    f.setAttribute('preset', 'bogus');
    f.setAttribute('metric', 'hhi, <img src=x onerror=alert(1)>');
    f.setAttribute('controls', 'fixed_cost, compliance_fixed');
    f.setAttribute('replicates', 'many');
    f.setAttribute('set', 'compliance_fixed=lots; cover_cost');
    f.setAttribute('height', '5');
    document.querySelector('main').append(f);
  });
  const bad = page.locator('#bad');
  await expect.poll(() => bad.evaluate((f) => f.status)).toBe('invalid');
  const alert = bad.getByRole('alert');
  await expect(alert).toContainText('This figure cannot be shown:');
  await expect(alert).toContainText('preset: "bogus" is not a preset; expected one of none, sb1047, sb53, eu_gpai, strict_all, open_safe_harbor');
  await expect(alert).toContainText('metric: "<img src=x onerror=alert(1)>" is not a metric; expected one of hhi,');
  await expect(alert).toContainText('controls: "fixed_cost" is ambiguous: it could be derivatives.fixed_cost, firms.frontier_lab.fixed_cost');
  await expect(alert).toContainText('replicates: "many" is not allowed; expected a whole number from 1 to 4096');
  await expect(alert).toContainText('set: regime.compliance_fixed: "lots"');
  await expect(alert).toContainText('set: "cover_cost" has no value; write name=value');
  await expect(alert).toContainText('height: "5" is not allowed');
  expect(await bad.evaluate((f) => f.shadowRoot.querySelectorAll('img').length)).toBe(0);
  await expect(bad.locator('canvas')).toHaveCount(0);

  // The other figures still work.
  const d = await drawCount(page, 0);
  await page.locator('regsim-figure').nth(0).getByRole('combobox', { name: 'Coverage rule' }).selectOption('all');
  await waitDraw(page, 0, d);
  expect((await resultsOf(page, 0)).scenario.set).toContain('regime.cover_rule=all');

  // Fixing the attributes brings the figure to life.
  await page.evaluate(() => {
    const f = document.getElementById('bad');
    for (const a of ['metric', 'controls', 'set', 'height']) f.removeAttribute(a);
    f.setAttribute('preset', 'eu_gpai');
    f.setAttribute('replicates', '4');
  });
  await expect.poll(() => bad.evaluate((f) => f.status)).toBe('idle');
  await expect(bad.getByRole('alert')).toBeHidden();
  await expect(bad.locator('canvas')).toHaveCount(1);

  // A combination the model refuses, made with the reader's controls: the model's message, and
  // the controls stay to undo it.
  await bad.evaluate((f) => f.setAttribute('controls', 'cadence_min, cadence_max'));
  const box = bad.getByRole('textbox', { name: /Shortest cadence/ });
  await box.fill('9');
  await box.press('Enter');
  await expect(bad.getByRole('alert')).toContainText('The simulation could not run:');
  await expect(bad.getByRole('alert')).toContainText('decision.cadence_min: 9 is not allowed; expected at most decision.cadence_max (5)');
  expect(await bad.evaluate((f) => f.status)).toBe('error');
  await expect(bad.locator('canvas')).toBeHidden();
  await bad.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => bad.evaluate((f) => f.status)).toBe('idle');
  await expect(bad.getByRole('alert')).toBeHidden();
  await expect(bad.locator('canvas')).toBeVisible();

  // The same combination written in the attributes is the attributes' fault: invalid, said
  // before anything runs; a number with thousands separators gets a hint.
  await bad.evaluate((f) => f.setAttribute('set', 'cadence_min=9'));
  await expect.poll(() => bad.evaluate((f) => f.status)).toBe('invalid');
  await expect(bad.getByRole('alert')).toContainText('This figure cannot be shown:');
  await expect(bad.getByRole('alert')).toContainText('set: decision.cadence_min: 9 is not allowed; expected at most decision.cadence_max (5)');
  await bad.evaluate((f) => f.setAttribute('set', 'compliance_fixed=5,000,000'));
  await expect(bad.getByRole('alert')).toContainText('set: "000" has no value; commas and semicolons separate items, so write numbers without thousands separators');
  expect(await bad.evaluate((f) => f.shadowRoot.querySelectorAll('[role=alert] li').length)).toBe(1);

  // update() names what is wrong with its argument and changes nothing.
  await bad.evaluate((f) => f.removeAttribute('set'));
  await expect.poll(() => bad.evaluate((f) => f.status)).toBe('idle');
  const refusals = await bad.evaluate(async (f) => {
    const out = [];
    for (const arg of [null, 'x', [], { bogus: 1 }, { options: { replicates: NaN } }, { params: { 'simulation.seed': 3 } }, { params: { compliance_fixed: [5] } }]) {
      try {
        await f.update(arg);
        out.push('accepted');
      } catch (e) {
        out.push((e.errors ?? [String(e)]).join(' | '));
      }
    }
    return out;
  });
  expect(refusals).toEqual([
    'null is not allowed; expected an object {options, params}',
    '"x" is not allowed; expected an object {options, params}',
    'an array is not allowed; expected an object {options, params}',
    '"bogus" is not a key of update; expected options or params',
    'replicates: NaN is not allowed; expected text, a finite number, true or false (or null to remove it)',
    'params: simulation.seed has its own option: update({options: {seed: …}})',
    'params: regime.compliance_fixed: an array is not allowed; expected a number',
  ]);
  expect(dialog).toBe(false);
  expect(problems).toEqual([]);
});

test('embed.html names every problem of its link: unknown options and bad values alike', async ({ page }) => {
  await page.goto('/embed.html?metric=hhx&foo=1&replicates=0');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('This figure cannot be shown:');
  await expect(alert).toContainText('"foo" is not an option of embed.html');
  await expect(alert).toContainText('metric: "hhx" is not a metric');
  await expect(alert).toContainText('replicates: "0" is not allowed; expected a whole number from 1 to 4096');
});

test('the article works under the documented Content-Security-Policy', async ({ page }) => {
  const policy = documentedPolicy();
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toMatch(/'unsafe-eval'/);
  // Every response carries the policy, as a host that sets one header for a whole site does.
  const server = await serve({ headers: () => ({ 'content-security-policy': policy }) });
  try {
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const problems = await openArticle(page, `${server.origin}/examples/article.html`);
    expect(await page.evaluate(() => window.__violations)).toEqual([]);
    const frame = await figureFrame(page);
    expect(await frame.evaluate(() => window.__violations)).toEqual([]);
    // The controls work too.
    const d = await drawCount(page, 1);
    await page.locator('regsim-figure').nth(1).getByRole('checkbox', { name: 'Show the difference' }).check();
    await waitDraw(page, 1, d);
    expect(problems).toEqual([]);
  } finally {
    await server.close();
  }
});

test('under a policy without wasm-unsafe-eval, the figures say why they cannot run', async ({ page }) => {
  const strict = documentedPolicy().replace(" 'wasm-unsafe-eval'", '');
  // The page's own policy needs no 'wasm-unsafe-eval' (its thread never compiles WebAssembly):
  // with the policy on the HTML pages only, the figures run.
  let server = await serve({ headers: (rel) => (rel.endsWith('.html') ? { 'content-security-policy': strict } : {}) });
  try {
    await openArticle(page, `${server.origin}/examples/article.html`);
  } finally {
    await server.close();
  }
  // Where the worker's script has it too, the model cannot compile: a clear message instead.
  server = await serve({ headers: () => ({ 'content-security-policy': strict }) });
  try {
    await page.goto(`${server.origin}/examples/article.html`);
    const fig = page.locator('regsim-figure').nth(0);
    await expect.poll(() => fig.evaluate((f) => f.status)).toBe('error');
    await expect(fig.getByRole('alert')).toContainText('The model could not start in this browser');
    await expect(fig.getByRole('alert')).toContainText('Content Security');
    await expect(page.locator('h1')).toBeVisible();
  } finally {
    await server.close();
  }
});

test('the figure works from another origin, served with CORS, under the documented policy for that', async ({ page }) => {
  const host = await serve({ headers: () => ({ 'access-control-allow-origin': '*' }) });
  const doc = fs.readFileSync(path.resolve(here, '../../../docs/embedding.md'), 'utf8');
  const crossPolicy = /^default-src 'self'; script-src 'self' https:\/\/figures\.example .+$/m.exec(doc)?.[0];
  expect(crossPolicy, 'docs/embedding.md gives a policy for files on https://figures.example').toBeTruthy();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const site = await serve({
    headers: () => ({ 'content-security-policy': crossPolicy.replaceAll('https://figures.example', host.origin) }),
    pages: { '/post.html': `<!doctype html><title>t</title><link rel="icon" href="/examples/favicon.svg"><script type="module" src="${host.origin}/regsim-figure.js"></script><regsim-figure preset="sb53" replicates="4" metric="cr4"></regsim-figure>` },
  });
  try {
    const problems = watch(page);
    await page.goto(`${site.origin}/post.html`);
    await figuresIdle(page);
    const r = await resultsOf(page, 0);
    expect(r.scenario.preset).toBe('sb53');
    expect(r.link.startsWith(`${host.origin}/index.html?`)).toBe(true);
    expect(await page.evaluate(() => window.__violations)).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await site.close();
    await host.close();
  }
});

test('figures share one worker, and the page itself never compiles WebAssembly', async ({ page }) => {
  await page.addInitScript(() => {
    if (window !== window.top) return;
    window.__counts = { workers: 0, wasm: 0 };
    const W = window.Worker;
    window.Worker = class extends W {
      constructor(...a) {
        super(...a);
        window.__counts.workers += 1;
      }
    };
    for (const k of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming', 'validate']) {
      const f = WebAssembly[k];
      WebAssembly[k] = function (...a) {
        window.__counts.wasm += 1;
        return f.apply(this, a);
      };
    }
  });
  await openArticle(page);
  expect(await page.evaluate(() => window.__counts)).toEqual({ workers: 1, wasm: 0 });
});

test('the figure’s script, worker and model are at most 250 KB gzipped', async ({ page, baseURL }) => {
  const A = new URL(baseURL).origin;
  await page.route(`${A}/size-probe.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>t</title><script type="module" src="/regsim-figure.js"></script><regsim-figure replicates="4"></regsim-figure>' }),
  );
  const urls = new Set();
  page.on('requestfinished', (r) => {
    const u = new URL(r.url());
    if (u.origin === A && /\.(js|wasm)$/.test(u.pathname)) urls.add(u.pathname);
  });
  await page.goto(`${A}/size-probe.html`);
  await figuresIdle(page);
  const files = [...urls].sort();
  expect(files).toContain('/regsim-figure.js');
  expect(files.some((f) => /\/assets\/worker-[\w-]+\.js$/.test(f))).toBe(true);
  expect(files.some((f) => f.endsWith('.wasm'))).toBe(true);
  const sizes = files.map((f) => [f, zlib.gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length]);
  const total = sizes.reduce((s, [, n]) => s + n, 0);
  const report = `${sizes.map(([f, n]) => `${f}: ${(n / 1000).toFixed(1)} kB`).join(', ')}; total ${(total / 1000).toFixed(1)} kB gzipped`;
  console.log(`embedded figure: ${report}`);
  test.info().annotations.push({ type: 'size', description: report });
  expect(total).toBeLessThanOrEqual(250_000);
});

test('a figure’s “Open in regsim” link gives the app the same numbers', async ({ page, browser }) => {
  await openArticle(page);
  const r = await resultsOf(page, 0);
  const app = await browser.newContext();
  const p2 = await app.newPage();
  await p2.goto(r.link);
  await p2.waitForSelector('body[data-status="idle"]', { timeout: 30_000 });
  const appNumbers = await p2.evaluate(() => {
    const res = window.__regsim.result;
    return Object.fromEntries(['hhi', 'n_developers'].map((m) => [m, [res.baseline.metrics[m].p50, res.reform.metrics[m].p50].map((a) => Array.from(a, (x) => (Number.isNaN(x) ? null : x)))]));
  });
  expect(appNumbers).toEqual(medians(r));
  await app.close();
});

test('axe-core finds no violations in the article, its figures open and closed, light and dark', async ({ page }) => {
  await openArticle(page);
  const run = async () => {
    await page.addScriptTag({ path: AXE_PATH });
    return page.evaluate(async () => {
      const res = await window.axe.run(document, { resultTypes: ['violations'] });
      return res.violations.map((x) => `${x.id} (${x.impact}): ${x.help} — ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    });
  };
  expect(await run()).toEqual([]);
  await page.locator('regsim-figure').nth(0).locator('details.data summary').click();
  await page.locator('regsim-figure').nth(1).getByRole('checkbox', { name: 'Show the difference' }).check();
  expect(await run()).toEqual([]);
  // The same figures in their dark theme (the article stays light around them).
  const d = await drawCount(page, 0);
  await page.evaluate(() => document.querySelectorAll('regsim-figure').forEach((f) => f.setAttribute('theme', 'dark')));
  await waitDraw(page, 0, d);
  expect(await run()).toEqual([]);
});

test.describe('on a 375 px phone', () => {
  test.use({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true });
  test('the article and its figures fit the width', async ({ page }) => {
    const problems = await openArticle(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (let i = 0; i < 2; i++) {
      const box = await page.locator('regsim-figure').nth(i).locator('canvas').first().boundingBox();
      expect(box.width).toBeGreaterThan(250);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
    }
    expect(problems).toEqual([]);
  });
});

test('the app’s Embed button gives its snippets for the current scenario, and they reproduce it', async ({ page, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const A = new URL(baseURL).origin;
  const problems = watch(page);
  await page.goto('./?v=2&baseline=sb53&reform=sb1047&set=regime.compliance_fixed:5000000&seed=3&reps=8');
  await page.waitForSelector('body[data-status="idle"]', { timeout: 30_000 });
  const opener = page.getByRole('button', { name: 'Embed' });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dlg = page.getByRole('dialog', { name: 'Embed this comparison' });
  await expect(dlg).toBeVisible();
  const elementBox = dlg.getByRole('textbox', { name: /Web component/ });
  const iframeBox = dlg.getByRole('textbox', { name: /iframe/ });
  let element = await elementBox.inputValue();
  expect(element).toContain(`<script type="module" src="${A}/regsim-figure.js"></script>`);
  for (const a of ['preset="sb1047"', 'baseline="sb53"', 'set="regime.compliance_fixed=5000000"', 'seed="3"', 'replicates="8"', 'metric="hhi"', 'caption="Market concentration (HHI): Custom (based on SB 1047 as passed) against SB 53"']) expect(element).toContain(a);
  // A metric and the difference view, chosen in the dialog.
  await dlg.getByRole('combobox', { name: 'Metric' }).selectOption('cr4');
  await dlg.getByRole('checkbox', { name: /Show the difference/ }).check();
  element = await elementBox.inputValue();
  expect(element).toContain('metric="cr4"');
  expect(element).toMatch(/\n {2}difference\n/);
  const iframe = await iframeBox.inputValue();
  expect(iframe).toContain(`<iframe src="${A}/embed.html?preset=sb1047&amp;baseline=sb53&amp;set=regime.compliance_fixed%3D5000000&amp;seed=3&amp;replicates=8&amp;metric=cr4&amp;difference=&amp;caption=`);
  const cdnSnippet = await dlg.getByRole('textbox', { name: /From a CDN, pinned/ }).inputValue();
  // Copy, by button.
  await dlg.getByRole('button', { name: 'Copy the web component snippet' }).click();
  await expect(dlg.getByRole('status')).toHaveText('Copied the web component snippet.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(element);
  // Accessible, and closed by Escape with focus back on the button.
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((x) => `${x.id}: ${x.help}`));
  expect(violations).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dlg).toBeHidden();
  await expect(opener).toBeFocused();
  const app = await page.evaluate(() => {
    const r = window.__regsim.result;
    return { cr4: [r.baseline.metrics.cr4.p50, r.reform.metrics.cr4.p50].map((a) => Array.from(a, (x) => (Number.isNaN(x) ? null : x))) };
  });
  expect(problems).toEqual([]);

  // The element snippet, pasted into a page, draws the app's numbers; so does the iframe's page.
  await page.route(`${A}/snippet.html`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>t</title><link rel="icon" href="data:,">${element}` }));
  await page.goto(`${A}/snippet.html`);
  await figuresIdle(page);
  const fig = await resultsOf(page, 0);
  expect(fig.mode).toBe('difference');
  expect(medians(fig)).toEqual(app);
  const src = /src="([^"]+)"/.exec(iframe)[1].replace(/&amp;/g, '&');
  await page.goto(src);
  await figuresIdle(page);
  expect(medians(await resultsOf(page, 0))).toEqual(app);

  // The CDN snippet: the same element, its script pinned to the app's version on the CDN (here
  // served by this server, as the package's dist/ is this build).
  const version = crateVersion();
  const cdn = `https://unpkg.com/regsim@${version}/dist/`;
  expect(cdnSnippet).toBe(element.replace(`${A}/`, cdn));
  await page.route(`${A}/cdn-snippet.html`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>t</title><link rel="icon" href="data:,">${cdnSnippet.replace(cdn, `${A}/`)}` }));
  await page.goto(`${A}/cdn-snippet.html`);
  await figuresIdle(page);
  const pinned = await resultsOf(page, 0);
  expect(medians(pinned)).toEqual(app);
  await expect(page.locator('regsim-figure').locator('.note')).toContainText(`Simulated live by regsim ${version}:`);
});

test('update() asks the model once to check a scenario, and the redraw does not ask again', async ({ page }) => {
  // Count the checks the page sends to the figures' worker.
  await page.addInitScript(() => {
    window.__checks = 0;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (msg, ...rest) {
      if (msg?.type === 'api' && msg.fn === 'validateScenario') window.__checks += 1;
      return post.call(this, msg, ...rest);
    };
  });
  await openArticle(page);
  const checks = () => page.evaluate(() => window.__checks);
  // New attributes together with reader's values are checked twice: with the values, and alone,
  // as the attributes must stand on their own (reset() goes back to them).
  for (const [change, asked] of [
    [{ params: { due_care: 0.8 } }, 1],
    [{ options: { seed: 9 } }, 1],
    [{ options: { seed: 11 }, params: { due_care: 0.7 } }, 2],
  ]) {
    const before = await checks();
    const d = await drawCount(page, 0);
    await page.evaluate((c) => document.querySelector('regsim-figure').update(c), change);
    await waitDraw(page, 0, d);
    expect(await checks(), JSON.stringify(change)).toBe(before + asked);
  }
  // Attributes changed from outside are still checked before anything runs.
  const before = await checks();
  const d = await drawCount(page, 0);
  await page.evaluate(() => document.querySelector('regsim-figure').setAttribute('seed', '13'));
  await waitDraw(page, 0, d);
  expect(await checks()).toBe(before + 1);
});

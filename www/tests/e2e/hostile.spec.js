// Hostile input to the app and to embedded figures, as an attacker or a careless writer would give
// it: links with script, markup and `javascript:` URLs, `__proto__` and `constructor` keys, huge
// numbers and 100 KB query strings; scenario files of the wrong shape, truncated or of 50 MB;
// attributes and update() calls of the same kinds; messages to the iframe figure that are not
// what it expects. None may inject markup, pollute prototypes, hang the page or lose the reader's
// current scenario, and each gets a clear message.
import { test } from '@playwright/test';
import fs from 'node:fs/promises';
import { drawn, expect, openApp, summaryText, waitRedraw } from './helpers.js';
import { serve } from './servers.js';

const MARKUP = '<img src=x onerror=alert(1)><script>alert(2)</script>';

/** Fail the test on any dialog (alert, confirm) the page opens. */
function noDialogs(page) {
  const seen = [];
  page.on('dialog', async (d) => {
    seen.push(d.message());
    await d.dismiss();
  });
  return seen;
}

/** Nothing from outside reached the prototypes of plain objects, arrays or functions. */
async function prototypesClean(page) {
  return page.evaluate(() => {
    const probes = ['polluted', 'x', 'y', 'isAdmin'];
    const hits = [];
    for (const p of probes) {
      if (p in {} || p in [] || p in Object.prototype || p in Function.prototype) hits.push(p);
    }
    if (Object.getPrototypeOf({}) !== Object.prototype) hits.push('Object.prototype replaced');
    return hits;
  });
}

/** Elements that only injected markup would make, in the page and in every figure's shadow root. */
async function injected(page) {
  return page.evaluate(() => {
    const roots = [document, ...[...document.querySelectorAll('regsim-figure')].map((f) => f.shadowRoot).filter(Boolean)];
    const out = [];
    for (const r of roots) {
      for (const el of r.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], iframe[srcdoc], a[href^="javascript:" i]')) out.push(el.outerHTML.slice(0, 80));
      for (const s of r.querySelectorAll('script')) if (/alert\(/.test(s.textContent)) out.push(s.outerHTML.slice(0, 80));
    }
    return out;
  });
}

/** The page answers promptly and can still run: a preset change redraws the charts. */
async function stillWorks(page) {
  const before = await drawn(page);
  await page.locator('#reform').selectOption('sb53');
  await waitRedraw(page, before);
  expect(await summaryText(page)).toContain('SB 53');
}

test.describe('hostile links', () => {
  const cases = [
    {
      name: 'markup and script in every place a link holds text',
      query: `?v=1&reform=${encodeURIComponent(MARKUP)}&baseline=${encodeURIComponent('"><svg onload=alert(3)>')}&set=${encodeURIComponent(`${MARKUP}:1`)}&view=${encodeURIComponent(MARKUP)}&${encodeURIComponent('<b onmouseover=alert(4)>')}=1`,
      says: ['reform: "<img src=x onerror=alert(1)><script>aler', 'is not a preset', 'is not a scenario parameter', 'is not a view', '"<b onmouseover=alert(4)>" is not a setting this app knows'],
    },
    {
      name: 'javascript: URLs as values',
      query: `?v=1&reform=${encodeURIComponent('javascript:alert(1)')}&baseline=${encodeURIComponent('JaVaScRiPt:alert(document.cookie)')}&set=${encodeURIComponent('regime.liability_rule:javascript:alert(1)')}`,
      says: ['reform: "javascript:alert(1)" is not a preset', 'baseline: "JaVaScRiPt:alert(document.cookie)" is not a preset', 'regime.liability_rule: "javascript:alert(1)" is not allowed'],
    },
    {
      name: '__proto__, constructor and prototype as keys and paths',
      query: '?v=1&__proto__=1&constructor=1&prototype=1&__proto__%5Bpolluted%5D=1&set=__proto__.polluted:1,constructor.prototype.polluted:1,regime.__proto__:1,toString:1,hasOwnProperty:1',
      says: ['"__proto__" is not a setting this app knows', '"constructor" is not a setting this app knows', '"__proto__[polluted]" is not a setting', 'set: "__proto__.polluted" is not a scenario parameter', 'set: "constructor.prototype.polluted" is not a scenario parameter', 'set: "toString" is not a scenario parameter'],
    },
    {
      name: 'huge and non-finite numbers',
      query: '?v=1&seed=1e400&reps=99999999999999999999&quarters=1e308&start=-0&set=market.demand0:1e400,regime.compliance_fixed:-1e308,firms.startup.count:1e20,market.beta_frontier:NaN,regime.cover_cost:Infinity',
      says: ['seed: "1e400" is not allowed', 'reps: "99999999999999999999" is not allowed', 'quarters: "1e308" is not allowed', 'market.demand0', 'firms.startup.count', 'market.beta_frontier', 'regime.cover_cost'],
    },
  ];
  for (const c of cases) {
    test(`${c.name}: a message as text, the defaults, nothing injected or polluted`, async ({ page }) => {
      const dialogs = noDialogs(page);
      const problems = await openApp(page, c.query);
      const message = page.locator('#message');
      await expect(message).toBeVisible();
      await expect(message).toContainText('This link could not be used, so the default scenario is shown');
      for (const s of c.says) await expect(message).toContainText(s);
      await expect(page.locator('#reform')).toHaveValue('sb1047');
      expect(await injected(page)).toEqual([]);
      expect(await prototypesClean(page)).toEqual([]);
      // The address bar now holds the defaults, never the hostile text.
      expect(new URL(page.url()).search).toBe('?v=2&baseline=none&reform=sb1047&seed=1&reps=32');
      await stillWorks(page);
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
    });
  }

  test('a 100 KB query string: a message, the defaults, and the page keeps working', async ({ page }) => {
    // vite preview (like most servers) refuses request lines this long; this server takes them.
    const server = await serve();
    try {
      const query = `?v=1&set=${'regime.compliance_fixed:1,'.repeat(4000)}`;
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${server.origin}/${query}`);
      await page.waitForSelector('body[data-status="idle"]', { timeout: 30_000 });
      await expect(page.locator('#message')).toContainText('This link could not be used, so the default scenario is shown');
      await expect(page.locator('#message')).toContainText('the link is 104008 characters long; at most 8000 are read');
      expect(new URL(page.url()).search).toBe('?v=2&baseline=none&reform=sb1047&seed=1&reps=32');
      await stillWorks(page);
      // The iframe page reads its query the same way: one message per problem, nothing else.
      await page.goto(`${server.origin}/embed.html?preset=sb53&set=${'compliance_fixed=1;'.repeat(5300)}`);
      await expect(page.locator('.page-message, regsim-figure')).toHaveCount(1);
      await page.waitForFunction(() => {
        const f = document.querySelector('regsim-figure');
        return f ? f.status === 'invalid' : !!document.querySelector('.page-message');
      });
      const text = await page.evaluate(() => document.querySelector('regsim-figure')?.errors.join('\n') ?? document.querySelector('.page-message').textContent);
      expect(text).toContain('set: 100700 characters long; at most 2000 are read');
      expect(problems).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('a link asking for more work than a run may do is refused up front, naming the field and the cap', async ({ page }) => {
    const problems = await openApp(page, '?v=1&baseline=none&reform=none&set=entry.rate:100,decision.levels:64,decision.horizon:40&quarters=200');
    const message = page.locator('#message');
    await expect(message).toContainText('This link could not be used');
    await expect(message).toContainText('entry.rate: 100 is not allowed');
    await expect(message).toContainText('cap of 6.0 billion units');
    await expect(message).toContainText('with entry.rate at its default (1)');
    await stillWorks(page);
    expect(problems).toEqual([]);
  });
});

test.describe('hostile scenario files', () => {
  /** The app with a custom scenario the reader made: a preset and a slider moved. */
  async function withCustomScenario(page) {
    const problems = await openApp(page);
    let before = await drawn(page);
    await page.locator('#reform').selectOption('eu_gpai');
    await waitRedraw(page, before);
    before = await drawn(page);
    await page.getByRole('slider', { name: 'Compliance cost (recurring)' }).focus();
    await page.keyboard.press('ArrowRight');
    await waitRedraw(page, before);
    return problems;
  }

  const files = [
    ['an array', '[1, 2, 3]', 'does not hold a scenario object'],
    ['a number', '42', 'does not hold a scenario object'],
    ['a string', '"<img src=x onerror=alert(1)>"', 'does not hold a scenario object'],
    ['null', 'null', 'does not hold a scenario object'],
    ['truncated JSON', '{"kind": "regsim-app-scenario", "version": 1, "baseline": "none", "reform_pre', 'not valid JSON'],
    ['binary garbage', '\u0000\u0001\u00ff\ufffe<svg onload=alert(1)>', 'not valid JSON'],
    ['fields of the wrong shape', JSON.stringify({ kind: 'regsim-app-scenario', version: 1, baseline: { x: 1 }, reform_preset: ['sb1047'], reform: 'abc' }), 'reform_preset: an array is not a preset name'],
    ['objects where numbers go', JSON.stringify({ market: { beta_frontier: { $gt: 1 } }, regime: [1, 2] }), 'market.beta_frontier: expected a value, found an object'],
    ['__proto__ and constructor keys', '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "market": {"__proto__": {"polluted": 1}}}', '__proto__: not a scenario field'],
    ['huge and non-finite numbers', '{"market": {"demand0": 1e400, "beta_frontier": -1e308}, "simulation": {"replicates": 1e20}}', 'market.demand0'],
    ['markup in field names', JSON.stringify({ regime: { [MARKUP]: 1 }, [`<b>${MARKUP}</b>`]: 2 }), 'regime.<img src=x onerror=alert(1)>'],
  ];
  for (const [name, text, says] of files) {
    test(`${name}: a message as text, the reader's scenario kept, nothing injected or polluted`, async ({ page }, info) => {
      const dialogs = noDialogs(page);
      const problems = await withCustomScenario(page);
      const state = await page.evaluate(() => window.__regsim.state);
      const summary = await summaryText(page);
      const before = await drawn(page);
      const file = info.outputPath('hostile.json');
      await fs.writeFile(file, text);
      await page.locator('#open-file').setInputFiles(file);
      const message = page.locator('#message');
      await expect(message).toContainText('could not be used; your settings are unchanged');
      await expect(message).toContainText(says);
      expect(await page.evaluate(() => window.__regsim.state)).toEqual(state);
      expect(await drawn(page)).toBe(before);
      expect(await summaryText(page)).toBe(summary);
      expect(await injected(page)).toEqual([]);
      expect(await prototypesClean(page)).toEqual([]);
      await stillWorks(page);
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
    });
  }

  test('a 50 MB file is refused without being read, and the scenario is kept', async ({ page }, info) => {
    const problems = await withCustomScenario(page);
    const state = await page.evaluate(() => window.__regsim.state);
    const file = info.outputPath('huge.json');
    // Valid JSON all the way, so that only its size can refuse it.
    const fh = await fs.open(file, 'w');
    await fh.write('{"label": "');
    const chunk = 'x'.repeat(1 << 20);
    for (let i = 0; i < 50; i++) await fh.write(chunk);
    await fh.write('"}');
    await fh.close();
    await page.locator('#open-file').setInputFiles(file);
    await expect(page.locator('#message')).toContainText('the file is 52,428,813 bytes long; scenario files are at most 2,000,000 bytes');
    expect(await page.evaluate(() => window.__regsim.state)).toEqual(state);
    await stillWorks(page);
    expect(problems).toEqual([]);
  });
});

test.describe('hostile attributes and calls of embedded figures', () => {
  async function openArticle(page) {
    await page.goto('./examples/article.html');
    await page.waitForFunction(() => [...document.querySelectorAll('regsim-figure')].every((f) => f.status === 'idle' && f.drawCount > 0), null, { timeout: 30_000 });
  }

  /** Add a figure with these attributes and wait until it settles; returns {status, errors}. */
  async function addFigure(page, attrs) {
    return page.evaluate(async (a) => {
      const f = document.createElement('regsim-figure');
      f.className = 'hostile';
      for (const [k, v] of Object.entries(a)) f.setAttribute(k, v);
      document.querySelector('main').append(f);
      for (let i = 0; i < 300 && !['idle', 'invalid', 'error'].includes(f.status); i++) await new Promise((r) => setTimeout(r, 100));
      return { status: f.status, errors: f.errors, caption: f.shadowRoot.querySelector('figcaption').textContent, link: f.shadowRoot.querySelector('a.open')?.getAttribute('href') ?? null };
    }, attrs);
  }

  test('markup and javascript: URLs in attributes are text or refused, never run', async ({ page }) => {
    const dialogs = noDialogs(page);
    await openArticle(page);
    const ok = await addFigure(page, { preset: 'sb53', replicates: '4', quarters: '8', caption: MARKUP });
    expect(ok.status).toBe('idle');
    expect(ok.caption).toBe(MARKUP);
    expect(ok.link.startsWith('http')).toBe(true);
    for (const app of ['javascript:alert(1)', ' JAVASCRIPT:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)']) {
      const bad = await addFigure(page, { preset: 'sb53', replicates: '4', quarters: '8', app });
      expect(bad.status).toBe('invalid');
      expect(bad.errors.join('\n')).toContain('is not allowed; expected the address (http or https) of the regsim app');
    }
    expect(await injected(page)).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  test('huge numbers and 100 KB attributes get a message each', async ({ page }) => {
    await openArticle(page);
    const r = await addFigure(page, { seed: '1e400', replicates: '99999999999999999999', quarters: '1e308', height: '1e309', set: 'demand0=1e400; compliance_fixed=-Infinity' });
    expect(r.status).toBe('invalid');
    const text = r.errors.join('\n');
    for (const s of ['seed: "1e400" is not allowed', 'replicates: "99999999999999999999" is not allowed', 'quarters: "1e308" is not allowed', 'height: "1e309" is not allowed', 'set: market.demand0', 'set: regime.compliance_fixed']) expect(text).toContain(s);
    const set = `compliance_fixed=1;${'x'.repeat(100_000)}`;
    const long = await addFigure(page, { set, caption: 'y'.repeat(100_000) });
    expect(long.status).toBe('invalid');
    expect(long.errors.join('\n')).toContain(`set: ${set.length} characters long; at most 2000 are read`);
    expect(long.errors.join('\n')).toContain('caption: 100000 characters long; at most 2000 are read');
    expect(long.caption).toBe('regsim figure');
    // The other figures of the article still draw.
    expect(await page.evaluate(() => [...document.querySelectorAll('regsim-figure:not(.hostile)')].every((f) => f.status === 'idle'))).toBe(true);
  });

  test('update() with __proto__, constructor and odd values refuses them and pollutes nothing', async ({ page }) => {
    await openArticle(page);
    const results = await page.evaluate(async () => {
      const f = document.querySelector('regsim-figure');
      const before = f.results.scenario;
      const out = [];
      const calls = [
        JSON.parse('{"params": {"__proto__": {"polluted": 1}}}'),
        JSON.parse('{"params": {"constructor": {"prototype": {"polluted": 1}}}}'),
        JSON.parse('{"options": {"__proto__": "x"}}'),
        JSON.parse('{"__proto__": {"polluted": 1}}'),
        { params: { compliance_fixed: 1e400 } },
        { params: { compliance_fixed: '1e400' } },
        { params: { compliance_fixed: () => 1 } },
        { options: { app: 'javascript:alert(1)' } },
        { options: { replicates: 1e20 } },
        Object.create({ params: { compliance_fixed: 5 } }),
      ];
      for (const c of calls) {
        try {
          await f.update(c);
          out.push('accepted');
        } catch (e) {
          out.push((e.errors ?? [e.message]).join(' | '));
        }
      }
      return { out, same: JSON.stringify(f.results.scenario) === JSON.stringify(before) };
    });
    expect(results.same).toBe(true);
    expect(results.out[0]).toContain('params: "__proto__" is not a parameter');
    expect(results.out[1]).toContain('params: "constructor" is not a parameter');
    expect(results.out[2]).toContain('"__proto__" is not an option');
    expect(results.out[3]).toContain('"__proto__" is not a key of update');
    expect(results.out[4]).toContain('is not a finite number');
    expect(results.out[5]).toContain('regime.compliance_fixed');
    expect(results.out[6]).toContain('a function');
    expect(results.out[7]).toContain('expected the address (http or https)');
    expect(results.out[8]).toContain('replicates');
    expect(results.out[9]).toContain('expected an object {options, params}');
    expect(results.out).not.toContain('accepted');
    expect(await prototypesClean(page)).toEqual([]);
  });

  test('the iframe figure ignores messages it does not expect, from its parent or another origin, and keeps working', async ({ page }) => {
    await page.goto('./examples/article.html');
    await expect.poll(() => page.frames().some((f) => f.url().includes('/embed.html'))).toBe(true);
    const frame = page.frames().find((f) => f.url().includes('/embed.html'));
    await frame.waitForFunction(() => document.querySelector('regsim-figure')?.drawCount > 0 && document.querySelector('regsim-figure').status === 'idle', null, { timeout: 30_000 });
    const draws = await frame.evaluate(() => document.querySelector('regsim-figure').drawCount);
    const r = await page.evaluate(async () => {
      const f = document.querySelector('iframe[src*="embed.html"]');
      const seen = [];
      const on = (e) => e.source === f.contentWindow && e.data?.type !== 'regsim:resize' && seen.push(e.data?.type);
      addEventListener('message', on);
      const big = { type: 'regsim:set', id: 'big', params: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, 1])) };
      const msgs = [
        JSON.parse('{"type": "regsim:set", "id": "p1", "params": {"__proto__": {"polluted": 1}}}'),
        JSON.parse('{"type": "regsim:set", "id": "p2", "options": {"constructor": {"prototype": {"polluted": 1}}}}'),
        { type: 'regsim:set', id: 'p3', params: { compliance_fixed: '<img src=x onerror=alert(1)>' } },
        big,
        { type: 'regsim:get', id: 'x'.repeat(1_000_000) },
        new Array(100_000).fill('regsim:get'),
      ];
      for (const m of msgs) f.contentWindow.postMessage(m, '*');
      // A flood of gets: each answered, none lost, the page still responsive.
      for (let i = 0; i < 500; i++) f.contentWindow.postMessage({ type: 'regsim:get', id: i }, '*');
      await new Promise((res) => setTimeout(res, 3000));
      removeEventListener('message', on);
      return seen;
    });
    // p3 is answered with an error naming the value as text; the malformed ones not at all.
    expect(r.filter((t) => t === 'regsim:result').length).toBe(500);
    expect(r.filter((t) => t === 'regsim:error').length).toBe(1);
    expect(r.length).toBe(501);
    expect(await frame.evaluate(() => document.querySelector('regsim-figure').drawCount)).toBe(draws);
    expect(await frame.evaluate(() => 'polluted' in {})).toBe(false);
    expect(await injected(page)).toEqual([]);
  });
});

// The npm package from a CDN: the unpacked tarball served as a CDN of npm packages serves it
// (a second origin, a versioned path, CORS), and docs/embedding.md's first example on a page of
// the first origin. The figure draws; its "Open in regsim" opens the app of that path with the
// same numbers; embed.html from there draws in an iframe.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, VERSION, figuresDrawn, launchChromium, serveDir, tempDir, unpackTarball, watch } from './lib.mjs';

const CDN = 'https://unpkg.com';

/** docs/embedding.md's first HTML example, with the CDN's origin and version replaced. */
function firstExample(cdnOrigin) {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/embedding.md'), 'utf8');
  const html = /```html\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(html, 'docs/embedding.md has an HTML example');
  const pinned = new RegExp(`${CDN.replaceAll('.', '\\.')}/regsim@(\\d+\\.\\d+\\.\\d+)/dist/regsim-figure\\.js`);
  assert.match(html, pinned, "the first example loads the figure from the CDN, pinned to a version");
  return html.replaceAll(`${CDN}/regsim@${pinned.exec(html)[1]}/`, `${cdnOrigin}/regsim@${VERSION}/`);
}

/** A figure's medians of hhi, both arms, as the app's result would give them. */
const medians = (r) => [r.series.hhi.baseline.p50, r.series.hhi.reform.p50];

test('CDN: the figure from a second origin at a versioned path draws, and opens the app of that path with the same numbers', async (t) => {
  const files = unpackTarball(path.join(tempDir(t, 'cdn'), 'regsim'));
  const cdn = await serveDir({ root: files, prefix: `/regsim@${VERSION}/`, headers: () => ({ 'access-control-allow-origin': '*' }) });
  const example = firstExample(cdn.origin);
  const site = await serveDir({
    pages: {
      '/article.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>An article</title><link rel="icon" href="data:,"></head><body><h1>An article</h1>\n${example}\n</body></html>`,
      '/framed.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framed</title><link rel="icon" href="data:,"></head><body><iframe id="f" title="figure" width="700" height="600" src="${cdn.origin}/regsim@${VERSION}/dist/embed.html?preset=sb53&amp;replicates=4&amp;metric=cr4"></iframe></body></html>`,
    },
  });
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await site.close();
    await cdn.close();
  });

  const page = await browser.newPage();
  const problems = watch(page);
  await page.goto(`${site.origin}/article.html`);
  await figuresDrawn(page);
  const fig = page.locator('regsim-figure').first();
  const r = await fig.evaluate((f) => f.results);
  // The worker and the model came from the CDN's versioned path.
  const asked = cdn.requests.filter((p) => p.startsWith(`/regsim@${VERSION}/dist/`));
  assert.ok(asked.some((p) => /\/assets\/worker-[\w-]+\.js$/.test(p)) && asked.some((p) => p.endsWith('.wasm')), `from the CDN: ${asked.join(', ')}`);
  assert.match(await fig.locator('.note').textContent(), new RegExp(`Simulated live by regsim ${VERSION.replaceAll('.', '\\.')}:`));
  assert.ok(r.link.startsWith(`${cdn.origin}/regsim@${VERSION}/dist/index.html?`), r.link);
  assert.deepEqual(problems, []);

  // The element's attributes are those its declarations list.
  const dts = fs.readFileSync(path.join(files, 'types/figure.d.ts'), 'utf8');
  const declared = [.../interface RegsimFigureAttributes \{([\s\S]*?)\n\}/.exec(dts)[1].matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1]);
  assert.deepEqual(declared, await page.evaluate(() => customElements.get('regsim-figure').observedAttributes));

  // "Open in regsim": the app of the same path, with the same numbers.
  const app = await browser.newPage();
  const appProblems = watch(app);
  await app.goto(r.link);
  await app.waitForSelector('body[data-status="idle"]', { timeout: 60_000 });
  const appMedians = await app.evaluate(() => {
    const res = window.__regsim.result;
    return [res.baseline.metrics.hhi.p50, res.reform.metrics.hhi.p50].map((a) => Array.from(a, (x) => (Number.isNaN(x) ? null : x)));
  });
  assert.deepEqual(appMedians, medians(r));
  assert.match(await app.textContent('#model-version'), new RegExp(`regsim ${VERSION.replaceAll('.', '\\.')}\\.`));
  assert.deepEqual(appProblems, []);

  // embed.html from the CDN, in an iframe of the first origin.
  const framed = await browser.newPage();
  const framedProblems = watch(framed);
  await framed.goto(`${site.origin}/framed.html`);
  const frame = framed.frameLocator('#f');
  await frame.locator('regsim-figure').evaluate((f) => new Promise((done) => (f.status === 'idle' && f.drawCount > 0 ? done() : f.addEventListener('regsim:results', () => done(), { once: true }))));
  assert.ok((await frame.locator('regsim-figure').evaluate((f) => f.results.link)).startsWith(`${cdn.origin}/regsim@${VERSION}/dist/index.html?`));
  assert.deepEqual(framedProblems, []);
});

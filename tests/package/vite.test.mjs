// The npm package in a bundler: a fresh Vite project that imports the figure and the API from
// the installed tarball builds, and its page draws the figure and runs a comparison in headless
// Chromium. Its "Open in regsim" goes to the same version's app on the CDN (a bundled figure has
// no app beside it).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, VERSION, figuresDrawn, installTarball, launchChromium, serveDir, tempDir, watch } from './lib.mjs';

const INDEX = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>A fresh Vite project</title><link rel="icon" href="data:," /></head>
  <body>
    <h1>An article</h1>
    <regsim-figure preset="sb53" baseline="none" replicates="4" metric="hhi"></regsim-figure>
    <p id="api">…</p>
    <script type="module" src="/main.js"></script>
  </body>
</html>
`;

const MAIN = `import 'regsim/figure';
import { compare, version } from 'regsim';

const r = await compare('none', 'sb53', { replicates: 2 });
document.getElementById('api').textContent = \`regsim \${await version()}: \${r.difference.metrics.hhi.p50.length} quarters\`;
`;

test('Vite: a fresh project that imports the package builds, draws a figure and runs the API in Chromium', async (t) => {
  const dir = tempDir(t, 'vite');
  installTarball(dir, { 'index.html': INDEX, 'main.js': MAIN });
  execFileSync(path.join(ROOT, 'tests/package/node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const built = fs.readdirSync(path.join(dir, 'dist/assets'));
  assert.ok(built.some((f) => f.endsWith('.wasm')), `the model is in the build: ${built.join(', ')}`);

  const server = await serveDir({ root: path.join(dir, 'dist'), pages: {} });
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const page = await browser.newPage();
  const problems = watch(page);
  await page.goto(`${server.origin}/index.html`);
  await figuresDrawn(page);
  await page.waitForFunction(() => document.getElementById('api').textContent !== '…', null, { timeout: 60_000 });
  assert.equal(await page.textContent('#api'), `regsim ${VERSION}: 40 quarters`);
  const fig = page.locator('regsim-figure');
  const r = await fig.evaluate((f) => f.results);
  assert.equal(r.scenario.preset, 'sb53');
  assert.equal(r.series.hhi.reform.p50.length, 40);
  assert.ok(r.link.startsWith(`https://unpkg.com/regsim@${VERSION}/dist/index.html?`), r.link);
  assert.match(await fig.locator('.note').textContent(), new RegExp(`regsim ${VERSION.replaceAll('.', '\\.')}`));
  assert.deepEqual(problems, []);
});

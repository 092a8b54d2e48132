// Sizes of what readers and users download, measured on the packed npm package (issue 16):
// the tarball (at most 600 KB), and an embedded figure's transfer — the script, the chunks it
// imports, the worker and the model, each gzipped at level 9 as a CDN would send them — from the
// unpacked package served as a CDN serves it (a second origin, a versioned path), as headless
// Chromium asks for them for one figure (at most 250 KB). Run by `./build.sh bench` after
// `./build.sh pack`:
//
//   node benches/sizes.mjs [target/npm/regsim-VERSION.tgz]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { VERSION, figuresDrawn, launchChromium, serveDir, tarball, unpackTarball } from '../tests/package/lib.mjs';

const TARBALL_KB = 600;
const FIGURE_KB = 250;

if (process.argv[2]) process.env.REGSIM_TARBALL = path.resolve(process.argv[2]);
const tgz = tarball();
const kb = (n) => (n / 1000).toFixed(1);
const verdict = (n, budget) => `${kb(n)} KB (budget ${budget} KB: ${n <= budget * 1000 ? 'met' : 'NOT met'})`;

const packed = fs.statSync(tgz).size;
console.log(`npm package ${path.basename(tgz)}: ${verdict(packed, TARBALL_KB)}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'regsim-sizes-'));
const files = unpackTarball(path.join(tmp, 'regsim'));
const prefix = `/regsim@${VERSION}/`;
const cdn = await serveDir({ root: files, prefix, headers: () => ({ 'access-control-allow-origin': '*' }) });
const site = await serveDir({
  pages: { '/article.html': `<!doctype html><title>sizes</title><link rel="icon" href="data:,"><script type="module" src="${cdn.origin}${prefix}dist/regsim-figure.js"></script><regsim-figure replicates="4"></regsim-figure>` },
});
const browser = await launchChromium();
let failed = false;
try {
  const page = await browser.newPage();
  await page.goto(`${site.origin}/article.html`);
  await figuresDrawn(page);
  const asked = [...new Set(cdn.requests)].filter((p) => /\.(js|wasm)$/.test(p)).sort();
  const sizes = asked.map((p) => [p.slice(prefix.length), zlib.gzipSync(fs.readFileSync(path.join(files, p.slice(prefix.length))), { level: 9 }).length]);
  for (const [f, n] of sizes) console.log(`  ${f}: ${kb(n)} KB gzipped`);
  const total = sizes.reduce((s, [, n]) => s + n, 0);
  console.log(`an embedded figure's script, worker and model: ${verdict(total, FIGURE_KB)}`);
  failed = packed > TARBALL_KB * 1000 || total > FIGURE_KB * 1000;
} finally {
  await browser.close();
  await site.close();
  await cdn.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

// What the package's tests (and benches/sizes.mjs) share: the tarball, fresh projects in a
// temporary directory, small static servers on 127.0.0.1 (each port its own origin) and Debian's
// Chromium through Playwright's driver.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { crateVersion } from '../../tools/version.mjs';

export { bitsHash } from './bits.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VERSION = crateVersion();
export const PINNED = fs.readFileSync(path.join(ROOT, 'tests/pinned_hash.txt'), 'utf8').trim();

/** The packed tarball: $REGSIM_TARBALL (./build.sh test sets it), or target/npm/regsim-VERSION.tgz. */
export function tarball() {
  const t = process.env.REGSIM_TARBALL || path.join(ROOT, `target/npm/regsim-${VERSION}.tgz`);
  if (!fs.existsSync(t)) throw new Error(`${t} does not exist: run ./build.sh pack first`);
  return t;
}

/** A fresh temporary directory, removed when the test ends (`t.after`). */
export function tempDir(t, name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `regsim-${name}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh npm project in `dir` with the tarball installed (no registry: it has no dependencies). */
export function installTarball(dir, files = {}) {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fresh-project', private: true, type: 'module' }, null, 2));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball()], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return path.join(dir, 'node_modules/regsim');
}

/** Unpack the tarball (its files are under package/) into `dir`, as a CDN serves them. */
export function unpackTarball(dir) {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball(), '-C', dir, '--strip-components=1']);
  return dir;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/**
 * Serve `root` on a free port of 127.0.0.1: files under `prefix` (a path such as
 * /regsim@1.4.0/), `pages` (path → HTML) as they are, `headers(path)` added to every response.
 * Resolves to {origin, requests (paths asked for), close()}.
 */
export function serveDir({ root = null, prefix = '/', headers = () => ({}), pages = {} } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    requests.push(rel);
    if (Object.prototype.hasOwnProperty.call(pages, rel)) {
      res.writeHead(200, { 'content-type': TYPES['.html'], ...headers(rel) }).end(pages[rel]);
      return;
    }
    if (!root || !rel.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain', ...headers(rel) }).end('not found');
      return;
    }
    const file = path.join(root, rel.slice(prefix.length));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain', ...headers(rel) }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...headers(rel) });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const close = () =>
        new Promise((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
      resolve({ origin: `http://127.0.0.1:${server.address().port}`, requests, close });
    });
  });
}

/** Debian's Chromium, headless ($CHROMIUM_PATH to use another). */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Console errors, page errors and failed requests of a page, collected as lines. */
export function watch(page) {
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return problems;
}

/** Wait until every <regsim-figure> of the page has drawn a result (or fail with their status). */
export async function figuresDrawn(page, timeout = 60_000) {
  await page.waitForFunction(
    () => {
      const figs = [...document.querySelectorAll('regsim-figure')];
      return figs.length > 0 && figs.every((f) => f.status === 'idle' && f.drawCount > 0);
    },
    null,
    { timeout },
  ).catch(async (e) => {
    const s = await page.evaluate(() => [...document.querySelectorAll('regsim-figure')].map((f) => `${f.status}: ${f.errors?.join('; ')}`));
    throw new Error(`figures not drawn: ${JSON.stringify(s)} (${e.message})`);
  });
}

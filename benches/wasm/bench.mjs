// The wasm benchmark: agent-quarters per second of the same scenario natively, in WebAssembly in
// Node.js and in WebAssembly in headless Chromium (in a module worker, as the app runs it), the
// wasm/native ratios, whether all three give the same bits, and the gzipped size of the release
// .wasm. Run by `./build.sh bench` after `./build.sh build` (which makes www/pkg).
//
//   node benches/wasm/bench.mjs [--replicates N] [--seconds S] [--no-chromium]
//
// An agent-quarter is one alive developer or derivative builder in one quarter (the sum over
// replicates and quarters of the n_developers and n_derivatives columns). Each engine runs whole
// ensembles of the default scenario (40 quarters) on one thread, after a warm-up, for at least S
// seconds. Targets (issue 3): wasm at least 0.75× native; the .wasm at most 200 KB gzipped.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const pkgDir = path.join(root, 'www/pkg');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const replicates = opt('replicates', 32);
const seconds = opt('seconds', 3);
const withChromium = !args.includes('--no-chromium');
const TARGET_RATIO = 0.75;
const TARGET_GZIP_KB = 200;

if (!fs.existsSync(path.join(pkgDir, 'regsim_bg.wasm'))) {
  console.error('wasm-bench: www/pkg/regsim_bg.wasm is missing; run ./build.sh build first');
  process.exit(1);
}

function cargo(example, exampleArgs) {
  const r = spawnSync('cargo', ['run', '--quiet', '--release', '--example', example, '--', ...exampleArgs.map(String)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`cargo run --example ${example} failed`);
  return r.stdout.trim().split('\n').pop();
}

// --- Native ---
console.error(`wasm-bench: native (cargo run --release --example agent_quarters), ${replicates} replicates, ≥ ${seconds} s`);
const native = JSON.parse(cargo('agent_quarters', [replicates, seconds]));
native.hash = cargo('replicate_hash', []);

// --- WebAssembly in Node.js, through the release package's own glue ---
console.error('wasm-bench: wasm in Node.js');
const { measure } = await import(pathToFileURL(path.join(here, 'measure.mjs')).href);
const api = await import(pathToFileURL(path.join(pkgDir, 'regsim.js')).href);
api.initSync({ module: fs.readFileSync(path.join(pkgDir, 'regsim_bg.wasm')) });
const nodeResult = { engine: 'wasm, Node.js ' + process.version, ...measure(api, replicates, seconds) };

// --- WebAssembly in headless Chromium ---
async function chromium() {
  const exe = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
  if (!exe) throw new Error('no Chromium found (apt-get install chromium)');
  const files = {
    '/bench.html': path.join(here, 'bench.html'),
    '/bench-worker.mjs': path.join(here, 'bench-worker.mjs'),
    '/measure.mjs': path.join(here, 'measure.mjs'),
  };
  const type = (f) => ({ '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' })[path.extname(f)] || 'application/octet-stream';
  let resolveResult, rejectResult;
  const result = new Promise((res, rej) => ((resolveResult = res), (rejectResult = rej)));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/result') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.end('ok');
        const r = JSON.parse(body);
        r.error ? rejectResult(new Error(`in Chromium: ${r.error}`)) : resolveResult(r);
      });
      return;
    }
    const file = files[url.pathname] || (url.pathname.startsWith('/pkg/') && path.join(pkgDir, path.basename(url.pathname)));
    if (!file || !fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': type(file) }).end(fs.readFileSync(file));
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  const port = server.address().port;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'regsim-bench-chromium-'));
  const browser = spawn(exe, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--mute-audio', `--user-data-dir=${profile}`,
    `http://127.0.0.1:${port}/bench.html?replicates=${replicates}&seconds=${seconds}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true }); // its own process group, ended as one
  let stderr = '';
  browser.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => rejectResult(new Error(`no result from Chromium in 180 s\n${stderr.slice(-2000)}`)), 180_000);
  browser.on('exit', (code) => rejectResult(new Error(`Chromium exited (${code}) before reporting\n${stderr.slice(-2000)}`)));
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    browser.removeAllListeners('exit');
    if (browser.exitCode === null && browser.signalCode === null) {
      const exited = new Promise((res) => browser.once('exit', res));
      try {
        process.kill(-browser.pid, 'SIGKILL'); // the browser and its helper processes
      } catch {
        browser.kill('SIGKILL');
      }
      await exited;
    }
    server.close();
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (e) {
      console.error(`wasm-bench: could not remove ${profile}: ${e.message}`);
    }
  }
}

const results = [native, nodeResult];
if (withChromium) {
  console.error('wasm-bench: wasm in headless Chromium');
  results.push(await chromium());
}

// --- Report ---
const wasm = fs.readFileSync(path.join(pkgDir, 'regsim_bg.wasm'));
const gzipKB = zlib.gzipSync(wasm, { level: 9 }).length / 1024;
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`\nwasm benchmark: default scenario, ${replicates} replicates × 40 quarters per ensemble, one thread each`);
console.log('engine'.padEnd(34) + 'agent-quarters/s'.padStart(18) + 'ms/replicate'.padStart(14) + 'wasm/native'.padStart(13) + '  hash of replicate 0');
for (const r of results) {
  const ratio = r === native ? '' : fmt(r.agent_quarters_per_second / native.agent_quarters_per_second, 2);
  console.log(r.engine.padEnd(34) + fmt(r.agent_quarters_per_second).padStart(18) + fmt(r.ms_per_replicate, 2).padStart(14) + ratio.padStart(13) + `  ${r.hash}`);
}
console.log(`release .wasm: ${fmt(wasm.length / 1024, 1)} KB, ${fmt(gzipKB, 1)} KB gzipped (target ≤ ${TARGET_GZIP_KB} KB)`);
const sameBits = results.every((r) => r.hash === native.hash);
const worst = Math.min(...results.slice(1).map((r) => r.agent_quarters_per_second / native.agent_quarters_per_second));
console.log(`same bits in every engine: ${sameBits ? 'yes' : 'NO'}`);
console.log(`targets: wasm/native ≥ ${TARGET_RATIO}: ${worst >= TARGET_RATIO ? 'met' : 'NOT met'} (lowest ${fmt(worst, 2)}); gzipped .wasm ≤ ${TARGET_GZIP_KB} KB: ${gzipKB <= TARGET_GZIP_KB ? 'met' : 'NOT met'}`);
if (!sameBits) process.exitCode = 1;

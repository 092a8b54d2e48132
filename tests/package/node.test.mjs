// The npm package in Node.js, installed from its tarball into a fresh project: the API gives the
// pinned bits, shares runs out among worker threads with the same result, reports progress,
// stops on an AbortSignal, names every bad input, and lets the process exit by itself; its
// TypeScript declarations compile (tsc) and name the model's presets and metrics.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { PINNED, ROOT, VERSION, installTarball, tempDir } from './lib.mjs';

const BITS = pathToFileURL(path.join(ROOT, 'tests/package/bits.mjs')).href;

// Run in the fresh project, as a user's script would be: no close(), so that the process must
// end by itself once nothing is pending.
const SCRIPT = `
import * as regsim from 'regsim';
import { bitsHash } from ${JSON.stringify(BITS)};

const out = {};
const caught = async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, message: e.message }; } };
out.version = await regsim.version();
out.presetNames = await regsim.presetNames();
out.metricNames = (await regsim.metrics()).map((m) => m.name);
out.parameters = (await regsim.parameters()).length;
const def = await regsim.defaultScenario();

// Replicate 0 of the default scenario through compare(): its medians over one replicate are
// that run's values, whose bits the pinned hash covers.
const progress = [];
const r = await regsim.compare(def, def, { replicates: 1, onProgress: (p) => progress.push(p) });
out.resultVersion = r.version;
out.hash = bitsHash(out.metricNames.map((m) => r.baseline.metrics[m].p50));
out.reformHash = bitsHash(out.metricNames.map((m) => r.reform.metrics[m].p50));
out.typed = ['baseline', 'reform', 'difference'].every((arm) => out.metricNames.every((m) => ['mean', 'p5', 'p25', 'p50', 'p75', 'p95'].every((s) => r[arm].metrics[m][s] instanceof Float64Array && r[arm].metrics[m][s].length === 40)));
out.progress = progress.at(-1);

// The same comparison on one worker and on three (each a share of the replicates, merged by
// worker 0): the same bits.
const one = regsim.createModel({ workers: 1 });
const three = regsim.createModel({ workers: 3 });
const [a, b] = await Promise.all([one.compare('none', 'sb1047', { replicates: 6 }), three.compare('none', 'sb1047', { replicates: 6 })]);
out.shardedSame = ['baseline', 'reform', 'difference'].every((arm) => out.metricNames.every((m) => bitsHash([a[arm].metrics[m].p50, a[arm].metrics[m].mean]) === bitsHash([b[arm].metrics[m].p50, b[arm].metrics[m].mean])));
out.workers = [one.workers, three.workers];
one.close();
three.close();
out.afterClose = await caught(() => one.version());

// A single scenario, and cancellation.
const single = await regsim.run('sb53', { replicates: 2 });
out.single = [Object.keys(single).sort().join(','), single.replicates];
const ac = new AbortController();
out.aborted = await caught(() => regsim.compare('none', 'strict_all', { replicates: 512, signal: ac.signal, onProgress: () => ac.abort() }));
out.preAborted = await caught(() => regsim.run('none', { signal: AbortSignal.abort() }));
out.afterAbort = (await regsim.run('none', { replicates: 1 })).replicates;

// Bad input: every problem named, nothing hangs.
out.errors = {
  quarters: await caught(() => regsim.compare('none', { simulation: { quarters: 1e9 } }, { replicates: 2 })),
  preset: await caught(() => regsim.run('sb1048')),
  replicates: await caught(() => regsim.run('none', { replicates: 0 })),
  option: await caught(() => regsim.run('none', { replicate: 2 })),
  scenario: await caught(() => regsim.run(new Date())),
  fn: await caught(() => regsim.run({ simulation: { seed: () => 1 } })),
  workers: await caught(() => regsim.createModel({ workers: 0 })),
};
out.validate = await regsim.validate({ market: { beta_frontier: NaN } });
out.validateGood = await regsim.validate('sb1047');
console.log(JSON.stringify(out));
`;

const TS = `
import { compare, createModel, preset, type ComparisonResult, type Problem } from 'regsim';
import 'regsim/figure';
import type { RegsimFigureAttributes, RegsimFigureElement } from 'regsim/figure';

const r: ComparisonResult = await compare('none', 'sb1047', { replicates: 4, signal: new AbortController().signal, onProgress: ({ done, total }) => console.log(done / total) });
const hhi: Float64Array = r.difference.metrics.hhi.p50;
const years: Float64Array = r.years;
const version: string = r.version;
const m = createModel({ workers: 2 });
const s = await preset('eu_gpai');
s.simulation.quarters = 20;
const problems: Problem[] = await m.validate({ ...s, regime: { compliance_fixed: 5e6 } });
m.close();
// @ts-expect-error: not an option
await compare('none', 'sb1047', { replicate: 4 });
// @ts-expect-error: not a preset
await compare('none', 'sb1048');
// @ts-expect-error: not a metric
console.log(r.baseline.metrics.hhx);
// @ts-expect-error: run() has no reform
console.log((await m.run('none')).reform);

const fig = document.querySelector('regsim-figure');
if (fig) {
  const el: RegsimFigureElement = fig;
  await el.update({ options: { metric: 'hhi, cr4', seed: 7, caption: null }, params: { compliance_fixed: '5M' } });
  el.addEventListener('regsim:results', (e) => console.log(e.detail.summary, e.detail.series.hhi?.reform.p50[0]));
  // @ts-expect-error: not an option of the element
  await el.update({ options: { colour: 'red' } });
}
const attrs: RegsimFigureAttributes = { preset: 'sb53', baseline: 'none', difference: '', theme: 'auto', replicates: '64' };
// @ts-expect-error: not a theme
const bad: RegsimFigureAttributes = { theme: 'blue' };
console.log(hhi, years, version, problems, attrs, bad);
`;

/** The string literals of a union type in a declaration file. */
function union(dts, name) {
  const m = new RegExp(`export type ${name} =([^;]+);`).exec(dts);
  assert.ok(m, `${name} is declared`);
  return [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
}

test('Node.js: the API from the tarball gives the pinned bits, runs on worker threads, stops when aborted, names bad input, and lets the process exit', (t) => {
  const dir = tempDir(t, 'node');
  const pkg = installTarball(dir, { 'check.mjs': SCRIPT });
  const res = spawnSync(process.execPath, ['check.mjs'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  assert.equal(res.error, undefined, `the script did not end by itself: ${res.error?.message}`);
  assert.equal(res.status, 0, res.stderr);
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1));

  assert.equal(out.hash, PINNED, 'compare() in Node.js against tests/pinned_hash.txt');
  assert.equal(out.reformHash, PINNED);
  assert.equal(out.typed, true, 'one Float64Array per arm, metric and statistic, 40 quarters');
  assert.deepEqual(out.progress, { done: 2, total: 2 });
  assert.equal(out.version, VERSION);
  assert.equal(out.resultVersion, VERSION);
  assert.equal(JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).version, VERSION, "the package's version is Cargo.toml's");
  assert.ok(out.parameters > 50);
  assert.equal(out.shardedSame, true, 'three workers give the bits of one');
  assert.deepEqual(out.workers, [1, 3]);
  assert.match(out.afterClose.message, /closed/);
  assert.deepEqual(out.single, ['baseline,quarters,replicates,version,years', 2]);
  assert.equal(out.aborted.name, 'AbortError');
  assert.equal(out.preAborted.name, 'AbortError');
  assert.equal(out.afterAbort, 1, 'the model runs again after an abort');

  const e = out.errors;
  assert.match(e.quarters.message, /reform\.simulation\.quarters.*1000000000/);
  assert.match(e.preset.message, /scenario: "sb1048" is not a preset; expected one of none, sb1047/);
  assert.match(e.replicates.message, /replicates: 0 is not allowed; expected a whole number from 1 to \d+/);
  assert.match(e.option.message, /"replicate" is not an option; expected replicates, onProgress, signal/);
  assert.match(e.scenario.message, /scenario: an object is not allowed; expected a scenario object/);
  assert.match(e.fn.message, /cannot be sent to the model/);
  assert.match(e.workers.message, /workers: 0 is not allowed; expected a whole number from 1 to 64/);
  assert.ok(out.validate.some((p) => p.field === 'market.beta_frontier' && p.value === 'NaN'), JSON.stringify(out.validate));
  assert.deepEqual(out.validateGood, []);

  // The declarations name the model's presets and metrics, in its order.
  const dts = fs.readFileSync(path.join(pkg, 'types/index.d.ts'), 'utf8');
  assert.deepEqual(union(dts, 'PresetName'), out.presetNames, 'types/index.d.ts PresetName against presetNames()');
  assert.deepEqual(union(dts, 'MetricName'), out.metricNames, 'types/index.d.ts MetricName against metrics()');
});

test('TypeScript: the declarations of the API and the element compile with tsc, and refuse what the API refuses', (t) => {
  const dir = tempDir(t, 'tsc');
  installTarball(dir, {
    'check.ts': TS,
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [] }, files: ['check.ts'] }),
  });
  const tsc = path.join(ROOT, 'tests/package/node_modules/.bin/tsc');
  try {
    execFileSync(tsc, ['-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    assert.fail(`tsc found errors:\n${err.stdout}${err.stderr}`);
  }
  // And it is not a check that passes anything: an unused @ts-expect-error is an error.
  fs.appendFileSync(path.join(dir, 'check.ts'), "// @ts-expect-error: this line is fine\nawait compare('none', 'sb53');\n");
  assert.throws(() => execFileSync(tsc, ['-p', 'tsconfig.json'], { cwd: dir, stdio: 'pipe' }));
});

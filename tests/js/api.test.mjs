// The JavaScript API as the web app sees it: the release package in www/pkg (built and
// wasm-opt'd by `./build.sh build`), loaded through wasm-bindgen's own glue, fed JS garbage of
// every type. Run with `node --test tests/js/` after `./build.sh build`.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const pkg = new URL('../../www/pkg/', import.meta.url);
const api = await import(new URL('regsim.js', pkg));
api.initSync({ module: fs.readFileSync(new URL('regsim_bg.wasm', pkg)) });

const pinned = fs.readFileSync(new URL('../pinned_hash.txt', import.meta.url), 'utf8').trim();
const short = (quarters, extra = {}) => ({ ...extra, simulation: { ...(extra.simulation || {}), quarters } });

function throwsNaming(fn, ...needles) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error, `accepted; expected an Error naming ${needles.join(', ')}`);
  assert.ok(error instanceof Error, `threw ${String(error)}, not an Error`);
  for (const n of needles) assert.ok(error.message.includes(n), `message "${error.message}" does not name ${n}`);
}

test('the release package gives the same bits as the native build (tests/pinned_hash.txt)', () => {
  assert.equal(api.replicateHash(api.defaultScenario(), 0), pinned);
});

test('the model says its version, Cargo.toml’s, as every result does', async () => {
  const { crateVersion } = await import('../../tools/version.mjs');
  assert.equal(api.version(), crateVersion());
  assert.equal(api.runEnsemble(short(2), 1).version, api.version());
});

test('presets, default scenario, parameter table and metrics', () => {
  const names = api.presetNames();
  assert.deepEqual(names, ['none', 'sb1047', 'sb53', 'eu_gpai', 'strict_all', 'open_safe_harbor']);
  for (const n of names) {
    assert.ok(api.presetDescription(n).length > 10);
    assert.deepEqual(api.validateScenario(api.preset(n)), []);
  }
  assert.deepEqual(api.validateScenario(api.defaultScenario()), []);
  assert.ok(api.paramSpecs().length > 50);
  assert.ok(api.metrics().some((m) => m.name === 'hhi'));
});

test('results cross as one Float64Array per metric and statistic', () => {
  const r = api.runComparison(api.preset('none'), api.preset('eu_gpai'), 3);
  for (const arm of ['baseline', 'reform', 'difference']) {
    for (const { name } of api.metrics()) {
      for (const stat of ['mean', 'p5', 'p25', 'p50', 'p75', 'p95']) {
        const s = r[arm].metrics[name][stat];
        assert.ok(s instanceof Float64Array, `${arm}.${name}.${stat}`);
        assert.equal(s.length, 40);
      }
    }
  }
  assert.ok(r.years instanceof Float64Array);
  assert.equal(r.quarters.length, 40);
});

test('an Experiment steps, reports progress and gives the same result', () => {
  const exp = new api.Experiment(short(8), short(8, api.preset('sb53')), 2);
  assert.equal(exp.runsTotal, 4);
  while (!exp.step(1)) assert.ok(exp.progress() > 0 && exp.progress() < 1);
  assert.equal(exp.runsDone, 4);
  const a = exp.result();
  exp.free();
  const b = api.runComparison(short(8), short(8, api.preset('sb53')), 2);
  assert.deepEqual(a.difference.metrics.hhi.mean, b.difference.metrics.hhi.mean);
});

test('garbage of every JS type throws an Error naming the field, the value and the range', () => {
  const garbage = [
    [42, 'scenario', '42'],
    ['sb1047', 'scenario', '"sb1047"'],
    [[1, 2], 'scenario', 'an array'],
    [() => 1, 'scenario', 'a function'],
    [Symbol('x'), 'scenario', 'symbol'],
    [10n, 'scenario', 'bigint'],
    [null, 'scenario', 'null'],
    [undefined, 'scenario', 'undefined'],
    // Objects that are not plain (a Date, a Map, a class instance) would have their fields
    // ignored: refused rather than run as the defaults.
    [new Date(0), 'scenario', 'an object', 'scenario object'],
    [new Map([['simulation', { quarters: 4 }]]), 'scenario', 'an object', 'scenario object'],
    [{ simulation: { quarters: '40' } }, 'simulation.quarters', '"40"', '200'],
    [{ simulation: { quarters: NaN } }, 'simulation.quarters', 'NaN', '200'],
    [{ simulation: { quarters: 1e9 } }, 'simulation.quarters', '1000000000', '200'],
    [{ simulation: { quarters: 2 ** 32 } }, 'simulation.quarters', '4294967296', '200'],
    [{ simulation: { quarters: 10n } }, 'simulation.quarters', 'bigint'],
    [{ simulation: { seed: 2 ** 60 } }, 'simulation.seed', '9007199254740991'],
    [{ market: { beta_frontier: NaN } }, 'market.beta_frontier', 'NaN', 'finite number'],
    [{ market: { demand0: -Infinity } }, 'market.demand0', '-inf'],
    [{ regime: { cover_rule: 'sometimes' } }, 'regime.cover_rule', '"sometimes"', '"compute_only"'],
    [{ regime: { liability_rule: null } }, 'regime.liability_rule', 'null', '"strict"'],
    [{ regime: { cover_cost: {} } }, 'regime.cover_cost', 'an object', 'or null for none'],
    [{ firms: { startup: { count: -1 } } }, 'firms.startup.count', '-1'],
    [{ firms: { startup: { colour: 'red' } } }, 'firms.startup.colour', 'known field'],
    [{ simulation: [] }, 'simulation', 'an array'],
    [{ nonsense: 1 }, 'nonsense', 'known field'],
  ];
  for (const [value, field, ...needles] of garbage) {
    const errors = api.validateScenario(value);
    assert.ok(errors.some((e) => e.field === field), `validateScenario(${String(field)}): ${JSON.stringify(errors)}`);
    throwsNaming(() => api.runEnsemble(value, 2), field, ...needles);
    throwsNaming(() => api.replicateHash(value, 0), field, ...needles);
    throwsNaming(() => new api.Experiment(value, null, 2), field, ...needles);
    throwsNaming(() => api.runComparison(short(40), value, 2), field === 'scenario' ? 'reform' : `reform.${field}`);
  }
});

test('wrong types for the other arguments throw naming them, never trap', () => {
  for (const reps of [NaN, 0, -1, 1.5, 1e12, Infinity, 'many', {}]) {
    throwsNaming(() => api.runEnsemble(short(4), reps), 'replicates');
  }
  throwsNaming(() => api.runComparison(short(4), undefined, 2), 'reform');
  throwsNaming(() => api.runComparison(short(4), short(8), 2), 'simulation.quarters', 'same horizon');
  throwsNaming(() => api.preset('sb1048'), 'preset', '"sb1048"', 'sb1047');
  // Arguments of the wrong type are named, not trapped on or coerced.
  for (const v of [42, {}, null, undefined, true]) {
    throwsNaming(() => api.preset(v), 'preset', 'sb1047');
    throwsNaming(() => api.presetDescription(v), 'preset');
  }
  for (const v of [-1, 1.5, NaN, '2', 2 ** 32]) throwsNaming(() => api.replicateHash(short(4), v), 'index', 'whole number');
  for (const v of ['4', true, [2]]) throwsNaming(() => api.runEnsemble(short(4), v), 'replicates');
  // Step counts are coerced to u32 by wasm-bindgen (and at least one run is done).
  const exp = new api.Experiment(short(4), null, 2);
  throwsNaming(() => exp.shard(0, -1), 'parts');
  throwsNaming(() => exp.importRuns(42), 'importRuns', 'Float64Array');
  assert.equal(exp.step(NaN), false); // at least one run per step
  assert.equal(exp.step(-1), true);
  // The instance still works after all that.
  assert.equal(api.replicateHash(api.defaultScenario(), 0), pinned);
});

// The model's two builds (docs/embedding.md): the core in www/pkg-core, which figures load, and
// the full build in www/pkg. Where both run a scenario they give the same bits; the core refuses,
// naming the field, what only the full build does (parameter uncertainty), and has none of the
// full build's analysis. Run with `node --test tests/js/` after `./build.sh build`.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

async function load(dir) {
  const pkg = new URL(`../../www/${dir}/`, import.meta.url);
  const api = await import(new URL('regsim.js', pkg));
  api.initSync({ module: fs.readFileSync(new URL('regsim_bg.wasm', pkg)) });
  return api;
}
const [core, full] = [await load('pkg-core'), await load('pkg')];
const pinned = fs.readFileSync(new URL('../pinned_hash.txt', import.meta.url), 'utf8').trim();

test('the core build gives the full build’s bits for every preset, and the pinned hash', () => {
  assert.equal(core.replicateHash(core.defaultScenario(), 0), pinned);
  for (const name of full.presetNames()) {
    for (const rep of [0, 3]) assert.equal(core.replicateHash(core.preset(name), rep), full.replicateHash(full.preset(name), rep), `${name}, replicate ${rep}`);
  }
  const short = (name) => ({ ...full.preset(name), simulation: { ...full.preset(name).simulation, quarters: 8 } });
  const [a, b] = [core.runComparison(short('none'), short('sb1047'), 3), full.runComparison(short('none'), short('sb1047'), 3)];
  assert.deepEqual(Array.from(a.difference.metrics.hhi.mean), Array.from(b.difference.metrics.hhi.mean));
});

test('the core build refuses parameter uncertainty, naming the field; the full build runs it', () => {
  const s = full.preset('none');
  s.simulation = { ...s.simulation, uncertainty: true, quarters: 4 };
  const problems = core.validateScenario(s);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].field, 'simulation.uncertainty');
  assert.match(problems[0].allowed, /full build/);
  assert.throws(() => new core.Experiment(s, undefined, 2), /simulation\.uncertainty/);
  assert.deepEqual(full.validateScenario(s), []);
  assert.equal(full.runEnsemble(s, 2).replicates, 2);
});

test('the core build has no analysis: sweeps, drivers and model v1.3 mapping are the full build’s', () => {
  for (const name of ['Sweep', 'driversExperiment', 'upgradeScenario', 'uncertainParameters']) {
    assert.equal(core[name], undefined, `${name} is in the core build`);
    assert.equal(typeof full[name], 'function', `${name} is not in the full build`);
  }
  // What a figure's catalog reads is all there.
  for (const name of ['presetNames', 'preset', 'presetDescription', 'paramSpecs', 'metrics', 'maxReplicates', 'defaultScenario', 'version', 'schemaVersion', 'validateScenario', 'Experiment']) {
    assert.equal(typeof core[name], 'function', `${name} is missing from the core build`);
  }
});

test('an empty key is named `""` by both builds (a fault the fuzzers found in the JSON readers)', () => {
  for (const api of [core, full]) {
    const problems = api.validateScenario({ '': 1, market: { '': 2 } });
    assert.deepEqual(problems.map((p) => p.field).sort(), ['""', 'market.""']);
  }
});

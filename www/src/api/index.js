// The npm package's JavaScript API in a browser (dist/regsim.js): see model.js. Workers and the
// model are found beside this script, from any host (pool.js starts a worker of another origin
// through a blob: address); a bundler copies them into its output.
//
//   import { compare } from 'regsim';
//   const r = await compare('none', 'sb1047', { replicates: 64, onProgress: ({ done, total }) => {} });
//   r.difference.metrics.hhi.p50;   // Float64Array, one value per quarter

import { FULL_WASM_URL, WASM_URL, WORKER_URL } from '../model-files.js';
import { platformApi } from './model.js';

const browser = {
  // Each worker fetches and compiles the model's core itself: the page's thread never does. The
  // full build is fetched only if a scenario of model v1.3 asks for it.
  module: () => Promise.resolve(new URL(WASM_URL)),
  poolOptions: { workerUrl: WORKER_URL, fullModule: new URL(FULL_WASM_URL) },
  defaultWorkers: () => Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency || 2)),
};

export const { createModel, close, catalog, version, presetNames, preset, presetDescription, defaultScenario, parameters, metrics, maxReplicates, validate, run, compare } = platformApi(browser);

/** For the package's Node.js entry (node/index.js), which starts workers its own way. */
export { FULL_WASM_URL as __fullWasmUrl, WORKER_URL as __workerUrl, platformApi as __platformApi };

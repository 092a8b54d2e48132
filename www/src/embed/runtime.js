// What every figure on a page shares: one module worker, which fetches and compiles the model
// itself (so the page's thread never touches WebAssembly), and the model's catalog (presets,
// parameters, metrics), asked of that worker once.

import { FULL_WASM_URL, WASM_URL, WORKER_URL } from '../model-files.js';
import { RunPool } from '../pool.js';
import { Catalog } from '../state.js';

let runtime = null;

/**
 * The page's runtime, made on first use. `app` is the full app's address (next to the script).
 * Returns {pool, catalog: Promise<Catalog>, app}.
 */
export function getRuntime(app) {
  if (!runtime) {
    const pool = new RunPool(Promise.resolve(new URL(WASM_URL)), 1, { workerUrl: WORKER_URL, fullModule: new URL(FULL_WASM_URL) });
    const catalog = pool.api('catalog').then((data) => new Catalog(null, data));
    catalog.catch(() => {}); // each figure reports it
    runtime = { pool, catalog, app };
  }
  return runtime;
}

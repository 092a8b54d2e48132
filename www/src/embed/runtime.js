// What every figure on a page shares: one module worker, which fetches and compiles the model
// itself (so the page's thread never touches WebAssembly), and the model's catalog (presets,
// parameters, metrics), asked of that worker once.

import workerUrl from '../worker.js?worker&url';
import wasmUrl from '../../pkg/regsim_bg.wasm?url';
import { RunPool } from '../pool.js';
import { Catalog } from '../state.js';

let runtime = null;

/**
 * The page's runtime, made on first use. `app` is the full app's address (next to the script).
 * Returns {pool, catalog: Promise<Catalog>, app}.
 */
export function getRuntime(app) {
  if (!runtime) {
    // Both URLs resolve against this script's own address, so the files work from any host path.
    const wasm = new URL(wasmUrl, import.meta.url);
    const worker = new URL(workerUrl, import.meta.url);
    const pool = new RunPool(Promise.resolve(wasm), 1, { workerUrl: worker });
    const catalog = pool.api('catalog').then((data) => new Catalog(null, data));
    catalog.catch(() => {}); // each figure reports it
    runtime = { pool, catalog, app };
  }
  return runtime;
}

// Where the worker script and the model (.wasm) are: absolute addresses, resolved against this
// module's own, so that the built files work from any host and path (another origin too) and
// from a package in node_modules. The figures' runtime and the package's API both start their
// workers from these. The model comes in two builds: the core (WASM_URL), which is all a figure
// needs, and the full build (FULL_WASM_URL: also sweeps, "What drives this?" and model v1.3's
// scenarios), which a worker loads only when it is first asked for one of those.

import workerUrl from './worker.js?worker&url';
import wasmUrl from '../pkg-core/regsim_bg.wasm?url';
import fullWasmUrl from '../pkg/regsim_bg.wasm?url';

export const WORKER_URL = new URL(workerUrl, import.meta.url).href;
export const WASM_URL = new URL(wasmUrl, import.meta.url).href;
export const FULL_WASM_URL = new URL(fullWasmUrl, import.meta.url).href;

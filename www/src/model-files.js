// Where the worker script and the model (.wasm) are: absolute addresses, resolved against this
// module's own, so that the built files work from any host and path (another origin too) and
// from a package in node_modules. The figures' runtime and the package's API both start their
// workers from these.

import workerUrl from './worker.js?worker&url';
import wasmUrl from '../pkg/regsim_bg.wasm?url';

export const WORKER_URL = new URL(workerUrl, import.meta.url).href;
export const WASM_URL = new URL(wasmUrl, import.meta.url).href;

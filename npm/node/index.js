// The npm package's JavaScript API in Node.js: the browser's (dist/regsim.js, see
// www/src/api/model.js), with workers started as worker threads that run the same worker
// script (dist/assets/worker-….js) through node/worker.js, and the model read from the file
// beside it and compiled once: the full build (size does not matter here, and it reads model
// v1.3's scenarios as the browser's API does).
import { Worker } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { __fullWasmUrl, __platformApi, __workerUrl } from '../dist/regsim.js';

let compiled = null;

const node = {
  module: () => (compiled ??= readFile(new URL(__fullWasmUrl)).then((bytes) => WebAssembly.compile(bytes))),
  poolOptions: { createWorker, full: true },
  defaultWorkers: () => Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length)),
};

/** A worker thread that looks like a Web Worker to pool.js (onmessage, onerror, postMessage). */
function createWorker(name) {
  const thread = new Worker(new URL('./worker.js', import.meta.url), { name, workerData: { script: __workerUrl } });
  const w = {
    onmessage: null,
    onerror: null,
    postMessage: (message, transfer) => thread.postMessage(message, transfer),
    terminate: () => thread.terminate(),
    // Idle workers must not keep the caller's process alive (the model holds them while a call is pending).
    ref: () => thread.ref(),
    unref: () => thread.unref(),
  };
  thread.on('message', (data) => w.onmessage?.({ data }));
  thread.on('error', (e) => w.onerror?.(e));
  thread.unref();
  return w;
}

export const { createModel, close, catalog, version, presetNames, preset, presetDescription, defaultScenario, parameters, metrics, maxReplicates, validate, run, compare } = __platformApi(node);

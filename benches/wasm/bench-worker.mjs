// Runs the wasm benchmark in a module worker (where the app runs the model) and posts the result.
import init, * as api from './pkg/regsim.js';
import { measure } from './measure.mjs';

self.onmessage = async ({ data: { replicates, seconds } }) => {
  try {
    await init({ module_or_path: new URL('./pkg/regsim_bg.wasm', import.meta.url) });
    self.postMessage({ engine: `wasm, ${navigator.userAgent.match(/(Headless)?Chrom(e|ium)\/[\d.]+/)?.[0] ?? 'Chromium'}`, ...measure(api, replicates, seconds) });
  } catch (e) {
    self.postMessage({ error: String(e && e.stack || e) });
  }
};

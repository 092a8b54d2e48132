// The model itself, in Node.js, for tests that check the app's numbers against it: the very
// package the app is built from (www/pkg), whose bits are the same in every build.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../pkg');

let loaded = null;

/** The wasm module's exports, initialised once. */
export async function model() {
  if (!loaded) {
    loaded = (async () => {
      const api = await import(path.join(PKG, 'regsim.js'));
      await api.default({ module_or_path: fs.readFileSync(path.join(PKG, 'regsim_bg.wasm')) });
      return api;
    })();
  }
  return loaded;
}

/**
 * Run every point of a sweep with the model's own Sweep and take, per point and column, the mean
 * over replicates (NaN left out, in row order: as `regsim sensitivity` reads a sweep's rows).
 * Returns {sweep, columns, means: [[…per column]…per point]}.
 */
export async function sweepMeans(experiment) {
  const { Sweep } = await model();
  const sweep = new Sweep(experiment);
  const columns = Array.from(sweep.columns());
  const means = [];
  for (let i = 0; i < sweep.points; i++) {
    const rows = sweep.runPoint(i);
    const out = [];
    for (let c = 0; c < columns.length; c++) {
      let sum = 0;
      let n = 0;
      for (let r = 0; r < sweep.replicates; r++) {
        const x = rows[r * columns.length + c];
        if (!Number.isNaN(x)) {
          sum += x;
          n++;
        }
      }
      out.push(n ? sum / n : NaN);
    }
    means.push(out);
  }
  return { sweep, columns, means };
}

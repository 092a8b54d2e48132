// A module worker that runs one shard of an experiment at a time, a few replicates per task,
// yielding between tasks so that a newer request replaces a stale one instead of queueing.
// Messages in:  {type:'init', module} | {type:'run', id, baseline, reform, replicates, part, parts}
//               | {type:'cancel'}
// Messages out: {type:'ready'} | {type:'progress', id, done, total}
//               | {type:'runs', id, runs: Float64Array, ms} | {type:'error', id, message}

import init, { Experiment } from '../pkg/regsim.js';

let ready = null;
let job = null; // {id, exp, t0}
const SLICE_MS = 12;

const tickChannel = new MessageChannel();
tickChannel.port1.onmessage = tick;

function drop() {
  if (job) {
    job.exp.free();
    job = null;
  }
}

function tick() {
  if (!job) return;
  const { exp, id } = job;
  const t = performance.now();
  let done = false;
  try {
    do done = exp.step(1);
    while (!done && performance.now() - t < SLICE_MS);
  } catch (e) {
    drop();
    postMessage({ type: 'error', id, message: String(e?.message ?? e) });
    return;
  }
  if (done) {
    const runs = exp.exportRuns();
    const ms = performance.now() - job.t0;
    drop();
    postMessage({ type: 'runs', id, runs, ms }, [runs.buffer]);
  } else {
    postMessage({ type: 'progress', id, done: exp.runsDone, total: exp.runsTotal });
    tickChannel.port2.postMessage(0);
  }
}

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'init') {
    ready = init({ module_or_path: m.module });
    try {
      await ready;
      postMessage({ type: 'ready' });
    } catch (err) {
      postMessage({ type: 'error', id: -1, message: `the model could not start: ${err?.message ?? err}` });
    }
    return;
  }
  if (m.type === 'cancel') {
    drop();
    return;
  }
  if (m.type === 'run') {
    drop();
    await ready;
    drop(); // a newer request may have arrived while waiting
    let exp;
    try {
      exp = new Experiment(m.baseline, m.reform, m.replicates);
      exp.shard(m.part, m.parts);
    } catch (err) {
      exp?.free();
      postMessage({ type: 'error', id: m.id, message: String(err?.message ?? err) });
      return;
    }
    job = { id: m.id, exp, t0: performance.now() };
    tick();
  }
};

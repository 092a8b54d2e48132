// A worker thread that runs the browser's worker script (dist/assets/worker-….js, from
// www/src/worker.js) as it is: it gets the Web Worker globals that script uses (self,
// postMessage, onmessage), and the messages that arrive while it loads wait for it.
import { parentPort, workerData } from 'node:worker_threads';

const early = [];
globalThis.self = globalThis;
globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
parentPort.on('message', (data) => (typeof self.onmessage === 'function' ? self.onmessage({ data }) : early.push(data)));
await import(workerData.script);
for (const data of early.splice(0)) self.onmessage({ data });

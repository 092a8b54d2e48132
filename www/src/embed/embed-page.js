// embed.html: one <regsim-figure> as a whole page, for platforms that allow only iframes. The
// query holds the same options as the element's attributes, plus `origin`, the only parent
// origin whose messages are answered. The page reports its height to its parent and answers
// a small postMessage API (docs/embedding.md):
//
//   parent → frame  {type:'regsim:get', id?}                     → {type:'regsim:result', id?, …results}
//                   {type:'regsim:set', id?, options?, params?}  → {type:'regsim:ack', id?} or
//                                                                  {type:'regsim:error', id?, errors}
//   frame → parent  {type:'regsim:ready'}, {type:'regsim:resize', height},
//                   {type:'regsim:results', …results}, {type:'regsim:error', errors}
//
// Messages from any window but the parent, from another origin than `origin` (when given), or
// not of these shapes are ignored without a word.

import './embed-page.css';
import './regsim-figure.js';
import { ATTRIBUTES, readOptions, show } from './options.js';
import { getRuntime } from './runtime.js';

const MAX_KEYS = 64;
const root = document.getElementById('root');
const query = new URLSearchParams(location.search);
const problems = [];
const known = [...ATTRIBUTES, 'origin'];
for (const k of new Set(query.keys())) {
  if (!known.includes(k)) problems.push(`${show(k)} is not an option of embed.html; expected ${known.join(', ')}`);
  else if (query.getAll(k).length > 1) problems.push(`${k} appears more than once`);
}
let allowed = null;
const originText = query.get('origin');
if (originText !== null) {
  let u = null;
  try {
    u = new URL(originText);
  } catch {
    u = null;
  }
  if (!u || u.origin === 'null' || u.origin !== originText.replace(/\/$/, '')) problems.push(`origin: ${show(originText)} is not an origin; expected a scheme, host and port only, e.g. https://example.org`);
  else allowed = u.origin;
}

const parentWin = window.parent !== window ? window.parent : null;
/** Post to the parent: only to the allowed origin when one is given. */
function post(msg) {
  parentWin?.postMessage(msg, allowed ?? '*');
}

const isPlain = (x) => x !== null && typeof x === 'object' && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
const isPrimitive = (v) => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
/** An object of at most MAX_KEYS text, number, boolean or null values (or absent). */
const isValues = (x) => x === undefined || (isPlain(x) && Object.keys(x).length <= MAX_KEYS && Object.values(x).every(isPrimitive));
const isId = (x) => x === undefined || (typeof x === 'string' && x.length <= 200) || (typeof x === 'number' && Number.isFinite(x));

let fig = null;
if (problems.length) {
  const box = document.createElement('div');
  box.className = 'page-message';
  box.setAttribute('role', 'alert');
  const p = document.createElement('p');
  p.textContent = 'This figure cannot be shown:';
  const ul = document.createElement('ul');
  for (const line of problems) {
    const li = document.createElement('li');
    li.textContent = line;
    ul.append(li);
  }
  box.append(p, ul);
  root.append(box);
  // The figure's own options are checked too, so that one look shows every problem of the link.
  const app = new URL('./index.html', location.href).href;
  getRuntime(app)
    .catalog.then((cat) => {
      const r = readOptions(cat, (k) => query.get(k), app);
      for (const line of r.errors ?? []) {
        const li = document.createElement('li');
        li.textContent = line;
        ul.append(li);
        problems.push(line);
      }
    })
    .catch(() => {}) // the options of a model that cannot start are not checked
    .finally(() => post({ type: 'regsim:error', errors: problems }));
} else {
  fig = document.createElement('regsim-figure');
  for (const k of ATTRIBUTES) if (query.has(k)) fig.setAttribute(k, query.get(k));
  fig.addEventListener('regsim:results', (e) => post({ type: 'regsim:results', ...e.detail }));
  fig.addEventListener('regsim:error', (e) => post({ type: 'regsim:error', errors: e.detail.errors }));
  root.append(fig);
}

/** What regsim:get answers: the figure's results, or its status and problems. */
function snapshot() {
  const r = fig?.results;
  if (r) return r;
  return { status: fig ? fig.status : 'invalid', errors: fig ? fig.errors : problems };
}

window.addEventListener('message', (e) => {
  if (!parentWin || e.source !== parentWin) return;
  if (allowed && e.origin !== allowed) return;
  const m = e.data;
  if (!isPlain(m) || typeof m.type !== 'string' || !isId(m.id)) return;
  const to = allowed ?? (e.origin && e.origin !== 'null' ? e.origin : '*');
  const reply = (msg) => e.source.postMessage(m.id === undefined ? msg : { ...msg, id: m.id }, to);
  if (m.type === 'regsim:get') {
    reply({ type: 'regsim:result', ...snapshot() });
  } else if (m.type === 'regsim:set') {
    if (!isValues(m.options) || !isValues(m.params) || !fig) return;
    fig.update({ options: m.options ?? {}, params: m.params ?? {} }).then(
      () => reply({ type: 'regsim:ack' }),
      (err) => reply({ type: 'regsim:error', errors: err.errors ?? [String(err?.message ?? err)] }),
    );
  }
});

// The page's height, whenever it changes, so that the parent can fit the frame to it.
let lastHeight = -1;
new ResizeObserver(() => {
  const h = Math.ceil(document.body.getBoundingClientRect().height);
  if (h === lastHeight) return;
  lastHeight = h;
  post({ type: 'regsim:resize', height: h });
}).observe(document.body);

post({ type: 'regsim:ready' });

// Optimise a wasm-bindgen package's .wasm with wasm-opt, repair what Debian's binaryen 108 breaks,
// and keep the result only if it gives the same bits as the unoptimised module.
//
//   node tools/wasm-opt.mjs PKG_DIR [WASM_OPT_FLAGS...]
//
// Why not wasm-pack's own wasm-opt step: binaryen 108 (Debian 12, Ubuntu 24.04) writes the export
// of wasm-bindgen's externref table (`__wbindgen_externrefs`, the module's second table) with the
// index of the first table, so the optimised module fails at start-up ("WebAssembly.Table.set():
// Argument 1 is invalid for table"). Newer binaryen gets it right, and then the repair does nothing.
//
// After optimising, both modules are loaded through the package's own JavaScript glue and must
// hash replicate 0 of every preset to the same value (`replicateHash`); otherwise the unoptimised
// module is kept and a warning printed. Exit status 0 in both cases; 1 on a usage or I/O error.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkgDir, ...flags] = process.argv.slice(2);
if (!pkgDir) {
  console.error('usage: node tools/wasm-opt.mjs PKG_DIR [WASM_OPT_FLAGS...]');
  process.exit(1);
}
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const glue = path.join(pkgDir, pkg.module || pkg.main);
const wasmPath = glue.replace(/\.js$/, '_bg.wasm');
const say = (msg) => console.error(`[wasm-opt] ${msg}`);

// --- A minimal reader of the wasm binary format: sections, tables, exports. ---
function leb(buf, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [result, pos];
}

function sections(buf) {
  const out = [];
  let pos = 8; // magic and version
  while (pos < buf.length) {
    const id = buf[pos];
    const [size, start] = leb(buf, pos + 1);
    out.push({ id, start, end: start + size });
    pos = start + size;
  }
  return out;
}

// Reference type of each table, imported tables first (the index space order).
function tableTypes(buf) {
  const types = [];
  for (const s of sections(buf)) {
    if (s.id === 2) { // imports
      let [n, p] = leb(buf, s.start);
      for (let i = 0; i < n; i++) {
        let len;
        [len, p] = leb(buf, p); p += len; // module
        [len, p] = leb(buf, p); p += len; // name
        const kind = buf[p++];
        if (kind === 0) { [, p] = leb(buf, p); }
        else if (kind === 1) { types.push(buf[p]); p = limitsEnd(buf, p + 1); }
        else if (kind === 2) { p = limitsEnd(buf, p); }
        else if (kind === 3) { p += 2; }
        else if (kind === 4) { p += 1; [, p] = leb(buf, p); }
        else throw new Error(`unknown import kind ${kind}`);
      }
    }
    if (s.id === 4) { // tables
      let [n, p] = leb(buf, s.start);
      for (let i = 0; i < n; i++) { types.push(buf[p]); p = limitsEnd(buf, p + 1); }
    }
  }
  return types;
}

function limitsEnd(buf, p) {
  const flag = buf[p++];
  [, p] = leb(buf, p);
  if (flag & 1) [, p] = leb(buf, p);
  return p;
}

// Table exports: name, index, and the byte offset of the index (for a one-byte repair).
function tableExports(buf) {
  const out = [];
  for (const s of sections(buf)) {
    if (s.id !== 7) continue;
    let [n, p] = leb(buf, s.start);
    for (let i = 0; i < n; i++) {
      let len;
      [len, p] = leb(buf, p);
      const name = Buffer.from(buf.subarray(p, p + len)).toString('utf8');
      p += len;
      const kind = buf[p++];
      const at = p;
      let index;
      [index, p] = leb(buf, p);
      if (kind === 1) out.push({ name, index, at, width: p - at });
    }
  }
  return out;
}

// Point every table export of `opt` at a table of the same reference type as in `orig`.
function repairTableExports(orig, opt) {
  const origTypes = tableTypes(orig), optTypes = tableTypes(opt);
  const origExports = new Map(tableExports(orig).map((e) => [e.name, e]));
  let repaired = 0;
  for (const e of tableExports(opt)) {
    const o = origExports.get(e.name);
    if (!o) continue;
    const want = origTypes[o.index];
    if (optTypes[e.index] === want) continue;
    const candidates = optTypes.flatMap((t, i) => (t === want ? [i] : []));
    if (candidates.length !== 1 || e.width !== 1 || candidates[0] > 0x7f) {
      throw new Error(`cannot repair the export of table "${e.name}"`);
    }
    opt[e.at] = candidates[0];
    repaired++;
  }
  return repaired;
}

// --- Load a module through the package's glue and hash replicate 0 of every preset. ---
async function fingerprint(bytes, tag) {
  const api = await import(`${pathToFileURL(path.resolve(glue)).href}?${tag}`);
  api.initSync({ module: bytes });
  return api.presetNames().map((name) => `${name}:${api.replicateHash(api.preset(name), 0)}`).join(' ');
}

const orig = fs.readFileSync(wasmPath);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'regsim-wasm-opt-'));
const outPath = path.join(tmp, 'opt.wasm');
const run = spawnSync('wasm-opt', [wasmPath, ...flags, '-o', outPath], { stdio: ['ignore', 'inherit', 'inherit'] });
if (run.error || run.status !== 0) {
  say(`wasm-opt failed (${run.error ? run.error.message : `exit ${run.status}`}); keeping the unoptimised module`);
  process.exit(0);
}
const opt = fs.readFileSync(outPath);
fs.rmSync(tmp, { recursive: true, force: true });
try {
  const n = repairTableExports(orig, opt);
  if (n > 0) say(`repaired ${n} table export(s) that this wasm-opt wrote with the wrong index`);
  const [a, b] = [await fingerprint(orig, 'unoptimised'), await fingerprint(opt, 'optimised')];
  if (a !== b) throw new Error(`results differ after wasm-opt:\n  before: ${a}\n  after:  ${b}`);
  fs.writeFileSync(wasmPath, opt);
  say(`${path.basename(wasmPath)}: ${orig.length} → ${opt.length} bytes, same bits (replicate 0 of every preset)`);
} catch (err) {
  say(`WARNING: ${err.message}; keeping the unoptimised module`);
}

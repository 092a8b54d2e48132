// ./build.sh pack: the npm package `regsim` as target/npm/regsim-VERSION.tgz (`npm pack`), from
// the built app in www/dist (which ./build.sh build makes; without its sample article), npm/
// (package.json without a version, README, the Node.js entry, TypeScript declarations) and the
// licences. The version is Cargo.toml's (docs/versions.md). Prints the tarball's path.
//
//   node tools/pack.mjs [--dry-run]     (--dry-run: stage the files and list them, no tarball)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { crateVersion } from './version.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'www/dist');
const out = path.join(root, 'target/npm');
export const STAGE = path.join(out, 'package');

/** Copy a directory, leaving out what `skip(relativePath)` names. */
function copyTree(from, to, skip = () => false, rel = '') {
  fs.mkdirSync(path.join(to, rel), { recursive: true });
  for (const d of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
    const r = path.join(rel, d.name);
    if (skip(r.split(path.sep).join('/'))) continue;
    if (d.isDirectory()) copyTree(from, to, skip, r);
    else fs.copyFileSync(path.join(from, r), path.join(to, r));
  }
}

/** Stage the package's files in target/npm/package; returns the version. */
export function stage() {
  if (!fs.existsSync(path.join(dist, 'regsim-figure.js')) || !fs.existsSync(path.join(dist, 'regsim.js'))) {
    throw new Error('pack: www/dist is not built; run ./build.sh build first');
  }
  const version = crateVersion();
  fs.rmSync(STAGE, { recursive: true, force: true });
  // The sample article stays in the repository (it links ../regsim-figure.js); source maps are
  // not built, and none may slip in.
  copyTree(dist, path.join(STAGE, 'dist'), (rel) => rel === 'examples' || rel.endsWith('.map'));
  copyTree(path.join(root, 'npm'), STAGE, (rel) => rel === 'package.json' || rel === 'README.md');
  // The README's snippets name the package's own version.
  fs.writeFileSync(path.join(STAGE, 'README.md'), fs.readFileSync(path.join(root, 'npm/README.md'), 'utf8').replaceAll('regsim@VERSION', `regsim@${version}`));
  for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) fs.copyFileSync(path.join(root, f), path.join(STAGE, f));
  const { name, ...rest } = JSON.parse(fs.readFileSync(path.join(root, 'npm/package.json'), 'utf8'));
  if ('version' in rest) throw new Error('pack: npm/package.json must not state a version: Cargo.toml has the one version');
  fs.writeFileSync(path.join(STAGE, 'package.json'), `${JSON.stringify({ name, version, ...rest }, null, 2)}\n`);
  return version;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dry = process.argv.includes('--dry-run');
  const version = stage();
  const args = ['pack', '--json', ...(dry ? ['--dry-run'] : ['--pack-destination', out])];
  const [info] = JSON.parse(execFileSync('npm', args, { cwd: STAGE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  if (dry) {
    for (const f of info.files) console.log(`${String(f.size).padStart(9)}  ${f.path}`);
    console.log(`regsim ${version}: ${info.entryCount} files, ${(info.unpackedSize / 1000).toFixed(1)} kB unpacked`);
  } else {
    const tarball = path.join(out, info.filename);
    console.error(`regsim ${version}: ${info.entryCount} files, ${(info.size / 1000).toFixed(1)} kB packed, ${(info.unpackedSize / 1000).toFixed(1)} kB unpacked`);
    console.log(tarball);
  }
}

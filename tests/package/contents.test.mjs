// What the two packages ship. npm: `npm pack --dry-run` lists exactly the files meant for it
// (no tests, source maps, sources or node_modules), the tarball holds the same, and its version
// is Cargo.toml's. The crate: `cargo package --list` holds the library, the CLI and the licences,
// no web front end, build output or node_modules, and `cargo doc` builds without a warning.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT, VERSION, tarball } from './lib.mjs';
import { STAGE, stage } from '../../tools/pack.mjs';

/** Every file the npm package may hold; each pattern names what it is for. */
const MEANT = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE-(MIT|APACHE)$/,
  /^dist\/(index|embed)\.html$/, // the app and the iframe page
  /^dist\/(regsim-figure|regsim-frame|regsim)\.js$/, // the scripts linked by name
  /^dist\/assets\/[\w-]+-[\w-]{8}\.(js|css)$/, // hashed chunks, styles and the worker
  /^dist\/assets\/regsim_bg-[\w-]{8}\.wasm$/, // the model (its core and its full build)
  /^node\/(index|worker)\.js$/, // the Node.js entry
  /^types\/(index|figure)\.d\.ts$/,
];
const REQUIRED = ['package.json', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'dist/index.html', 'dist/embed.html', 'dist/regsim-figure.js', 'dist/regsim-frame.js', 'dist/regsim.js', 'node/index.js', 'node/worker.js', 'types/index.d.ts', 'types/figure.d.ts'];

test('npm pack --dry-run lists only the files meant for the package, and the tarball holds the same', () => {
  assert.equal(stage(), VERSION);
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: STAGE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const files = info.files.map((f) => f.path).sort();
  const unmeant = files.filter((f) => !MEANT.some((re) => re.test(f)));
  assert.deepEqual(unmeant, [], 'files not meant for the package');
  for (const bad of [/\.map$/, /node_modules/, /(^|\/)tests?\//, /\.(test|spec)\./, /(^|\/)examples\//, /(^|\/)src\//]) {
    assert.deepEqual(files.filter((f) => bad.test(f)), [], `nothing matches ${bad}`);
  }
  for (const f of REQUIRED) assert.ok(files.includes(f), `${f} is in the package`);
  assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 2, "the model's two builds: the core a figure loads, and the full build");
  assert.equal(info.version, VERSION);

  const inTarball = execFileSync('tar', ['-tzf', tarball()], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l && !l.endsWith('/'))
    .map((l) => l.replace(/^package\//, ''))
    .sort();
  assert.deepEqual(inTarball, files, 'the tarball the tests install holds what the dry run lists');
  const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball(), 'package/package.json'], { encoding: 'utf8' }));
  assert.equal(pkg.version, VERSION, "the tarball's version is Cargo.toml's");
  assert.equal(pkg.license, 'MIT OR Apache-2.0');
});

test('cargo package holds the library, the CLI and the licences, and nothing of the web front end or its builds', () => {
  const res = spawnSync('cargo', ['package', '--list', '--allow-dirty'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  assert.doesNotMatch(res.stderr, /warning/i, 'cargo package --list warns of nothing');
  const list = res.stdout.split('\n').filter(Boolean);
  for (const f of ['Cargo.toml', 'LICENSE-MIT', 'LICENSE-APACHE', 'README.md', 'src/lib.rs', 'src/bin/regsim/main.rs', 'benches/run.rs', 'tests/pinned_hash.txt', 'data/calibration.json', 'data/accepted_sets.csv', 'data/uncertainty_sets.csv']) assert.ok(list.includes(f), `${f} is in the crate`);
  assert.deepEqual(list.filter((f) => /node_modules|^www\/|^target\/|(^|\/)dist\/|(^|\/)pkg\/|\.wasm$|^npm\//.test(f)), [], 'nothing of the front end, its builds or node_modules');
  const toml = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  assert.match(toml, /^license = "MIT OR Apache-2.0"$/m);
});

test('cargo doc builds the library docs without a warning', () => {
  execFileSync('cargo', ['doc', '--no-deps', '--lib', '--quiet'], { cwd: ROOT, env: { ...process.env, RUSTDOCFLAGS: '-D warnings' }, stdio: ['ignore', 'ignore', 'inherit'] });
  assert.ok(fs.existsSync(path.join(ROOT, 'target/doc/regsim/index.html')));
});

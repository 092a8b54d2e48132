import { defineConfig } from 'vite';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crateVersion } from '../tools/version.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// regsim's one version, Cargo.toml's (docs/versions.md), for the scripts that need it before the
// model has loaded (a figure's default app address on a CDN).
const VERSION = crateVersion();

// Scripts that writers link to by name, at the root of www/dist: the figure element, the
// iframe resizer and the JavaScript API (the npm package's; docs/embedding.md). Everything else
// gets a hashed name under assets/.
const NAMED = { 'regsim-figure': 'src/embed/regsim-figure.js', 'regsim-frame': 'src/embed/regsim-frame.js', regsim: 'src/api/index.js' };

/** Files under a directory, as paths relative to it. */
function walk(dir, rel = '') {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(dir, path.join(rel, d.name)) : [path.join(rel, d.name)]));
}

/**
 * www/examples/ (the sample article) is copied into dist/examples/ as it is: a page as a writer
 * would write it, linking ../regsim-figure.js. The dev server maps those names to the sources.
 */
function examples() {
  const dir = path.join(here, 'examples');
  return {
    name: 'regsim-examples',
    generateBundle() {
      for (const rel of walk(dir)) this.emitFile({ type: 'asset', fileName: `examples/${rel.split(path.sep).join('/')}`, source: fs.readFileSync(path.join(dir, rel)) });
    },
    resolveId(id) {
      const name = /^\/(regsim-figure|regsim-frame)\.js$/.exec(id)?.[1];
      return name ? path.join(here, NAMED[name]) : null;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = /^\/(regsim-figure|regsim-frame)\.js(\?.*)?$/.exec(req.url ?? '')?.[1];
        if (name) req.url = `/${NAMED[name]}`;
        next();
      });
    },
  };
}

// Static files after the build: www/dist holds the app (index.html), the figure element
// (regsim-figure.js), its iframe page (embed.html), the sample article (examples/), their
// scripts, the workers and the model.
export default defineConfig({
  base: './',
  plugins: [examples()],
  define: { __REGSIM_VERSION__: JSON.stringify(VERSION) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      // The API's entry (regsim.js) is imported by name: its exports must stay.
      preserveEntrySignatures: 'exports-only',
      input: {
        main: path.join(here, 'index.html'),
        embed: path.join(here, 'embed.html'),
        ...Object.fromEntries(Object.entries(NAMED).map(([k, v]) => [k, path.join(here, v)])),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name in NAMED ? '[name].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  worker: {
    format: 'es',
  },
  server: {
    host: '127.0.0.1',
  },
  preview: {
    host: '127.0.0.1',
  },
});

// <regsim-figure>: a live regsim figure for articles, loaded with one script tag:
//
//   <script type="module" src="https://example.org/regsim/regsim-figure.js"></script>
//   <regsim-figure preset="sb1047" baseline="none" metric="hhi"></regsim-figure>
//
// docs/embedding.md lists every attribute. The full app lives next to this file.

import { appAddress } from './cdn.js';
import { defineFigure } from './figure.js';

// This module is its own entry chunk, so import.meta.url is the address of regsim-figure.js
// (unless a bundler has moved it: appAddress says where the app is then). The version is
// Cargo.toml's (vite.config.js).
defineFigure(import.meta.env.DEV ? new URL('/', location.href).href : appAddress(import.meta.url, __REGSIM_VERSION__));

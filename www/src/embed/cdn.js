// Where a published version of regsim lives on a CDN of npm packages: the package's files as
// they are, at a path that names the version (https://unpkg.com/regsim@1.4.0/dist/…), so that
// an article that loads them keeps the numbers it was written about.

/** The CDN whose addresses the Embed dialog and the docs give: it serves every file of a
 * package, .html included (jsDelivr serves .html as plain text, so an app there would not open). */
export const CDN = 'https://unpkg.com/';

/** The address of the package's dist/ at a version, on the CDN (where regsim-figure.js is). */
export function cdnBase(version) {
  return `${CDN}regsim@${version}/dist/`;
}

/** The address of a file of the package's dist/ at a version, on the CDN. */
export function cdnFile(version, file) {
  return `${cdnBase(version)}${file}`;
}

/**
 * The full app that a figure's "Open in regsim" opens by default, for the figure's script at
 * `script`: the index.html beside it, as published (self-hosted, or on a CDN of npm packages).
 * Where that app cannot open, the same version's app on the CDN: when the script comes from
 * jsDelivr (which serves .html as plain text), or when a bundler has moved the figure's code
 * into a script of its own (no longer named regsim-figure.js, so no app beside it).
 */
export function appAddress(script, version) {
  const u = new URL(script);
  if (u.hostname === 'cdn.jsdelivr.net' || !u.pathname.endsWith('/regsim-figure.js')) return cdnFile(version, 'index.html');
  return new URL('./index.html', u).href;
}

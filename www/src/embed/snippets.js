// The two snippets that put a scenario into an article: the <regsim-figure> element (one script
// tag and one element) and the iframe of embed.html. Used by the app's "Embed" dialog.

import { setText, simulationAttrs } from './options.js';
import { defaultDrivers, yearsText } from '../drivers.js';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A figure's attributes for an app state ({baseline, reformBase, reform}), as [name, value]
 * pairs ('' for a boolean attribute that is present).
 */
export function figureAttributes(cat, state, { metric = 'hhi', difference = false, caption = null } = {}) {
  const attrs = [
    ['preset', state.reformBase],
    ['baseline', state.baseline],
  ];
  const set = setText(cat, state);
  if (set) attrs.push(['set', set]);
  for (const [k, v] of simulationAttrs(cat, state)) attrs.push([k, String(v)]);
  attrs.push(['metric', metric]);
  if (difference) attrs.push(['difference', '']);
  if (caption) attrs.push(['caption', caption]);
  return attrs;
}

/**
 * A "What drives this?" figure's attributes for an app state and the drivers view's state `d`:
 * the scenario's (without the comparison's replicates, which a drivers figure reads per point),
 * then drivers, metric, years, measure and the rest where they differ from the defaults.
 */
export function driversAttributes(cat, state, d, caption = null) {
  const attrs = [
    ['preset', state.reformBase],
    ['baseline', state.baseline],
  ];
  const set = setText(cat, state);
  if (set) attrs.push(['set', set]);
  for (const [k, v] of simulationAttrs(cat, state)) if (k !== 'replicates') attrs.push([k, String(v)]);
  const def = defaultDrivers(cat);
  attrs.push(['drivers', d.kind], ['metric', d.metric]);
  if (d.from !== null) attrs.push(['years', yearsText(d.from, d.to)]);
  if (d.measure !== def.measure) attrs.push(['measure', d.measure]);
  if (d.count !== def.count) attrs.push(['parameters', String(d.count)]);
  if (d.replicates !== def.replicates) attrs.push(['replicates', String(d.replicates)]);
  if (d.kind === 'morris' && d.trajectories !== def.trajectories) attrs.push(['trajectories', String(d.trajectories)]);
  if (caption) attrs.push(['caption', caption]);
  return attrs;
}

/** `<script>` and `<regsim-figure>`, for files hosted at `base` (the app's address). */
export function elementSnippet(base, attrs) {
  const lines = attrs.map(([k, v]) => (v === '' ? k : `${k}="${esc(v)}"`));
  return `<script type="module" src="${esc(new URL('regsim-figure.js', base).href)}"></script>\n<regsim-figure\n  ${lines.join('\n  ')}\n></regsim-figure>`;
}

/** `<iframe>` of embed.html with the same options in its query. */
export function iframeSnippet(base, attrs, title, height = 520) {
  const query = new URLSearchParams(attrs).toString();
  return `<iframe src="${esc(new URL(`embed.html?${query}`, base).href)}"\n  title="${esc(title)}"\n  width="100%" height="${height}" style="border:0" loading="lazy"></iframe>`;
}

// Where a figure's "Open in regsim" leads by default (www/src/embed/cdn.js): the app beside the
// script, unless the script comes from jsDelivr (which serves .html as plain text) or has been
// bundled into another script; then the same version's app on unpkg.
import test from 'node:test';
import assert from 'node:assert/strict';
import { appAddress, cdnBase, cdnFile } from '../../www/src/embed/cdn.js';

test('the app beside the script, as published or self-hosted', () => {
  assert.equal(appAddress('https://unpkg.com/regsim@1.4.0/dist/regsim-figure.js', '1.4.0'), 'https://unpkg.com/regsim@1.4.0/dist/index.html');
  assert.equal(appAddress('https://example.org/regsim/regsim-figure.js?v=2', '1.4.0'), 'https://example.org/regsim/index.html');
  assert.equal(appAddress('http://127.0.0.1:8080/regsim-figure.js', '0.9.0'), 'http://127.0.0.1:8080/index.html');
});

test('from jsDelivr, or bundled, the same version on unpkg', () => {
  assert.equal(appAddress('https://cdn.jsdelivr.net/npm/regsim@1.4.0/dist/regsim-figure.js', '1.4.0'), 'https://unpkg.com/regsim@1.4.0/dist/index.html');
  assert.equal(appAddress('https://news.example/assets/index-BJxTX6Ag.js', '1.4.1'), 'https://unpkg.com/regsim@1.4.1/dist/index.html');
  assert.equal(cdnBase('2.0.0'), 'https://unpkg.com/regsim@2.0.0/dist/');
  assert.equal(cdnFile('2.0.0', 'embed.html'), 'https://unpkg.com/regsim@2.0.0/dist/embed.html');
});

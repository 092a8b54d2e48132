// Links, files and figures made for model v1.3 (link and file format 1, scenario schema 1) keep
// opening: mapped onto this model, with a note that says what that means. The fixtures in
// fixtures/ are saved as the v1.3 app wrote them. What a v1.3 value maps to is asked of the model
// itself (upgradeScenario), never copied here, since this model's defaults will change.
import { test } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawn, expect, openApp, waitRedraw } from './helpers.js';
import { model } from './model.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** What this model makes of model v1.3's market values (xi_derivative, xi_open) over a preset. */
async function premiumOf(market, label) {
  const { upgradeScenario } = await model();
  return upgradeScenario({ schema_version: 1, label, market }).market.derivative_premium;
}

/** The reform's fields that differ from its preset (what the link or file changed), by path. */
function changes(page) {
  return page.evaluate(() => {
    const { cat, state } = window.__regsim;
    const base = cat.presets[state.reformBase];
    const out = {};
    for (const s of cat.specs) {
      if (s.path.startsWith('simulation.')) continue;
      const get = (o) => s.path.split('.').reduce((v, k) => v[k], o);
      if (!Object.is(get(state.reform), get(base))) out[s.path] = get(state.reform);
    }
    return out;
  });
}

test('a v1.3 link with xi_derivative opens mapped, with a note, and the address becomes a current link', async ({ page }) => {
  const problems = await openApp(page, '?v=1&baseline=none&reform=sb1047&set=market.xi_derivative:-0.2,regime.compliance_fixed:5000000&seed=3&reps=16');
  const note = page.locator('#message');
  await expect(note).toBeVisible();
  await expect(note).toHaveClass(/note/);
  await expect(note).toContainText('This link was made for model v1.3.');
  await expect(note).toContainText('its numbers differ');
  await expect(note).toContainText('The values it changed are kept');
  await expect(note).toContainText('calibrated defaults');
  await expect(note).toContainText('market.xi_derivative -0.2');
  const premium = await premiumOf({ xi_derivative: -0.2 }, 'sb1047');
  expect(await changes(page)).toEqual({ 'regime.compliance_fixed': 5e6, 'market.derivative_premium': premium });
  const sim = await page.evaluate(() => window.__regsim.state.reform.simulation);
  expect([sim.seed, sim.replicates]).toEqual([3, 16]);
  // The charts ran this scenario; the address bar now holds the same view as a link of this model.
  expect(await page.evaluate(() => window.__regsim.result.reform.scenario.regime.compliance_fixed)).toBe(5e6);
  await expect.poll(() => new URL(page.url()).search).toContain('v=2');
  expect(new URL(page.url()).searchParams.get('set')).toBe(`regime.compliance_fixed:5000000,market.derivative_premium:${premium}`);
  // The note stays while the reader works, until dismissed.
  const before = await drawn(page);
  await page.locator('#reform').selectOption('sb53');
  await waitRedraw(page, before);
  await expect(note).toBeVisible();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(note).toBeHidden();
  expect(problems).toEqual([]);
});

test('v1.3 links keep the rules they set, their view and their simulation settings', async ({ page }) => {
  // A rule set back to model v1.3's default (no liability) over SB 1047 is still a change.
  await openApp(page, '?v=1&baseline=sb53&reform=sb1047&set=regime.liability_rule:none,market.xi_open:-2&seed=9&reps=8&quarters=20&view=diff');
  await expect(page.locator('#message')).toContainText('made for model v1.3');
  const premium = await premiumOf({ xi_open: -2 }, 'sb1047');
  expect(await changes(page)).toEqual({ 'regime.liability_rule': 'none', 'market.xi_open': -2, 'market.derivative_premium': premium });
  await expect(page.locator('body')).toHaveAttribute('data-mode', 'diff');
  await expect(page.locator('#baseline')).toHaveValue('sb53');
  expect(await page.evaluate(() => window.__regsim.result.quarters.length)).toBe(20);
  // A v1.3 link without changes opens as the preset, with the note.
  await openApp(page, '?v=1&baseline=none&reform=eu_gpai&seed=1&reps=32');
  await expect(page.locator('#message')).toContainText('It changed no parameter of its preset.');
  expect(await changes(page)).toEqual({});
  await expect(page.locator('#reform')).toHaveValue('eu_gpai');
});

test('what a v1.3 link cannot map is named, and the defaults are shown', async ({ page }) => {
  // A derivative shift too far from open weights' for this model's premium.
  await openApp(page, '?v=1&reform=sb1047&set=market.xi_derivative:50');
  const message = page.locator('#message');
  await expect(message).toContainText('This link could not be used');
  await expect(message).toContainText('market.xi_derivative: 50');
  await expect(message).toContainText('made for model v1.3');
  await expect(page.locator('#reform')).toHaveValue('sb1047');
  expect(await changes(page)).toEqual({});
  // Keys that came after version 1 are not read in a version 1 link; unknown fields are named.
  await openApp(page, '?v=1&reform=sb1047&set=market.nope:1&unc=1');
  await expect(message).toContainText('"unc" is not a setting this app knows in a link of version 1');
  await expect(message).toContainText('set: "market.nope" is not a scenario parameter');
  // xi_derivative is model v1.3's: a current link does not know it.
  await openApp(page, '?v=2&reform=sb1047&set=market.xi_derivative:-0.2');
  await expect(message).toContainText('set: "market.xi_derivative" is not a scenario parameter');
});

test('a v1.3 app scenario file opens mapped, with a note', async ({ page }) => {
  await openApp(page);
  const before = await drawn(page);
  await page.locator('#open-file').setInputFiles(path.join(FIXTURES, 'v13-app-scenario-eu_gpai.json'));
  await waitRedraw(page, before);
  const note = page.locator('#message');
  await expect(note).toContainText('The file “v13-app-scenario-eu_gpai.json” was made for model v1.3.');
  await expect(note).toContainText('market.xi_derivative -0.3');
  await expect(page.locator('#baseline')).toHaveValue('sb53');
  await expect(page.locator('#reform option:checked')).toHaveText('Custom (based on EU AI Act GPAI rules)');
  // Its one changed rule and its derivative shift; everything else is this model's preset.
  const premium = await premiumOf({ xi_derivative: -0.3 }, 'eu_gpai');
  expect(await changes(page)).toEqual({ 'regime.compliance_fixed': 3e6, 'market.derivative_premium': premium });
  const sim = await page.evaluate(() => window.__regsim.state.reform.simulation);
  expect([sim.seed, sim.replicates, sim.uncertainty]).toEqual([4, 16, false]);
  expect(await page.evaluate(() => window.__regsim.result.reform.scenario.regime.compliance_fixed)).toBe(3e6);
});

test('a bare v1.3 scenario (schema_version 1) keeps a rule set back to the default', async ({ page }) => {
  await openApp(page);
  const before = await drawn(page);
  await page.locator('#open-file').setInputFiles(path.join(FIXTURES, 'v13-bare-scenario-sb1047.json'));
  await waitRedraw(page, before);
  await expect(page.locator('#message')).toContainText('was made for model v1.3');
  await expect(page.locator('#reform option:checked')).toHaveText('Custom (based on SB 1047 as passed)');
  expect(await changes(page)).toEqual({ 'regime.liability_rule': 'none' });
});

test('a figure written for model v1.3 (xi_derivative) still draws, mapped by the model', async ({ page }) => {
  await page.goto('./embed.html?preset=sb1047&set=xi_derivative%3D-0.2%3Bcompliance_fixed%3D5M&controls=xi_derivative&replicates=4&quarters=8');
  await page.waitForFunction(() => ['idle', 'invalid', 'error'].includes(document.querySelector('regsim-figure')?.status), null, { timeout: 60_000 });
  const fig = page.locator('regsim-figure');
  expect(await fig.evaluate((f) => f.errors)).toEqual([]);
  const premium = await premiumOf({ xi_derivative: -0.2 }, 'sb1047');
  const res = await fig.evaluate((f) => f.results);
  expect(res.scenario.set.split(';').sort()).toEqual([`market.derivative_premium=${premium}`, 'regime.compliance_fixed=5000000'].sort());
  // Its control is the successor's.
  await expect(fig.locator('[data-path="market.derivative_premium"]')).toHaveCount(1);
  // Both at once cannot be read.
  await page.goto('./embed.html?preset=sb1047&set=xi_derivative%3D-0.2%3Bderivative_premium%3D0.5');
  await expect(fig).toHaveJSProperty('status', 'invalid');
  expect((await fig.evaluate((f) => f.errors)).join('\n')).toContain('market.xi_derivative (model v1.3’s) and market.derivative_premium');
});

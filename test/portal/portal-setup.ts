/**
 * What the portal tests share: the example workspace set up through the CLI (published, with Recommendations
 * subscribed to users (a column grant without email) and songs, and Analytics to the interactions stream), the
 * portal front end bundled, and Chromium.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../cli/run-cli.js';
import { mesh } from '../e2e/local-example-setup.js';

/** Bundles the front end (scripts/build-portal.mjs), serialised with the other test files' builds. */
export function ensurePortalBuilt(): void {
  const result = spawnSync(
    'flock',
    [path.join(ROOT, 'node_modules', '.mesh-build.lock'), process.execPath, path.join(ROOT, 'scripts', 'build-portal.mjs')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`the portal bundle failed:\n${result.stdout}\n${result.stderr}`);
}

export async function setUpPortalExample(root: string, options: { stream?: boolean; personalize?: boolean } = {}): Promise<void> {
  await mesh(root, 'init', '--example', 'music-streaming');
  await mesh(root, 'publish-product');
  await mesh(root, 'subscribe', 'users', '--domain', 'recommendations');
  await mesh(root, 'subscribe', 'songs', '--domain', 'recommendations');
  if (options.stream !== false) await mesh(root, 'subscribe', 'interactions', '--domain', 'analytics', '--stream');
  if (options.personalize) {
    for (const product of ['podcasts', 'interactions']) await mesh(root, 'subscribe', product, '--domain', 'recommendations');
    await mesh(root, 'personalize', 'train', '--domain', 'recommendations');
    await mesh(root, 'personalize', 'deploy', '--domain', 'recommendations');
  }
}

/** The test Chromium, from the npm registry (test/support/chromium.ts: the one way tests get a browser). */
export { launchChromium } from '../support/chromium.js';

/** Injects axe-core (from node_modules) and returns the serious and critical violations on the page. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  await page.addScriptTag({ path: path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  const result = await page.evaluate<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>('axe.run(document)');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

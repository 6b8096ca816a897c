// The streams plane picks its adapter by target in one place (src/streams/open-port.ts): a local run never loads the
// aws adapter modules, an aws run never loads the local one. Checked in fresh processes (the built CLI in dist/) with
// a loader hook that records every resolved module, as test/cli/lazy-loading.test.ts does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/engine/plan.js';
import type { PlaneEnv } from '../../src/engine/plane.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import type { StreamsPort, SubscriptionChange } from '../../src/streams/port.js';
import { ensureBuilt } from '../cli/run-cli.js';
import { makeFixture } from './fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const AWS_ADAPTER = /\/dist\/streams\/(aws|functions\/aws|topics\/aws)\//;
const LOCAL_ADAPTER = /\/dist\/streams\/(local|functions\/local)\//;
let dir = '';

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-streams-port-'));
  const log = JSON.stringify(path.join(dir, 'modules.log'));
  writeFileSync(
    path.join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const r = await next(specifier, context);\n  appendFileSync(${log}, r.url + '\\n');\n  return r;\n}\n`,
  );
  writeFileSync(
    path.join(dir, 'record.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${path.join(dir, 'hooks.mjs')}`)});\n`,
  );
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs node with the recorder; returns its stdout and the modules it resolved. */
function recorded(args: string[], cwd = root): { stdout: string; modules: string[] } {
  const log = path.join(dir, 'modules.log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', path.join(dir, 'record.mjs'), ...args], { cwd, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('the streams plane picks its adapter by target', () => {
  it('`mesh plan` on the local target plans topics, groups and functions with the local adapter only', () => {
    const ws = path.join(dir, 'ws');
    const init = spawnSync(
      process.execPath,
      [path.join(root, 'bin', 'mesh.cjs'), 'init', '--example', 'music-streaming', '--yes', '--dir', ws],
      {
        encoding: 'utf8',
      },
    );
    expect(init.status, init.stderr).toBe(0);
    // The compiled modules, not the bundle bin/mesh.cjs prefers (its chunks do not carry the source paths).
    const script = path.join(dir, 'plan-local.mjs');
    writeFileSync(
      script,
      `const { main } = await import(${JSON.stringify(path.join(root, 'dist', 'cli', 'main.js'))});\n` +
        `await main(['node', 'mesh', 'plan', '--cwd', ${JSON.stringify(ws)}]);\n`,
    );
    const { stdout, modules } = recorded([script]);
    expect(stdout).toMatch(/create\s+consumer-group\s+mesh\.analytics\.interactions/);
    expect(modules.filter((m) => LOCAL_ADAPTER.test(m)).length).toBeGreaterThan(0);
    expect(modules.filter((m) => AWS_ADAPTER.test(m))).toEqual([]);
  });

  it('the aws target opens the aws adapter and never loads the local one', () => {
    const script = path.join(dir, 'open-aws.mjs');
    const workspace = {
      mesh: {
        streaming: {
          kind: 'msk',
          clusterArn: 'arn:aws:kafka:eu-west-1:111111111111:cluster/c/x',
          account: '111111111111',
          region: 'eu-west-1',
        },
      },
    };
    writeFileSync(
      script,
      `const { openStreamsPort } = await import(${JSON.stringify(path.join(root, 'dist', 'streams', 'open-port.js'))});\n` +
        `const port = await openStreamsPort({ target: 'aws', workspace: ${JSON.stringify(workspace)} });\n` +
        `console.log(JSON.stringify({ target: port.target, placement: port.topicPlacement, flag: port.targetFlag }));\n` +
        'await port.close();\n',
    );
    const { stdout, modules } = recorded([script]);
    expect(JSON.parse(stdout)).toEqual({
      target: 'aws',
      placement: { account: '111111111111', region: 'eu-west-1' },
      flag: ' --target aws',
    });
    expect(modules.filter((m) => /\/dist\/streams\/aws\/adapter\.js$/.test(m))).toHaveLength(1);
    expect(modules.filter((m) => AWS_ADAPTER.test(m)).length).toBeGreaterThan(1); // the pattern the local check uses
    expect(modules.filter((m) => LOCAL_ADAPTER.test(m))).toEqual([]);
  });
});

describe('the plane applies subscription changes through the port', () => {
  const fixture = makeFixture();
  afterAll(() => fixture.cleanup());

  it('hands consumer groups and functions to the port it is given, and refuses a type it does not own', async () => {
    const executed: string[] = [];
    const port: StreamsPort = {
      target: 'local',
      topicPlacement: {},
      targetFlag: '',
      topicAdmin: () => Promise.reject(new Error('not used')),
      schemaRegistry: () => Promise.reject(new Error('not used')),
      planFunctions: async () => [],
      planWithheld: async () => [],
      planRemoval: async () => [],
      async execute(change: SubscriptionChange) {
        executed.push(change.key);
        return { by: 'fake' };
      },
      close: async () => {},
    };
    // The plane reads nothing else from the env when it is given a port.
    const env = { workspace: fixture.workspace, target: 'local', signal: new AbortController().signal } as unknown as PlaneEnv;
    const plane = await createStreamsPlane(env, { port });
    const base = { action: 'create' as const, reason: 'test', dependsOn: [] };
    const group = {
      ...base,
      type: 'consumer-group',
      key: 'consumer-group:g',
      ref: { plane: 'streams', type: 'consumer-group', id: 'g', label: 'g' },
      after: { group: 'g', topic: 't', startingPosition: 'LATEST' },
    } as Change;
    expect(await plane.execute(group, env)).toEqual({ by: 'fake' });
    expect(executed).toEqual(['consumer-group:g']);
    const table = { ...base, type: 'glue-table', key: 'glue-table:x', ref: { plane: 'catalog', type: 'glue-table', id: 'x', label: 'x' } };
    await expect(plane.execute(table as unknown as Change, env)).rejects.toThrow(/cannot apply glue-table:x/);
    await plane.close?.();
  });
});

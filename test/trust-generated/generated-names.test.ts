// mesh names a domain's Lambda functions `<mesh>-<domain>-<function>` (and their execution roles `…-exec`) and its
// Glue jobs `<mesh>-<domain>-<transform>`. Domain and function names both contain dashes, so domain `insights` with
// function `eu-orders-handler` and domain `insights-eu` with function `orders-handler` both get
// `demo-insights-eu-orders-handler`: in one account, each domain's apply rewrote the other's function (its code, its
// execution role and policy), and a Glue transform the other's job (its script and role). Two domains of one account
// may not generate the same name.
import { describe, expect, it } from 'vitest';
import { renderGlueJob } from '../../src/transforms/render-aws.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { edit, type Files, validFiles } from '../workspace/fixture.js';
import { workspacesPerTest } from './workspaces.js';

const INSIGHTS = 'domains/insights/domain.yaml';
const EU = 'domains/insights-eu/domain.yaml';

const { root, errorsOf } = workspacesPerTest();

/**
 * insights (function `fn`, glue transform `transform`) and a second consumer, insights-eu, in `account`, with function
 * orders-handler and glue transform daily.
 */
function twoConsumers(options: { fn: string; transform: string; account: string }): Files {
  let files = edit(validFiles(), 'mesh.yaml', '  - domains/insights\n', '  - domains/insights\n  - domains/insights-eu\n');
  files = edit(files, INSIGHTS, 'function: orders-handler', `function: ${options.fn}`);
  files = edit(files, INSIGHTS, '  - name: daily\n', `  - name: ${options.transform}\n    engine: glue\n`);
  const insights = files[INSIGHTS] as string;
  return {
    ...files,
    [`domains/insights/handlers/${options.fn}/index.ts`]: files['domains/insights/handlers/orders-handler/index.ts'] as string,
    [EU]: validFiles()
      [INSIGHTS]?.replace('name: insights', 'name: insights-eu')
      .replace('account: "333333333333"', `account: "${options.account}"`)
      .replace('  - name: daily\n', '  - name: daily\n    engine: glue\n') as string,
    'domains/insights-eu/handlers/orders-handler/index.ts': files['domains/insights/handlers/orders-handler/index.ts'] as string,
    'domains/insights-eu/transforms/daily.sql': files['domains/insights/transforms/daily.sql'] as string,
    [INSIGHTS]: insights,
  };
}

describe('names mesh generates from two domains', () => {
  it('a Lambda function name another domain of the account generates is refused', async () => {
    const files = twoConsumers({ fn: 'eu-orders-handler', transform: 'weekly', account: '333333333333' });
    expect(await errorsOf(files)).toEqual([`NameCollision ${EU} subscriptions[0].stream.function`]);
  });

  it('a Glue job name another domain of the account generates is refused', async () => {
    const files = twoConsumers({ fn: 'orders-handler', transform: 'eu-daily', account: '333333333333' });
    const ws = twoConsumers({ fn: 'orders-handler', transform: 'eu-daily', account: '444444444444' });
    // What collided: the same job name from two domains.
    const loaded = await loadWorkspace(await root(ws));
    const [a, b] = ['insights', 'insights-eu'].map((name) => loaded.domains.find((d) => d.name === name));
    if (!a || !b) throw new Error('fixture: domains missing');
    expect(renderGlueJob(loaded, a, 'eu-daily').jobName).toBe(renderGlueJob(loaded, b, 'daily').jobName);
    expect(await errorsOf(files)).toEqual([`NameCollision ${EU} transforms[0].name`]);
  });

  it('the same names in different accounts, and distinct names in one account, are accepted', async () => {
    expect(await errorsOf(twoConsumers({ fn: 'eu-orders-handler', transform: 'eu-daily', account: '444444444444' }))).toEqual([]);
    expect(await errorsOf(twoConsumers({ fn: 'orders-handler', transform: 'weekly', account: '333333333333' }))).toEqual([]);
  });

  it("a domain named like another domain's execution role (same account) is refused", async () => {
    // insights' function orders-handler has the execution role demo-insights-orders-handler-exec; a domain named
    // demo-insights-orders-handler-exec would get the domain role mesh-…, so name the domain role by hand to match.
    let files = edit(validFiles(), 'mesh.yaml', '  - domains/insights\n', '  - domains/insights\n  - domains/clash\n');
    files = {
      ...files,
      'domains/clash/domain.yaml':
        'name: clash\nkind: consumer\nowner: {team: t, contact: c}\naccount: "333333333333"\nregion: us-east-1\nroleName: Demo-Insights-Orders-Handler-Exec\n',
    };
    expect(await errorsOf(files)).toEqual(['NameCollision domains/clash/domain.yaml name']);
  });
});

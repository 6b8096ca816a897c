// The Glue job mesh generates for a transform (engine: glue) is a PySpark script whose first lines are comments naming
// the transform and its SQL file. The file name came from the domain file as written, and a file name may hold a
// line break: `sql: "transforms/x\nimport os; os.system(…)\n#.sql"` put a line of Python at the top level of the
// script, run by the job as the domain's role. Names in the script's comments are now kept on their line.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { renderGlueJob } from '../../src/transforms/render-aws.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { edit, removeWorkspace, validFiles, writeWorkspace } from '../workspace/fixture.js';

const INSIGHTS = 'domains/insights/domain.yaml';
const INJECTED = 'import os; os.system("echo injected")';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await removeWorkspace(root);
});

describe('the PySpark script of a Glue transform', () => {
  it('keeps a SQL file name with line breaks inside its comment', async () => {
    const sqlName = `transforms/daily\n${INJECTED}\n#.sql`;
    const files = edit(
      validFiles(),
      INSIGHTS,
      '  - name: daily\n    sql: transforms/daily.sql\n',
      `  - name: daily\n    engine: glue\n    sql: ${JSON.stringify(sqlName)}\n`,
    );
    const root = await writeWorkspace({ ...files, [`domains/insights/${sqlName}`]: 'SELECT order_id FROM orders\n' });
    roots.push(root);
    const ws = await loadWorkspace(root, { target: 'aws' });
    const insights = ws.domains.find((d) => d.name === 'insights');
    if (!insights) throw new Error('fixture: no insights');
    const { script } = renderGlueJob(ws, insights, 'daily');
    // Python sees no statement before the generated imports: everything above them is comment.
    const head = script.slice(0, script.indexOf('import sys'));
    expect(head.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual([]);
    expect(script.split('\n').some((line) => line.startsWith(INJECTED))).toBe(false);
    const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: script, encoding: 'utf8' });
    expect(parsed.error, 'python3 is needed to parse the generated script').toBeUndefined();
    expect(parsed.status).toBe(0);
  });
});

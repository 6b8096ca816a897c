import { describe, expect, it } from 'vitest';
import { type DesiredResource, keyOf, type ObservedResource } from '../../src/engine/plan.js';
import { createPlan, orderChanges, sameSpec } from '../../src/engine/planner.js';

// The planner is generic over resource types: these fixtures use made-up types and specs, hence the casts.
const ref = (type: string, id: string) => ({ plane: 'catalog' as const, type, id });
const d = (type: string, id: string, spec: unknown, dependsOn: string[] = [], isGrant = false) =>
  ({ ref: ref(type, id), spec, dependsOn, isGrant }) as unknown as DesiredResource;
const o = (type: string, id: string, spec: unknown) => ({ ref: ref(type, id), spec }) as unknown as ObservedResource;

describe('createPlan', () => {
  it('creates what is missing, leaves equal things alone and updates what differs', () => {
    const plan = createPlan(
      [d('db', 'a', { x: 1 }), d('table', 'a/t', { cols: ['x'] }, ['db:a']), d('table', 'a/u', { cols: ['y'] }, ['db:a'])],
      [o('db', 'a', { x: 1 }), o('table', 'a/u', { cols: ['z'] })],
    );
    expect(plan.changes.map((c) => [c.action, c.key])).toEqual([
      ['noop', 'db:a'],
      ['create', 'table:a/t'],
      ['update', 'table:a/u'],
    ]);
    expect(plan.summary).toMatchObject({ create: 1, update: 1, noop: 1, delete: 0 });
  });

  it('plans grants as grant, and removes nothing outside the prune scope', () => {
    const plan = createPlan(
      [d('lf-grant', 'g1', { p: ['SELECT'] }, [], true)],
      [o('lf-grant', 'g2', { p: ['SELECT'] }), o('table', 'x', {})],
      {
        pruneScope: (r) => r.ref.type === 'lf-grant',
      },
    );
    expect(plan.changes.map((c) => [c.action, c.key])).toEqual([
      ['grant', 'lf-grant:g1'],
      ['revoke', 'lf-grant:g2'],
    ]);
  });

  it('guards deletes, replacements and breaking changes with flags', () => {
    const plan = createPlan(
      [d('topic', 't', { rf: 3 }), d('table', 'x', { cols: ['a'] })],
      [o('topic', 't', { rf: 1 }), o('table', 'x', { cols: ['a', 'b'] }), o('table', 'gone', {})],
      {
        compare: (des, obs) =>
          des.ref.type === 'topic'
            ? { action: 'replace', reason: 'replication factor 1 → 3' }
            : sameSpec(des.spec, obs.spec)
              ? { action: 'noop', reason: '' }
              : { action: 'update', reason: 'column b dropped', breaking: true },
        pruneScope: (r) => keyOf(r.ref).startsWith('table:'),
      },
    );
    const byKey = Object.fromEntries(plan.changes.map((c) => [c.key, c]));
    expect(byKey['topic:t']).toMatchObject({ action: 'replace', requiresFlag: '--allow-replace' });
    expect(byKey['table:x']).toMatchObject({ action: 'update', breaking: true, requiresFlag: '--allow-breaking' });
    expect(byKey['table:gone']).toMatchObject({ action: 'delete', requiresFlag: '--allow-delete' });
  });
});

describe('orderChanges', () => {
  it('puts dependencies first and removals last, dependents removed first', () => {
    const changes = createPlan(
      [d('link', 'l', {}, ['table:t']), d('table', 't', {}, ['db:d']), d('db', 'd', {})],
      [o('grant', 'g', {}), o('grantdep', 'h', {})],
      { pruneScope: () => true },
    ).changes;
    const order = orderChanges(changes).map((c) => c.key);
    expect(order.slice(0, 3)).toEqual(['db:d', 'table:t', 'link:l']);
    expect(order.slice(3).sort()).toEqual(['grant:g', 'grantdep:h']);
  });
});

describe('sameSpec', () => {
  it('ignores key order and undefined fields but not array order', () => {
    expect(sameSpec({ a: 1, b: [1, 2], c: undefined }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameSpec({ b: [2, 1] }, { b: [1, 2] })).toBe(false);
  });
});

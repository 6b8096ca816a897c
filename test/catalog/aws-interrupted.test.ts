// An apply that fails half way (the Nth AWS call fails, before it is sent or after AWS did it but the answer was
// lost), then the same command again: it completes, with nothing duplicated and nothing left half made.
import { describe, expect, it } from 'vitest';
import { type AwsCall, AwsCallCounter, CountingAwsClients, isMutating } from '../../src/catalog/aws/call-counter.js';
import { MeshError } from '../../src/core/errors.js';
import { hasPendingChanges } from '../../src/engine/plan.js';
import type { PlanScope } from '../../src/engine/plane.js';
import { freshAccounts } from '../support/moto.js';
import { musicFixture, runCatalog } from './fixtures.js';
import { bucketPolicy, createBucket, databases, grants, locations, tables, tableTags } from './moto-accounts.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const EVERYTHING: PlanScope = { include: { publish: true, subscriptions: true } };

/** Fails the nth mutating call (optionally: the nth call of one operation), once. */
function failOnce(n: number, phase: 'before' | 'after', operation?: string) {
  let seen = 0;
  let target: AwsCall | undefined;
  const state = { failed: undefined as string | undefined };
  const hook = (call: AwsCall, p: 'before' | 'after') => {
    if (state.failed || !isMutating(call.operation) || (operation && call.operation !== operation)) return;
    if (p === 'before' && ++seen === n) target = call;
    if (call === target && p === phase) {
      state.failed = call.operation;
      throw Object.assign(new Error(`injected failure (${phase}) of ${call.operation}`), { name: 'InjectedFault' });
    }
  };
  return { hook, state };
}

describe('interrupted apply, then the same command again', () => {
  it.each([
    { phase: 'before' as const, n: 6, operation: undefined },
    { phase: 'after' as const, n: 9, operation: undefined },
    { phase: 'after' as const, n: 2, operation: 'AddLFTagsToResource' },
    { phase: 'before' as const, n: 1, operation: 'BatchGrantPermissions' },
    { phase: 'after' as const, n: 1, operation: 'CreateTable' },
    { phase: 'after' as const, n: 1, operation: 'BatchGrantPermissions' },
  ])('fails call $n ($operation) $phase it is done, then completes with no duplicate and no orphan', async ({ phase, n, operation }) => {
    const accounts = freshAccounts();
    const { central: C, producer: P, consumer: U } = accounts;
    const bucket = `music-data-${P}`;
    await createBucket(P, bucket);
    const fx = musicFixture({ target: 'aws', accounts, bucket });
    try {
      const fault = failOnce(n, phase, operation);
      const failing = new CountingAwsClients(new AwsCallCounter(), fault.hook);
      const error = await runCatalog(fx.workspace, EVERYTHING, { plane: { clients: failing } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(fault.state.failed).toBeDefined();
      expect(error).toBeInstanceOf(MeshError);
      expect((error as MeshError).hint).toContain('Re-run the same command to resume.');

      const counter = new AwsCallCounter();
      const clients = new CountingAwsClients(counter);
      const resumed = await runCatalog(fx.workspace, EVERYTHING, { plane: { clients } });
      expect(resumed.applied).toBe(true);

      expect(await databases(C)).toEqual(['music_listeners', 'music_music', 'music_podcasts']);
      for (const [db, names] of [
        ['music_listeners', ['interactions', 'users']],
        ['music_music', ['songs']],
        ['music_podcasts', ['podcasts']],
      ] as const) {
        expect((await tables(C, db)).map((t) => t.Name)).toEqual(names);
        for (const name of names) expect(Object.keys(await tableTags(C, db, name)).sort()).toEqual(['classification', 'domain', 'product']);
      }
      expect(await locations(C)).toEqual([`arn:aws:s3:::${bucket} as arn:aws:iam::${C}:role/MeshLfDataAccess`]);
      const all = await grants(C);
      expect(all).toHaveLength(new Set(all).size);
      expect(all.filter((g) => g.includes(':role/mesh-recommendations'))).toEqual(
        [
          `arn:aws:iam::${U}:role/mesh-recommendations | columns ${C}:music_podcasts.podcasts(genre,podcast_id,title) | SELECT | `,
          `arn:aws:iam::${U}:role/mesh-recommendations | database ${C}:music_music | DESCRIBE | `,
          `arn:aws:iam::${U}:role/mesh-recommendations | database ${C}:music_podcasts | DESCRIBE | `,
          `arn:aws:iam::${U}:role/mesh-recommendations | table ${C}:music_music.songs | DESCRIBE,SELECT | `,
          `arn:aws:iam::${U}:role/mesh-recommendations | table ${C}:music_podcasts.podcasts | DESCRIBE | `,
        ].sort(),
      );
      expect(all).toHaveLength(5 + 3 * 2 + 4);
      expect(await databases(P)).toEqual([
        `mesh_listeners -> ${C}:music_listeners`,
        `mesh_music -> ${C}:music_music`,
        `mesh_podcasts -> ${C}:music_podcasts`,
      ]);
      expect(((await bucketPolicy(P, bucket)) as { Statement: unknown[] }).Statement).toHaveLength(1);
      expect(await databases(U)).toEqual(['mesh_music', 'mesh_podcasts']);
      expect((await tables(U, 'mesh_podcasts')).map((t) => t.Name)).toEqual(['podcasts']);

      counter.reset();
      const again = await runCatalog(fx.workspace, EVERYTHING, { plane: { clients } });
      expect(hasPendingChanges(again.plan)).toBe(false);
      expect(counter.mutating).toEqual([]);
    } finally {
      fx.cleanup();
    }
  });
});

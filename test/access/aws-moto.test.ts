// The aws target against moto: Lake Formation grants for a confidential product appear only once its producer has
// approved the request, carry the approved columns, and go on the first apply after the approval expires or is
// revoked. Grants are read with the SDK in the central account, not through mesh's adapters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanScope } from '../../src/engine/plane.js';
import type { AccessDecision, Domain, Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog } from '../catalog/fixtures.js';
import { createBucket, grants } from '../catalog/moto-accounts.js';
import { freshAccounts } from '../support/moto.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const { central: C, producer: P, consumer: U } = accounts;
const bucket = `music-data-${P}`;
const SUBSCRIPTIONS: PlanScope = { include: { publish: false, subscriptions: true } };
const recs = `arn:aws:iam::${U}:role/mesh-recommendations`;
let fx: Fixture;
let base: Workspace;

/** The workspace with the listeners domain's decisions on recommendations' users request replaced. */
function withDecisions(approvals: AccessDecision[], denials: AccessDecision[] = []): Workspace {
  const domains = base.domains.map((d): Domain => (d.name === 'listeners' ? { ...d, approvals, denials } : d));
  return { ...base, domains };
}

async function applyAt(ws: Workspace, now: string) {
  process.env.MESH_NOW = now;
  try {
    return await runCatalog(ws, SUBSCRIPTIONS);
  } finally {
    delete process.env.MESH_NOW;
  }
}

async function usersGrants(): Promise<string[]> {
  return (await grants(C)).filter((g) => g.startsWith(recs) && g.includes('music_listeners'));
}

const APPROVAL: AccessDecision = {
  consumer: 'recommendations',
  product: 'users',
  columns: ['user_id', 'country'],
  by: 'ada',
  date: '2026-06-01',
  until: '2026-12-31',
};

beforeAll(async () => {
  await createBucket(P, bucket);
  // recommendations requests all of users (confidential: access by approval) and reads songs (internal: open).
  fx = musicFixture({
    target: 'aws',
    accounts,
    bucket,
    subscriptions: [
      { product: 'songs', table: {} },
      { product: 'users', table: {}, request: { purpose: 'recommender' } },
    ],
  });
  base = fx.workspace;
  await runCatalog(base, PUBLISH_ALL);
}, 120_000);
afterAll(() => fx.cleanup());

describe('access on aws (moto): grants follow approvals', () => {
  it('no grant while the request is pending; the open product is granted', async () => {
    const { plan } = await applyAt(withDecisions([]), '2026-06-01');
    expect(plan.changes.filter((c) => c.action === 'grant' && (c.ref.label ?? '').includes('users'))).toEqual([]);
    expect(await usersGrants()).toEqual([]);
    expect((await grants(C)).filter((g) => g.startsWith(recs) && g.includes('music_music.songs'))).toEqual([
      `${recs} | table ${C}:music_music.songs | DESCRIBE,SELECT | `,
    ]);
  });

  it('after approval: the grants carry the approved columns only', async () => {
    await applyAt(withDecisions([APPROVAL]), '2026-06-01');
    expect(await usersGrants()).toEqual([
      `${recs} | columns ${C}:music_listeners.users(country,user_id) | SELECT | `,
      `${recs} | database ${C}:music_listeners | DESCRIBE | `,
      `${recs} | table ${C}:music_listeners.users | DESCRIBE | `,
    ]);
  });

  it('once the approval has expired, the next apply revokes them, saying why', async () => {
    const { plan } = await applyAt(withDecisions([APPROVAL]), '2027-01-01');
    const revoked = plan.changes.filter((c) => c.action === 'revoke');
    expect(revoked.length).toBe(3);
    for (const c of revoked) expect(c.reason).toBe('approval expired on 2026-12-31 (recommendations on users)');
    expect(await usersGrants()).toEqual([]);
    expect((await grants(C)).some((g) => g.startsWith(recs) && g.includes('music_music.songs'))).toBe(true);
  });

  it('renewed, then revoked: the grants come back, then go', async () => {
    const renewed = { ...APPROVAL, date: '2027-01-02', until: '2027-06-30' };
    await applyAt(withDecisions([renewed]), '2027-01-02');
    expect(await usersGrants()).toHaveLength(3);
    const revokedBy = { consumer: 'recommendations', product: 'users', by: 'ada', date: '2027-02-01', reason: 'approval revoked' };
    const { plan } = await applyAt(withDecisions([], [revokedBy]), '2027-02-01');
    expect(plan.changes.filter((c) => c.action === 'revoke').map((c) => c.reason)).toContain(
      'denied by ada on 2027-02-01: approval revoked (recommendations on users)',
    );
    expect(await usersGrants()).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventsStore } from '../../src/personalize/local/events-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function store(): Promise<EventsStore> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-events-'));
  dirs.push(dir);
  return EventsStore.open(path.join(dir, 'events.db'));
}

describe('the local PutEvents store', () => {
  it('keys events by eventId: a redelivery is stored once, two ids with the same content twice', async () => {
    const s = await store();
    const base = { userId: 'u1', sessionId: 's1', itemId: 'p1', eventType: 'play', sentAt: 1_700_000_000 };
    expect(s.putEvents([{ ...base, eventId: 'e1' }])).toBe(1);
    expect(s.putEvents([{ ...base, eventId: 'e1', sentAt: 1_700_000_005 }])).toBe(0); // same id, redelivered
    expect(s.putEvents([{ ...base, eventId: 'e2' }])).toBe(1); // another play of the same item at the same second
  });

  it('falls back to the content for events without an id', async () => {
    const s = await store();
    const base = { userId: 'u1', sessionId: 's1', itemId: 'p1', eventType: 'play', sentAt: 1_700_000_000 };
    expect(s.putEvents([base, base])).toBe(1);
    expect(s.putEvents([{ ...base, sentAt: 1_700_000_001 }])).toBe(1);
  });
});

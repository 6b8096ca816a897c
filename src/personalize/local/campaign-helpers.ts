/** Small helpers of the local campaign runtime (local-campaign.ts). */

/** Identifies one write of campaigns.json: deploy and rollback replace it by rename, so the inode changes too. */
export function stampOf(s: { mtimeMs: number; size: number; ino: number } | undefined): string {
  return s ? `${s.mtimeMs}:${s.size}:${s.ino}` : 'absent';
}

/** Scores as the API returns them: 6 decimals. */
export function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export function addEventTypeTo(map: Map<string, Set<string>>, itemId: string, type: string): void {
  let set = map.get(itemId);
  if (!set) {
    set = new Set();
    map.set(itemId, set);
  }
  set.add(type);
}

export function addEventType(index: Map<string, Map<string, Set<string>>>, userId: string, itemId: string, type: string): void {
  let user = index.get(userId);
  if (!user) {
    user = new Map();
    index.set(userId, user);
  }
  addEventTypeTo(user, itemId, type);
}

/** `mesh personalize status` on local: versions with their metrics, what each campaign serves, events since training. */
import type { PersonalizeProject } from '../project.js';
import { readLocalCampaigns } from './deploy-local.js';
import { EventsStore } from './events-store.js';
import { listVersionNumbers, readVersion } from './versions.js';

export interface LocalStatus {
  readonly versions: readonly {
    version: number;
    createdAt: string;
    interactions: number;
    metrics: Record<string, Readonly<Record<string, number>>>;
  }[];
  readonly campaigns: Readonly<
    Record<string, { campaignArn: string; version: number; history: readonly number[]; minProvisionedTPS: number }>
  >;
  /** Real-time records stored (PutEvents, PutItems, PutUsers), and how many arrived after the newest version. */
  readonly realtime: { events: number; items: number; users: number; eventsSinceTraining: number };
  readonly pending: readonly never[];
}

export async function localStatus(project: PersonalizeProject): Promise<LocalStatus> {
  const numbers = await listVersionNumbers(project.paths.versionsDir);
  const versions: LocalStatus['versions'][number][] = [];
  for (const n of numbers.slice(-10)) {
    const meta = await readVersion(project.paths.versionsDir, n).catch(() => undefined);
    if (!meta) continue;
    versions.push({
      version: n,
      createdAt: meta.createdAt,
      interactions: meta.interactions,
      metrics: Object.fromEntries(Object.entries(meta.solutions).map(([s, v]) => [s, v.metrics])),
    });
  }
  const store = await EventsStore.open(project.paths.eventsDb);
  let realtime: LocalStatus['realtime'];
  try {
    const marks = store.watermarks();
    const newest =
      numbers.length > 0
        ? await readVersion(project.paths.versionsDir, numbers[numbers.length - 1] as number).catch(() => undefined)
        : undefined;
    realtime = { ...marks, eventsSinceTraining: marks.events - (newest?.watermarks.events ?? 0) };
  } finally {
    store.close();
  }
  return { versions, campaigns: readLocalCampaigns(project.paths.campaignsFile), realtime, pending: [] };
}

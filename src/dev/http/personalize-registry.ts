/**
 * Which domain a Personalize request is for: by tracking id (PutEvents), dataset ARN (PutItems/PutUsers) or
 * campaign ARN (GetRecommendations), from each domain's outputs.json (re-read when a deploy rewrites it). Keeps
 * one local campaign runtime per domain.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterPoll, DirSignal, WatchedValue } from '../../personalize/local/change-signal.js';
import type { LocalCampaignRuntime } from '../../personalize/local/local-campaign.js';
import { type PersonalizeOutputs, readOutputsFile } from '../../personalize/outputs.js';
import { openPersonalizeProject, personalizeDomains, personalizePaths } from '../../personalize/project.js';
import type { Workspace } from '../../workspace/model.js';
import { invalidInput, notFound } from './http-error.js';

interface CachedOutputs {
  stamp: string;
  outputs: PersonalizeOutputs | undefined;
}

export class PersonalizeRegistry {
  private readonly outputs = new Map<string, CachedOutputs>();
  private readonly runtimes = new Map<string, Promise<LocalCampaignRuntime>>();
  private readonly outputStamps = new Map<string, WatchedValue<{ stamp: string; exists: boolean }>>();
  private readonly signals: DirSignal[] = [];

  constructor(private readonly workspace: Workspace) {}

  domainNames(): string[] {
    return personalizeDomains(this.workspace).map((d) => d.name);
  }

  async outputsOf(domain: string): Promise<PersonalizeOutputs | undefined> {
    // mtime, size and inode: a deploy replaces the file by rename, so two writes within one mtime tick still differ.
    // statSync: µs on a cached inode; the promise version's thread-pool round trip dominated request time (profiled);
    // again only after a change notification for its directory (else once per event-loop turn); exact because
    // every request path awaits afterPoll() first (change-signal.ts says why)
    let memo = this.outputStamps.get(domain);
    if (!memo) {
      const file = personalizePaths(this.workspace, domain).outputsFile;
      const signal = new DirSignal(path.dirname(file));
      this.signals.push(signal);
      memo = new WatchedValue(signal, () => {
        const s = statSync(file, { throwIfNoEntry: false });
        return { stamp: s ? `${s.mtimeMs}:${s.size}:${s.ino}` : 'absent', exists: s !== undefined };
      });
      this.outputStamps.set(domain, memo);
    }
    const { stamp, exists } = memo.get();
    const cached = this.outputs.get(domain);
    if (cached && cached.stamp === stamp) return cached.outputs;
    const outputs = exists ? readOutputsFile(personalizePaths(this.workspace, domain).outputsFile) : undefined;
    this.outputs.set(domain, { stamp, outputs });
    return outputs;
  }

  runtime(domain: string): Promise<LocalCampaignRuntime> {
    let r = this.runtimes.get(domain);
    if (!r) {
      r = (async () => {
        const { LocalCampaignRuntime } = await import('../../personalize/local/local-campaign.js');
        return LocalCampaignRuntime.open(openPersonalizeProject(this.workspace, domain), {
          reopen: () => openPersonalizeProject(this.workspace, domain),
          changeSignals: true,
        });
      })();
      r.catch(() => this.runtimes.delete(domain));
      this.runtimes.set(domain, r);
    }
    return r;
  }

  private async find(
    test: (o: PersonalizeOutputs) => boolean,
    what: string,
  ): Promise<{ domain: string; outputs: PersonalizeOutputs; runtime: LocalCampaignRuntime }> {
    await afterPoll(); // before any freshness check of this request (see outputsOf)
    for (const domain of this.domainNames()) {
      const outputs = await this.outputsOf(domain);
      if (outputs && test(outputs)) return { domain, outputs, runtime: await this.runtime(domain) };
    }
    throw notFound(`${what} is not known to the local Personalize (run \`mesh personalize deploy\` on the local target).`);
  }

  byTrackingId(trackingId: string) {
    return this.find((o) => o.trackingId === trackingId, `Tracking id ${trackingId}`);
  }

  async byDatasetArn(datasetArn: string, expected: 'items' | 'users') {
    const found = await this.find(
      (o) => o.itemsDatasetArn === datasetArn || o.usersDatasetArn === datasetArn || o.interactionsDatasetArn === datasetArn,
      `Dataset ${datasetArn}`,
    );
    const type =
      found.outputs.itemsDatasetArn === datasetArn ? 'items' : found.outputs.usersDatasetArn === datasetArn ? 'users' : 'interactions';
    if (type !== expected)
      throw invalidInput(
        `Dataset ${datasetArn} is the ${type} dataset; ${expected === 'items' ? 'PutItems' : 'PutUsers'} needs the ${expected} dataset.`,
      );
    return found;
  }

  async byCampaignArn(campaignArn: string) {
    const found = await this.find((o) => Object.values(o.campaigns).includes(campaignArn), `Campaign ${campaignArn}`);
    const solution = Object.entries(found.outputs.campaigns).find(([, arn]) => arn === campaignArn)?.[0] as string;
    return { ...found, solution };
  }

  /** The domain of a `GET /recommendations/{userId}` call: `?domain=`, else the only deployed one. */
  async forApi(domain: string | null): Promise<{ domain: string; runtime: LocalCampaignRuntime }> {
    await afterPoll(); // before any freshness check of this request (see outputsOf)
    if (domain) {
      if (!this.domainNames().includes(domain)) throw notFound(`Domain ${domain} has no Personalize template.`);
      return { domain, runtime: await this.runtime(domain) };
    }
    const deployed: string[] = [];
    for (const d of this.domainNames()) if ((await this.outputsOf(d))?.target === 'local') deployed.push(d);
    if (deployed.length === 1) return { domain: deployed[0] as string, runtime: await this.runtime(deployed[0] as string) };
    if (deployed.length === 0)
      throw notFound('No domain has a local campaign yet: run `mesh personalize train` and `mesh personalize deploy`.');
    throw invalidInput(`Several domains serve recommendations (${deployed.join(', ')}): add ?domain=<name>.`);
  }

  async close(): Promise<void> {
    for (const s of this.signals.splice(0)) s.close();
    const all = [...this.runtimes.values()];
    this.runtimes.clear();
    for (const r of all)
      await r.then(
        (rt) => rt.close(),
        () => undefined,
      );
  }
}

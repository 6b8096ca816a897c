/**
 * Live metrics for the portal (in `mesh dev`, and in `mesh portal` over the workspace's streams: the embedded log,
 * the Kafka broker, or MSK on aws), sampled when the page asks (no timer of its own): each topic's
 * end offsets (events per second from the previous sample), each stream subscription's consumer group lag (end
 * offset minus committed offset, summed over partitions), the records in each dead-letter topic, and the analytics
 * domain's plays per minute. Item metadata for the recommendations explorer is read through runQuery as the
 * recommending domain, so it shows only what that domain may read.
 */
import { sqlNameOf } from '../catalog/names.js';
import { isMeshError } from '../core/errors.js';
import type { StreamTransport } from '../streams/transport/index.js';
import type { Workspace } from '../workspace/model.js';
import { consumerGroupId } from '../workspace/naming.js';

export interface PlaysSource {
  summary(options: { minutes: number; top: number }): {
    totalPlays: number;
    perMinute: { minute: string; song: number; podcast: number }[];
  };
}

export interface LiveOptions {
  readonly workspace: Workspace;
  readonly transport: StreamTransport;
  readonly plays?: PlaysSource;
  /** The server answers GET /recommendations/{userId} (`mesh dev`): the page offers the recommendations explorer. */
  readonly recommendations?: boolean;
}

/** The records a topic holds (its end offsets summed); undefined when the topic is not there (yet). */
async function sumEnds(transport: StreamTransport, topic: string): Promise<number | undefined> {
  try {
    const ranges = await transport.endOffsets(topic);
    return ranges.reduce((n, r) => n + r.end, 0);
  } catch (error) {
    // A missing topic is a fact to show (0); an unreachable broker fails the sample (the page shows "offline").
    if (isMeshError(error) && error.code === 'TopicNotFound') return undefined;
    throw error;
  }
}

export class LiveMetrics {
  private last: { at: number; ends: Map<string, number> } | undefined;
  private sampling: Promise<unknown> | undefined;

  constructor(private readonly options: LiveOptions) {}

  /** One sample; concurrent callers share it. */
  snapshot(): Promise<unknown> {
    this.sampling ??= this.sample().finally(() => {
      this.sampling = undefined;
    });
    return this.sampling;
  }

  private async sample() {
    const { workspace: ws, transport } = this.options;
    const at = Date.now();
    const ends = new Map<string, number>();
    const topics = [];
    for (const p of ws.products) {
      if (!p.stream) continue;
      const end = (await sumEnds(transport, p.stream.topic)) ?? 0;
      ends.set(p.stream.topic, end);
      const prev = this.last?.ends.get(p.stream.topic);
      const seconds = this.last ? (at - this.last.at) / 1000 : 0;
      const rate = prev !== undefined && seconds > 0 ? Math.max(0, end - prev) / seconds : 0;
      topics.push({ topic: p.stream.topic, product: p.name, end, rate: Math.round(rate * 10) / 10 });
    }
    this.last = { at, ends };
    const groups = [];
    const deadLetters = [];
    for (const d of ws.domains) {
      for (const s of d.subscriptions) {
        const product = ws.products.find((p) => p.name === s.product);
        if (!s.stream || !product?.stream) continue;
        const topic = product.stream.topic;
        const group = consumerGroupId(ws.mesh, d.name, product.name);
        let committed = 0;
        let lag = 0;
        try {
          const ranges = await transport.endOffsets(topic);
          const commits = new Map((await transport.committedOffsets(group, topic)).map((c) => [c.partition, c.offset]));
          for (const r of ranges) {
            const c = commits.get(r.partition) ?? r.start;
            committed += c;
            lag += Math.max(0, r.end - c);
          }
        } catch {
          // The topic is not there yet: nothing to lag behind.
        }
        groups.push({ group, consumer: d.name, topic, committed, end: ends.get(topic) ?? 0, lag });
        deadLetters.push({
          topic: s.stream.deadLetterTopic,
          consumer: d.name,
          product: product.name,
          count: (await sumEnds(transport, s.stream.deadLetterTopic)) ?? 0,
        });
      }
    }
    const summary = this.options.plays?.summary({ minutes: 60, top: 1 });
    const recommender = this.options.recommendations ? ws.domains.find((d) => d.personalizeFile) : undefined;
    return {
      at,
      topics,
      groups,
      deadLetters,
      plays: summary ? { total: summary.totalPlays, perMinute: summary.perMinute } : null,
      recommendations: recommender ? { domain: recommender.name } : null,
    };
  }

  /** Item rows by id from the products the recommending domain reads (their primary key), as that domain sees them. */
  async items(ids: readonly string[]): Promise<Record<string, Record<string, unknown>>> {
    const ws = this.options.workspace;
    const domain = ws.domains.find((d) => d.personalizeFile);
    if (!this.options.recommendations || !domain || ids.length === 0) return {};
    const { runQuery } = await import('../catalog/local/query.js');
    const out: Record<string, Record<string, unknown>> = {};
    const list = ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');
    for (const s of domain.subscriptions) {
      const product = ws.products.find((p) => p.name === s.product);
      const key = product?.columns.find((c) => c.primaryKey);
      if (!product || !s.table || !key) continue;
      try {
        const result = await runQuery(ws, domain.name, `SELECT * FROM "${sqlNameOf(product.name)}" WHERE "${key.name}" IN (${list})`);
        for (const row of result.rows) {
          out[String(row[key.name])] = Object.fromEntries(
            Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.toISOString() : v]),
          );
        }
      } catch {
        // A product not published or not readable: no metadata from it.
      }
    }
    return out;
  }
}

/**
 * The live page (mesh portal, mesh dev): events per second per topic, consumer lag per group, dead letters, the analytics
 * domain's plays per minute, and a recommendations explorer. uPlot charts, polled every second. Each chart has a
 * table of the latest values next to it (what a screen reader reads, and what the tests check).
 */
import uPlot from 'uplot';
import { api } from './api.mjs';
import { h, setMain, table } from './dom.mjs';

export interface LiveSnapshot {
  at: number;
  topics: { topic: string; product: string; end: number; rate: number }[];
  groups: { group: string; consumer: string; topic: string; committed: number; end: number; lag: number }[];
  deadLetters: { topic: string; consumer: string; product: string; count: number }[];
  plays: { total: number; perMinute: { minute: string; song: number; podcast: number }[] } | null;
  recommendations: { domain: string } | null;
}

const POLL_MS = 1000;
const KEEP = 180;
const PALETTE = ['#0b6e4f', '#1f5f99', '#a0285a', '#8a4f00', '#6a3d9a', '#8b1a1a', '#3b4a6b', '#00796b'];

let timer: ReturnType<typeof setTimeout> | undefined;
let charts: uPlot[] = [];

export function stopLive(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  for (const c of charts) c.destroy();
  charts = [];
}

class Series {
  readonly times: number[] = [];
  readonly values = new Map<string, number[]>();
  push(at: number, points: Record<string, number>): void {
    this.times.push(at / 1000);
    for (const [k, v] of Object.entries(points)) {
      if (!this.values.has(k))
        this.values.set(
          k,
          this.times.slice(0, -1).map(() => 0),
        );
      this.values.get(k)?.push(v);
    }
    for (const [k, arr] of this.values) if (!(k in points)) arr.push(0);
    if (this.times.length > KEEP) {
      this.times.shift();
      for (const arr of this.values.values()) arr.shift();
    }
  }
}

function chart(el: HTMLElement, title: string, names: string[], yLabel: string): uPlot {
  return new uPlot(
    {
      title,
      width: Math.max(420, Math.min(560, el.clientWidth || 520)),
      height: 220,
      series: [{}, ...names.map((n, i) => ({ label: n, stroke: PALETTE[i % PALETTE.length], width: 2 }))],
      axes: [{}, { label: yLabel }],
      scales: { x: { time: true } },
    },
    [[], ...names.map(() => [])],
    el,
  );
}

/** A uPlot chart over a Series, rebuilt when a new series name appears. */
class LiveChart {
  private plot: uPlot | undefined;
  private names: string[] = [];
  constructor(
    private readonly el: HTMLElement,
    private readonly title: string,
    private readonly yLabel: string,
  ) {}
  update(series: Series): void {
    const names = [...series.values.keys()];
    if (!this.plot || names.join('\n') !== this.names.join('\n')) {
      if (this.plot) charts = charts.filter((c) => c !== this.plot);
      this.plot?.destroy();
      this.names = names;
      this.plot = chart(this.el, this.title, names, this.yLabel);
      charts.push(this.plot);
    }
    this.plot.setData([series.times, ...names.map((n) => series.values.get(n) ?? [])]);
    this.el.dataset.points = String(series.times.length);
    this.el.dataset.max = String(Math.max(0, ...[...series.values.values()].flat()));
  }
}

function explorer(domain: string): HTMLElement {
  const input = h('input', { id: 'rec-user', value: 'u0042', autocomplete: 'off' });
  const out = h('div', { id: 'recommendations', 'aria-live': 'polite' });
  const show = async () => {
    try {
      const res = await fetch(`/recommendations/${encodeURIComponent(input.value)}?num=10&domain=${encodeURIComponent(domain)}`);
      const body = (await res.json()) as { itemList?: { itemId: string; score?: number }[]; message?: string };
      if (!res.ok) throw new Error(body.message ?? `${res.status}`);
      const ids = (body.itemList ?? []).map((i) => i.itemId);
      type Items = { items: Record<string, Record<string, unknown>> };
      const none: Items = { items: {} };
      const items: Items = ids.length ? await api<Items>(`live/items?ids=${encodeURIComponent(ids.join(','))}`).catch(() => none) : none;
      out.replaceChildren(
        table(
          `Recommendations for ${input.value}`,
          ['#', 'Item', 'Details', 'Score'],
          (body.itemList ?? []).map((i, n) => {
            const meta = items.items[i.itemId];
            return [
              n + 1,
              i.itemId,
              meta
                ? Object.values(meta)
                    .filter((v) => typeof v === 'string')
                    .slice(0, 3)
                    .join(' · ')
                : '',
              i.score?.toFixed(4) ?? '',
            ];
          }),
          { id: 'rec-table' },
        ),
      );
    } catch (error) {
      out.replaceChildren(h('p', { class: 'error' }, (error as Error).message));
    }
  };
  const form = h(
    'form',
    {
      onsubmit: ((e: Event) => {
        e.preventDefault();
        void show();
      }) as EventListener,
    },
    h('label', { for: 'rec-user' }, 'User id '),
    input,
    ' ',
    h('button', { type: 'submit' }, 'Recommend'),
  );
  (form as HTMLFormElement & { refresh?: () => Promise<void> }).refresh = show;
  return h(
    'section',
    { 'aria-labelledby': 'rec-title', id: 'rec-section' },
    h('h2', { id: 'rec-title' }, `Recommendations explorer (${domain})`),
    form,
    out,
  );
}

export function renderLive(): void {
  const rates = new Series();
  const lags = new Series();
  const boxes = {
    rate: h('div', { id: 'chart-rate', class: 'chart' }),
    lag: h('div', { id: 'chart-lag', class: 'chart' }),
    plays: h('div', { id: 'chart-plays', class: 'chart' }),
  };
  const tables = h('div', { id: 'live-tables', 'aria-live': 'off' });
  const status = h('p', { id: 'live-status', role: 'status' }, 'connecting…');
  const rec = h('div', {});
  setMain('Live', h('h1', {}, 'Live'), status, h('div', { class: 'charts' }, boxes.rate, boxes.lag, boxes.plays), rec, tables);
  const rateChart = new LiveChart(boxes.rate, 'Events per second per topic', 'events/s');
  const lagChart = new LiveChart(boxes.lag, 'Consumer lag per group', 'records');
  const playsChart = new LiveChart(boxes.plays, 'Plays per minute (analytics)', 'plays');
  let lastEnd = -1;
  const tick = async () => {
    try {
      const s = await api<LiveSnapshot>('live');
      rates.push(s.at, Object.fromEntries(s.topics.map((t) => [t.topic, t.rate])));
      lags.push(s.at, Object.fromEntries(s.groups.map((g) => [g.group, g.lag])));
      rateChart.update(rates);
      lagChart.update(lags);
      if (s.plays) {
        const plays = new Series();
        for (const m of s.plays.perMinute) plays.push(Date.parse(m.minute), { song: m.song, podcast: m.podcast });
        playsChart.update(plays);
      }
      if (s.recommendations && rec.childElementCount === 0) rec.append(explorer(s.recommendations.domain));
      const ends = s.topics.reduce((n, t) => n + t.end, 0);
      if (ends !== lastEnd && lastEnd >= 0)
        void (rec.querySelector('form') as (HTMLFormElement & { refresh?: () => Promise<void> }) | null)?.refresh?.();
      lastEnd = ends;
      tables.replaceChildren(
        table(
          'Topics',
          ['Topic', 'Product', 'Events', 'Events/s'],
          s.topics.map((t) => [t.topic, t.product, t.end, t.rate.toFixed(1)]),
          { id: 'topics-table' },
        ),
        table(
          'Consumer groups',
          ['Group', 'Consumer', 'Topic', 'Committed', 'End', 'Lag'],
          s.groups.map((g) => [
            g.group,
            g.consumer,
            g.topic,
            g.committed,
            g.end,
            h('span', { class: 'lag', 'data-group': g.group }, g.lag),
          ]),
          { id: 'lag-table' },
        ),
        table(
          'Dead letters',
          ['Topic', 'Consumer', 'Product', 'Records'],
          s.deadLetters.map((d) => [d.topic, d.consumer, d.product, d.count]),
          { id: 'dlq-table' },
        ),
        h('p', { id: 'plays-total' }, s.plays ? `Plays: ${s.plays.total}` : ''),
      );
      status.textContent = `live · updated ${new Date(s.at).toLocaleTimeString()}`;
      status.className = 'live';
    } catch (error) {
      status.textContent = `offline: ${(error as Error).message}`;
      status.className = 'offline';
    }
    timer = setTimeout(() => void tick(), POLL_MS);
  };
  void tick();
}

/** Human renderings of the `mesh personalize` results (the --json documents are the result objects themselves). */
import { formatTable, type Styles } from '../../io/output.js';
import type { CampaignDeployment } from '../../personalize/deployment.js';
import type { RecommendationsResult } from '../../personalize/port.js';
import type { DeployResult, StatusResult, TrainResult } from '../../personalize/service.js';

const METRIC_ORDER = [
  'normalized_discounted_cumulative_gain_at_5',
  'normalized_discounted_cumulative_gain_at_10',
  'normalized_discounted_cumulative_gain_at_25',
  'precision_at_5',
  'precision_at_10',
  'precision_at_25',
  'mean_reciprocal_rank_at_25',
  'coverage',
];

const SHORT: Record<string, string> = {
  normalized_discounted_cumulative_gain_at_5: 'ndcg@5',
  normalized_discounted_cumulative_gain_at_10: 'ndcg@10',
  normalized_discounted_cumulative_gain_at_25: 'ndcg@25',
  precision_at_5: 'p@5',
  precision_at_10: 'p@10',
  precision_at_25: 'p@25',
  mean_reciprocal_rank_at_25: 'mrr@25',
  coverage: 'coverage',
};

export interface MetricsRow {
  solution: string;
  metrics: Readonly<Record<string, number>>;
  /** Standard deviation over holdout splits: cells read `mean ± std`. */
  metricsStd?: Readonly<Record<string, number>>;
}

function cell(r: MetricsRow, name: string): string {
  const v = r.metrics[name];
  if (v === undefined) return '-';
  const sd = r.metricsStd?.[name];
  return sd === undefined ? v.toFixed(4) : `${v.toFixed(4)} ± ${sd.toFixed(4)}`;
}

/** Metrics per solution as a table (GetSolutionMetrics names, shortened in the header). */
export function metricsTable(rows: readonly MetricsRow[]): string {
  const names = [
    ...new Set([...METRIC_ORDER.filter((m) => rows.some((r) => m in r.metrics)), ...rows.flatMap((r) => Object.keys(r.metrics))]),
  ];
  return formatTable(
    ['solution', ...names.map((n) => SHORT[n] ?? n)],
    rows.map((r) => [r.solution, ...names.map((n) => cell(r, n))]),
  );
}

/** The solutions' rows, each followed by its popularity baseline on the same splits (once per distinct baseline). */
export function trainMetricsRows(solutions: TrainResult['solutions']): MetricsRow[] {
  const rows: MetricsRow[] = [];
  const shown = new Set<string>();
  for (const s of solutions) {
    rows.push({ solution: s.solution, metrics: s.metrics, ...(s.metricsStd ? { metricsStd: s.metricsStd } : {}) });
    const key = s.baseline ? JSON.stringify(s.baseline.metrics) : '';
    if (s.baseline && !shown.has(key)) {
      shown.add(key);
      rows.push({ solution: 'popularity baseline', metrics: s.baseline.metrics, metricsStd: s.baseline.metricsStd });
    }
  }
  return rows;
}

function metricsTitle(solutions: TrainResult['solutions']): string {
  const splits = solutions.find((s) => s.splits !== undefined)?.splits;
  return splits === undefined
    ? 'Metrics (GetSolutionMetrics names; holdout: 10% of users, newest 10% of their events)'
    : `Metrics: mean ± std over ${splits} holdout splits (GetSolutionMetrics names; each split holds out 10% of users, newest 10% of their events)`;
}

export function renderTrain(r: TrainResult, style: Styles): string {
  if (r.dryRun) {
    return [
      style.bold(`Datasets (${r.domain})`),
      formatTable(
        ['dataset', 'rows', 'file'],
        r.datasets.map((d) => [d.type, String(d.rows), d.file]),
      ),
      '',
      'Dry run: the datasets pass the checks; nothing was uploaded or trained.',
    ].join('\n');
  }
  const lines = [
    style.bold(`Datasets (${r.domain})`),
    formatTable(
      ['dataset', 'rows', 'file'],
      r.datasets.map((d) => [d.type, String(d.rows), d.file]),
    ),
    '',
    style.bold(r.target === 'local' ? `Local solution version ${r.version}` : 'Solution versions'),
    formatTable(
      ['solution', 'mode', 'version', 'note'],
      r.solutions.map((s) => [
        s.solution,
        s.trainingMode,
        s.solutionVersionArn,
        [
          s.reused ? 'same data: reused' : '',
          s.method ? `method ${s.method}` : '',
          s.trainingHours !== undefined ? `${s.trainingHours} training hours` : '',
        ]
          .filter(Boolean)
          .join(', '),
      ]),
    ),
    '',
    style.bold(metricsTitle(r.solutions)),
    metricsTable(trainMetricsRows(r.solutions)),
    '',
    style.dim('Next: mesh personalize deploy'),
  ];
  return lines.join('\n');
}

function deploymentRows(deployments: readonly CampaignDeployment[]): string[][] {
  return deployments.map((d) => [
    d.solution,
    d.action,
    d.solutionVersionArn.split('/').slice(-2).join('/'),
    String(d.minProvisionedTPS),
    d.gate?.reason ?? '',
  ]);
}

export function renderDeploy(r: DeployResult, style: Styles): string {
  return [
    formatTable(['solution', 'action', 'version', 'TPS', 'gate'], deploymentRows(r.deployments)),
    '',
    ...(r.outputs
      ? [
          `${style.bold('tracking id')} ${r.outputs.trackingId}`,
          `${style.bold('outputs')}     written for the consumer functions (PERSONALIZE_TRACKING_ID, PERSONALIZE_ITEMS_DATASET_ARN, …)`,
          style.dim('Try: mesh personalize recommend --user <id>'),
        ]
      : ['Dry run: the gate was evaluated; no campaign, filter or tracker was created or changed.']),
  ].join('\n');
}

export function renderRollback(r: { deployments: readonly CampaignDeployment[] }): string {
  return formatTable(
    ['solution', 'now serving', 'was'],
    r.deployments.map((d) => [
      d.solution,
      d.solutionVersionArn.split('/').slice(-2).join('/'),
      (d.previousVersionArn ?? '').split('/').slice(-2).join('/'),
    ]),
  );
}

export function renderStatus(r: StatusResult, style: Styles): string {
  if (r.target === 'local') {
    const lines = [
      style.bold(`Local campaigns (${r.domain})`),
      Object.keys(r.campaigns).length === 0
        ? '  none: run `mesh personalize deploy`'
        : formatTable(
            ['solution', 'version', 'history', 'TPS'],
            Object.entries(r.campaigns).map(([s, c]) => [s, String(c.version), c.history.join(' → '), String(c.minProvisionedTPS)]),
          ),
      '',
      style.bold('Versions'),
      r.versions.length === 0
        ? '  none: run `mesh personalize train`'
        : formatTable(
            ['version', 'created', 'interactions'],
            r.versions.map((v) => [String(v.version), v.createdAt, String(v.interactions)]),
          ),
      '',
      `Real-time: ${r.realtime.events} events (${r.realtime.eventsSinceTraining} since the newest version), ${r.realtime.items} items, ${r.realtime.users} users put.`,
    ];
    return lines.join('\n');
  }
  const lines: string[] = [];
  if (r.pending.length > 0) {
    lines.push(
      style.bold('In progress when last seen'),
      formatTable(
        ['job', 'status', 'since', 'arn'],
        r.pending.map((p) => [p.label, p.reason ? `${p.status}: ${p.reason}` : p.status, p.since, p.arn]),
      ),
      '',
    );
  }
  if (r.resumedTrain) {
    lines.push(style.bold('Resumed training finished'), metricsTable(r.resumedTrain.versions), '');
  }
  if (r.unfinishedTrain)
    lines.push(style.yellow('A train run is unfinished: run `mesh personalize status` (without --no-wait) to continue it.'), '');
  lines.push(
    style.bold(`Solutions (${r.domain})`),
    r.solutions.length === 0
      ? '  none: the dataset group does not exist yet (run `mesh personalize train`)'
      : formatTable(
          ['solution', 'latest version', 'campaign', 'serving', 'update'],
          r.solutions.map((s) => [
            s.solution,
            s.latestVersionArn ? `${s.latestVersionArn.split('/').pop()} ${s.latestVersionStatus}` : '-',
            s.campaignStatus ?? '-',
            s.servingVersionArn?.split('/').pop() ?? '-',
            s.updateStatus ?? '-',
          ]),
        ),
  );
  return lines.join('\n');
}

export function renderRecommendations(r: RecommendationsResult): string {
  if (r.itemList.length === 0) return 'No recommendations.';
  const table = formatTable(
    ['#', 'item', 'score'],
    r.itemList.map((i, n) => [String(n + 1), i.itemId, i.score.toFixed(4)]),
  );
  return r.coldStart ? `${table}\n${COLD_START_NOTE}` : table;
}

/** Shown under a cold-start answer (as Amazon Personalize does, a user without history gets popular items). */
export const COLD_START_NOTE = 'Note: this user has no history yet: these are the most popular items (score = share of users).';

/**
 * Personalize's offline metrics (GetSolutionMetrics names), computed per test user and averaged:
 *   precision_at_K  = hits in top K / K
 *   normalized_discounted_cumulative_gain_at_K = DCG/IDCG with gain 1/log2(1 + rank); the ideal puts
 *     min(|relevant|, K) relevant items at ranks 1..; the docs' worked example (hits at 2 and 5, K = 5) = 0.6241
 *   mean_reciprocal_rank_at_25 = 1 / rank of the first hit in the top 25, 0 without one
 *   coverage = distinct items recommended to the test users / distinct items in the interactions + items datasets
 */

export const METRIC_NAMES = [
  'coverage',
  'mean_reciprocal_rank_at_25',
  'normalized_discounted_cumulative_gain_at_5',
  'normalized_discounted_cumulative_gain_at_10',
  'normalized_discounted_cumulative_gain_at_25',
  'precision_at_5',
  'precision_at_10',
  'precision_at_25',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type SolutionMetrics = Record<MetricName, number>;

export type UserMetrics = Omit<SolutionMetrics, 'coverage'>;

const CUTOFFS = [5, 10, 25] as const;

function dcgGain(rank: number): number {
  return 1 / Math.log2(1 + rank);
}

/** Metrics of one ranked list (best first) against the user's relevant items. */
export function userMetrics(ranked: readonly string[], relevant: ReadonlySet<string>): UserMetrics {
  const hitRanks: number[] = [];
  ranked.slice(0, 25).forEach((id, i) => {
    if (relevant.has(id)) hitRanks.push(i + 1);
  });
  const out = {} as UserMetrics;
  for (const k of CUTOFFS) {
    const hits = hitRanks.filter((r) => r <= k);
    out[`precision_at_${k}`] = hits.length / k;
    let ideal = 0;
    for (let r = 1; r <= Math.min(relevant.size, k); r++) ideal += dcgGain(r);
    const dcg = hits.reduce((s, r) => s + dcgGain(r), 0);
    out[`normalized_discounted_cumulative_gain_at_${k}`] = ideal > 0 ? dcg / ideal : 0;
  }
  const first = hitRanks[0];
  out.mean_reciprocal_rank_at_25 = first === undefined ? 0 : 1 / first;
  return out;
}

/** Averages per-user metrics and adds coverage. */
export function aggregateMetrics(
  perUser: readonly UserMetrics[],
  recommendedItems: ReadonlySet<string>,
  catalogSize: number,
): SolutionMetrics {
  const out = {} as SolutionMetrics;
  for (const name of METRIC_NAMES) {
    if (name === 'coverage') continue;
    const total = perUser.reduce((s, m) => s + m[name], 0);
    out[name] = perUser.length > 0 ? total / perUser.length : 0;
  }
  out.coverage = catalogSize > 0 ? recommendedItems.size / catalogSize : 0;
  return out;
}

/** Mean and sample standard deviation (n − 1; 0 for fewer than two values). */
export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, std: 0 };
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/** Per-metric mean and sample standard deviation over splits. */
export function summarizeSplits(perSplit: readonly SolutionMetrics[]): { mean: SolutionMetrics; std: SolutionMetrics } {
  const mean = {} as SolutionMetrics;
  const std = {} as SolutionMetrics;
  for (const name of METRIC_NAMES) {
    const s = meanAndStd(perSplit.map((m) => m[name]));
    mean[name] = s.mean;
    std[name] = s.std;
  }
  return { mean, std };
}

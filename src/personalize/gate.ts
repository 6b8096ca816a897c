/**
 * The deploy gate: a new solution version replaces the one a campaign serves only when its chosen offline metric
 * is not worse by more than the threshold (absolute). Pure; both targets use it.
 *
 * With per-split values (local versions: the metric on each of the repeated holdout splits), the gate also
 * estimates the noise of the difference: on the SAME splits (same data, same split plan) from the paired
 * differences d_k = candidate_k − deployed_k, se = sd(d)/√n; otherwise se = √(sd_c²/n_c + sd_d²/n_d). The band is
 * t(0.975, df) · se with df = n − 1 (paired) or min(n_c, n_d) − 1. A difference inside the band is "within noise":
 * reported as such, and a drop inside it is not refused (it is not distinguishable from the split's luck).
 */
export interface GateInput {
  readonly metric: string;
  readonly threshold: number;
  /** Metrics of the version being deployed. */
  readonly candidate: Readonly<Record<string, number>>;
  /** Metrics of the version the campaign serves now (undefined: first deploy). */
  readonly deployed?: Readonly<Record<string, number>>;
  /** The metric on each holdout split of the candidate / deployed version (for the noise estimate). */
  readonly candidateSplits?: readonly number[];
  readonly deployedSplits?: readonly number[];
  /** True when both were evaluated on the same splits (same data and split plan): the paired estimate applies. */
  readonly sameSplits?: boolean;
}

/** The noise estimate of candidate − deployed. */
export interface GateNoise {
  /** Half-width of the 95 % band around the difference. */
  readonly band: number;
  readonly splits: number;
  readonly paired: boolean;
  readonly withinNoise: boolean;
}

export interface GateVerdict {
  readonly pass: boolean;
  readonly metric: string;
  readonly candidate?: number;
  readonly deployed?: number;
  /** candidate − deployed */
  readonly change?: number;
  readonly noise?: GateNoise;
  readonly reason: string;
}

/** Two-sided 95 % Student t quantiles for df = 1 … 10 (beyond: ≈ 2.0 and falling to 1.96). */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

export function tQuantile975(df: number): number {
  if (df < 1) return Number.POSITIVE_INFINITY;
  return T_975[df - 1] ?? (df <= 30 ? 2.1 : 1.96);
}

function sampleVariance(v: readonly number[]): number {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1);
}

/** The 95 % band of candidate − deployed from per-split values; undefined with fewer than two splits each. */
export function differenceNoise(
  candidate: readonly number[],
  deployed: readonly number[],
  sameSplits: boolean,
): Omit<GateNoise, 'withinNoise'> | undefined {
  if (candidate.length < 2 || deployed.length < 2) return undefined;
  if (sameSplits && candidate.length === deployed.length) {
    const d = candidate.map((c, k) => c - (deployed[k] as number));
    const se = Math.sqrt(sampleVariance(d) / d.length);
    return { band: tQuantile975(d.length - 1) * se, splits: d.length, paired: true };
  }
  const se = Math.sqrt(sampleVariance(candidate) / candidate.length + sampleVariance(deployed) / deployed.length);
  const df = Math.min(candidate.length, deployed.length) - 1;
  return { band: tQuantile975(df) * se, splits: Math.min(candidate.length, deployed.length), paired: false };
}

function fmt(n: number): string {
  return n.toFixed(4);
}

export function evaluateGate(input: GateInput): GateVerdict {
  const { metric, threshold } = input;
  const candidate = input.candidate[metric];
  if (!input.deployed)
    return { pass: true, metric, ...(candidate === undefined ? {} : { candidate }), reason: 'first deployment: nothing to compare with' };
  const deployed = input.deployed[metric];
  if (candidate === undefined || deployed === undefined) {
    const missing = candidate === undefined ? 'the new version' : 'the deployed version';
    return {
      pass: false,
      metric,
      ...(candidate === undefined ? {} : { candidate }),
      ...(deployed === undefined ? {} : { deployed }),
      reason: `${missing} has no ${metric} metric to compare`,
    };
  }
  const change = candidate - deployed;
  const est =
    input.candidateSplits && input.deployedSplits
      ? differenceNoise(input.candidateSplits, input.deployedSplits, input.sameSplits ?? false)
      : undefined;
  const noise: GateNoise | undefined = est ? { ...est, withinNoise: Math.abs(change) <= est.band + 1e-12 } : undefined;
  const pass = change >= -threshold - 1e-12 || noise?.withinNoise === true;
  const noiseText = noise
    ? `; ${noise.withinNoise ? 'within' : 'beyond'} noise ±${fmt(noise.band)} over ${noise.splits} ${noise.paired ? 'same' : 'different'} splits`
    : '';
  const reason = pass
    ? `${metric} ${fmt(candidate)} vs ${fmt(deployed)} deployed (${change >= 0 ? '+' : ''}${fmt(change)}, allowed drop ${fmt(threshold)}${noiseText})`
    : `${metric} ${fmt(candidate)} is ${fmt(-change)} below the deployed ${fmt(deployed)} (allowed drop ${fmt(threshold)}${noiseText})`;
  return { pass, metric, candidate, deployed, change, ...(noise ? { noise } : {}), reason };
}

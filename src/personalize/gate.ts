/**
 * The deploy gate: a new solution version replaces the one a campaign serves only when its chosen offline metric
 * is not worse by more than the threshold (absolute). Pure; both targets use it.
 */
import { MeshError } from '../core/errors.js';

export interface GateInput {
  readonly metric: string;
  readonly threshold: number;
  /** Metrics of the version being deployed. */
  readonly candidate: Readonly<Record<string, number>>;
  /** Metrics of the version the campaign serves now (undefined: first deploy). */
  readonly deployed?: Readonly<Record<string, number>>;
}

export interface GateVerdict {
  readonly pass: boolean;
  readonly metric: string;
  readonly candidate?: number;
  readonly deployed?: number;
  /** candidate − deployed */
  readonly change?: number;
  readonly reason: string;
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
  const pass = change >= -threshold - 1e-12;
  const reason = pass
    ? `${metric} ${fmt(candidate)} vs ${fmt(deployed)} deployed (${change >= 0 ? '+' : ''}${fmt(change)}, allowed drop ${fmt(threshold)})`
    : `${metric} ${fmt(candidate)} is ${fmt(-change)} below the deployed ${fmt(deployed)} (allowed drop ${fmt(threshold)})`;
  return { pass, metric, candidate, deployed, change, reason };
}

/** Throws the refusal (exit 1) unless forced; returns the verdict otherwise. */
export function enforceGate(verdict: GateVerdict, solution: string, force: boolean, warn: (m: string) => void): GateVerdict {
  if (verdict.pass) return verdict;
  if (force) {
    warn(`--force: deploying solution "${solution}" although the gate refuses it: ${verdict.reason}.`);
    return verdict;
  }
  throw new MeshError('PersonalizeGateRefused', `Not deploying solution "${solution}": ${verdict.reason}.`, {
    hint: 'Improve the data or recipe and train again, raise deployGate.threshold in personalize.yaml, or pass --force to deploy anyway.',
    details: { ...verdict },
  });
}

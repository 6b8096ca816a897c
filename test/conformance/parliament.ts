import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../cli/run-cli.js';

export interface ParliamentFinding {
  readonly issue: string;
  readonly severity: string;
  readonly title: string;
  readonly detail: string;
  readonly location: string;
}

const PYTHON = path.join(ROOT, '.services', 'venv', 'bin', 'python');
const SCRIPT = path.join(ROOT, 'test', 'conformance', 'parliament_check.py');

/**
 * Lints policy documents with parliament (pinned in scripts/requirements-test.txt, installed in .services/venv by
 * scripts/services.mjs); community auditors included. Returns the findings per name. Throws, so the test fails
 * rather than skips, when the venv or parliament is missing.
 */
export function parliament(policies: Readonly<Record<string, unknown>>): Record<string, ParliamentFinding[]> {
  if (!existsSync(PYTHON)) {
    throw new Error(`No test venv at ${path.relative(ROOT, PYTHON)}: run \`npm run services -- up\` (scripts/services.mjs installs it).`);
  }
  const input = JSON.stringify(Object.entries(policies).map(([name, policy]) => ({ name, policy })));
  const run = spawnSync(PYTHON, [SCRIPT], { input, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) {
    const missing = /No module named 'parliament'/.test(run.stderr);
    throw new Error(
      missing
        ? 'parliament is not installed in .services/venv: run `.services/venv/bin/pip install -r scripts/requirements-test.txt` (or `npm run services -- up`).'
        : `parliament failed (${run.status}):\n${run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as Record<string, ParliamentFinding[]>;
}

/** Findings as lines `name: ISSUE (severity) detail`, for assertion messages. */
export function findingLines(findings: Readonly<Record<string, readonly ParliamentFinding[]>>): string[] {
  return Object.entries(findings).flatMap(([name, list]) => list.map((f) => `${name}: ${f.issue} (${f.severity}) ${f.detail}`));
}

/**
 * Findings that are parliament's limits, not defects, each kept to the exact case:
 * - a trust policy (Principal + sts:AssumeRole) has no Resource by design; parliament reads it as an identity policy;
 * - in the MSK cluster policy (a resource policy) the resource is the cluster itself: AWS documents
 *   kafka:CreateVpcConnection and kafka:GetBootstrapBrokers on the cluster ARN there (multi-VPC private connectivity),
 *   where parliament expects the identity-policy forms;
 * - a user's own `permissions` in a domain file with `resources: ["*"]` (the example's Personalize actions) are the
 *   user's choice, copied as declared; mesh-authored statements get no such allowance.
 */
export function unexplained(
  findings: Readonly<Record<string, readonly ParliamentFinding[]>>,
  kinds: Readonly<Record<string, 'trust' | 'cluster-policy' | 'identity' | 'resource'>>,
  declaredStar: readonly string[] = [],
): string[] {
  const out: Record<string, ParliamentFinding[]> = {};
  for (const [name, list] of Object.entries(findings)) {
    out[name] = list.filter((f) => {
      if (kinds[name] === 'trust' && f.issue === 'MALFORMED' && /neither Resource nor NotResource/.test(f.detail)) return false;
      if (kinds[name] === 'cluster-policy' && f.issue === 'RESOURCE_MISMATCH') {
        const actions = [...f.detail.matchAll(/'action': '([^']+)'/g)].map((m) => m[1]);
        return !actions.every((a) => a === 'kafka:CreateVpcConnection' || a === 'kafka:GetBootstrapBrokers');
      }
      if (f.issue === 'RESOURCE_STAR') {
        const actions = [...f.detail.matchAll(/'([a-z0-9-]+:[A-Za-z0-9]+)'/g)].map((m) => m[1] as string);
        return !(actions.length > 0 && actions.every((a) => declaredStar.includes(a)));
      }
      return true;
    });
  }
  return findingLines(out);
}

/**
 * A plain reading of IAM policy documents for the preflight checks: does some Allow statement grant an action on a
 * resource (wildcards `*` and `?` as IAM matches them), or trust a service? Conditions, NotAction, NotResource and
 * Deny statements are not evaluated: the checks look for the grant a role needs, not for a full authorisation.
 */

export interface PolicyDocumentText {
  /** The policy's name (inline) or the managed policy's, for messages. */
  readonly name: string;
  readonly document: string;
}

type Statement = Record<string, unknown>;

function asList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)];
}

function statementsOf(document: string): Statement[] {
  try {
    const policy = JSON.parse(document) as { Statement?: unknown };
    const s = policy.Statement;
    return (Array.isArray(s) ? s : s ? [s] : []).filter((x): x is Statement => typeof x === 'object' && x !== null);
  } catch {
    return [];
  }
}

/** IAM's wildcard match: `*` any run of characters, `?` one; actions compare case-insensitively. */
export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function principalServices(statement: Statement): string[] {
  const p = statement.Principal as { Service?: unknown } | string | undefined;
  return typeof p === 'string' ? [p] : asList(p?.Service);
}

/**
 * Does an Allow statement of one of the documents grant `action` on `resource`? With `service`, only statements
 * whose Principal names that service (or `*`) count: a resource policy such as a bucket policy.
 */
export function policyGrants(docs: readonly PolicyDocumentText[], action: string, resource: string, service?: string): boolean {
  return docs.some((doc) =>
    statementsOf(doc.document).some((s) => {
      if (s.Effect !== 'Allow') return false;
      if (service !== undefined && !principalServices(s).some((x) => x === service || x === '*')) return false;
      if (!asList(s.Action).some((a) => wildcardMatches(a, action, true))) return false;
      return asList(s.Resource).some((r) => wildcardMatches(r, resource));
    }),
  );
}

/** Does a role's trust policy let `service` assume it? */
export function trustsService(document: string, service: string): boolean {
  return statementsOf(document).some(
    (s) =>
      s.Effect === 'Allow' &&
      principalServices(s).includes(service) &&
      asList(s.Action).some((a) => wildcardMatches(a, 'sts:AssumeRole', true)),
  );
}

/**
 * Access across files (`mesh validate`): a subscription that needs the producer's approval has a request or a
 * decision behind it; approvals and denials live in the producer's domain file and answer a request that exists;
 * a restricted product is requested only by the domains it lists.
 */

import { didYouMean } from '../core/errors.js';
import { accessOf, needsApproval, piiRequested } from './access-policy.js';
import type { RuleInput } from './entries.js';
import type { AccessDecision, Domain, Product } from './model.js';
import { type PathSegment, ProblemCode } from './problems.js';
import type { Rule } from './rule.js';

export const accessPolicyHonoured: Rule = ({ domains, products }, report) => {
  const byName = new Map(products.map((p) => [p.product.name, p]));
  // The first domain of each name (as a search would find it): a lookup per subscription, not a scan.
  const domainByName = new Map<string, RuleInput['domains'][number]>();
  for (const d of domains) if (!domainByName.has(d.domain.name)) domainByName.set(d.domain.name, d);
  const producerFile = (product: Product) => domainByName.get(product.domain)?.source.rel ?? product.domain;
  // Per producer, the `consumer/product` pairs it has approved or denied; per consumer, the products it subscribes
  // to the table of. Each is made once, when first asked.
  const decided = new Map<string, ReadonlySet<string>>();
  const decidedBy = (domain: string): ReadonlySet<string> => {
    let keys = decided.get(domain);
    if (!keys) {
      const producer = domainByName.get(domain)?.domain;
      keys = new Set([...(producer?.approvals ?? []), ...(producer?.denials ?? [])].map((d) => `${d.consumer}/${d.product}`));
      decided.set(domain, keys);
    }
    return keys;
  };
  const tables = new Map<string, ReadonlySet<string>>();
  const tablesOf = (domain: Domain): ReadonlySet<string> => {
    let names = tables.get(domain.name);
    if (!names) {
      names = new Set(domain.subscriptions.filter((s) => s.table).map((s) => s.product));
      tables.set(domain.name, names);
    }
    return names;
  };

  for (const entry of domains) {
    for (const [index, subscription] of entry.domain.subscriptions.entries()) {
      const product = byName.get(subscription.product)?.product;
      if (!product || product.domain === entry.domain.name) continue;
      const at: PathSegment[] = ['subscriptions', index];
      const access = accessOf(product);
      // A restricted product's stream carries the same data as its table: an unlisted domain gets neither.
      if (
        access.policy === 'restricted' &&
        !access.allowedDomains.includes(entry.domain.name) &&
        (subscription.table || subscription.stream)
      ) {
        report.at(
          entry.source,
          [...at, 'product'],
          ProblemCode.DomainNotAllowed,
          `"${product.name}" is restricted to ${access.allowedDomains.length > 0 ? access.allowedDomains.join(', ') : 'no domain yet'}; ${entry.domain.name} may not request it.`,
          {
            hint: `Ask the ${product.domain} domain (${product.owner.team || 'its owner'}) to add ${entry.domain.name} to allowedDomains in its contract, or remove this subscription.`,
          },
        );
        continue;
      }
      if (!subscription.table || !needsApproval(product, subscription) || subscription.request) continue;
      if (decidedBy(product.domain).has(`${entry.domain.name}/${product.name}`)) continue;
      const pii = piiRequested(product, subscription);
      const why = access.policy === 'open' ? `its PII column${pii.length > 1 ? 's' : ''} ${pii.join(', ')} need` : 'it needs';
      report.at(
        entry.source,
        [...at, 'product'],
        ProblemCode.AccessNotRequested,
        `${entry.domain.name} subscribes to "${product.name}" without an approval: ${why} the approval of the ${product.domain} domain (${product.owner.team || 'its owner'}).`,
        {
          hint: `Request it: mesh access request ${product.name} --domain ${entry.domain.name} --purpose "..."; the ${product.domain} domain approves it in ${producerFile(product)} with mesh access approve ${entry.domain.name}/${product.name}.${access.policy === 'open' ? ' Or leave the PII columns out of table.columns.' : ''}`,
        },
      );
    }
  }

  for (const entry of domains) {
    for (const kind of ['approvals', 'denials'] as const) {
      const seen = new Set<string>();
      for (const [index, decision] of (entry.domain[kind] ?? []).entries()) {
        checkDecision(input(entry, kind, index), decision, seen);
      }
    }
  }

  function input(entry: RuleInput['domains'][number], kind: 'approvals' | 'denials', index: number) {
    return { entry, kind, at: [kind, index] as PathSegment[] };
  }

  function checkDecision(
    where: { entry: RuleInput['domains'][number]; kind: 'approvals' | 'denials'; at: PathSegment[] },
    decision: AccessDecision,
    seen: Set<string>,
  ): void {
    const { entry, kind, at } = where;
    const what = kind === 'approvals' ? 'approval' : 'denial';
    const key = `${decision.consumer}/${decision.product}`;
    if (seen.has(key)) {
      report.at(entry.source, at, ProblemCode.DuplicateDecision, `A second ${what} for ${key}.`, {
        hint: `Keep one ${what} per request.`,
      });
      return;
    }
    seen.add(key);
    const found = byName.get(decision.product);
    if (!found) {
      report.at(entry.source, [...at, 'product'], ProblemCode.UnknownProduct, `No product is named "${decision.product}".`, {
        hint: didYouMean(decision.product, [...byName.keys()]),
      });
      return;
    }
    const product = found.product;
    if (product.domain !== entry.domain.name) {
      report.at(
        entry.source,
        [...at, 'product'],
        ProblemCode.ApprovalOutsideProducer,
        `"${product.name}" belongs to the ${product.domain} domain; ${entry.domain.name} cannot record an ${what} for it.`,
        {
          hint: `Only the producer decides: the ${what} goes in ${producerFile(product)} (mesh access ${kind === 'approvals' ? 'approve' : 'deny'} ${key}, run by ${product.domain}).`,
        },
      );
      return;
    }
    const consumer = domainByName.get(decision.consumer)?.domain;
    const requested = consumer ? tablesOf(consumer).has(product.name) : false;
    if (!requested) {
      report.at(
        entry.source,
        [...at, 'consumer'],
        ProblemCode.ApprovalWithoutRequest,
        consumer
          ? `The ${what} for ${key} answers no request: ${consumer.name} does not subscribe to the table of ${product.name}.`
          : `The ${what} for ${key} names no domain of the mesh.`,
        {
          hint: `Remove it, or have the consumer request access first: mesh access request ${product.name} --domain ${decision.consumer} --purpose "...".`,
        },
      );
      return;
    }
    const columns = product.columns.map((c) => c.name);
    for (const [c, column] of (decision.columns ?? []).entries()) {
      if (!columns.includes(column)) {
        report.at(entry.source, [...at, 'columns', c], ProblemCode.UnknownColumn, `"${product.name}" has no column "${column}".`, {
          hint: didYouMean(column, columns) ?? `Columns: ${columns.join(', ')}.`,
        });
      }
    }
  }
};

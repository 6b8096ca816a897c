/**
 * The access state of the mesh, from the files: one entry per table subscription to another domain's product, with
 * its status on `now` (pending, approved, denied, expired, or open when the product needs no approval).
 */

import { type AccessStatus, accessNow, accessOf, accessVerdict } from '../workspace/access-policy.js';
import type { Workspace } from '../workspace/model.js';

export interface AccessEntry {
  consumer: string;
  product: string;
  producer: string;
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'open';
  /** The columns granted (approved) or asked for (other statuses); absent = the whole table. */
  columns?: string[];
  purpose?: string;
  /** The approval's last day, else the request's. */
  until?: string;
  /** Who approved or denied (approved, denied, expired), else who requested. */
  by?: string;
  /** When it was approved or denied, else requested. */
  date?: string;
  /** Why it was denied, or why there is no grant. */
  reason?: string;
  /** The product's policy. */
  policy: 'open' | 'approval' | 'restricted';
  /** The columns the consumer asked for; absent = the whole table. */
  requestedColumns?: string[];
  /** The consumer's and the producer's domain files. */
  consumerFile: string;
  producerFile?: string;
}

export function accessEntries(workspace: Workspace, now: Date = accessNow()): AccessEntry[] {
  const out: AccessEntry[] = [];
  for (const consumer of workspace.domains) {
    for (const subscription of consumer.subscriptions) {
      if (!subscription.table) continue;
      const product = workspace.products.find((p) => p.name === subscription.product);
      if (!product || product.domain === consumer.name) continue;
      const verdict = accessVerdict(workspace, consumer, product, subscription, now);
      const status: AccessStatus = verdict.status;
      const decision = status === 'denied' ? verdict.denial : verdict.approval;
      const request = subscription.request;
      const listed = subscription.table.columns;
      const asked = listed && listed.length > 0 ? [...listed] : undefined;
      const columns = status === 'approved' || status === 'open' ? verdict.columns : asked;
      const until = verdict.approval?.until ?? request?.until;
      const by = decision?.by ?? request?.by;
      const date = decision?.date ?? request?.requested;
      const producerFile = workspace.domains.find((d) => d.name === product.domain)?.file;
      const reason =
        status === 'denied'
          ? (verdict.denial?.reason ?? verdict.reason)
          : status === 'approved' || status === 'open'
            ? undefined
            : verdict.reason;
      out.push({
        consumer: consumer.name,
        product: product.name,
        producer: product.domain,
        status,
        ...(columns ? { columns: [...columns] } : {}),
        ...(request?.purpose ? { purpose: request.purpose } : {}),
        ...(until ? { until } : {}),
        ...(by ? { by } : {}),
        ...(date ? { date } : {}),
        ...(reason ? { reason } : {}),
        policy: accessOf(product).policy,
        ...(asked ? { requestedColumns: asked } : {}),
        consumerFile: consumer.file,
        ...(producerFile ? { producerFile } : {}),
      });
    }
  }
  return out.sort((a, b) => a.product.localeCompare(b.product) || a.consumer.localeCompare(b.consumer));
}

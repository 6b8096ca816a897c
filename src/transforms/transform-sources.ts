/**
 * What a domain's transform reads: the products its SQL names, each checked against the domain's table
 * subscriptions (or its own products), with where the product's table is reachable on aws from the domain's account.
 */
import { catalogNaming, sqlNameOf, tableNameOf } from '../catalog/names.js';
import { configError, didYouMean, MeshError } from '../core/errors.js';
import type { Domain, Product, Transform, Workspace } from '../workspace/model.js';
import { tableNamesIn } from './sql-tables.js';

export interface TransformSource {
  /** The name the SQL uses (the product name, dashes as underscores). */
  readonly sqlName: string;
  readonly product: Product;
  /** Granted columns, when the subscription grants a subset. */
  readonly columns?: readonly string[];
}

export function findTransform(domain: Domain, name: string): Transform {
  const transform = domain.transforms.find((t) => t.name === name);
  if (!transform) {
    const known = domain.transforms.map((t) => t.name);
    throw configError('UnknownTransform', `Domain ${domain.name} declares no transform "${name}".`, {
      hint:
        didYouMean(name, known) ??
        (known.length > 0 ? `Its transforms: ${known.join(', ')}.` : `Declare it under transforms: in ${domain.file}.`),
      location: { file: domain.file, path: 'transforms' },
    });
  }
  return transform;
}

/** The products the transform's SQL reads; every one must be the domain's own or a table subscription. */
export function transformSources(workspace: Workspace, domain: Domain, transform: Transform): TransformSource[] {
  const names = tableNamesIn(transform.sql);
  if (names.length === 0) {
    throw configError(
      'TransformReadsNothing',
      `Transform ${transform.name} of ${domain.name} reads no product (no FROM or JOIN with a product name).`,
      {
        location: { file: transform.sqlFile },
      },
    );
  }
  return names.map((sqlName) => {
    const product = workspace.products.find((p) => sqlNameOf(p.name) === sqlName);
    if (!product) {
      throw configError('TransformUnknownTable', `Transform ${transform.name} reads "${sqlName}", which is no product of the mesh.`, {
        hint:
          didYouMean(
            sqlName,
            workspace.products.map((p) => sqlNameOf(p.name)),
          ) ?? 'Address products by name (dashes as underscores).',
        location: { file: transform.sqlFile },
      });
    }
    if (product.domain === domain.name) return { sqlName, product };
    const subscription = domain.subscriptions.find((s) => s.product === product.name && s.table);
    if (!subscription) {
      throw new MeshError(
        'AccessDenied',
        `Transform ${transform.name} reads ${product.name}, but ${domain.name} has no table subscription to it.`,
        {
          hint: `Add "- product: ${product.name}\\n    table: true" under subscriptions: in ${domain.file}, then mesh subscribe ${product.name} --domain ${domain.name} --table.`,
          location: { file: transform.sqlFile },
        },
      );
    }
    return { sqlName, product, ...(subscription.table?.columns ? { columns: subscription.table.columns } : {}) };
  });
}

/** On aws: the `database.table` through which the domain's account reads the product (its resource link). */
export function awsTableOf(workspace: Workspace, domain: Domain, product: Product): { database: string; table: string } {
  const naming = catalogNaming(workspace, 'aws');
  const producer = workspace.domains.find((d) => d.name === product.domain);
  const table = tableNameOf(product);
  // In the central account the table itself; elsewhere the link database mesh creates for the producer's products
  // (a table link in a consumer account, a database link in the producer's own account).
  if (naming.catalogOf(domain) === naming.central) return { database: naming.centralDatabase(product.domain), table };
  return { database: naming.linkDatabase(producer?.name ?? product.domain), table };
}

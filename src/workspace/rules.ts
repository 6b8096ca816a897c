import { readdirSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../core/errors.js';
import type { RuleInput } from './entries.js';
import { describeField, expectedAvroFor, typesAgree } from './event-fields.js';
import { isInside, relativeTo } from './paths.js';
import { type PathSegment, ProblemCode } from './problems.js';
import type { Reporter } from './reporter.js';
import type { Rule } from './rule.js';
import { accessPolicyHonoured } from './rules-access.js';
import { domainAccountsAssigned } from './rules-accounts.js';
import { awsIdentifiersValid } from './rules-aws.js';
import { lfTagValuesWithinLimit } from './rules-limits.js';
import { locationsOwned } from './rules-locations.js';
import { deadLetterTopicsOwned, declaredPermissionsScoped } from './rules-streams.js';
import { generatedNamesUnique, uniqueDomainNames, uniqueProductNames, uniqueTopics, uniqueWithinDomain } from './rules-unique.js';
import { kafkaTopicProblem, topicPatternRegExp } from './topic-names.js';

const GLUE_IDENTIFIER = /^[a-z0-9_]{1,255}$/;

function suggestGlue(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 255);
}

export const productsOwnedByProducers: Rule = ({ mesh, products }, report) => {
  for (const entry of products) {
    const owner = entry.owner.raw;
    if (owner.kind === 'consumer') {
      report.at(
        entry.source,
        ['domain'],
        ProblemCode.ProductOwnerNotProducer,
        `Product "${entry.product.name}" belongs to "${owner.name}", a consumer domain.`,
        {
          hint: `Set kind: producer (or both) in ${entry.owner.source.rel}, or move the contract to a producer domain.`,
        },
      );
    }
    if (entry.raw.domain !== owner.name) {
      report.at(
        entry.source,
        ['domain'],
        ProblemCode.ProductDomainMismatch,
        `The contract says domain "${entry.raw.domain}" but lives in domain "${owner.name}".`,
        {
          hint: `Set domain: ${owner.name}.`,
        },
      );
    }
    const expectedId = `urn:mesh:${mesh.config.name}:${owner.name}:${entry.product.name}`;
    if (entry.raw.id !== expectedId) {
      report.at(
        entry.source,
        ['id'],
        ProblemCode.ProductIdMismatch,
        `The contract id is "${entry.raw.id}"; mesh expects "${expectedId}".`,
        {
          hint: `Set id: ${expectedId}.`,
        },
      );
    }
  }
};

export const subscriptionsResolve: Rule = ({ domains, products, unresolvedProducts }, report) => {
  const byName = new Map(products.map((p) => [p.product.name, p.product]));
  const names = [...byName.keys()];
  for (const entry of domains) {
    if (entry.domain.kind === 'producer' && entry.domain.subscriptions.length > 0) {
      report.at(
        entry.source,
        ['kind'],
        ProblemCode.SubscriberNotConsumer,
        `"${entry.domain.name}" is a producer domain but has subscriptions.`,
        {
          hint: 'Set kind: both (or consumer) to subscribe to products.',
        },
      );
    }
    for (const [index, subscription] of entry.domain.subscriptions.entries()) {
      const at: PathSegment[] = ['subscriptions', index];
      const product = byName.get(subscription.product);
      if (!product) {
        if (unresolvedProducts.has(subscription.product)) continue;
        report.at(entry.source, [...at, 'product'], ProblemCode.UnknownProduct, `No product is named "${subscription.product}".`, {
          hint:
            didYouMean(subscription.product, names) ??
            (names.length > 0 ? `Products: ${names.join(', ')}.` : 'The workspace has no products yet.'),
        });
        continue;
      }
      if (!subscription.table && !subscription.stream) {
        report.at(
          entry.source,
          at,
          ProblemCode.EmptySubscription,
          `The subscription to "${subscription.product}" names neither a table nor a stream.`,
          {
            hint: 'Add table: true and/or stream: {function: <name>}.',
          },
        );
      }
      if (subscription.table && !product.table) {
        report.at(entry.source, [...at, 'table'], ProblemCode.PortNotOffered, `"${product.name}" has no table port to subscribe to.`, {
          hint: 'Subscribe to its stream instead.',
        });
      }
      if (subscription.stream && !product.stream) {
        report.at(entry.source, [...at, 'stream'], ProblemCode.PortNotOffered, `"${product.name}" has no stream port to subscribe to.`, {
          hint: 'Subscribe to its table instead.',
        });
      }
      const columns = product.columns.map((c) => c.name);
      for (const [c, column] of (subscription.table?.columns ?? []).entries()) {
        if (!columns.includes(column)) {
          report.at(
            entry.source,
            [...at, 'table', 'columns', c],
            ProblemCode.UnknownColumn,
            `"${product.name}" has no column "${column}".`,
            {
              hint: didYouMean(column, columns) ?? `Columns: ${columns.join(', ')}.`,
            },
          );
        }
      }
    }
  }
};

export const topicNamesValid: Rule = ({ mesh, domains, products }, report) => {
  const topics = new Map(products.map((p) => [p.product.name, p.product.stream?.topic]));
  const patterns = new Map<string, RegExp>();
  const patternOf = (domain: string): RegExp => {
    let pattern = patterns.get(domain);
    if (!pattern) {
      pattern = topicPatternRegExp(mesh.config.naming.topicPattern, { mesh: mesh.config.name, domain });
      patterns.set(domain, pattern);
    }
    return pattern;
  };
  for (const entry of products) {
    const stream = entry.product.stream;
    if (!stream || !entry.streamPortPath) continue;
    const at = [...entry.streamPortPath, entry.topicExplicit ? 'topic' : 'entity'];
    const invalid = kafkaTopicProblem(stream.topic);
    if (invalid) {
      report.at(entry.source, at, ProblemCode.InvalidTopicName, `Topic ${invalid}`, {
        hint: 'Change the entity, or the topicPattern in mesh.yaml.',
      });
      continue;
    }
    if (!patternOf(entry.product.domain).test(stream.topic)) {
      report.at(
        entry.source,
        at,
        ProblemCode.TopicPatternMismatch,
        `Topic "${stream.topic}" does not follow the mesh pattern "${mesh.config.naming.topicPattern}".`,
        {
          hint: 'Remove "topic" to let mesh derive the name from entity and major.',
        },
      );
    }
  }
  for (const entry of domains) {
    for (const [index, subscription] of entry.domain.subscriptions.entries()) {
      const stream = subscription.stream;
      if (!stream) continue;
      const explicit = entry.raw.subscriptions?.[index]?.stream?.deadLetterTopic !== undefined;
      const productTopic = topics.get(subscription.product);
      // A derived name is wrong only because the product topic is: that one is reported already.
      if (!explicit && productTopic !== undefined && kafkaTopicProblem(productTopic)) continue;
      const invalid = kafkaTopicProblem(stream.deadLetterTopic);
      if (invalid) {
        report.at(
          entry.source,
          ['subscriptions', index, 'stream', explicit ? 'deadLetterTopic' : 'function'],
          ProblemCode.InvalidTopicName,
          `Dead-letter topic ${invalid}`,
        );
      }
    }
  }
};

export const glueIdentifiersValid: Rule = ({ products }, report) => {
  for (const entry of products) {
    const { product } = entry;
    if (product.table && !GLUE_IDENTIFIER.test(product.table.tableName)) {
      const at: PathSegment[] = entry.raw.schema[0]?.physicalName ? ['schema', 0, 'physicalName'] : ['name'];
      report.at(
        entry.source,
        at,
        ProblemCode.InvalidGlueIdentifier,
        `Table name "${product.table.tableName}" is not a valid Glue name (lowercase letters, digits, underscores).`,
        {
          hint: `Use "${suggestGlue(product.table.tableName)}".`,
        },
      );
    }
    const seen = new Set<string>();
    for (const [index, column] of product.columns.entries()) {
      const at: PathSegment[] = ['schema', 0, 'properties', index, 'name'];
      if (!GLUE_IDENTIFIER.test(column.name)) {
        report.at(
          entry.source,
          at,
          ProblemCode.InvalidGlueIdentifier,
          `Column "${column.name}" is not a valid Glue name (lowercase letters, digits, underscores; at most 255).`,
          {
            hint: `Use "${suggestGlue(column.name)}".`,
          },
        );
      }
      if (seen.has(column.name.toLowerCase())) {
        report.at(entry.source, at, ProblemCode.DuplicateColumn, `Column "${column.name}" appears twice.`);
      }
      seen.add(column.name.toLowerCase());
    }
    if (product.table?.partitionKeys.length === product.columns.length && product.columns.length > 0) {
      report.at(
        entry.source,
        ['schema', 0, 'properties'],
        ProblemCode.PartitionKeyInvalid,
        'Every column is a partition key; a table needs at least one data column.',
      );
    }
  }
};

export const eventSchemasAgree: Rule = ({ products }, report) => {
  for (const entry of products) {
    const stream = entry.product.stream;
    const fields = entry.eventFields;
    if (!stream || !fields || !entry.streamPortPath) continue;
    const names = fields.map((f) => f.name);
    if (!names.includes(stream.keyField)) {
      report.at(
        entry.source,
        [...entry.streamPortPath, 'keyField'],
        ProblemCode.KeyFieldMissing,
        `The event schema has no field "${stream.keyField}" to use as the key.`,
        {
          hint: didYouMean(stream.keyField, names) ?? `Fields: ${names.join(', ')}.`,
        },
      );
    }
    if (stream.eventId !== undefined && !names.includes(stream.eventId)) {
      report.at(
        entry.source,
        [...entry.streamPortPath, 'eventId'],
        ProblemCode.KeyFieldMissing,
        `The event schema has no field "${stream.eventId}" to use as the event id.`,
        { hint: didYouMean(stream.eventId, names) ?? `Fields: ${names.join(', ')}.` },
      );
    }
    const schemaFile = relativeTo(entry.owner.dir, stream.eventSchemaFile);
    for (const [index, column] of entry.product.columns.entries()) {
      const field = fields.find((f) => f.name === column.name);
      if (!field || !entry.columnTypeKnown[index]) continue;
      const at: PathSegment[] = ['schema', 0, 'properties', index];
      if (!typesAgree(column.type, field)) {
        report.at(
          entry.source,
          [...at, 'physicalType'],
          ProblemCode.TypeMismatch,
          `Column "${column.name}" is ${column.type} but the event field is ${describeField(field)}.`,
          {
            hint: `Make them agree: ${column.type} ↔ Avro ${expectedAvroFor(column.type)} (in ${schemaFile}).`,
          },
        );
      } else if (column.required && field.nullable) {
        report.at(
          entry.source,
          [...at, 'required'],
          ProblemCode.NullabilityMismatch,
          `Column "${column.name}" is required but the event field allows null.`,
          {
            hint: `Drop "null" from the field's union in ${schemaFile}, or set required: false.`,
          },
        );
      } else if (!column.required && !field.nullable) {
        report.at(entry.source, at, ProblemCode.NullabilityMismatch, `Column "${column.name}" may be null but the event field never is.`, {
          severity: 'warning',
          hint: `Set required: true, or make the field ["null", ${field.avroType}] in ${schemaFile}.`,
        });
      }
    }
  }
};

export const ownerFieldsPresent: Rule = ({ mesh, domains }, report) => {
  for (const entry of domains) {
    for (const field of mesh.config.requiredOwnerFields) {
      if (entry.domain.owner[field].trim() === '') {
        report.at(entry.source, ['owner', field], ProblemCode.MissingOwnerField, `Domain "${entry.domain.name}" has no owner ${field}.`, {
          hint: `The mesh requires owner.${field} (rules.requiredOwnerFields in mesh.yaml).`,
        });
      }
    }
  }
};

function hasContractFiles(dir: string): boolean {
  try {
    return readdirSync(path.join(dir, 'products')).some((f) => /\.odcs\.ya?ml$/.test(f));
  } catch {
    return false;
  }
}

export const workspaceShape: Rule = ({ root, mesh, domains, products }, report) => {
  if (!isInside(root, mesh.config.localDir)) {
    report.at(mesh.source, ['local', 'dir'], ProblemCode.PathEscapesWorkspace, 'The local state folder must be inside the workspace.');
  }
  if ((mesh.raw.domains ?? []).length === 0) {
    report.at(mesh.source, ['domains'], ProblemCode.NoDomains, 'The mesh has no domains yet.', {
      severity: 'warning',
      hint: 'Add one with `mesh init producer <name>` or `mesh init consumer <name>`.',
    });
  }
  const owning = new Set(products.map((p) => p.owner.source));
  for (const entry of domains) {
    // A contract that failed to load has its own error: the domain still has products.
    if (entry.domain.kind !== 'consumer' && !owning.has(entry.source) && !hasContractFiles(entry.domain.dir)) {
      report.at(entry.source, ['kind'], ProblemCode.NoProducts, `Producer domain "${entry.domain.name}" has no product contracts.`, {
        severity: 'warning',
        hint: 'Add products/<name>.odcs.yaml (mesh init producer writes a starter).',
      });
    }
  }
};

export type { Rule };
export {
  accessPolicyHonoured,
  awsIdentifiersValid,
  deadLetterTopicsOwned,
  declaredPermissionsScoped,
  domainAccountsAssigned,
  generatedNamesUnique,
  locationsOwned,
  uniqueDomainNames,
  uniqueProductNames,
  uniqueTopics,
  uniqueWithinDomain,
};

/** Every rule, in the order their problems are most useful. */
export const RULES: readonly Rule[] = [
  uniqueDomainNames,
  uniqueProductNames,
  uniqueTopics,
  uniqueWithinDomain,
  generatedNamesUnique,
  domainAccountsAssigned,
  productsOwnedByProducers,
  locationsOwned,
  subscriptionsResolve,
  accessPolicyHonoured,
  topicNamesValid,
  deadLetterTopicsOwned,
  declaredPermissionsScoped,
  glueIdentifiersValid,
  eventSchemasAgree,
  awsIdentifiersValid,
  ownerFieldsPresent,
  workspaceShape,
  lfTagValuesWithinLimit,
];

export function runRules(input: RuleInput, report: Reporter, rules: readonly Rule[] = RULES): void {
  for (const rule of rules) rule(input, report);
}

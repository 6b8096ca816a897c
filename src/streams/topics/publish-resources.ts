/**
 * The publish side of the streams plane: per stream port, a `topic` (plane streams) and a `schema` (plane schemas).
 *
 * Schemas: the compatibility check runs here, in the plan, before anything is applied.
 *   - a new definition that breaks the schema's mode (BACKWARD, FORWARD, FULL and the _ALL variants) is a breaking
 *     change naming the field; with --allow-breaking it is registered as a forced version (the mode is set to NONE
 *     for that one registration, then restored), which both registries would otherwise refuse;
 *   - a new definition under DISABLED is refused outright: the plan fails (no flag can register it).
 */
import { didYouMean, MeshError } from '../../core/errors.js';
import { type Change, type DesiredResource, keyOf, type ObservedResource } from '../../engine/plan.js';
import type { PlanScope } from '../../engine/plane.js';
import { createPlan } from '../../engine/planner.js';
import type { Product, Workspace } from '../../workspace/model.js';
import type { StreamsContext } from '../context.js';
import type { SchemaChangePlan } from '../schema/index.js';
import { topicUpdateFor } from './topic-admin.js';
import { compareTopic, type TopicResourceSpec } from './topic-spec.js';

export interface SchemaResourceSpec {
  readonly registry: string;
  readonly schemaName: string;
  readonly compatibility: string;
  /** Avro JSON text as in the product's .avsc file. */
  readonly definition: string;
  readonly version?: number;
}

export function topicRef(ctx: StreamsContext, name: string, label = name) {
  return { plane: 'streams' as const, type: 'topic' as const, id: name, label, ...ctx.port.topicPlacement };
}

export function publishedProducts(ws: Workspace, scope: PlanScope): Product[] {
  if (!scope.include.publish) return [];
  if (!scope.products) return ws.products.filter((p) => p.stream);
  return scope.products.map((name) => {
    const product = ws.products.find((p) => p.name === name);
    if (!product) {
      throw new MeshError('UnknownProduct', `No product named "${name}" in this workspace.`, {
        hint:
          didYouMean(
            name,
            ws.products.map((p) => p.name),
          ) ?? 'List them with `mesh catalog`.',
      });
    }
    return product;
  });
}

/** Plans topics (desired vs what the cluster or log holds). Fewer partitions fails the plan. */
export async function planTopics(
  ctx: StreamsContext,
  topics: readonly { spec: TopicResourceSpec; label?: string; dependsOn?: string[] }[],
): Promise<Change<'topic'>[]> {
  if (topics.length === 0) return [];
  const admin = await ctx.topicAdmin();
  const desired: DesiredResource<'topic'>[] = [];
  const observed: ObservedResource<'topic'>[] = [];
  const seen = new Set<string>();
  for (const topic of topics) {
    if (seen.has(topic.spec.name)) continue;
    seen.add(topic.spec.name);
    const ref = topicRef(ctx, topic.spec.name, topic.label);
    desired.push({ ref, spec: topic.spec, dependsOn: topic.dependsOn });
    const existing = await admin.describe(topic.spec.name);
    if (existing) observed.push({ ref, spec: existing, attributes: { via: admin.via } });
  }
  const plan = createPlan(desired, observed, { compare: (d, o) => compareTopic(d.spec, o.spec) });
  return plan.changes.map((change) => (change.action === 'replace' ? guardTopicReplace(ctx, change) : change));
}

/** Replacing a topic deletes it (and its records): it needs --allow-replace and --allow-delete. */
function guardTopicReplace(ctx: StreamsContext, change: Change<'topic'>): Change<'topic'> {
  const missing = ['--allow-replace', '--allow-delete'].find((flag) => !ctx.env.allowed.has(flag));
  return { ...change, reason: `${change.reason}; needs --allow-replace --allow-delete`, requiresFlag: missing ?? '--allow-replace' };
}

export async function planSchemas(ctx: StreamsContext, products: readonly Product[]): Promise<Change<'schema'>[]> {
  const withStream = products.filter((p) => p.stream);
  if (withStream.length === 0) return [];
  const registry = await ctx.schemaRegistry();
  const { planSchemaChange, formatCompatibilityProblem } = await import('../schema/index.js');
  const changes: Change<'schema'>[] = [];
  for (const product of withStream) {
    const port = product.stream;
    if (!port) continue;
    const spec: SchemaResourceSpec = {
      registry: ctx.workspace.mesh.schemaRegistry,
      schemaName: port.topic,
      compatibility: port.compatibility,
      definition: port.eventSchema,
    };
    const ref = {
      plane: 'schemas' as const,
      type: 'schema' as const,
      id: `${spec.registry}/${spec.schemaName}`,
      label: `${spec.schemaName} (${product.name})`,
    };
    let plan: SchemaChangePlan;
    try {
      plan = await planSchemaChange(registry, {
        registryName: spec.registry,
        schemaName: spec.schemaName,
        definition: spec.definition,
        compatibility: spec.compatibility,
      });
    } catch (error) {
      if (error instanceof MeshError && !error.location) {
        throw new MeshError(error.code, error.message, {
          hint: error.hint,
          details: error.details,
          location: { file: port.eventSchemaFile },
          cause: error,
        });
      }
      throw error;
    }
    const key = keyOf(ref);
    const base = { type: 'schema' as const, key, ref, dependsOn: [keyOf(topicRef(ctx, port.topic))], after: spec };
    if (plan.action === 'create') {
      changes.push({ ...base, action: 'create', reason: `new schema (${plan.compatibility})` });
      continue;
    }
    const before = { ...spec, version: plan.latestVersion, compatibility: plan.compatibilityChange?.from ?? plan.compatibility };
    if (plan.action === 'noop') {
      const reason = plan.compatibilityChange
        ? `compatibility ${plan.compatibilityChange.from} → ${plan.compatibilityChange.to}`
        : `up to date (version ${plan.matchingVersion})`;
      changes.push({ ...base, before, action: plan.pending ? 'update' : 'noop', reason });
      continue;
    }
    if (plan.compatibility === 'DISABLED') {
      throw new MeshError(
        'SchemaVersioningDisabled',
        `The event schema of ${product.name} changed, but schema ${spec.schemaName} has compatibility DISABLED: no new version can be registered.`,
        {
          hint: 'Revert the .avsc change, change the port compatibility mode, or publish a new major version (a new topic).',
          location: { file: port.eventSchemaFile },
        },
      );
    }
    const next = (plan.latestVersion ?? 0) + 1;
    if (plan.compatible) {
      changes.push({ ...base, before, action: 'update', reason: `new version ${next}, ${plan.compatibility} compatible` });
      continue;
    }
    const fields = [...new Set(plan.problems.map((p) => p.field || '(schema)'))];
    changes.push({
      ...base,
      before,
      action: 'update',
      reason: `new version ${next} breaks ${plan.compatibility} compatibility at ${fields.join(', ')}: ${plan.problems.map(formatCompatibilityProblem).join('; ')}`,
      breaking: true,
      requiresFlag: '--allow-breaking',
      attributes: { problems: plan.problems },
    });
  }
  return changes;
}

export async function executeTopicChange(ctx: StreamsContext, change: Change<'topic'>): Promise<Record<string, unknown> | undefined> {
  const admin = await ctx.topicAdmin();
  const { after, before } = change;
  switch (change.action) {
    case 'create':
      if (!after) break;
      return admin.create(after);
    case 'update':
      if (!after) break;
      return admin.update(after.name, topicUpdateFor(after, before));
    case 'replace':
      if (!after) break;
      await admin.delete(after.name);
      return admin.create(after);
    case 'delete':
      if (before) await admin.delete(before.name);
      return undefined;
    default:
      return undefined;
  }
  throw new MeshError('InternalError', `Topic change ${change.key} has no spec.`);
}

export async function executeSchemaChange(ctx: StreamsContext, change: Change<'schema'>): Promise<Record<string, unknown> | undefined> {
  const spec = change.after;
  if (!spec || change.action === 'noop') return undefined;
  const registry = await ctx.schemaRegistry();
  const { applySchemaChange, normalizeDefinition, parseCompatibilityMode } = await import('../schema/index.js');
  const mode = parseCompatibilityMode(spec.compatibility);
  if (change.breaking) {
    // --allow-breaking: register this one version without a check, then restore the port's mode.
    await registry.ensureRegistry(spec.registry);
    const forced = await registry.register(spec.registry, spec.schemaName, normalizeDefinition(spec.definition), 'NONE');
    await registry.register(spec.registry, spec.schemaName, normalizeDefinition(spec.definition), mode);
    return { version: forced.version, versionId: forced.versionId, forced: true };
  }
  const result = await applySchemaChange(registry, {
    registryName: spec.registry,
    schemaName: spec.schemaName,
    definition: spec.definition,
    compatibility: mode,
  });
  return { version: result.version, versionId: result.versionId };
}

// What the example's own files declare, read straight from the YAML (not through mesh's loader), so the end-to-end
// test compares what AWS holds with the files a user edits.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface ContractFacts {
  readonly name: string;
  readonly domain: string;
  readonly id: string;
  readonly version: string;
  readonly ownerTeam: string;
  readonly ownerContact: string;
  readonly description: string;
  /** description.purpose: the Glue table's description. */
  readonly purpose: string;
  readonly columns: readonly { name: string; type: string; pii: boolean }[];
  readonly location: string;
  readonly classification: string;
  readonly stream: { entity: string; major: number; partitions: number; retentionHours: number; schemaFile: string };
}

interface RawContract {
  id: string;
  name: string;
  version: string;
  domain: string;
  description: { purpose: string };
  schema: { properties: { name: string; physicalType: string; customProperties?: { property: string; value: unknown }[] }[] }[];
  servers: { location: string }[];
  customProperties: { property: string; value: unknown }[];
}

const read = <T>(file: string): T => parse(readFileSync(file, 'utf8')) as T;

export function contract(root: string, product: string): ContractFacts {
  const file = path.join(root, 'domains', product, 'products', `${product}.odcs.yaml`);
  const raw = read<RawContract>(file);
  const prop = (name: string) => raw.customProperties.find((p) => p.property === name)?.value;
  const stream = prop('streamPort') as { entity: string; major: number; partitions: number; retentionHours: number; eventSchema: string };
  const domainFile = read<{ owner: { team: string; contact: string }; description: string }>(
    path.join(root, 'domains', raw.domain, 'domain.yaml'),
  );
  return {
    name: raw.name,
    domain: raw.domain,
    id: raw.id,
    version: raw.version,
    ownerTeam: domainFile.owner.team,
    ownerContact: domainFile.owner.contact,
    description: domainFile.description,
    purpose: raw.description.purpose,
    columns: (raw.schema[0]?.properties ?? []).map((p) => ({
      name: p.name,
      type: p.physicalType,
      pii: p.customProperties?.some((c) => c.property === 'pii' && c.value === true) ?? false,
    })),
    location: raw.servers[0]?.location ?? '',
    classification: String(prop('classification')),
    stream: {
      entity: stream.entity,
      major: stream.major,
      partitions: stream.partitions,
      retentionHours: stream.retentionHours,
      schemaFile: path.resolve(path.dirname(file), stream.eventSchema),
    },
  };
}

export interface StreamFacts {
  readonly function: string;
  readonly startingPosition?: string;
  readonly batchSize?: number;
  readonly batchingWindowSeconds?: number;
  readonly maximumRetryAttempts?: number;
  readonly permissions?: { actions: string[]; resources: string[] }[];
  readonly environment?: Record<string, string>;
}

export interface SubscriptionFacts {
  readonly product: string;
  readonly table?: true | { columns: string[] };
  readonly stream?: StreamFacts;
}

export interface DomainFacts {
  readonly name: string;
  readonly account: string;
  readonly subscriptions: readonly SubscriptionFacts[];
}

export function domainFile(root: string, domain: string): DomainFacts {
  return read<DomainFacts>(path.join(root, 'domains', domain, 'domain.yaml'));
}

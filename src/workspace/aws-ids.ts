/** AWS identifiers mesh checks without calling AWS: account ids, region codes, ARNs. */

/** Public, GovCloud and China region codes (2026). */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
];

export function isRegion(value: string): boolean {
  return AWS_REGIONS.includes(value);
}

export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

const PARTITION = '(aws|aws-cn|aws-us-gov)';

/** `arn:aws:iam::123456789012:role/path/Name` */
export function isRoleArn(value: string): boolean {
  return new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`).test(value);
}

export interface MskClusterArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly clusterName: string;
  readonly clusterUuid: string;
}

/** `arn:aws:kafka:us-east-1:123456789012:cluster/name/uuid-suffix` → its parts, or undefined when malformed. */
export function parseMskClusterArn(value: string): MskClusterArn | undefined {
  const match = new RegExp(`^arn:${PARTITION}:kafka:([a-z0-9-]+):(\\d{12}):cluster/([A-Za-z0-9-]{1,64})/([A-Za-z0-9-]+)$`).exec(value);
  if (!match) return undefined;
  const [, partition = '', region = '', account = '', clusterName = '', clusterUuid = ''] = match;
  return { partition, region, account, clusterName, clusterUuid };
}

/** A deterministic stand-in account id for the local target, so domains differ without a real account. */
export function localAccountId(name: string): string {
  let hash = 2166136261;
  for (const ch of name) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return `1${String(hash).padStart(11, '0').slice(-11)}`;
}

/**
 * What `mesh personalize deploy` hands to the consumer functions: the event tracker's tracking id and the ARNs
 * they call (PutEvents needs the tracking id, PutItems/PutUsers the dataset ARNs, GetRecommendations the campaign
 * ARN). Written to `<mesh.localDir>/personalize/<domain>/outputs.json` on both targets by the personalize plane; the
 * streams plane reads it with readPersonalizeOutputs() and injects personalizeEnvironment() into the functions. It
 * lives here, under both, so that neither plane imports the other.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Target, Workspace } from './model.js';

export interface PersonalizeOutputs {
  readonly target: Target;
  readonly trackingId: string;
  readonly eventTrackerArn?: string;
  /** The campaign of the first user-personalization solution (what GetRecommendations by userId uses). */
  readonly campaignArn?: string;
  /** Every deployed campaign by solution name. */
  readonly campaigns: Readonly<Record<string, string>>;
  readonly datasetGroupArn: string;
  readonly interactionsDatasetArn?: string;
  readonly itemsDatasetArn?: string;
  readonly usersDatasetArn?: string;
  /** Filter ARNs by filter name (as in personalize.yaml). */
  readonly filterArns: Readonly<Record<string, string>>;
  /** Fingerprint of the filters' expressions and the default filter deployed with these outputs. */
  readonly filtersFingerprint?: string;
  readonly updatedAt: string;
}

/** `<mesh.localDir>/personalize/<domain>/outputs.json` */
export function personalizeOutputsFile(workspace: Workspace, domain: string): string {
  return path.join(workspace.mesh.localDir, 'personalize', domain, 'outputs.json');
}

export function writePersonalizeOutputs(file: string, outputs: PersonalizeOutputs): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(outputs, null, 2)}\n`);
  renameSync(tmp, file);
}

export function readOutputsFile(file: string): PersonalizeOutputs | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PersonalizeOutputs;
  } catch {
    return undefined;
  }
}

/** The outputs of a domain's last `mesh personalize deploy`, or undefined when it has not been deployed. */
export function readPersonalizeOutputs(workspace: Workspace, domain: string): PersonalizeOutputs | undefined {
  return readOutputsFile(personalizeOutputsFile(workspace, domain));
}

/** Environment variables for the consumer functions (empty when the domain is not deployed). */
export function personalizeEnvironment(outputs: PersonalizeOutputs | undefined): Record<string, string> {
  if (!outputs) return {};
  const env: Record<string, string> = { PERSONALIZE_TRACKING_ID: outputs.trackingId };
  if (outputs.itemsDatasetArn) env.PERSONALIZE_ITEMS_DATASET_ARN = outputs.itemsDatasetArn;
  if (outputs.usersDatasetArn) env.PERSONALIZE_USERS_DATASET_ARN = outputs.usersDatasetArn;
  if (outputs.campaignArn) env.PERSONALIZE_CAMPAIGN_ARN = outputs.campaignArn;
  return env;
}

/**
 * The personalize plane's resource types (declaration merging on the engine's ResourceSpecs, see src/engine/plan.ts).
 * A campaign's spec carries the whole planned decision, gate numbers included: apply needs nothing else.
 */
import type { GateVerdict } from './gate.js';

export interface CampaignSpec {
  readonly domain: string;
  readonly solution: string;
  readonly campaignName: string;
  /** The version the campaign serves (after) or served (before). */
  readonly solutionVersionArn: string;
  readonly minProvisionedTPS: number;
  /** The existing campaign. */
  readonly campaignArn?: string;
  /** The metrics gate's verdict for this version (after), with its numbers. */
  readonly gate?: GateVerdict;
}

/**
 * outputs.json of a domain (what the consumer functions read), with the filters and the event tracker it names: the
 * campaigns and filters it lists, and the campaigns being changed, waited for once the file is written.
 */
export interface OutputsSpec {
  readonly domain: string;
  readonly target: 'aws' | 'local';
  /** Solutions whose campaigns it lists. */
  readonly solutions: readonly string[];
  /** Filter names (personalize.yaml). */
  readonly filters: readonly string[];
  /** The filters' expressions and the default filter, fingerprinted: a deploy serves the ones it was given. */
  readonly filtersFingerprint: string;
  /** The campaigns this apply changes: waited for after the file is written. */
  readonly waitFor: readonly {
    readonly solution: string;
    readonly campaignName: string;
    readonly action: string;
    readonly candidate: string;
  }[];
}

declare module '../engine/plan.js' {
  interface ResourceSpecs {
    'personalize-campaign': CampaignSpec;
    'personalize-outputs': OutputsSpec;
  }
}

export const PERSONALIZE_TYPES = ['personalize-campaign', 'personalize-outputs'] as const;

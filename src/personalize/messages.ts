/**
 * The personalize plane's messages (see src/core/messages.ts). Their human renderers are in
 * src/cli/render/messages/personalize.ts.
 */
export {};

declare module '../core/messages.js' {
  interface MessageCatalog {
    /** Real-time events naming items in no dataset were left out of training. */
    'personalize.train.events-dropped': { readonly count: number };
    /** A dataset check that warns (does not stop training). */
    'personalize.dataset.warning': { readonly text: string };
    /** autoTraining is on for a solution being trained on aws (it bills a version every schedule). */
    'personalize.train.auto-training': { readonly solution: string; readonly schedule: string };
    /** Local training progress, per solution. */
    'personalize.train.evaluating': { readonly solution: string; readonly recipe: string; readonly splits: number };
    'personalize.train.training': { readonly solution: string; readonly recipe: string; readonly interactions: number };
    /** A dataset CSV uploaded to S3 (aws). */
    'personalize.upload.done': { readonly type: string; readonly rows: number; readonly location: string };
    /** A preflight check that could not run (aws): going on. */
    'personalize.preflight.skipped': { readonly what: 'role' | 'bucket-policy'; readonly name: string; readonly reason: string };
    /** `status` continues an interrupted train run (aws). */
    'personalize.train.resuming': { readonly startedAt: string };
    /** --force: a version the gate refuses is deployed anyway (the gate's numbers included). */
    'personalize.gate.forced': {
      readonly solution: string;
      readonly reason: string;
      readonly metric: string;
      readonly candidate?: number;
      readonly deployed?: number;
    };
  }
}

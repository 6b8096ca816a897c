/**
 * What the engine tells the run's host: each change as it starts, ends or fails, and the one question it asks (apply
 * these changes?). Rendered for people in src/cli/render/messages/engine.ts.
 */
import type { ChangeAction, Plane, PlanSummary } from './plan.js';

/** The change a message is about: enough to name it in a line (`✓ create glue-table music_songs/songs`). */
export interface ChangeMessage {
  readonly plane: Plane;
  readonly action: ChangeAction;
  readonly type: string;
  readonly id: string;
  readonly label?: string;
}

declare module '../core/messages.js' {
  interface MessageCatalog {
    'engine.change.start': ChangeMessage;
    'engine.change.done': ChangeMessage;
    'engine.change.failed': ChangeMessage & { readonly error: string };
  }

  interface RequestCatalog {
    /**
     * Apply the plan just shown? Asked when it removes something (`reason: 'removals'`) or for every destroy
     * (`reason: 'destroy'`). The answer false stops the run before anything is applied.
     */
    'engine.apply.confirm': {
      readonly data: { readonly target: string; readonly reason: 'removals' | 'destroy'; readonly summary: PlanSummary };
      readonly answer: boolean;
    };
  }
}

/** `mesh bootstrap`: the bootstrap plane on the engine's observe → plan → apply run. */
import type { PlaneFactory } from '../engine/plane.js';
import { type RunPlanesOptions, type RunPlanesResult, runPlanes } from '../engine/run.js';
import { type BootstrapPlaneOptions, createBootstrapPlane } from './plane.js';

export type RunBootstrapOptions = Omit<RunPlanesOptions, 'scope' | 'factories'> & { readonly plane?: BootstrapPlaneOptions };

export function bootstrapFactory(options: BootstrapPlaneOptions = {}): PlaneFactory {
  return (env) => createBootstrapPlane(env, options);
}

export function runBootstrap(options: RunBootstrapOptions): Promise<RunPlanesResult> {
  return runPlanes({
    ...options,
    scope: { include: { publish: false, subscriptions: false } },
    factories: [bootstrapFactory(options.plane)],
    // bootstrap is what preflight checks for: it must never be refused by it, but each account's credentials must be
    // that account's (the domain files name them).
    preflight: async (o) => (await import('./preflight.js')).credentialsPreflight(o),
  });
}

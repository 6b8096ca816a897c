/** What `mesh dev`'s local HTTP API tells the host. Rendered for people in src/cli/render/messages/dev.ts. */

declare module '../core/messages.js' {
  interface MessageCatalog {
    /** A request failed inside the server (5xx). */
    'dev.request.failed': { readonly method: string; readonly path: string; readonly status: number; readonly error: string };
    /** Every request, with its status and time (debug). */
    'dev.request.served': { readonly method: string; readonly path: string; readonly status: number; readonly ms: number };
  }
}

export {};

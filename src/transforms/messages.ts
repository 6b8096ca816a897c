/**
 * The transforms plane's messages (see src/core/messages.ts). Their human renderers are in
 * src/cli/render/messages/transform.ts.
 */
export {};

declare module '../core/messages.js' {
  interface MessageCatalog {
    /** An Athena SELECT finished (transforms, and the Personalize dataset queries on aws). */
    'transform.athena.rows': { readonly label: string; readonly rows: number; readonly queryId: string };
    /** A transform's Glue job was created, updated or left as it was (aws). */
    'transform.glue.job': { readonly jobName: string; readonly job: 'created' | 'updated' | 'unchanged'; readonly script: string };
  }
}

/** What the bootstrap plane tells the host. Rendered in src/cli/render/messages/bootstrap.ts. */

/** A managed bucket `destroy --include-bootstrap` keeps because --delete-data was not given. */
export interface BucketKeptMessage {
  readonly bucket: string;
  readonly account: string;
  readonly domain: string;
}

declare module '../core/messages.js' {
  interface MessageCatalog {
    'bootstrap.bucket.kept': BucketKeptMessage;
  }
}

/**
 * A handler's bundle is uploaded to the consumer's Lambda, so it may carry only the workspace's files and installed
 * packages: esbuild follows symbolic links and absolute imports, and reads `.txt` files as text by default, so a
 * handler folder could carry a file of the machine running mesh (a CI credentials file, say) or another domain's
 * published data from `.mesh/` into its function.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHandler, resolveHandlerEntry } from '../../src/streams/functions/handler-bundle.js';
import { tempDirsPerTest } from '../support/temp-dirs.js';

const SECRET = 'aws_secret_access_key=PLANTED0123456789';
const tempDir = tempDirsPerTest();

/** A workspace with one handler folder whose index.ts is `source`; returns the handler folder. */
function handler(source: string): { root: string; dir: string } {
  const root = tempDir('mesh-bundle-ws-');
  writeFileSync(path.join(root, 'mesh.yaml'), 'apiVersion: mesh/v1\nname: demo\n');
  const dir = path.join(root, 'domains', 'insights', 'handlers', 'orders-handler');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.ts'), source);
  return { root, dir };
}

function outsideSecret(): string {
  const file = path.join(tempDir('mesh-bundle-outside-'), 'credentials.txt');
  writeFileSync(file, `${SECRET}\n`);
  return file;
}

async function build(dir: string): Promise<{ code?: string; error?: { code?: string; message: string } }> {
  try {
    const bytes = await buildHandler({ handlerDir: dir, entry: resolveHandlerEntry(dir, 'index.handler') });
    return { code: Buffer.from(bytes).toString('utf8') };
  } catch (error) {
    return { error: error as { code?: string; message: string } };
  }
}

const USES_NOTES = "import notes from './notes.txt';\nexport const handler = async () => notes.length;\n";

describe('what a handler bundle may read', () => {
  it('refuses a file that is a symbolic link to a file outside the workspace', async () => {
    const { dir } = handler(USES_NOTES);
    symlinkSync(outsideSecret(), path.join(dir, 'notes.txt'));
    const { code, error } = await build(dir);
    expect(code).toBeUndefined();
    expect(error?.code).toBe('HandlerBuildFailed');
    // esbuild follows the link: the message names where the file really is.
    expect(error?.message).toContain('credentials.txt is outside the workspace');
    expect(error?.message).not.toContain(SECRET);
  });

  it('refuses an absolute import of a file outside the workspace', async () => {
    const secret = outsideSecret();
    const { dir } = handler(`import key from ${JSON.stringify(secret)};\nexport const handler = async () => key.length;\n`);
    const { error } = await build(dir);
    expect(error?.code).toBe('HandlerBuildFailed');
    expect(error?.message).toContain('outside the workspace');
  });

  it("refuses a file in the workspace's .mesh folder (every domain's published data)", async () => {
    const { root, dir } = handler(
      "import rows from '../../../../.mesh/local/s3/users/part-0.txt';\nexport const handler = async () => rows;\n",
    );
    mkdirSync(path.join(root, '.mesh/local/s3/users'), { recursive: true });
    writeFileSync(path.join(root, '.mesh/local/s3/users/part-0.txt'), SECRET);
    const { error } = await build(dir);
    expect(error?.code).toBe('HandlerBuildFailed');
    expect(error?.message).toContain('.mesh');
  });

  it("bundles the workspace's own files, links inside it, and mesh's installed packages", async () => {
    const { root, dir } = handler(
      "import notes from './notes.txt';\nimport shared from '../../lib/shared.txt';\nimport { z } from 'zod';\nexport const handler = async () => z.string().parse(notes + shared);\n",
    );
    mkdirSync(path.join(root, 'domains/insights/lib'));
    writeFileSync(path.join(root, 'domains/insights/lib/shared.txt'), 'shared');
    writeFileSync(path.join(dir, 'real-notes.txt'), 'notes');
    symlinkSync('real-notes.txt', path.join(dir, 'notes.txt'));
    const { code, error } = await build(dir);
    expect(error).toBeUndefined();
    expect(code).toContain('"notes"');
    expect(code).toContain('"shared"');
  });
});

/**
 * The local stand-in for the Lambda Node.js runtime: a small host bundled together with the handler (esbuild,
 * CommonJS, node20) and run in a child process per function. The parent sends `{ type: 'invoke', id, event,
 * timeoutMs, requestId, functionArn }` over IPC; the host calls the handler (async, or callback-style when it takes
 * three arguments) with a Lambda-like context and replies `{ type: 'result', id, ok, value | error }`.
 * A throw at module load (init error) makes the process exit before `ready`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { buildHandler, resolveHandlerEntry } from '../functions/handler-bundle.js';

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: unknown;
  readonly timeoutMs: number;
  readonly requestId: string;
  readonly functionArn: string;
}

export interface HandlerError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stack?: string;
}

export type HostMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: HandlerError };

/** The host's source; `entryFile` and `exportName` are embedded as JSON literals. */
export function functionHostSource(entryFile: string, exportName: string): string {
  return `import * as handlerModule from ${JSON.stringify(entryFile)};
const EXPORT = ${JSON.stringify(exportName)};
const FUNCTION_NAME = process.env.AWS_LAMBDA_FUNCTION_NAME || 'local-function';
function findHandler() {
  const direct = handlerModule[EXPORT];
  if (typeof direct === 'function') return direct;
  const viaDefault = handlerModule.default && handlerModule.default[EXPORT];
  if (typeof viaDefault === 'function') return viaDefault;
  const error = new Error('Handler "' + EXPORT + '" is not an exported function of the handler module.');
  error.name = 'Runtime.HandlerNotFound';
  throw error;
}
function toError(error) {
  if (error instanceof Error) return { errorType: error.name || 'Error', errorMessage: error.message, stack: error.stack };
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error) };
}
function plain(value) {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value));
}
process.on('message', (message) => {
  if (!message || message.type !== 'invoke') return;
  const deadline = Date.now() + message.timeoutMs;
  let settled = false;
  const reply = (payload) => {
    if (settled) return;
    settled = true;
    try {
      process.send({ type: 'result', id: message.id, ...payload });
    } catch (error) {
      process.send({ type: 'result', id: message.id, ok: false, error: toError(error) });
    }
  };
  const context = {
    functionName: FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '256',
    awsRequestId: message.requestId,
    logGroupName: '/aws/lambda/' + FUNCTION_NAME,
    logStreamName: 'mesh-dev',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const handler = findHandler();
    const result = handler.length >= 3
      ? new Promise((resolve, reject) => {
          const returned = handler(message.event, context, (error, value) => (error ? reject(error) : resolve(value)));
          if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
        })
      : handler(message.event, context);
    Promise.resolve(result).then(
      (value) => {
        try { reply({ ok: true, value: plain(value) }); } catch (error) { reply({ ok: false, error: toError(error) }); }
      },
      (error) => reply({ ok: false, error: toError(error) }),
    );
  } catch (error) {
    reply({ ok: false, error: toError(error) });
  }
});
process.send({ type: 'ready' });
`;
}

export interface HostBundle {
  readonly file: string;
  readonly dir: string;
  /** Removes the temp folder. */
  dispose(): void;
}

/** Bundles host + handler into a temp file (`@aws-sdk/*` external: provided through NODE_PATH like the runtime does). */
export async function bundleFunctionHost(handlerDir: string, handler: string, label: string): Promise<HostBundle> {
  const entry = resolveHandlerEntry(handlerDir, handler);
  const code = await buildHandler({ handlerDir, entry, stdinSource: functionHostSource(entry.entryFile, entry.exportName) });
  const dir = path.join(os.tmpdir(), `mesh-fn-${label.replace(/[^a-zA-Z0-9_-]/g, '_')}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'host.cjs');
  writeFileSync(file, code);
  return { file, dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * NODE_PATH for a local function: the handler folder's node_modules (and its parents'), then mesh's own
 * node_modules, which holds the AWS SDK v3 clients (the Lambda runtime provides `@aws-sdk/*` the same way).
 */
export function functionNodePath(handlerDir: string): string {
  const dirs: string[] = [];
  let dir = handlerDir;
  for (;;) {
    dirs.push(path.join(dir, 'node_modules'));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const require = createRequire(import.meta.url);
  try {
    const esbuildPackage = require.resolve('esbuild/package.json');
    dirs.push(path.dirname(path.dirname(esbuildPackage)));
  } catch {
    // mesh's own modules not resolvable: the handler's folders only
  }
  return [...new Set(dirs)].join(path.delimiter);
}

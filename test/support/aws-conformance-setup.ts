/**
 * vitest setupFile (integration project): every AWS SDK request a test sends is validated against AWS's service
 * model before it leaves (test/support/aws-conformance.ts); a request that breaks the model is not sent, its promise
 * rejects with the violation, and the test that sent it fails (afterEach), naming operation, member and constraint,
 * even when the code under test catches the error.
 *
 * How: `send` of the Smithy base Client (every @aws-sdk/client-* extends it) is wrapped. Clients stubbed with
 * aws-sdk-client-mock (the Personalize and Athena fakes) never reach that `send`, so the sinon stub it installs is
 * wrapped too: the request is checked, and so is the fake's response against the operation's output shape, so the
 * fakes cannot drift from the real APIs.
 *
 * Every (service, operation) sent is appended to .services/conformance/operations.jsonl (one line per test file),
 * with the ones a src/ file sent (`fromSrc`: a src frame on the stack of the send), the coverage that
 * `node test/conformance/src-operations.mjs` compares with what src can call.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@smithy/core/client';
import { afterAll, afterEach, expect } from 'vitest';
import { describeViolation, operationOf, type Violation, validate } from './aws-conformance.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOG_DIR = path.join(ROOT, '.services', 'conformance');

interface ConformanceState {
  readonly violations: Violation[];
  readonly operations: Set<string>;
  /** The operations sent from a src/ file (not only by a test's own setup or a fake's caller). */
  readonly fromSrc: Set<string>;
  patched: boolean;
}

const KEY = Symbol.for('mesh.test.awsConformance');
const state: ConformanceState = ((globalThis as Record<symbol, unknown>)[KEY] as ConformanceState | undefined) ?? {
  violations: [],
  operations: new Set<string>(),
  fromSrc: new Set<string>(),
  patched: false,
};
(globalThis as Record<symbol, unknown>)[KEY] = state;

/** The error a non-conforming request (or fake response) rejects with. */
export class AwsConformanceError extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(`AWS API conformance: ${violations.map(describeViolation).join('; ')}`);
    this.name = 'AwsConformanceError';
  }
}

type Send = (this: { config?: { serviceId?: string } }, command: { input?: unknown }, ...rest: unknown[]) => unknown;

function serviceOf(client: { config?: { serviceId?: string } } | undefined): string | undefined {
  return client?.config?.serviceId;
}

const SRC = `${path.join(ROOT, 'src')}${path.sep}`;

/** Is a src/ file on the stack of this send? (The caller's frame is near the top: send is called synchronously.) */
function calledFromSrc(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack.includes(SRC);
}

/** Checks the request; the violations (recorded for afterEach) or an empty list. */
function checkRequest(service: string | undefined, command: { input?: unknown }): Violation[] {
  const operation = operationOf(command);
  if (!service || !operation) return [];
  state.operations.add(`${service} ${operation}`);
  if (calledFromSrc()) state.fromSrc.add(`${service} ${operation}`);
  const found = validate(service, operation, 'input', command.input);
  state.violations.push(...found);
  return found;
}

if (!state.patched) {
  state.patched = true;
  const prototype = Client.prototype as unknown as { send: Send };
  const send = prototype.send;
  prototype.send = function conformingSend(command, ...rest) {
    const found = checkRequest(serviceOf(this), command);
    if (found.length > 0) return Promise.reject(new AwsConformanceError(found));
    return send.call(this, command, ...rest);
  };

  // aws-sdk-client-mock calls sinon.stub(client, 'send') on the CommonJS sinon; its stubs dispatch through invoke.
  const sinon = createRequire(import.meta.url)('sinon') as { stub: (...args: unknown[]) => unknown };
  const stub = sinon.stub;
  sinon.stub = function conformingStub(this: unknown, ...args: unknown[]) {
    const created = stub.apply(this, args) as { invoke?: (func: unknown, thisValue: unknown, args: unknown[]) => unknown };
    const [target, property] = args;
    if (property === 'send' && target instanceof Client && typeof created.invoke === 'function') {
      const invoke = created.invoke;
      created.invoke = function conformingInvoke(func, thisValue, callArgs) {
        const service = serviceOf(thisValue as { config?: { serviceId?: string } });
        const command = (callArgs[0] ?? {}) as { input?: unknown };
        const found = checkRequest(service, command);
        if (found.length > 0) return Promise.reject(new AwsConformanceError(found));
        const result = invoke.call(this, func, thisValue, callArgs);
        if (!service || !result || typeof (result as Promise<unknown>).then !== 'function') return result;
        return (result as Promise<unknown>).then((output) => {
          const wrong = validate(service, operationOf(command), 'output', output);
          if (wrong.length > 0) {
            state.violations.push(...wrong);
            throw new AwsConformanceError(wrong);
          }
          return output;
        });
      };
    }
    return created;
  };
}

let testFile = '';
afterEach(() => {
  testFile ||= path.relative(ROOT, expect.getState().testPath ?? '');
  const found = state.violations.splice(0);
  if (found.length > 0) expect.fail(`AWS API conformance (service models): ${found.map(describeViolation).join('\n  ')}`);
});

afterAll(() => {
  if (state.operations.size === 0) return;
  mkdirSync(LOG_DIR, { recursive: true });
  appendFileSync(
    path.join(LOG_DIR, 'operations.jsonl'),
    `${JSON.stringify({ file: testFile, operations: [...state.operations].sort(), fromSrc: [...state.fromSrc].sort() })}\n`,
  );
  state.operations.clear();
  state.fromSrc.clear();
});

/** The violations recorded since the last test ended, removed (for a test that expects one). */
export function takeViolations(): Violation[] {
  return state.violations.splice(0);
}

/** `Service Operation` of every request this test file has sent so far (fakes included). */
export function sentOperations(): string[] {
  return [...state.operations].sort();
}

/** The same, only those a src/ file sent. */
export function sentFromSrc(): string[] {
  return [...state.fromSrc].sort();
}

/**
 * Counts AWS calls by service and operation with an SDK middleware, for tests and the benchmark. An optional hook
 * sees each call before it is sent and after it answered (tests use it to make a call fail).
 */
import { AwsClients, type AwsClientsOptions } from '../../aws/clients.js';
import type { AccountAccess } from '../../workspace/model.js';

export interface AwsCall {
  /** e.g. `glue`, `lakeformation`, `s3`. */
  readonly service: string;
  /** e.g. `CreateTable`. */
  readonly operation: string;
  readonly account: string;
}

const READ_PREFIXES = ['Get', 'List', 'Describe', 'Search', 'BatchGet', 'Head'];

export function isMutating(operation: string): boolean {
  return !READ_PREFIXES.some((p) => operation.startsWith(p));
}

export class AwsCallCounter {
  readonly calls: AwsCall[] = [];

  record(call: AwsCall): void {
    this.calls.push(call);
  }

  get total(): number {
    return this.calls.length;
  }

  get mutating(): AwsCall[] {
    return this.calls.filter((c) => isMutating(c.operation));
  }

  /** `service:Operation` → count, sorted by name. */
  byOperation(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of [...this.calls].sort((a, b) => `${a.service}:${a.operation}`.localeCompare(`${b.service}:${b.operation}`))) {
      const k = `${c.service}:${c.operation}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  count(service: string, operation: string): number {
    return this.calls.filter((c) => c.service === service && c.operation === operation).length;
  }

  reset(): void {
    this.calls.length = 0;
  }
}

export type CallHook = (call: AwsCall, phase: 'before' | 'after') => void;

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

function serviceOf(clientName: string | undefined): string {
  return (clientName ?? 'unknown').replace(/Client$/, '').toLowerCase();
}

/** AwsClients whose clients report every call to a counter (and an optional hook). */
export class CountingAwsClients extends AwsClients {
  private readonly instrumented = new WeakSet<object>();

  constructor(
    readonly counter: AwsCallCounter = new AwsCallCounter(),
    private readonly hook?: CallHook,
    options: AwsClientsOptions = {},
  ) {
    super(options);
  }

  // why: matches AwsClients.get's constructor parameter
  // biome-ignore lint/suspicious/noExplicitAny: see above
  override async get<C>(ctor: new (config: any) => C, access: AccountAccess, extra: Record<string, unknown> = {}): Promise<C> {
    const client = await super.get(ctor, access, extra);
    const target = client as unknown as MiddlewareClient & object;
    if (!this.instrumented.has(target)) {
      this.instrumented.add(target);
      target.middlewareStack.add(
        (next, context) => async (args) => {
          const call: AwsCall = {
            service: serviceOf(context.clientName),
            operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
            account: access.account,
          };
          this.counter.record(call);
          this.hook?.(call, 'before');
          const result = await next(args);
          this.hook?.(call, 'after');
          return result;
        },
        { step: 'initialize', name: 'meshCallCounter' },
      );
    }
    return client;
  }
}

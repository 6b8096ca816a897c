import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { fromAwsError, isAwsError } from '../../aws/errors.js';
import { type AcquireAttempt, LOCK_TABLE, type LockHolder, type LockPort } from '../port.js';
/** DynamoDB deletes an abandoned lock this long after it was taken (its `expires` TTL attribute); mesh treats it as free then. */
export const LOCK_TTL_SECONDS = 24 * 3600;

type Item = Record<string, AttributeValue>;

function toItem(key: string, h: LockHolder, nowSeconds: number): Item {
  return {
    lockKey: { S: key },
    lockId: { S: h.id },
    user: { S: h.user },
    host: { S: h.host },
    pid: { N: String(h.pid) },
    command: { S: h.command },
    target: { S: h.target },
    mesh: { S: h.mesh },
    started: { S: h.started },
    expires: { N: String(nowSeconds + LOCK_TTL_SECONDS) },
  };
}

function fromItem(item: Item | undefined): LockHolder | undefined {
  if (!item?.lockId?.S) return undefined;
  return {
    id: item.lockId.S,
    user: item.user?.S ?? 'unknown',
    host: item.host?.S ?? 'unknown',
    pid: Number(item.pid?.N ?? -1),
    command: item.command?.S ?? 'unknown',
    target: item.target?.S ?? 'aws',
    mesh: item.mesh?.S ?? 'unknown',
    started: item.started?.S ?? new Date(0).toISOString(),
  };
}

/**
 * The aws target's lock: one item per mesh and target (`lockKey` = `<mesh>#aws`) in the central account's
 * `mesh-locks` table, written with `attribute_not_exists` (or over an item whose TTL has passed) and deleted only
 * while its `lockId` is ours.
 */
export class DynamoDbLock implements LockPort {
  readonly where: string;

  private readonly table: string;
  private readonly nowSeconds: () => number;

  constructor(
    private readonly db: DynamoDBClient,
    private readonly key: string,
    options: { table?: string; nowSeconds?: () => number; onClose?: () => void } = {},
  ) {
    this.table = options.table ?? LOCK_TABLE;
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.close = options.onClose;
    this.where = `DynamoDB table ${this.table}, key ${key}`;
  }

  readonly close?: () => void;

  async tryAcquire(holder: LockHolder): Promise<AcquireAttempt> {
    for (;;) {
      const now = this.nowSeconds();
      try {
        const out = await this.withTable(() =>
          this.db.send(
            new PutItemCommand({
              TableName: this.table,
              Item: toItem(this.key, holder, now),
              ConditionExpression: 'attribute_not_exists(lockKey) OR expires < :now',
              ExpressionAttributeValues: { ':now': { N: String(now) } },
              ReturnValues: 'ALL_OLD',
            }),
          ),
        );
        const replaced = fromItem(out.Attributes);
        return replaced ? { acquired: true, replaced } : { acquired: true };
      } catch (error) {
        if (!isAwsError(error, 'ConditionalCheckFailedException')) throw fromAwsError(error, `Taking the lock (${this.where})`);
      }
      const current = await this.read();
      if (current) return { acquired: false, holder: current };
      // Released between the write and the read: try again.
    }
  }

  async takeOver(staleId: string, holder: LockHolder): Promise<boolean> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem(this.key, holder, this.nowSeconds()),
          ConditionExpression: 'lockId = :stale',
          ExpressionAttributeValues: { ':stale': { S: staleId } },
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return false;
      throw fromAwsError(error, `Taking over the lock (${this.where})`);
    }
  }

  async release(id: string): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { lockKey: { S: this.key } },
          ConditionExpression: 'lockId = :id',
          ExpressionAttributeValues: { ':id': { S: id } },
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException', 'ResourceNotFoundException')) return false;
      throw fromAwsError(error, `Releasing the lock (${this.where})`);
    }
  }

  async read(): Promise<LockHolder | undefined> {
    try {
      const out = await this.db.send(
        new GetItemCommand({ TableName: this.table, Key: { lockKey: { S: this.key } }, ConsistentRead: true }),
      );
      return fromItem(out.Item);
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
      throw fromAwsError(error, `Reading the lock (${this.where})`);
    }
  }

  /** Runs `write`; when the table is missing, creates it (on-demand, TTL on `expires`), waits until ACTIVE, runs it again. */
  private async withTable<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
    }
    await this.createTable();
    return write();
  }

  private async createTable(): Promise<void> {
    try {
      await this.db.send(
        new CreateTableCommand({
          TableName: this.table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'lockKey', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'lockKey', KeyType: 'HASH' }],
        }),
      );
    } catch (error) {
      // Another run is creating it at the same moment: wait for it like for our own.
      if (!isAwsError(error, 'ResourceInUseException')) throw fromAwsError(error, `Creating the lock table ${this.table}`);
    }
    await waitUntilTableExists({ client: this.db, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: this.table });
    try {
      await this.db.send(
        new UpdateTimeToLiveCommand({ TableName: this.table, TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true } }),
      );
    } catch (error) {
      // Already enabled by the run that created the table.
      if (!isAwsError(error, 'ValidationException')) throw fromAwsError(error, `Enabling TTL on the lock table ${this.table}`);
    }
  }
}

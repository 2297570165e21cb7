import { crc32 } from 'node:zlib';
import type { Answer, Exchange, Meter } from './forwarding-proxy.ts';

/**
 * DynamoDB request units of the real calls, as on-demand mode bills them.
 *
 * Every call of the handlers passes here on its way to DynamoDB Local. A call that does not ask for
 * its consumed capacity is sent with `ReturnConsumedCapacity: INDEXES`, and the answer's
 * `ConsumedCapacity` is taken out again before the handler sees it (with the `x-amz-crc32` the SDK
 * checks recomputed), so the handler gets the answer it would have had. DynamoDB Local sizes the
 * items itself (4 KB read units, 1 KB write units, half a unit for an eventually consistent read,
 * the larger of the old and new item for an update, each global index written); it does not double
 * transactions, which AWS does (two units per item read or written in TransactGetItems or
 * TransactWriteItems), so the meter doubles them. A write refused by its condition still bills on
 * AWS; DynamoDB Local answers it without capacity, so it is counted at one unit per item written
 * (two in a transaction) and kept apart as `estimatedUnits`.
 */

const readOperations = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const writeOperations = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
const transactions = new Set(['TransactGetItems', 'TransactWriteItems']);

interface CapacityEntry {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

export interface DynamoDbUsage {
  requests: number;
  readUnits: number;
  writeUnits: number;
  /** units for calls DynamoDB Local answered without capacity (refused conditions, cancelled transactions) */
  estimatedUnits: number;
  /** calls by operation and by the entity their key names (`GetItem ORDER`, `Query LOC`) */
  calls: Record<string, number>;
  /** calls that failed, by operation and error (`UpdateItem ConditionalCheckFailedException`) */
  failures: Record<string, number>;
}

export const emptyUsage = (): DynamoDbUsage => ({
  requests: 0,
  readUnits: 0,
  writeUnits: 0,
  estimatedUnits: 0,
  calls: {},
  failures: {},
});

function add(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/** The entity a key names, from its partition key (`ORDER#123` → `ORDER`). */
function entityOf(key: unknown): string {
  if (key === null || typeof key !== 'object') return '?';
  const attributes = key as Record<string, { S?: string }>;
  const value = attributes.PK?.S ?? Object.values(attributes).find((a) => typeof a?.S === 'string')?.S;
  return value === undefined ? '?' : (value.split('#')[0] ?? '?');
}

/** The entities one request touches, one entry per item (a batch or a transaction has several). */
function entitiesOf(operation: string, body: Record<string, unknown>): string[] {
  switch (operation) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [entityOf(body.Key)];
    case 'PutItem':
      return [entityOf(body.Item)];
    case 'Query': {
      const values = Object.values((body.ExpressionAttributeValues ?? {}) as Record<string, { S?: string }>);
      const partition = values.find((v) => typeof v?.S === 'string')?.S;
      return [`${partition?.split('#')[0] ?? '?'}${body.IndexName ? ` (${String(body.IndexName)})` : ''}`];
    }
    case 'BatchGetItem':
      return Object.values((body.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).flatMap(
        (table) => (table.Keys ?? []).map(entityOf),
      );
    case 'BatchWriteItem':
      return Object.values(
        (body.RequestItems ?? {}) as Record<string, Record<string, { Item?: unknown; Key?: unknown }>[]>,
      )
        .flat()
        .map((write) => entityOf(write.PutRequest?.Item ?? write.DeleteRequest?.Key));
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return ((body.TransactItems ?? []) as Record<string, { Item?: unknown; Key?: unknown }>[]).map(
        (item) => {
          const [kind, action] = Object.entries(item)[0] ?? ['?', {}];
          return `${kind}:${entityOf(action.Item ?? action.Key)}`;
        },
      );
    default:
      return ['?'];
  }
}

function unitsOf(entries: CapacityEntry[]): number {
  let units = 0;
  for (const entry of entries) {
    const indexes = [
      ...Object.values(entry.GlobalSecondaryIndexes ?? {}),
      ...Object.values(entry.LocalSecondaryIndexes ?? {}),
    ];
    if (entry.Table === undefined && indexes.length === 0) units += entry.CapacityUnits ?? 0;
    else
      units +=
        (entry.Table?.CapacityUnits ?? 0) + indexes.reduce((sum, i) => sum + (i.CapacityUnits ?? 0), 0);
  }
  return units;
}

export class DynamoDbMeter implements Meter {
  private usage = emptyUsage();
  /**
   * Ask for and read the consumed capacity (the journeys); off, calls are only counted and their
   * answers pass untouched, which keeps this process's share of the two cores small while CPU and
   * throughput are measured.
   */
  capacity = false;

  /** What was counted since the previous take. */
  take(): DynamoDbUsage {
    const taken = this.usage;
    this.usage = emptyUsage();
    return taken;
  }

  exchange(call: Exchange): { request?: Exchange; answer?(answer: Answer): Answer } {
    const target = String(call.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    if (!readOperations.has(operation) && !writeOperations.has(operation)) return {};
    const body = JSON.parse(call.body.toString('utf8')) as Record<string, unknown>;
    const entities = entitiesOf(operation, body);
    const usage = this.usage;
    usage.requests++;
    for (const entity of new Set(entities)) add(usage.calls, `${operation} ${entity}`);
    if (!this.capacity) return {};
    const injected = body.ReturnConsumedCapacity === undefined || body.ReturnConsumedCapacity === 'NONE';
    const sent = injected
      ? { ...call, body: Buffer.from(JSON.stringify({ ...body, ReturnConsumedCapacity: 'INDEXES' })) }
      : call;
    const factor = transactions.has(operation) ? 2 : 1;
    return {
      request: sent,
      answer: (answer) => {
        const parsed = JSON.parse(answer.body.toString('utf8') || '{}') as Record<string, unknown>;
        if (answer.status !== 200) {
          const error = String(parsed.__type ?? 'error').replace(/^.*#/, '');
          // DynamoDB Local names each item's reason in the message: `[None, ConditionalCheckFailed]`
          const reasons = /\[[^\]]*\]/.exec(String(parsed.message ?? parsed.Message ?? ''))?.[0] ?? '';
          const items =
            operation === 'TransactWriteItems' ? ` ${entities.join(',')} ${reasons}` : ` ${entities[0]}`;
          add(usage.failures, `${operation} ${error}${items}`);
          if (writeOperations.has(operation)) usage.estimatedUnits += factor * entities.length;
          return answer;
        }
        const consumed = parsed.ConsumedCapacity;
        const entries = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as CapacityEntry[];
        const units = factor * unitsOf(entries);
        if (readOperations.has(operation)) usage.readUnits += units;
        else usage.writeUnits += units;
        if (!injected) return answer;
        delete parsed.ConsumedCapacity;
        const text = Buffer.from(JSON.stringify(parsed));
        return { ...answer, body: text, headers: { ...answer.headers, 'x-amz-crc32': String(crc32(text)) } };
      },
    };
  }
}

import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Answer, Exchange, Meter } from './forwarding-proxy.ts';

/**
 * Faults DynamoDB produces and DynamoDB Local never does, injected into real calls on their way to
 * it (a `Meter` of the forwarding proxy, so the handlers' own SDK clients receive them over HTTP and
 * parse them as they would AWS's answers, retries included):
 * - `throttle`: `ProvisionedThroughputExceededException` (HTTP 400), the call is not applied;
 * - `conflict`: a `TransactWriteItems` cancelled with `TransactionConflict` on every item (another
 *   transaction held one of them), not applied;
 * - `lost-answer`: the call is applied, but its answer is lost (HTTP 500 `InternalServerError`, as
 *   a timeout or a dropped connection looks to the SDK), so the caller does not know it was.
 *
 * Faults are either scripted (`inject`: the next n matching calls fail, then the service is
 * healthy again) or random (`chaos`: each call fails with probability `rate`, drawn from the
 * given generator so that a run can be repeated).
 */
export type DynamoDbFault = 'throttle' | 'conflict' | 'lost-answer';

export const dynamoDbFaults: readonly DynamoDbFault[] = ['throttle', 'conflict', 'lost-answer'];

const dataOperations = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

/** The DynamoDB operation a call asks for (`DynamoDB_20120810.PutItem` → `PutItem`), or undefined. */
export function operationOf(call: Exchange): string | undefined {
  const target = String(call.headers['x-amz-target'] ?? '');
  if (!target.startsWith('DynamoDB_')) return undefined;
  const operation = target.slice(target.indexOf('.') + 1);
  return dataOperations.has(operation) ? operation : undefined;
}

/** Whether this kind of fault can happen to this operation. */
function applies(fault: DynamoDbFault, operation: string): boolean {
  return fault === 'conflict' ? operation === 'TransactWriteItems' : true;
}

function jsonAnswer(status: number, body: object): Answer {
  const text = Buffer.from(JSON.stringify(body));
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID(),
      'x-amz-crc32': String(crc32(text)),
    },
    body: text,
  };
}

const errorType = (name: string) => `com.amazonaws.dynamodb.v20120810#${name}`;

function throttled(): Answer {
  return jsonAnswer(400, {
    __type: errorType('ProvisionedThroughputExceededException'),
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  });
}

function cancelledByConflict(call: Exchange): Answer {
  const items = (JSON.parse(call.body.toString('utf8')) as { TransactItems?: unknown[] }).TransactItems ?? [];
  return jsonAnswer(400, {
    __type: errorType('TransactionCanceledException'),
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${items.map(() => 'TransactionConflict').join(', ')}]`,
    CancellationReasons: items.map(() => ({
      Code: 'TransactionConflict',
      Message: 'Transaction is ongoing for the item',
    })),
  });
}

function answerLost(): Answer {
  return jsonAnswer(500, { __type: errorType('InternalServerError'), message: 'Internal server error' });
}

interface Scripted {
  fault: DynamoDbFault;
  remaining: number;
}

export class DynamoDbFaultInjector implements Meter {
  private scripted: Scripted[] = [];
  private random: { rate: number; next: () => number; faults: readonly DynamoDbFault[] } | undefined;
  /** faults injected so far, by kind and operation (`throttle GetItem`) */
  readonly injected: Record<string, number> = {};
  /** calls that went through untouched */
  healthy = 0;

  /** The next `times` calls this fault applies to fail with it (`Infinity`: until `clear`). */
  inject(fault: DynamoDbFault, times: number): void {
    this.scripted.push({ fault, remaining: times });
  }

  /** Every call fails with probability `rate`, with one of `faults` (each equally likely where it applies). */
  chaos(rate: number, next: () => number, faults: readonly DynamoDbFault[] = dynamoDbFaults): void {
    this.random = { rate, next, faults };
  }

  /** No more faults: the service is healthy again. */
  clear(): void {
    this.scripted = [];
    this.random = undefined;
  }

  /** How many faults were injected in all. */
  get injectedCount(): number {
    return Object.values(this.injected).reduce((sum, n) => sum + n, 0);
  }

  exchange(call: Exchange): { answer?(answer: Answer): Answer; reply?: Answer } {
    const operation = operationOf(call);
    if (operation === undefined) return {};
    const fault = this.pick(operation);
    if (fault === undefined) {
      this.healthy++;
      return {};
    }
    const key = `${fault} ${operation}`;
    this.injected[key] = (this.injected[key] ?? 0) + 1;
    switch (fault) {
      case 'throttle':
        return { reply: throttled() };
      case 'conflict':
        return { reply: cancelledByConflict(call) };
      case 'lost-answer':
        return { answer: () => answerLost() };
    }
  }

  private pick(operation: string): DynamoDbFault | undefined {
    const scripted = this.scripted.find((s) => s.remaining > 0 && applies(s.fault, operation));
    if (scripted) {
      scripted.remaining -= 1;
      return scripted.fault;
    }
    if (this.random === undefined) return undefined;
    const { rate, next, faults } = this.random;
    if (next() >= rate) return undefined;
    const possible = faults.filter((f) => applies(f, operation));
    return possible[Math.floor(next() * possible.length)];
  }
}

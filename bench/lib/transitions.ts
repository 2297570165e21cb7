import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { localAccount } from '../../local/account.ts';

/**
 * Standard-workflow state transitions of one execution, read as the AWS CLI reads them
 * (`aws stepfunctions get-execution-history --endpoint-url <local>`), counted as AWS bills them:
 * every state entered (the Map state and each state of each iteration) plus every retry, which shows
 * in the history as one more task scheduled within the same state entry.
 */
export interface ExecutionTransitions {
  transitions: number;
  statesEntered: Record<string, number>;
  retries: number;
}

const scheduled = new Set(['LambdaFunctionScheduled', 'TaskScheduled']);

export function countTransitions(events: readonly HistoryEvent[]): ExecutionTransitions {
  const statesEntered: Record<string, number> = {};
  let entered = 0;
  let taskEntries = 0;
  let schedules = 0;
  for (const event of events) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) {
      entered++;
      const name = event.stateEnteredEventDetails?.name ?? '?';
      statesEntered[name] = (statesEntered[name] ?? 0) + 1;
      if (type === 'TaskStateEntered') taskEntries++;
    } else if (scheduled.has(type)) {
      schedules++;
    }
  }
  const retries = Math.max(0, schedules - taskEntries);
  return { transitions: entered + retries, statesEntered, retries };
}

export function stepFunctionsClient(endpoint: string): SFNClient {
  return new SFNClient({ endpoint, region: localAccount.region, credentials: localAccount.credentials });
}

export async function executionHistory(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Polls DescribeExecution until the execution has ended; answers its status. */
export async function executionEnd(
  client: SFNClient,
  executionArn: string,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== 'RUNNING') return status ?? 'UNKNOWN';
    if (Date.now() > deadline) throw new Error(`${executionArn} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

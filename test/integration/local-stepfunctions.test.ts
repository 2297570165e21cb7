import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../local/aws-json-server.ts';
import { LocalStepFunctions, type TransitionEvent } from '../../local/stepfunctions/engine.ts';
import { startStepFunctionsServer } from '../../local/stepfunctions/server.ts';

const region = 'eu-west-1';
const account = '123456789012';
const functionArn = (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`;

class OutOfStock extends Error {
  override readonly name = 'OutOfStock';
}

type LocalFunction = (payload: unknown) => unknown;
const functions = new Map<string, LocalFunction>();
const invocations: { functionArn: string; payload: unknown }[] = [];
const transitions: TransitionEvent[] = [];

const engine = new LocalStepFunctions({
  region,
  accountId: account,
  invoke: async (arn, payload) => {
    invocations.push({ functionArn: arn, payload });
    const local = functions.get(arn);
    if (!local) throw new Error(`no local function ${arn}`);
    return local(payload);
  },
  onTransition: (event) => transitions.push(event),
});

let server: RunningServer;
let sfn: SFNClient;

beforeAll(async () => {
  server = await startStepFunctionsServer(engine, { port: 0 });
  sfn = new SFNClient({
    endpoint: server.url,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  sfn.destroy();
  await engine.close();
  await server.close();
});

let machines = 0;
/** Registers a definition under a fresh name, with the given local functions. */
function machine(definition: object, locals: Record<string, LocalFunction> = {}): string {
  machines += 1;
  const name = `toy-${machines}`;
  const arn = `arn:aws:states:${region}:${account}:stateMachine:${name}`;
  engine.register({ arn, name, definition });
  for (const [fn, local] of Object.entries(locals)) functions.set(functionArn(fn), local);
  return arn;
}

async function start(stateMachineArn: string, input: unknown, name?: string): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
  );
  if (!executionArn) throw new Error('no executionArn');
  return executionArn;
}

/** Waits for the end through the API, as a client would. */
async function finished(executionArn: string): Promise<DescribeExecutionOutput> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${executionArn} still running`);
}

async function eventually<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function historyTypes(executionArn: string): Promise<string[]> {
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events.map((event) => event.type ?? '');
}

async function expectAwsError(promise: Promise<unknown>, name: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name });
}

/** A callback task whose function hands its token to `tokens`. */
function waitingTask(fn: string, extra: object = {}) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: { FunctionName: functionArn(fn), Payload: { 'input.$': '$', 'token.$': '$$.Task.Token' } },
    ...extra,
  };
}

function tokenCollector() {
  const received: { token: string; input: unknown }[] = [];
  const local: LocalFunction = (payload) => {
    const { token, input } = payload as { token: string; input: unknown };
    received.push({ token, input });
    return { accepted: true };
  };
  return { received, local };
}

describe('local Step Functions through the AWS SDK', () => {
  it('runs a Lambda task and a Choice, with the context object and an AWS-shaped history', async () => {
    const arn = machine(
      {
        StartAt: 'Classify',
        States: {
          Classify: {
            Type: 'Task',
            Resource: functionArn('classify'),
            Parameters: {
              'orderId.$': '$.order.id',
              'executionId.$': '$$.Execution.Id',
              'executionName.$': '$$.Execution.Name',
              'executionInput.$': '$$.Execution.Input',
              'startTime.$': '$$.Execution.StartTime',
              'stateMachineId.$': '$$.StateMachine.Id',
            },
            ResultPath: '$.classification',
            Next: 'Route',
          },
          Route: {
            Type: 'Choice',
            Choices: [{ Variable: '$.classification.size', StringEquals: 'big', Next: 'Big' }],
            Default: 'Small',
          },
          Big: { Type: 'Pass', Result: 'freight', ResultPath: '$.carrier', End: true },
          Small: { Type: 'Pass', Result: 'parcel', ResultPath: '$.carrier', End: true },
        },
      },
      {
        classify: (payload) => ({
          size: (payload as { orderId: string }).orderId === 'big-1' ? 'big' : 'small',
        }),
      },
    );

    const executionArn = await start(arn, { order: { id: 'big-1' } }, 'order-big-1');
    const described = await finished(executionArn);

    expect(executionArn).toBe(
      `arn:aws:states:${region}:${account}:execution:${arn.split(':').at(-1)}:order-big-1`,
    );
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual({
      order: { id: 'big-1' },
      classification: { size: 'big' },
      carrier: 'freight',
    });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(described.startDate?.getTime() ?? Infinity);

    const call = invocations.find((invocation) => invocation.functionArn === functionArn('classify'));
    expect(call?.payload).toMatchObject({
      orderId: 'big-1',
      executionId: executionArn,
      executionName: 'order-big-1',
      executionInput: { order: { id: 'big-1' } },
      stateMachineId: arn,
    });
    const { startTime } = (call?.payload ?? {}) as { startTime?: string };
    expect(Math.abs(Date.parse(startTime ?? '') - (described.startDate?.getTime() ?? 0))).toBeLessThan(1000);

    expect(await historyTypes(executionArn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(engine.transitionCount(executionArn)).toBe(3);
    expect(
      transitions.filter((event) => event.executionArn === executionArn).map((event) => event.stateName),
    ).toEqual(['Classify', 'Route', 'Big']);

    const small = await finished(await start(arn, { order: { id: 'small-1' } }));
    expect(JSON.parse(small.output ?? '').carrier).toBe('parcel');
  });

  it('passes the lambda:invoke integration its effective Payload and wraps the result', async () => {
    const arn = machine(
      {
        StartAt: 'Quote',
        States: {
          Quote: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'quote', Payload: { 'sku.$': '$.sku', constant: 7 } },
            ResultSelector: { 'price.$': '$.Payload.price', 'status.$': '$.StatusCode' },
            End: true,
          },
        },
      },
      { quote: (payload) => ({ price: (payload as { constant: number }).constant * 2, at: new Date(0) }) },
    );
    const described = await finished(await start(arn, { sku: 'SKU-1' }));
    expect(JSON.parse(described.output ?? '')).toEqual({ price: 14, status: 200 });
    // a bare function name is resolved to the function's ARN in this region and account
    expect(invocations.find((call) => call.functionArn === functionArn('quote'))?.payload).toEqual({
      sku: 'SKU-1',
      constant: 7,
    });
  });

  it('runs tasks inside Parallel branches, including a direct service integration mapped to a local function', async () => {
    const published: unknown[] = [];
    const integrated = new LocalStepFunctions({
      region,
      accountId: account,
      invoke: async (_, payload) => ({ echoed: payload }),
      integrations: {
        'arn:aws:states:::events:putEvents': async (parameters) => {
          published.push(parameters);
          return { Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 };
        },
      },
    });
    const arn = `arn:aws:states:${region}:${account}:stateMachine:parallel`;
    integrated.register({
      arn,
      name: 'parallel',
      definition: {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Echo',
                States: { Echo: { Type: 'Task', Resource: functionArn('echo'), End: true } },
              },
              {
                StartAt: 'Publish',
                States: {
                  Publish: {
                    Type: 'Task',
                    Resource: 'arn:aws:states:::events:putEvents',
                    Parameters: { Entries: [{ Source: 'relais.orders', 'Detail.$': '$' }] },
                    End: true,
                  },
                },
              },
            ],
            End: true,
          },
        },
      },
    });
    const { executionArn } = integrated.startExecution({ stateMachineArn: arn, input: '{"orderId":"o-9"}' });
    const described = await integrated.waitForExecution(executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual([
      { echoed: { orderId: 'o-9' } },
      { Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 },
    ]);
    expect(published).toEqual([{ Entries: [{ Source: 'relais.orders', Detail: { orderId: 'o-9' } }] }]);
    expect(integrated.transitionCount(executionArn)).toBe(3);
    const types = integrated.getExecutionHistory({ executionArn }).events?.map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining(['ParallelStateEntered', 'TaskSucceeded', 'ParallelStateExited']),
    );
    await integrated.close();
  });

  it('gives each Map iteration its own task token, and completes when every token is answered', async () => {
    const pick = tokenCollector();
    const arn = machine(
      {
        StartAt: 'Shipments',
        States: {
          Shipments: {
            Type: 'Map',
            ItemsPath: '$.shipments',
            ItemSelector: {
              'orderId.$': '$.orderId',
              'shipment.$': '$$.Map.Item.Value',
              'position.$': '$$.Map.Item.Index',
            },
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'PickPack',
              States: { PickPack: waitingTask('pick-pack', { ResultPath: '$.packing', End: true }) },
            },
            End: true,
          },
        },
      },
      { 'pick-pack': pick.local },
    );
    const executionArn = await start(arn, { orderId: 'o-1', shipments: ['S1', 'S2'] });
    await eventually(() => (pick.received.length === 2 ? true : undefined), 'two pick requests');

    const [first, second] = [...pick.received].sort((a, b) =>
      String((a.input as { shipment: string }).shipment).localeCompare(
        (b.input as { shipment: string }).shipment,
      ),
    );
    expect(first?.input).toEqual({ orderId: 'o-1', shipment: 'S1', position: 0 });
    expect(second?.input).toEqual({ orderId: 'o-1', shipment: 'S2', position: 1 });
    expect(first?.token).not.toBe(second?.token);
    expect(first?.token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(engine.pendingTaskTokens(executionArn)).toHaveLength(2);

    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: first?.token, output: JSON.stringify({ parcels: 1 }) }),
    );
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: second?.token, output: JSON.stringify({ parcels: 2 }) }),
    );

    const described = await finished(executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual([
      { orderId: 'o-1', shipment: 'S1', position: 0, packing: { parcels: 1 } },
      { orderId: 'o-1', shipment: 'S2', position: 1, packing: { parcels: 2 } },
    ]);
    // the Map state and one PickPack per iteration
    expect(engine.transitionCount(executionArn)).toBe(3);
    const types = await historyTypes(executionArn);
    expect(types.filter((type) => type === 'MapIterationStarted')).toHaveLength(2);
    expect(types.filter((type) => type === 'TaskSucceeded')).toHaveLength(2);

    await expectAwsError(
      sfn.send(new SendTaskSuccessCommand({ taskToken: first?.token, output: '{}' })),
      'TaskDoesNotExist',
    );
  });

  it('fails a waiting task with SendTaskFailure, caught by its error name', async () => {
    const pick = tokenCollector();
    const arn = machine(
      {
        StartAt: 'PickPack',
        States: {
          PickPack: waitingTask('pick-pack-2', {
            Catch: [{ ErrorEquals: ['ShipmentRejected'], ResultPath: '$.rejection', Next: 'Resource' }],
            End: true,
          }),
          Resource: { Type: 'Pass', End: true },
        },
      },
      { 'pick-pack-2': pick.local },
    );
    const executionArn = await start(arn, { shipmentId: 'S9' });
    const { token } = await eventually(() => pick.received[0], 'the pick request');
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'ShipmentRejected', cause: 'no stock' }),
    );

    const described = await finished(executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual({
      shipmentId: 'S9',
      rejection: { Error: 'ShipmentRejected', Cause: 'no stock' },
    });
    expect(await historyTypes(executionArn)).toContain('TaskFailed');
  });

  it('catches a thrown error class by its name, with a Lambda-shaped Cause', async () => {
    const arn = machine(
      {
        StartAt: 'Reserve',
        States: {
          Reserve: {
            Type: 'Task',
            Resource: functionArn('reserve'),
            Catch: [{ ErrorEquals: ['OutOfStock'], ResultPath: '$.error', Next: 'Backorder' }],
            End: true,
          },
          Backorder: { Type: 'Pass', End: true },
        },
      },
      {
        reserve: (payload) => {
          if ((payload as { kind: string }).kind === 'out') throw new OutOfStock('SKU-1 has 0 available');
          throw new TypeError('cannot read sku');
        },
      },
    );

    const caught = await finished(await start(arn, { kind: 'out' }));
    expect(caught.status).toBe('SUCCEEDED');
    const { error } = JSON.parse(caught.output ?? '');
    expect(error.Error).toBe('OutOfStock');
    expect(JSON.parse(error.Cause)).toEqual({
      errorType: 'OutOfStock',
      errorMessage: 'SKU-1 has 0 available',
    });

    // another error class is not caught by that name: the execution fails with it
    const failed = await finished(await start(arn, { kind: 'bug' }));
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('TypeError');
    expect(JSON.parse(failed.cause ?? '')).toEqual({
      errorType: 'TypeError',
      errorMessage: 'cannot read sku',
    });
    expect((await historyTypes(failed.executionArn ?? '')).slice(-2)).toEqual([
      'LambdaFunctionFailed',
      'ExecutionFailed',
    ]);
  });

  it('retries MaxAttempts times with short local intervals, counting retries as transitions', async () => {
    let calls = 0;
    const arn = machine(
      {
        StartAt: 'Flaky',
        States: {
          Flaky: {
            Type: 'Task',
            Resource: functionArn('flaky'),
            Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 2 }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'GaveUp' }],
            End: true,
          },
          GaveUp: { Type: 'Pass', End: true },
        },
      },
      {
        flaky: () => {
          calls += 1;
          throw new Error('still down');
        },
      },
    );
    const begun = Date.now();
    const executionArn = await start(arn, {});
    const described = await finished(executionArn);
    expect(Date.now() - begun).toBeLessThan(5000);
    expect(calls).toBe(3);
    expect(JSON.parse(described.output ?? '').error.Error).toBe('Error');
    // Flaky entered once and retried twice, then GaveUp
    expect(engine.transitionCount(executionArn)).toBe(4);
  });

  it('refuses a second execution with the same name, unless it is the same start while running', async () => {
    const pick = tokenCollector();
    const arn = machine(
      { StartAt: 'Wait', States: { Wait: waitingTask('hold', { End: true }) } },
      { hold: pick.local },
    );
    const first = await start(arn, { orderId: 'o-7' }, 'o-7');

    // Standard workflows: same name and same input while running is idempotent
    expect(await start(arn, { orderId: 'o-7' }, 'o-7')).toBe(first);
    await expectAwsError(start(arn, { orderId: 'o-7', other: true }, 'o-7'), 'ExecutionAlreadyExists');

    const { token } = await eventually(() => pick.received[0], 'the hold request');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await finished(first);
    await expectAwsError(start(arn, { orderId: 'o-7' }, 'o-7'), 'ExecutionAlreadyExists');
    expect(pick.received).toHaveLength(1);

    await expectAwsError(start(arn, {}, 'bad name'), 'InvalidName');
    await expectAwsError(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{not json' })),
      'InvalidExecutionInput',
    );
    await expectAwsError(
      start(`arn:aws:states:${region}:${account}:stateMachine:missing`, {}),
      'StateMachineDoesNotExist',
    );
  });

  it('accepts SendTaskSuccess from inside the invoked function, before it returns', async () => {
    const arn = machine(
      { StartAt: 'Notify', States: { Notify: waitingTask('answers-at-once', { End: true }) } },
      {
        'answers-at-once': async (payload) => {
          const { token, input } = payload as { token: string; input: { value: number } };
          await sfn.send(
            new SendTaskSuccessCommand({
              taskToken: token,
              output: JSON.stringify({ doubled: input.value * 2 }),
            }),
          );
          return { sent: true };
        },
      },
    );
    const described = await finished(await start(arn, { value: 21 }));
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual({ doubled: 42 });
  });

  it('accepts an in-process answer given synchronously during the invocation', async () => {
    const arn = machine(
      { StartAt: 'Notify', States: { Notify: waitingTask('answers-synchronously', { End: true }) } },
      {
        'answers-synchronously': (payload) => {
          const { token } = payload as { token: string };
          engine.sendTaskFailure({ taskToken: token, error: 'ShipmentRejected', cause: 'closed today' });
          return { sent: true };
        },
      },
    );
    const described = await finished(await start(arn, {}));
    expect(described).toMatchObject({ status: 'FAILED', error: 'ShipmentRejected', cause: 'closed today' });
  });

  it('fails a task nobody answers with States.Timeout after its TimeoutSeconds, and refuses the token after', async () => {
    const pick = tokenCollector();
    const arn = machine(
      {
        StartAt: 'AwaitCarrier',
        States: {
          AwaitCarrier: waitingTask('silent', {
            TimeoutSeconds: 1,
            Catch: [
              { ErrorEquals: ['States.TaskFailed'], Next: 'WrongCatch' },
              { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' },
            ],
            End: true,
          }),
          WrongCatch: { Type: 'Fail', Error: 'WrongCatch' },
          TimedOut: { Type: 'Pass', End: true },
        },
      },
      { silent: pick.local },
    );
    const begun = Date.now();
    const executionArn = await start(arn, {});
    const described = await finished(executionArn);
    expect(Date.now() - begun).toBeGreaterThanOrEqual(900);
    expect(described.status).toBe('SUCCEEDED');
    // States.TaskFailed does not match a timeout, as on AWS
    expect(JSON.parse(described.output ?? '').error.Error).toBe('States.Timeout');
    expect(await historyTypes(executionArn)).toContain('TaskTimedOut');

    const { token } = await eventually(() => pick.received[0], 'the request');
    await expectAwsError(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
      'TaskTimedOut',
    );
  });

  it('does not time out a task whose TimeoutSeconds exceeds what a Node timer can hold', async () => {
    const pick = tokenCollector();
    const arn = machine(
      {
        StartAt: 'AwaitDelivery',
        States: { AwaitDelivery: waitingTask('slow', { TimeoutSeconds: 2592000, End: true }) },
      },
      { slow: pick.local },
    );
    const executionArn = await start(arn, {});
    const { token } = await eventually(() => pick.received[0], 'the request');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"delivered"' }));
    expect((await finished(executionArn)).output).toBe('"delivered"');
  });

  it('stops an execution: ABORTED with the given error, its tokens refused', async () => {
    const pick = tokenCollector();
    const arn = machine(
      { StartAt: 'Wait', States: { Wait: waitingTask('stoppable', { End: true }) } },
      {
        stoppable: pick.local,
      },
    );
    const executionArn = await start(arn, {});
    const { token } = await eventually(() => pick.received[0], 'the request');
    const { stopDate } = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'OrderCancelled', cause: 'customer asked' }),
    );
    expect(stopDate).toBeInstanceOf(Date);

    const described = await finished(executionArn);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'OrderCancelled', cause: 'customer asked' });
    expect((await historyTypes(executionArn)).at(-1)).toBe('ExecutionAborted');
    await expectAwsError(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
      'TaskDoesNotExist',
    );
    expect(engine.pendingTaskTokens(executionArn)).toEqual([]);
  });

  it('abandons the sibling iterations of a failed Map: their tokens refused, their functions not invoked again', async () => {
    const pick = tokenCollector();
    const compensate = tokenCollector();
    const arn = machine(
      {
        StartAt: 'Shipments',
        States: {
          Shipments: {
            Type: 'Map',
            ItemsPath: '$.shipments',
            ItemProcessor: {
              StartAt: 'PickPackAll',
              States: {
                PickPackAll: waitingTask('pick-pack-3', {
                  Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }],
                  End: true,
                }),
              },
            },
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Compensate' }],
            End: true,
          },
          Compensate: waitingTask('compensate', { End: true }),
        },
      },
      { 'pick-pack-3': pick.local, compensate: compensate.local },
    );
    const executionArn = await start(arn, { shipments: ['S1', 'S2'] });
    await eventually(() => (pick.received.length === 2 ? true : undefined), 'two pick requests');
    const [cancelled, sibling] = pick.received;
    // the Retry above retries OrderCancelled too: once its attempts are spent, the Map fails
    for (let attempt = 0; attempt < 4; attempt++) {
      const latest = pick.received.filter((request) => request.input === cancelled?.input).at(-1);
      await sfn.send(new SendTaskFailureCommand({ taskToken: latest?.token, error: 'OrderCancelled' }));
      if (attempt < 3) {
        await eventually(() => (pick.received.length === 3 + attempt ? true : undefined), 'a retry');
      }
    }
    const { token } = await eventually(() => compensate.received[0], 'the compensation');

    // the execution goes on (it compensates), but the abandoned iteration is gone
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await expectAwsError(
      sfn.send(new SendTaskSuccessCommand({ taskToken: sibling?.token, output: '{}' })),
      'TaskDoesNotExist',
    );
    expect(engine.pendingTaskTokens(executionArn).map((pending) => pending.stateName)).toEqual([
      'Compensate',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // 2 first requests + 3 retries of the cancelled one: the abandoned sibling was not retried
    expect(pick.received).toHaveLength(5);

    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"released":true}' }));
    expect((await finished(executionArn)).status).toBe('SUCCEEDED');
  });

  it('lists executions newest first, filtered and paginated, and reports unknown ones', async () => {
    const arn = machine({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
    const older = await start(arn, { n: 1 });
    await finished(older);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newer = await start(arn, { n: 2 });
    await finished(newer);

    const all = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED' }),
    );
    expect(all.executions?.map((execution) => execution.executionArn)).toEqual([newer, older]);
    const firstPage = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1 }));
    expect(firstPage.executions?.map((execution) => execution.executionArn)).toEqual([newer]);
    const secondPage = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1, nextToken: firstPage.nextToken }),
    );
    expect(secondPage.executions?.map((execution) => execution.executionArn)).toEqual([older]);
    expect(secondPage.nextToken).toBeUndefined();
    expect(
      (await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'FAILED' })))
        .executions,
    ).toEqual([]);

    await expectAwsError(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${older}-missing` })),
      'ExecutionDoesNotExist',
    );
    await expectAwsError(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'never-issued', output: '{}' })),
      'TaskDoesNotExist',
    );
  });

  it('refuses SendTaskSuccess output that is not JSON, and keeps the task waiting', async () => {
    const pick = tokenCollector();
    const arn = machine(
      { StartAt: 'Wait', States: { Wait: waitingTask('json-check', { End: true }) } },
      {
        'json-check': pick.local,
      },
    );
    const executionArn = await start(arn, {});
    const { token } = await eventually(() => pick.received[0], 'the request');
    await expectAwsError(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })),
      'InvalidOutput',
    );
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"ok":true}' }));
    expect((await finished(executionArn)).output).toBe('{"ok":true}');
  });

  it('registers the project state machines, whatever their substitutions resolve to', () => {
    const directory = join(import.meta.dirname, '../../statemachines');
    for (const file of readdirSync(directory).filter((name) => name.endsWith('.asl.json'))) {
      const definition = readFileSync(join(directory, file), 'utf8').replace(
        /\$\{([A-Za-z0-9_]+)\}/g,
        (_, name: string) => functionArn(name),
      );
      const name = file.replace('.asl.json', '');
      expect(() =>
        engine.register({
          arn: `arn:aws:states:${region}:${account}:stateMachine:${name}`,
          name,
          definition,
        }),
      ).not.toThrow();
    }
  });
});

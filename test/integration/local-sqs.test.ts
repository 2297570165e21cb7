import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsDeadLetters } from '../../functions/adapters/dead-letters.ts';
import type { RunningServer } from '../../local/aws-json-server.ts';
import { LocalEventBus } from '../../local/eventbus/bus.ts';
import { deadLetterQueuesOf, startSqsServer } from '../../local/sqs.ts';

/**
 * The dead-letter depth the alerts read, end to end on the local side: a local bus whose target
 * keeps failing, the local SQS endpoint answering GetQueueAttributes from the bus's and the outbox
 * pipe's dead letters, and the SQS adapter with the real SDK client.
 */
const region = 'eu-west-1';
const account = '000000000000';
const queueArn = (name: string) => `arn:aws:sqs:${region}:${account}:${name}`;
const queueUrl = (name: string) => `http://sqs.${region}.localhost/${account}/${name}`;

const bus = new LocalEventBus({
  region,
  accountId: account,
  retryAttempts: 1,
  retryDelayMs: 1,
  invoke: async (arn) => {
    if (arn.endsWith(':Broken')) throw new Error('Broken is down');
    return null;
  },
});
const rules = [
  {
    name: 'ToBroken',
    targets: [
      {
        id: 'broken',
        arn: `arn:aws:lambda:${region}:${account}:function:Broken`,
        deadLetterArn: queueArn('BrokenDeadLetters'),
      },
    ],
  },
  {
    name: 'ToFine',
    targets: [
      {
        id: 'fine',
        arn: `arn:aws:lambda:${region}:${account}:function:Fine`,
        deadLetterArn: queueArn('FineDeadLetters'),
      },
    ],
  },
];
for (const rule of rules)
  bus.addRule({ ...rule, eventBusName: 'relais', pattern: { source: ['relais.orders'] } });

/** the outbox pipe, as the template describes it, and the records the bus refused after every retry */
const pipes = [{ deadLetterArn: queueArn('OutboxPipeDeadLetters') }];
const pipeDeadLetters: { deadLetterArn?: string }[] = [];

let server: RunningServer;
beforeAll(async () => {
  server = await startSqsServer(deadLetterQueuesOf(rules, pipes), () => [
    ...bus.deadLetters(),
    ...pipeDeadLetters,
  ]);
});
afterAll(() => server?.close());

const client = () =>
  new SQSClient({
    region,
    endpoint: server.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });

describe('the local SQS endpoint', () => {
  it('counts the events waiting in each dead-letter queue, as GetQueueAttributes answers on AWS', async () => {
    const queues = sqsDeadLetters(client(), () => [
      queueUrl('BrokenDeadLetters'),
      queueUrl('FineDeadLetters'),
    ]);
    expect(await queues.depths()).toEqual(
      new Map([
        ['BrokenDeadLetters', 0],
        ['FineDeadLetters', 0],
      ]),
    );
    for (const id of ['e1', 'e2'])
      bus.putEvents({
        Entries: [
          {
            EventBusName: 'relais',
            Source: 'relais.orders',
            DetailType: 'OrderReceived.v1',
            Detail: JSON.stringify({ id }),
          },
        ],
      });
    await bus.idle();
    expect(await queues.depths()).toEqual(
      new Map([
        ['BrokenDeadLetters', 2],
        ['FineDeadLetters', 0],
      ]),
    );
  });

  it("counts the outbox pipe's dead letters in the pipe's own queue", async () => {
    const queues = sqsDeadLetters(client(), () => [
      queueUrl('OutboxPipeDeadLetters'),
      queueUrl('FineDeadLetters'),
    ]);
    expect(await queues.depths()).toEqual(
      new Map([
        ['OutboxPipeDeadLetters', 0],
        ['FineDeadLetters', 0],
      ]),
    );
    pipeDeadLetters.push(pipes[0] as { deadLetterArn: string });
    expect(await queues.depths()).toEqual(
      new Map([
        ['OutboxPipeDeadLetters', 1],
        ['FineDeadLetters', 0],
      ]),
    );
  });

  it('refuses a queue it does not know, as SQS does', async () => {
    const queues = sqsDeadLetters(client(), () => [queueUrl('NoSuchQueue')]);
    await expect(queues.depths()).rejects.toThrow(/does not exist/);
  });
});

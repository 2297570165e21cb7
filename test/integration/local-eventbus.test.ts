import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../local/aws-json-server.ts';
import { type EventBridgeEvent, LocalEventBus } from '../../local/eventbus/bus.ts';
import { InvalidEventPattern } from '../../local/eventbus/pattern.ts';
import { startEventBridgeServer } from '../../local/eventbus/server.ts';

const region = 'eu-west-1';
const account = '123456789012';
const busArn = `arn:aws:events:${region}:${account}:event-bus/relais`;
const functionArn = (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`;

const deliveries: { functionArn: string; event: EventBridgeEvent }[] = [];
const attempts = new Map<string, number>();
const failuresLeft = new Map<string, number>();

const bus = new LocalEventBus({
  region,
  accountId: account,
  retryAttempts: 2,
  invoke: async (arn, event) => {
    attempts.set(arn, (attempts.get(arn) ?? 0) + 1);
    const left = failuresLeft.get(arn) ?? 0;
    if (left > 0) {
      failuresLeft.set(arn, left - 1);
      throw new Error(`${arn.split(':').at(-1)} is down`);
    }
    deliveries.push({ functionArn: arn, event: event as EventBridgeEvent });
    return null;
  },
});
bus.addRule({
  name: 'OrderReceivedToNotify',
  eventBusName: 'relais',
  pattern: { source: ['relais.orders'], 'detail-type': ['OrderReceived.v1'] },
  targets: [{ id: 'notify', arn: functionArn('notify') }],
});
bus.addRule({
  name: 'BigOrdersToReview',
  eventBusName: busArn,
  pattern: { source: ['relais.orders'], detail: { total: [{ numeric: ['>=', 1000] }] } },
  targets: [{ id: 'review', arn: functionArn('review') }],
});
bus.addRule({
  name: 'DeliveredToLedger',
  eventBusName: 'relais',
  pattern: { 'detail-type': ['OrderDelivered.v1'] },
  targets: [
    {
      id: 'ledger',
      arn: functionArn('ledger'),
      deadLetterArn: `arn:aws:sqs:${region}:${account}:ledger-dlq`,
    },
    { id: 'analytics', arn: functionArn('analytics') },
  ],
});

let server: RunningServer;
let events: EventBridgeClient;

beforeAll(async () => {
  server = await startEventBridgeServer(bus, { port: 0 });
  events = new EventBridgeClient({
    endpoint: server.url,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  events.destroy();
  await server.close();
});

afterEach(async () => {
  await bus.idle();
  deliveries.length = 0;
  attempts.clear();
  failuresLeft.clear();
  vi.restoreAllMocks();
});

const entry = (detailType: string, detail: object, extra: Partial<PutEventsRequestEntry> = {}) => ({
  EventBusName: 'relais',
  Source: 'relais.orders',
  DetailType: detailType,
  Detail: JSON.stringify(detail),
  ...extra,
});

describe('local EventBridge through the AWS SDK', () => {
  it('delivers a matching event to the rule target in the EventBridge envelope', async () => {
    const time = new Date('2026-03-01T10:20:30.456Z');
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [
          entry(
            'OrderReceived.v1',
            { orderId: 'o-1', total: 120 },
            { EventBusName: busArn, Time: time, Resources: ['order/o-1'] },
          ),
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    const eventId = answer.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);

    await bus.idle();
    expect(deliveries).toEqual([
      {
        functionArn: functionArn('notify'),
        event: {
          version: '0',
          id: eventId,
          'detail-type': 'OrderReceived.v1',
          source: 'relais.orders',
          account,
          time: '2026-03-01T10:20:30Z',
          region,
          resources: ['order/o-1'],
          detail: { orderId: 'o-1', total: 120 },
        },
      },
    ]);
  });

  it('filters on content, and delivers nothing for an event no rule matches', async () => {
    const seen: EventBridgeEvent[] = [];
    const unsubscribe = bus.subscribe((event) => seen.push(event));
    await events.send(
      new PutEventsCommand({
        Entries: [
          entry('OrderAllocated.v1', { orderId: 'o-2', total: 10 }),
          entry('OrderAllocated.v1', { orderId: 'o-3', total: 2500 }),
          entry('OrderReceived.v1', { orderId: 'o-4' }, { EventBusName: 'another-bus' }),
        ],
      }),
    );
    unsubscribe();
    await bus.idle();

    expect(deliveries.map((delivery) => [delivery.functionArn, delivery.event.detail])).toEqual([
      [functionArn('review'), { orderId: 'o-3', total: 2500 }],
    ]);
    // subscribers (dashboard, autopilot) see every accepted event
    expect(seen.map((event) => (event.detail as { orderId: string }).orderId)).toEqual(['o-2', 'o-3', 'o-4']);
  });

  it('answers PutEvents before any target runs', () => {
    bus.putEvents({ Entries: [entry('OrderReceived.v1', { orderId: 'o-5' })] });
    expect(attempts.get(functionArn('notify'))).toBeUndefined();
  });

  it('retries a failing target, then keeps the event as a dead letter and says so on stderr', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    failuresLeft.set(functionArn('ledger'), 100);
    const answer = await events.send(
      new PutEventsCommand({ Entries: [entry('OrderDelivered.v1', { orderId: 'o-6' })] }),
    );
    await bus.idle();

    expect(attempts.get(functionArn('ledger'))).toBe(3);
    const deadLetter = bus.deadLetters().find((letter) => letter.event.id === answer.Entries?.[0]?.EventId);
    expect(deadLetter).toMatchObject({
      ruleName: 'DeliveredToLedger',
      targetArn: functionArn('ledger'),
      deadLetterArn: `arn:aws:sqs:${region}:${account}:ledger-dlq`,
      error: 'Error: ledger is down',
      attempts: 3,
      event: { 'detail-type': 'OrderDelivered.v1', detail: { orderId: 'o-6' } },
    });
    expect(stderr.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(
      /DEAD LETTER rule=DeliveredToLedger target=.*ledger.*after 3 attempts/,
    );
    // the other target of the rule is not held back by the failing one
    expect(deliveries.map((delivery) => delivery.functionArn)).toEqual([functionArn('analytics')]);
  });

  it('delivers to a target that recovers within its retries, with no dead letter', async () => {
    failuresLeft.set(functionArn('notify'), 1);
    const before = bus.deadLetters().length;
    await events.send(new PutEventsCommand({ Entries: [entry('OrderReceived.v1', { orderId: 'o-7' })] }));
    await bus.idle();
    expect(attempts.get(functionArn('notify'))).toBe(2);
    expect(deliveries.map((delivery) => delivery.event.detail)).toEqual([{ orderId: 'o-7' }]);
    expect(bus.deadLetters()).toHaveLength(before);
  });

  it('validates entries as AWS does: per-entry errors, and at most 10 entries', async () => {
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [
          entry('OrderReceived.v1', { orderId: 'o-8' }),
          { EventBusName: 'relais', DetailType: 'OrderReceived.v1', Detail: '{}' },
          entry('OrderReceived.v1', {}, { Detail: '[1, 2]' }),
          entry('OrderReceived.v1', {}, { Detail: 'not json' }),
          { EventBusName: 'relais', Source: 'relais.orders', DetailType: 'OrderReceived.v1' },
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(4);
    expect(answer.Entries?.map((result) => result.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
    ]);
    expect(answer.Entries?.[1]?.ErrorMessage).toContain('Source');
    await bus.idle();
    expect(deliveries.map((delivery) => delivery.event.detail)).toEqual([{ orderId: 'o-8' }]);

    const eleven = Array.from({ length: 11 }, (_, index) => entry('OrderReceived.v1', { index }));
    await expect(events.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await bus.idle();
    expect(deliveries).toHaveLength(1);
  });

  it('tests a pattern with TestEventPattern, and refuses an invalid rule pattern', async () => {
    const event = JSON.stringify({
      id: '1',
      source: 'relais.carriers',
      'detail-type': 'CarrierTrackingEvent.v1',
      account,
      region,
      time: '2026-03-01T10:20:30Z',
      resources: [],
      detail: { status: 'DELIVERED' },
    });
    const matches = (pattern: object) =>
      events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: event }));
    expect(
      (await matches({ source: [{ prefix: 'relais.' }], detail: { status: ['DELIVERED'] } })).Result,
    ).toBe(true);
    expect((await matches({ detail: { status: [{ 'anything-but': 'DELIVERED' }] } })).Result).toBe(false);
    await expect(matches({ source: 'relais.carriers' })).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
    });

    expect(() =>
      bus.addRule({ name: 'Broken', eventBusName: 'relais', pattern: { detail: {} }, targets: [] }),
    ).toThrow(InvalidEventPattern);
  });
});

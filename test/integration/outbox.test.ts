/**
 * The transactional outbox on DynamoDB Local: an event is an item written in the transaction of
 * the change it reports, so both commit or neither does; the stream pipe carries each item to the
 * bus at least once, resuming after a stop from where it left off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/keys.ts';
import { dynamoOrders } from '../../functions/adapters/order-store.ts';
import { event } from '../../functions/app/events.ts';
import type { StoredOrder } from '../../functions/app/ports.ts';
import { movements } from '../../functions/core/inventory/movements.ts';
import { ReservationConflict } from '../../functions/shared/errors.ts';
import { LocalStreamPipe } from '../../local/pipes/stream-pipe.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { localClients, localResources } from '../support/ports.ts';

const local = useTestCloud({ network: 'ob' });
const scratch = mkdtempSync(join(tmpdir(), 'relais-outbox-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function bareOrder(orderId: string): StoredOrder {
  const now = new Date().toISOString();
  return {
    orderId,
    status: 'RECEIVED',
    channel: 'web',
    customer: { id: 'c-outbox' },
    delivery: { mode: 'home' },
    lines: [],
    shipments: [],
    history: [],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

const cancelled = (orderId: string, id: string) => ({
  ...event('OrderCancelled.v1', { orderId, reason: 'outbox test', at: new Date().toISOString() }),
  id,
});

async function outboxItem(eventId: string) {
  const { Item } = await localClients(local.cloud).dynamodb.send(
    new GetCommand({
      TableName: localResources(local.cloud).tables.outbox,
      Key: keys.outboxEvent(eventId),
      ConsistentRead: true,
    }),
  );
  return Item;
}

const onBus = (eventId: string) =>
  local.events.filter((e) => e.resources.includes(`relais:event:${eventId}`));

describe('an event and its change', () => {
  it('commit together: the committed change’s event reaches the bus with no publish step after it', async () => {
    const order = bareOrder('ob-commit');
    expect(await local.ports.orders.create(order)).toBe(true);
    const saved = await local.ports.orders.save({
      order: { ...order, cancelRequested: true },
      events: [cancelled(order.orderId, 'ob-commit-1')],
    });
    expect(saved.version).toBe(2);
    expect(await outboxItem('ob-commit-1')).toMatchObject({
      entity: 'outbox',
      detailType: 'OrderCancelled.v1',
      source: 'relais.orders',
      expiresAt: expect.any(Number),
    });
    const [delivered] = await eventually(async () => {
      const found = onBus('ob-commit-1');
      return found.length > 0 ? found : undefined;
    }, 'the event on the bus');
    expect(delivered).toMatchObject({
      source: 'relais.orders',
      'detail-type': 'OrderCancelled.v1',
      detail: { orderId: 'ob-commit', reason: 'outbox test' },
    });
  });

  it('fail together: a refused stock movement writes neither the order nor its event', async () => {
    const order = bareOrder('ob-refused');
    expect(await local.ports.orders.create(order)).toBe(true);
    await expect(
      local.ports.orders.save({
        order: { ...order, status: 'ALLOCATED' },
        stock: movements('reserve', local.ids.lyon, [{ sku: local.ids.mug, quantity: 1_000_000 }]),
        events: [cancelled(order.orderId, 'ob-refused-1')],
      }),
    ).rejects.toBeInstanceOf(ReservationConflict);
    expect((await local.ports.orders.get(order.orderId))?.version).toBe(1);
    expect(await outboxItem('ob-refused-1')).toBeUndefined();
  });

  it('fail together: a writer that dies as it sends the commit leaves neither, and its retry writes both', async () => {
    const order = bareOrder('ob-crash');
    expect(await local.ports.orders.create(order)).toBe(true);
    const clients = localClients(local.cloud);
    const dying = new Proxy(clients.dynamodb, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: { constructor: { name: string } }) =>
          command.constructor.name === 'TransactWriteCommand'
            ? Promise.reject(new Error('the process died'))
            : target.send(command as never);
      },
    });
    const change = {
      order: { ...order, cancelRequested: true },
      events: [cancelled(order.orderId, 'ob-crash-1')],
    };
    const crashing = dynamoOrders({ db: dying, tables: localResources(local.cloud).tables });
    await expect(crashing.save(change)).rejects.toThrow('the process died');
    expect((await local.ports.orders.get(order.orderId))?.version).toBe(1);
    expect(await outboxItem('ob-crash-1')).toBeUndefined();

    expect((await local.ports.orders.save(change)).version).toBe(2);
    expect(await outboxItem('ob-crash-1')).toBeDefined();
  });

  it('an event with an id written before is not written again', async () => {
    const again = cancelled('ob-twice', 'ob-twice-1');
    await local.ports.events.publish([again]);
    const first = await outboxItem('ob-twice-1');
    await local.ports.events.publish([{ ...again, detail: { ...again.detail, reason: 'other' } }]);
    expect(await outboxItem('ob-twice-1')).toEqual(first);
  });
});

describe('the local stream pipe', () => {
  const checkpointFile = join(scratch, 'pipe.json');
  const startPipe = (delivered: PutEventsRequestEntry[]) => {
    const pipe = new LocalStreamPipe({
      pipe: local.cloud.model.pipes[0] as NonNullable<(typeof local.cloud.model.pipes)[0]>,
      endpoint: local.cloud.endpoints.dynamodb,
      putEvents: (entries) => {
        delivered.push(...entries);
        return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: String(i) })) };
      },
      checkpointFile,
    });
    pipe.start();
    return pipe;
  };
  const mine = (delivered: PutEventsRequestEntry[]) =>
    delivered
      .flatMap((e) => e.Resources ?? [])
      .filter((r) => r.startsWith('relais:event:ob-pipe-'))
      .map((r) => r.replace('relais:event:', ''));

  it('delivers each outbox item once per pass, resumes after a stop with what was written meanwhile, and never skips', async () => {
    const first: PutEventsRequestEntry[] = [];
    const a = startPipe(first);
    await local.ports.events.publish([cancelled('ob-pipe', 'ob-pipe-1')]);
    await eventually(async () => (mine(first).includes('ob-pipe-1') ? true : undefined), 'ob-pipe-1');
    // a change of an outbox item is no new event: the filter keeps inserts only
    await localClients(local.cloud).dynamodb.send(
      new UpdateCommand({
        TableName: localResources(local.cloud).tables.outbox,
        Key: keys.outboxEvent('ob-pipe-1'),
        UpdateExpression: 'SET touched = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
    await a.caughtUp();
    await a.stop();
    expect(mine(first)).toEqual(['ob-pipe-1']);
    const [entry] = first.filter((e) => e.Resources?.includes('relais:event:ob-pipe-1'));
    expect(entry).toMatchObject({
      Source: 'relais.orders',
      DetailType: 'OrderCancelled.v1',
      EventBusName: local.cloud.model.eventBuses[0]?.name,
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({ orderId: 'ob-pipe', reason: 'outbox test' });

    // written while no pipe runs
    await local.ports.events.publish([cancelled('ob-pipe', 'ob-pipe-2'), cancelled('ob-pipe', 'ob-pipe-3')]);
    const second: PutEventsRequestEntry[] = [];
    const b = startPipe(second);
    await eventually(async () => (mine(second).length >= 2 ? true : undefined), 'ob-pipe-2 and 3');
    await b.caughtUp();
    await b.stop();
    expect(mine(second)).toEqual(['ob-pipe-2', 'ob-pipe-3']);

    // its position lost, a pipe delivers again from the oldest record kept: at least once
    rmSync(checkpointFile);
    const third: PutEventsRequestEntry[] = [];
    const c = startPipe(third);
    await eventually(async () => (mine(third).length >= 3 ? true : undefined), 'all three again');
    await c.stop();
    expect(mine(third)).toEqual(['ob-pipe-1', 'ob-pipe-2', 'ob-pipe-3']);
  });
});

/**
 * The transactional outbox on DynamoDB Local: an event is an item written in the transaction of
 * the change it reports, so both commit or neither does; the stream pipe carries each item to the
 * bus at least once, resuming after a stop from where it left off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoAlerts } from '../../functions/adapters/alert-store.ts';
import { keys } from '../../functions/adapters/keys.ts';
import { dynamoOrders } from '../../functions/adapters/order-store.ts';
import { dynamoSupply } from '../../functions/adapters/supply-store.ts';
import { event } from '../../functions/app/events.ts';
import { reviewAlerts } from '../../functions/app/review-alerts.ts';
import { receiveSupply, recordSupply } from '../../functions/app/supply.ts';
import { movements } from '../../functions/core/inventory/movements.ts';
import { ReservationConflict } from '../../functions/shared/errors.ts';
import { LocalStreamPipe } from '../../local/pipes/stream-pipe.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { bareOrder } from '../support/orders.ts';
import { committedEvents } from '../support/outbox.ts';
import { localClients, localResources } from '../support/ports.ts';

const local = useTestCloud({ network: 'ob' });
const scratch = mkdtempSync(join(tmpdir(), 'relais-outbox-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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

/** The outbox items of one detail-type whose detail `about` picks, with their detail parsed. */
async function outboxItemsOf(detailType: string, about: (detail: Record<string, unknown>) => boolean) {
  return (await committedEvents(local.cloud))
    .filter((e) => e.detailType === detailType && about(e.detail))
    .map(({ eventId, detail }) => ({ eventId, detail }));
}

/** A document client whose transactions never reach DynamoDB: the writer dies as it sends them. */
function dyingOnCommit(): DynamoDBDocumentClient {
  const { dynamodb } = localClients(local.cloud);
  return new Proxy(dynamodb, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: { constructor: { name: string } }) =>
        command.constructor.name === 'TransactWriteCommand'
          ? Promise.reject(new Error('the process died'))
          : target.send(command as never);
    },
  });
}

const onBus = (eventId: string) =>
  local.events.filter((e) => e.resources.includes(`relais:event:${eventId}`));

describe('an event and its change', () => {
  it('commit together: the committed change’s event reaches the bus with no publish step after it', async () => {
    const order = bareOrder('ob-commit', 'c-outbox');
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
    const order = bareOrder('ob-refused', 'c-outbox');
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
    const order = bareOrder('ob-crash', 'c-outbox');
    expect(await local.ports.orders.create(order)).toBe(true);
    const change = {
      order: { ...order, cancelRequested: true },
      events: [cancelled(order.orderId, 'ob-crash-1')],
    };
    const crashing = dynamoOrders({ db: dyingOnCommit(), tables: localResources(local.cloud).tables });
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

describe('facts with a write of their own', () => {
  it('a transfer leaving its origin and the stock it leaves there are one write: a crash writes neither', async () => {
    const sku = 'ob-transfer';
    expect((await local.api.put(`/products/${sku}`, { name: sku, weightKg: 1 })).status).toBe(200);
    expect((await local.api.put(`/inventory/${local.ids.lyon}/${sku}`, { onHand: 5 })).status).toBe(200);
    const request = {
      locationId: local.ids.lille,
      sku,
      quantity: 2,
      expectedAt: new Date(Date.now() + 86_400_000).toISOString(),
      kind: 'transfer' as const,
      fromLocationId: local.ids.lyon,
    };
    const left = () => outboxItemsOf('StockChanged.v1', (d) => d.sku === sku && d.reason === 'transfer left');
    const tables = localResources(local.cloud).tables;
    const crashing = { ...local.ports, supply: dynamoSupply({ db: dyingOnCommit(), tables }) };
    await expect(recordSupply(crashing, 'ob-transfer-1', request)).rejects.toThrow('the process died');
    expect(await local.ports.supply.get('ob-transfer-1')).toBeUndefined();
    expect(await left()).toEqual([]);

    await recordSupply(local.ports, 'ob-transfer-1', request);
    const [announced, ...more] = await left();
    expect(more).toEqual([]);
    expect(announced?.detail).toMatchObject({ locationId: local.ids.lyon, onHand: 3, available: 3 });
    expect(await local.ports.stock.row(sku, local.ids.lyon)).toMatchObject({ onHand: 3, available: 3 });
    // the same request again changes nothing and announces nothing
    await recordSupply(local.ports, 'ob-transfer-1', request);
    expect(await left()).toHaveLength(1);

    // its receipt: the destination's stock as it left it, announced with it
    await receiveSupply(local.ports, 'ob-transfer-1');
    const received = await outboxItemsOf(
      'StockChanged.v1',
      (d) => d.sku === sku && d.reason === 'supply received',
    );
    expect(received.map((r) => r.detail)).toMatchObject([{ locationId: local.ids.lille, onHand: 2 }]);
  });

  it('an alert is raised with its AlertRaised event or not at all: the review that loses the race announces nothing', async () => {
    const alert = {
      alertId: 'ob-alert-1',
      kind: 'stock_low' as const,
      severity: 'warning' as const,
      subject: 'ob-alert-sku',
      detail: 'outbox test',
      since: new Date().toISOString(),
    };
    const raised = (id: string) => ({ ...event('AlertRaised.v1', { ...alert, at: alert.since }), id });
    expect(await local.ports.alerts.raise(alert, [raised('ob-alert-event-1')])).toBe(true);
    expect(await local.ports.alerts.raise(alert, [raised('ob-alert-event-2')])).toBe(false);
    expect(await outboxItem('ob-alert-event-1')).toMatchObject({ detailType: 'AlertRaised.v1' });
    expect(await outboxItem('ob-alert-event-2')).toBeUndefined();

    const crashing = dynamoAlerts({ db: dyingOnCommit(), tables: localResources(local.cloud).tables });
    await expect(
      crashing.raise({ ...alert, alertId: 'ob-alert-2' }, [raised('ob-alert-event-3')]),
    ).rejects.toThrow('the process died');
    expect(await outboxItem('ob-alert-event-3')).toBeUndefined();
    expect((await local.ports.alerts.open()).map((a) => a.alertId)).not.toContain('ob-alert-2');
  });

  it('a review of the alerts announces each alert it raises once, however often it runs', async () => {
    const sku = 'ob-low';
    expect((await local.api.put(`/products/${sku}`, { name: sku, weightKg: 1 })).status).toBe(200);
    expect((await local.api.put(`/inventory/${local.ids.lyon}/${sku}`, { onHand: 1 })).status).toBe(200);
    const announced = async () =>
      (await outboxItemsOf('AlertRaised.v1', (d) => d.subject === sku)).map((e) => e.detail);
    await reviewAlerts(local.ports);
    expect(await announced()).toMatchObject([{ alertId: `stock_low:${sku}`, kind: 'stock_low' }]);
    await Promise.all([reviewAlerts(local.ports), reviewAlerts(local.ports)]);
    expect(await announced()).toHaveLength(1);
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

import { describe, expect, it } from 'vitest';
import { receiveSupply } from '../../functions/app/supply.ts';
import { isoDay } from '../../functions/core/carriers/calendar.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { fulfilmentExecutionArn, homeOrder, orderOf, stockOf, untilStatus } from '../support/journey.ts';

const local = useTestCloud({ network: 'bo' });
const { api, ids } = local;

const days = (n: number) => new Date(Date.now() + n * 86_400_000);

async function newProduct(sku: string, extra: object = {}) {
  expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 0.5, ...extra })).status).toBe(200);
}

async function expectSupply(
  supplyId: string,
  sku: string,
  quantity: number,
  expectedAt: Date,
  locationId = ids.lyon,
) {
  const answer = await api.put(`/supply/${supplyId}`, {
    locationId,
    sku,
    quantity,
    expectedAt: expectedAt.toISOString(),
    kind: 'purchase_order',
  });
  expect(answer.status).toBe(200);
}

async function place(sku: string, quantity: number) {
  const { status, body } = await api.placeOrder(homeOrder([{ sku, quantity }]));
  expect(status).toBe(202);
  return body.orderId as string;
}

/** An order for `quantity` of a new SKU that only the expected `supplyId` can fill, its workflow waiting for it. */
async function backorderedAndWaiting(sku: string, supplyId: string, quantity: number) {
  await newProduct(sku);
  await expectSupply(supplyId, sku, quantity, days(3));
  const orderId = await place(sku, quantity);
  await untilStatus(api, orderId, 'BACKORDERED');
  await eventually(
    async () => (await local.ports.orders.get(orderId))?.waiting?.BACKORDER?.token,
    'the workflow to wait for the supply',
  );
  return orderId;
}

/** on hand, reserved and available of the SKU at Lyon (a row that does not exist yet: all zero) */
async function lyonStock(sku: string) {
  const row = await stockOf(api, sku, ids.lyon);
  return { onHand: row?.onHand ?? 0, reserved: row?.reserved ?? 0, available: row?.available ?? 0 };
}

const executionStatus = (orderId: string) =>
  local.cloud.stepFunctions.describeExecution({ executionArn: fulfilmentExecutionArn(local.cloud, orderId) })
    .status;

describe('backorders: an order that expected supply can fill waits for it in the workflow', () => {
  it('is BACKORDERED against a purchase order, promised from its date, and allocated when it is received', async () => {
    const sku = 'bo-BOOK';
    await newProduct(sku);
    const expectedAt = days(5);
    await expectSupply('bo-PO-1', sku, 5, expectedAt);

    const quote = await api.post('/promise', {
      lines: [{ sku, quantity: 3 }],
      delivery: homeOrder([]).delivery,
    });
    expect(quote.status).toBe(200);
    const standard = quote.body.options.find((o: { service: string }) => o.service === 'standard');
    expect(standard.earliestDate >= isoDay(expectedAt)).toBe(true);

    const orderId = await place(sku, 3);
    const backordered = await untilStatus(api, orderId, 'BACKORDERED');
    expect(backordered.promise).toMatchObject({
      earliestDate: standard.earliestDate,
      latestDate: standard.latestDate,
    });
    expect(backordered.backorder.supply).toEqual([
      { supplyId: 'bo-PO-1', sku, quantity: 3, expectedAt: expectedAt.toISOString() },
    ]);
    expect(backordered.shipments).toEqual([]);
    expect(await lyonStock(sku)).toEqual({ onHand: 0, reserved: 0, available: 0 });
    await local.cloud.idle();
    expect(
      local.events.some(
        (e) =>
          e['detail-type'] === 'OrderBackordered.v1' && (e.detail as { orderId: string }).orderId === orderId,
      ),
    ).toBe(true);
    expect(executionStatus(orderId)).toBe('RUNNING');

    // 2 units of the 5 are not claimed: an order for 3 more cannot count on them
    const tooMany = await place(sku, 3);
    expect((await untilStatus(api, tooMany, 'REJECTED')).rejection.reason).toMatch(/./);
    const fits = await place(sku, 2);
    await untilStatus(api, fits, 'BACKORDERED');

    const receipt = await api.post('/supply/bo-PO-1/receive', {});
    expect(receipt.status).toBe(200);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    expect(allocated.shipments).toHaveLength(1);
    expect(allocated.shipments[0]).toMatchObject({ locationId: ids.lyon, lines: [{ sku, quantity: 3 }] });
    expect(allocated.shipments[0].promisedDate).toBe(standard.latestDate);
    await untilStatus(api, fits, 'ALLOCATED');
    expect(await lyonStock(sku)).toEqual({ onHand: 5, reserved: 5, available: 0 });
    expect(allocated.history.map((h: { status: string }) => h.status)).toEqual([
      'RECEIVED',
      'BACKORDERED',
      'ALLOCATED',
    ]);
  });

  it('wakes waiting orders oldest first: with supply for one order only, the older one is allocated', async () => {
    const sku = 'bo-PEN';
    await newProduct(sku);
    await expectSupply('bo-PO-2', sku, 2, days(2));
    await expectSupply('bo-PO-3', sku, 2, days(9));
    const older = await place(sku, 2);
    expect((await untilStatus(api, older, 'BACKORDERED')).backorder.supply[0].supplyId).toBe('bo-PO-2');
    const younger = await place(sku, 2);
    expect((await untilStatus(api, younger, 'BACKORDERED')).backorder.supply[0].supplyId).toBe('bo-PO-3');

    expect((await api.post('/supply/bo-PO-2/receive', {})).status).toBe(200);
    await untilStatus(api, older, 'ALLOCATED');
    await new Promise((r) => setTimeout(r, 500));
    expect((await orderOf(api, younger)).status).toBe('BACKORDERED');
    expect(await lyonStock(sku)).toEqual({ onHand: 2, reserved: 2, available: 0 });
  });

  it('is CANCELLED while backordered: the claim is given back and the workflow ends cleanly', async () => {
    const sku = 'bo-INK';
    const orderId = await backorderedAndWaiting(sku, 'bo-PO-4', 4);

    const cancel = await api.post(`/orders/${orderId}/cancel`, {});
    expect(cancel.status).toBe(202);
    const cancelled = await untilStatus(api, orderId, 'CANCELLED');
    expect(cancelled.backorder.supply).toEqual([]);
    await eventually(
      async () => (executionStatus(orderId) === 'SUCCEEDED' ? true : undefined),
      'the execution to end',
    );

    // the 4 units are free again: another order can count on all of them
    const next = await place(sku, 4);
    expect((await untilStatus(api, next, 'BACKORDERED')).backorder.supply[0]).toMatchObject({
      supplyId: 'bo-PO-4',
      quantity: 4,
    });
    expect(await lyonStock(sku)).toEqual({ onHand: 0, reserved: 0, available: 0 });
  });

  it('is allocated all the same when the receipt could not tell its workflow: the retried receipt does (409)', async () => {
    const sku = 'bo-GLUE';
    const orderId = await backorderedAndWaiting(sku, 'bo-PO-7', 2);

    // the receipt commits, marks the order woken, then Step Functions refuses the call (throttled)
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const ports = {
      ...local.ports,
      workflows: { ...local.ports.workflows, completeTask: () => Promise.reject(throttled) },
    };
    await expect(receiveSupply(ports, 'bo-PO-7')).rejects.toThrow('Rate exceeded');
    expect(await lyonStock(sku)).toEqual({ onHand: 2, reserved: 0, available: 2 });
    const cutOff = await local.ports.orders.get(orderId);
    expect(cutOff?.status).toBe('BACKORDERED');
    expect(cutOff?.backorder?.wokenBy).toBe('bo-PO-7');
    expect(cutOff?.waiting?.BACKORDER?.token).toBeDefined();

    // the warehouse's system retries: already received, and the waiting workflow is told now
    const again = await api.post('/supply/bo-PO-7/receive', {});
    expect(again.status).toBe(409);
    await untilStatus(api, orderId, 'ALLOCATED');
    expect(await lyonStock(sku)).toEqual({ onHand: 2, reserved: 2, available: 0 });
    expect((await local.ports.orders.get(orderId))?.waiting?.BACKORDER).toBeUndefined();
  });

  it('rejects a supply quantity below what backorders claimed (409 naming the field)', async () => {
    const sku = 'bo-CLIP';
    await newProduct(sku);
    const expectedAt = days(4);
    await expectSupply('bo-PO-5', sku, 6, expectedAt);
    const orderId = await place(sku, 5);
    await untilStatus(api, orderId, 'BACKORDERED');
    const shrink = await api.put('/supply/bo-PO-5', {
      locationId: ids.lyon,
      sku,
      quantity: 4,
      expectedAt: expectedAt.toISOString(),
      kind: 'purchase_order',
    });
    expect(shrink.status).toBe(409);
    expect(shrink.body.errors).toEqual([{ field: 'quantity', message: 'must be at least 5' }]);
  });
});

describe('preorders: before its release date a product is sold against expected supply', () => {
  it('stays BACKORDERED until its stock arrives, then is allocated on the promise its release date gave', async () => {
    const sku = 'bo-GAME';
    const releaseDate = isoDay(days(3));
    await newProduct(sku, { releaseDate });
    await expectSupply('bo-PO-6', sku, 10, days(1));

    const orderId = await place(sku, 2);
    const preordered = await untilStatus(api, orderId, 'BACKORDERED');
    expect(preordered.backorder).toMatchObject({
      releaseDate,
      supply: [{ supplyId: 'bo-PO-6', quantity: 2 }],
    });
    expect(preordered.promise.earliestDate > releaseDate).toBe(true);
    expect(await lyonStock(sku)).toEqual({ onHand: 0, reserved: 0, available: 0 });

    // the stock arrives before the release date: the preorder is sold from it at once
    expect((await api.post('/supply/bo-PO-6/receive', {})).status).toBe(200);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    expect(allocated.shipments[0]).toMatchObject({ locationId: ids.lyon, lines: [{ sku, quantity: 2 }] });
    expect(allocated.promise).toEqual(preordered.promise);
    expect(allocated.shipments[0].promisedDate).toBe(preordered.promise.latestDate);
    expect(await lyonStock(sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });

    // a later order before the release date finds the stock there: allocated at once, promised from the release date too
    const next = await place(sku, 1);
    const sold = await untilStatus(api, next, 'ALLOCATED');
    expect(sold.promise.earliestDate > releaseDate).toBe(true);
    expect(await lyonStock(sku)).toEqual({ onHand: 10, reserved: 3, available: 7 });
  });
});

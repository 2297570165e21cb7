import { describe, expect, it } from 'vitest';
import { allocateOrder } from '../../functions/app/allocate-order.ts';
import { dispatchShipment } from '../../functions/app/dispatch-shipment.ts';
import type { AppPorts } from '../../functions/app/ports.ts';
import { resourceShipment } from '../../functions/app/resource-shipment.ts';
import type { WorkflowFailure } from '../../functions/app/workflow-failure.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import {
  fulfilmentExecutionArn,
  homeOrder,
  orderOf,
  postCarrierEvent,
  stockOf,
  untilShipment,
  untilStatus,
} from '../support/journey.ts';

/**
 * Failures the real parts cannot produce on demand are injected at the function boundary only:
 * a carrier integration that crashes, a re-sourcing step that crashes, and stock that vanishes
 * between sourcing and reservation (a real concurrent adjustment, made at exactly the wrong moment).
 * The steps themselves run the real use cases on the real adapters.
 */
const crashDispatchAt = new Set<string>();
const crashResourcingFor = new Set<string>();
const cancelDuringDispatch = new Set<string>();
const drainBeforeReserve = new Map<string, { sku: string; locationId: string }>();

const local = useTestCloud({
  network: 'fail',
  handlerOverrides: {
    DispatchCarrier: async (event): Promise<unknown> => {
      const { orderId, shipmentId } = event as { orderId: string; shipmentId: string };
      const shipment = (await orderOf(local.api, orderId)).shipments.find(
        (s: { shipmentId: string }) => s.shipmentId === shipmentId,
      );
      if (crashDispatchAt.has(shipment.locationId)) throw new TypeError('carrier API answered with garbage');
      if (cancelDuringDispatch.delete(orderId)) {
        // the customer cancels while the label is being made: the cancel is accepted (nothing left yet)
        const cancel = await local.api.post(`/orders/${orderId}/cancel`, {});
        expect(cancel.status).toBe(202);
      }
      return dispatchShipment(local.ports, orderId, shipmentId);
    },
    ResourceShipment: async (event): Promise<unknown> => {
      const { orderId, shipmentId, failure } = event as {
        orderId: string;
        shipmentId: string;
        failure: WorkflowFailure;
      };
      if (crashResourcingFor.has(orderId)) throw new RangeError('the sourcing inputs were corrupt');
      return resourceShipment(local.ports, orderId, shipmentId, failure);
    },
    AllocateOrder: async (event): Promise<unknown> => {
      const { orderId } = event as { orderId: string };
      return allocateOrder(drainingBeforeTheFirstReservation(local.ports, orderId), orderId);
    },
  },
});
const { api, ids } = local;

/** The ports, with a real adjustment that empties a location just before the order's first reservation. */
function drainingBeforeTheFirstReservation(ports: AppPorts, orderId: string): AppPorts {
  const drain = drainBeforeReserve.get(orderId);
  if (!drain) return ports;
  return {
    ...ports,
    orders: {
      ...ports.orders,
      save: async (change) => {
        if (drainBeforeReserve.delete(orderId) && (change.stock ?? []).length > 0) {
          const row = await stockOf(api, drain.sku, drain.locationId);
          const adjusted = await api.post('/inventory/adjustments', {
            adjustmentId: `drain-${orderId}`,
            locationId: drain.locationId,
            sku: drain.sku,
            delta: -(row.onHand - row.reserved),
            reason: 'shrinkage found during a cycle count',
          });
          expect(adjusted.status).toBe(200);
        }
        return ports.orders.save(change);
      },
    },
  };
}

async function confirm(shipmentId: string) {
  await eventually(async () => {
    const answer = await api.post(`/shipments/${shipmentId}/confirm`, {});
    return answer.status === 202 ? answer : undefined;
  }, `the confirmation of ${shipmentId}`);
}

describe('failure paths of the fulfilment workflow', () => {
  it('a crash that leaves a shipment unresolved releases every reservation and fails the execution visibly', async () => {
    const before = await stockOf(api, ids.mug, ids.lyon);
    const { body } = await api.placeOrder(homeOrder([{ sku: ids.mug, quantity: 3 }]));
    const orderId = body.orderId as string;
    crashDispatchAt.add(ids.lyon);
    crashResourcingFor.add(orderId);
    try {
      const allocated = await untilStatus(api, orderId, 'ALLOCATED');
      expect(allocated.shipments[0].locationId).toBe(ids.lyon);
      expect((await stockOf(api, ids.mug, ids.lyon)).reserved).toBe(before.reserved + 3);
      await confirm(allocated.shipments[0].shipmentId);

      const rejected = await untilStatus(api, orderId, 'REJECTED');
      expect(rejected.rejection.reason).toContain('RangeError');
      expect(rejected.shipments[0].status).toBe('CANCELLED');
      expect(await stockOf(api, ids.mug, ids.lyon)).toEqual(before);
      const execution = await local.cloud.stepFunctions.waitForExecution(
        fulfilmentExecutionArn(local.cloud, orderId),
      );
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('OrderFailed');
    } finally {
      crashDispatchAt.delete(ids.lyon);
    }
  });

  it('a shipment whose dispatch crashes is re-sourced elsewhere; its own reservation is released', async () => {
    const lyonBefore = await stockOf(api, ids.mug, ids.lyon);
    const { body } = await api.placeOrder(homeOrder([{ sku: ids.mug, quantity: 1 }]));
    const orderId = body.orderId as string;
    crashDispatchAt.add(ids.lyon);
    try {
      const allocated = await untilStatus(api, orderId, 'ALLOCATED');
      expect(allocated.shipments[0].locationId).toBe(ids.lyon);
      await confirm(allocated.shipments[0].shipmentId);
      const resourced = await eventually(async () => {
        const order = await orderOf(api, orderId);
        return order.shipments.length === 2 ? order : undefined;
      }, 'a replacement shipment');
      expect(resourced.shipments[0]).toMatchObject({ status: 'CANCELLED', locationId: ids.lyon });
      expect(resourced.shipments[0].rejection.reason).toContain('carrier API answered with garbage');
      expect(resourced.shipments[1].locationId).not.toBe(ids.lyon);
      expect(await stockOf(api, ids.mug, ids.lyon)).toEqual(lyonBefore);
      expect((await api.post(`/orders/${orderId}/cancel`)).status).toBe(202);
      await untilStatus(api, orderId, 'CANCELLED');
    } finally {
      crashDispatchAt.delete(ids.lyon);
    }
  });

  it('lines no location can ship are reported unfilled; the sibling shipment is delivered untouched', async () => {
    // a plate only Lille holds, and lamps only Lyon holds: two shipments
    const plate = 'fail-PLATE';
    expect((await api.put(`/products/${plate}`, { name: 'Plate', weightKg: 0.6 })).status).toBe(200);
    expect((await api.put(`/inventory/${ids.lille}/${plate}`, { onHand: 5 })).status).toBe(200);
    const lampBefore = await stockOf(api, ids.lamp, ids.lyon);
    const { body } = await api.placeOrder(
      homeOrder([
        { sku: ids.lamp, quantity: 1 },
        { sku: plate, quantity: 1 },
      ]),
    );
    const orderId = body.orderId as string;
    crashDispatchAt.add(ids.lyon);
    try {
      const allocated = await untilStatus(api, orderId, 'ALLOCATED');
      expect(allocated.shipments.map((s: { locationId: string }) => s.locationId).sort()).toEqual(
        [ids.lille, ids.lyon].sort(),
      );
      for (const shipment of allocated.shipments) await confirm(shipment.shipmentId);

      const lille = allocated.shipments.find((s: { locationId: string }) => s.locationId === ids.lille);
      const unfilled = await eventually(async () => {
        const order = await orderOf(api, orderId);
        const lyon = order.shipments.find((s: { locationId: string }) => s.locationId === ids.lyon);
        return lyon.status === 'CANCELLED' ? order : undefined;
      }, 'the Lyon shipment to be reported unfilled');
      const lyon = unfilled.shipments.find((s: { locationId: string }) => s.locationId === ids.lyon);
      expect(lyon.rejection.reason).toMatch(/^unfilled: /);
      expect(await stockOf(api, ids.lamp, ids.lyon)).toEqual(lampBefore);

      const dispatched = await untilShipment(api, orderId, 'DISPATCHED');
      const parcel = dispatched.shipments.find(
        (s: { shipmentId: string }) => s.shipmentId === lille.shipmentId,
      );
      for (const status of ['PICKED_UP', 'DELIVERED']) {
        const answer = await postCarrierEvent(local.cloud.url, parcel.carrierId, {
          trackingNumber: parcel.trackingNumber,
          status,
        });
        expect(answer.status).toBe(202);
      }
      const delivered = await untilStatus(api, orderId, 'DELIVERED');
      expect(delivered.shipments.filter((s: { status: string }) => s.status === 'DELIVERED')).toHaveLength(1);
      const execution = await local.cloud.stepFunctions.waitForExecution(
        fulfilmentExecutionArn(local.cloud, orderId),
      );
      expect(execution.status).toBe('SUCCEEDED');
    } finally {
      crashDispatchAt.delete(ids.lyon);
    }
  });

  it('a reservation conflict re-sources the order elsewhere instead of failing it', async () => {
    // a cup of its own, so that draining Lyon changes nothing for the other tests
    const cup = 'fail-CUP';
    expect((await api.put(`/products/${cup}`, { name: 'Cup', weightKg: 0.3 })).status).toBe(200);
    for (const locationId of [ids.lyon, ids.lille])
      expect((await api.put(`/inventory/${locationId}/${cup}`, { onHand: 6 })).status).toBe(200);
    const lyonBefore = await stockOf(api, cup, ids.lyon);
    const orderId = `conflict-${Date.now()}`;
    drainBeforeReserve.set(orderId, { sku: cup, locationId: ids.lyon });
    const placed = await api.placeOrder({ ...homeOrder([{ sku: cup, quantity: 2 }]), orderId });
    expect(placed.status).toBe(202);
    const allocated = await untilStatus(api, orderId, ['ALLOCATED', 'REJECTED']);
    expect(allocated.status).toBe('ALLOCATED');
    expect(allocated.shipments[0].locationId).not.toBe(ids.lyon);
    const lyonAfter = await stockOf(api, cup, ids.lyon);
    expect(lyonAfter.reserved).toBe(lyonBefore.reserved);
    expect(lyonAfter.available).toBe(0);
    const order = await orderOf(api, orderId);
    expect(order.sourcing.explanation.chosen[0].locationId).toBe(allocated.shipments[0].locationId);
    // the location that refused the reservation is left out of the second sourcing, and says so
    expect(order.sourcing.explanation.excluded).toContainEqual(
      expect.objectContaining({ locationId: ids.lyon, rule: 'previously-failed' }),
    );
    expect((await api.post(`/orders/${orderId}/cancel`)).status).toBe(202);
    await untilStatus(api, orderId, 'CANCELLED');
  });

  it('a cancel accepted while the parcel is being dispatched wins: nothing ships, the stock is released', async () => {
    const before = await stockOf(api, ids.mug, ids.lyon);
    const { body } = await api.placeOrder(homeOrder([{ sku: ids.mug, quantity: 1 }]));
    const orderId = body.orderId as string;
    cancelDuringDispatch.add(orderId);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    await confirm(allocated.shipments[0].shipmentId);
    const cancelled = await untilStatus(api, orderId, 'CANCELLED');
    expect(cancelled.shipments[0].status).toBe('CANCELLED');
    expect(cancelled.shipments[0].trackingNumber).toBeUndefined();
    expect(await stockOf(api, ids.mug, ids.lyon)).toEqual(before);
    const execution = await local.cloud.stepFunctions.waitForExecution(
      fulfilmentExecutionArn(local.cloud, orderId),
    );
    expect(execution.status).toBe('SUCCEEDED');
  });
});

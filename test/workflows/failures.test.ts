import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { type ApiClient, apiClient, eventually, startTestCloud } from '../support/cloud.ts';
import {
  fulfilmentExecutionArn,
  homeOrder,
  orderOf,
  seedSmallNetwork,
  stockOf,
  untilStatus,
} from '../support/journey.ts';

/**
 * Failures the real parts cannot produce on demand are injected at the function boundary only:
 * a carrier integration that crashes, and stock that vanishes between sourcing and reservation
 * (a real concurrent adjustment, made at exactly the wrong moment).
 */
let cloud: LocalCloud;
let api: ApiClient;
let ids: Awaited<ReturnType<typeof seedSmallNetwork>>;
const crashDispatchFor = new Set<string>();
const drainBeforeReserve = new Map<string, { sku: string; locationId: string }>();

type Handler = (event: unknown, context: Context) => Promise<unknown>;

// Imported on first use, once the local cloud has set the functions' environment.
const realDispatch: Handler = async (event, context) =>
  ((await import('../../functions/steps/dispatch-carrier.ts')).handler as unknown as Handler)(event, context);
const realReserve: Handler = async (event, context) =>
  ((await import('../../functions/steps/reserve-stock.ts')).handler as unknown as Handler)(event, context);

beforeAll(async () => {
  cloud = await startTestCloud({
    handlerOverrides: {
      DispatchCarrier: async (event, context) => {
        const { orderId } = event as { orderId: string };
        if (crashDispatchFor.has(orderId)) throw new TypeError('carrier API answered with garbage');
        return realDispatch(event, context);
      },
      ReserveStock: async (event, context) => {
        const { orderId } = event as { orderId: string };
        const drain = drainBeforeReserve.get(orderId);
        if (drain) {
          drainBeforeReserve.delete(orderId);
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
        return realReserve(event, context);
      },
    },
  });
  api = apiClient(cloud.url);
  ids = await seedSmallNetwork(api, 'fail');
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('failure paths of the fulfilment workflow', () => {
  it('a step that throws releases every reservation and fails the execution visibly', async () => {
    const before = await stockOf(api, ids.mug, ids.lyon);
    const { body } = await api.placeOrder(homeOrder([{ sku: ids.mug, quantity: 3 }]));
    const orderId = body.orderId as string;
    crashDispatchFor.add(orderId);
    const allocated = await untilStatus(api, orderId, 'ALLOCATED');
    expect((await stockOf(api, ids.mug, ids.lyon)).reserved).toBe(before.reserved + 3);
    await eventually(async () => {
      const answer = await api.post(`/shipments/${allocated.shipments[0].shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the confirmation');

    const rejected = await untilStatus(api, orderId, 'REJECTED');
    expect(rejected.rejection.reason).toContain('TypeError');
    expect(rejected.shipments[0].status).toBe('CANCELLED');
    expect(await stockOf(api, ids.mug, ids.lyon)).toEqual(before);
    const execution = await cloud.stepFunctions.waitForExecution(fulfilmentExecutionArn(cloud, orderId));
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OrderFailed');
  });

  it('a reservation conflict re-sources the order elsewhere instead of failing it', async () => {
    const lyonBefore = await stockOf(api, ids.mug, ids.lyon);
    const orderId = `conflict-${Date.now()}`;
    drainBeforeReserve.set(orderId, { sku: ids.mug, locationId: ids.lyon });
    const placed = await api.placeOrder({ ...homeOrder([{ sku: ids.mug, quantity: 2 }]), orderId });
    expect(placed.status).toBe(202);
    const allocated = await untilStatus(api, orderId, ['ALLOCATED', 'REJECTED']);
    expect(allocated.status).toBe('ALLOCATED');
    expect(allocated.shipments[0].locationId).not.toBe(ids.lyon);
    const lyonAfter = await stockOf(api, ids.mug, ids.lyon);
    expect(lyonAfter.reserved).toBe(lyonBefore.reserved);
    expect(lyonAfter.available).toBe(0);
    expect((await orderOf(api, orderId)).sourcing.explanation.chosen[0].locationId).toBe(
      allocated.shipments[0].locationId,
    );
    // the location that refused the reservation is left out of the second sourcing, and says so
    expect((await orderOf(api, orderId)).sourcing.explanation.excluded).toContainEqual(
      expect.objectContaining({ locationId: ids.lyon, rule: 'previously-failed' }),
    );
    expect((await api.post(`/orders/${orderId}/cancel`)).status).toBe(202);
    await untilStatus(api, orderId, 'CANCELLED');
  });
});

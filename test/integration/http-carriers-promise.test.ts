/**
 * Carriers and the delivery promise through the HTTP contract (DESIGN.md section 6.1): carriers
 * as data, the promise honouring a location's cut-off, the promise made at intake kept on the
 * order and its shipments, and the carrier chosen for each parcel at dispatch.
 */
import { describe, expect, it } from 'vitest';
import { recordDeliveryOutcome } from '../../functions/app/delivery-outcome.ts';
import { promiseDelivery } from '../../functions/app/promise-delivery.ts';
import { type OrderRequest, receiveOrder } from '../../functions/app/receive-order.ts';
import { builtInCarriers } from '../../functions/core/carriers/carriers.ts';
import { eventually } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import {
  homeOrder,
  marseilleAddress,
  orderOf,
  postCarrierEvent,
  untilShipment,
  untilStatus,
} from '../support/journey.ts';
import { expectProblem } from '../support/problem.ts';

const local = useTestCloud({ network: 'cp' });
const { api, ids } = local;

const courier = {
  name: 'Coursier Marseille',
  services: [
    {
      service: 'same_day',
      transitDays: { p50: 0, p90: 0 },
      maxWeightKg: 10,
      rates: [{ zone: 'local', maxKg: 10, price: 9.5 }],
      co2KgPerTonneKm: 0.03,
      factorSource: 'test figure',
    },
  ],
  coverage: ['130'],
  dailyCapacity: 50,
  workingDays: [1, 2, 3, 4, 5],
  pickupCutoff: '11:00',
};

describe('PUT /carriers/{carrierId} and GET /carriers', () => {
  it('stores a carrier and lists it with the built-in ones, each with onTimeRate null before any delivery', async () => {
    const put = await api.put('/carriers/cp-courier', courier);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ carrierId: 'cp-courier', ...courier });
    const one = await api.get('/carriers/cp-courier');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ carrierId: 'cp-courier', name: courier.name, onTimeRate: null });
    const list = await api.get('/carriers');
    expect(list.status).toBe(200);
    const listed = list.body.items.map((c: { carrierId: string }) => c.carrierId);
    for (const c of builtInCarriers) expect(listed).toContain(c.carrierId);
    expect(listed).toContain('cp-courier');
    expect(list.body.items.find((c: { carrierId: string }) => c.carrierId === 'fret-lourd')).toMatchObject({
      onTimeRate: null,
      services: [{ service: 'standard', transitDays: { p50: 3, p90: 5 } }],
    });
  });

  it('answers a built-in carrier by id, and 404 for an unknown one', async () => {
    expect((await api.get('/carriers/colis-standard')).body).toMatchObject({ name: 'Colis Standard' });
    expectProblem(await api.get('/carriers/cp-nobody'), 404);
  });

  it('refuses a bad carrier with 400 naming each field, and stores nothing', async () => {
    const bad = {
      services: [
        {
          ...courier.services[0],
          service: 'overnight',
          transitDays: { p50: 3, p90: 1 },
          rates: [{ zone: 'galactic', maxKg: 1, price: -1 }],
        },
      ],
      workingDays: [0, 8],
      pickupCutoff: '25:00',
    };
    const answer = await api.put('/carriers/cp-bad', bad);
    expectProblem(
      answer,
      400,
      [
        'body.name',
        'body.services.0.service',
        'body.services.0.transitDays.p90',
        'body.services.0.rates.0.zone',
        'body.services.0.rates.0.price',
        'body.workingDays.0',
        'body.workingDays.1',
        'body.pickupCutoff',
      ],
      { distinctFields: true },
    );
    expect((await api.get('/carriers/cp-bad')).status).toBe(404);
  });
});

describe('POST /promise honours the location cut-off', () => {
  it('a location with cutoffTime 18:00 keeps same-day departure at 17:00 and moves it at 18:30', async () => {
    expect(
      (
        await api.put('/locations/cp-late', {
          name: 'Late warehouse',
          type: 'warehouse',
          lat: 43.3,
          lon: 5.4,
          capabilities: ['ship'],
          cutoffTime: '18:00',
        })
      ).status,
    ).toBe(200);
    expect((await api.put('/products/cp-late-sku', { name: 'Late', weightKg: 1 })).status).toBe(200);
    expect((await api.put('/inventory/cp-late/cp-late-sku', { onHand: 5 })).status).toBe(200);
    const ask = (at: string) =>
      api.post('/promise', {
        lines: [{ sku: 'cp-late-sku', quantity: 1 }],
        delivery: { mode: 'home', address: marseilleAddress },
        at,
      });
    // Tuesday 3 March 2026, Paris is UTC+1
    const at17 = await ask('2026-03-03T16:00:00.000Z');
    const at1830 = await ask('2026-03-03T17:30:00.000Z');
    expect(at17.status).toBe(200);
    const standard = (answer: typeof at17) =>
      answer.body.options.find((o: { service: string }) => o.service === 'standard');
    expect(standard(at17)).toMatchObject({ locationIds: ['cp-late'], cutoffAt: '2026-03-03T17:00:00.000Z' });
    expect(standard(at1830).cutoffAt).toBe('2026-03-04T17:00:00.000Z');
    // one carrier day later, whichever standard carrier is cheapest
    expect(standard(at1830).earliestDate > standard(at17).earliestDate).toBe(true);
    for (const o of at17.body.options) {
      expect(o.carrierId).toEqual(expect.any(String));
      expect(o.cost).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('the promise made at intake is kept', () => {
  it('GET /orders/{id}.promise equals POST /promise for the same cart; promisedDate does not move at dispatch', async () => {
    const cart = homeOrder([{ sku: ids.mug, quantity: 1 }]);
    const promised = await api.post('/promise', { lines: cart.lines, delivery: cart.delivery });
    const placed = await api.placeOrder({ ...cart, orderId: 'cp-kept' });
    expect(placed.status).toBe(202);
    const option = promised.body.options.find((o: { service: string }) => o.service === 'standard');
    const allocated = await untilStatus(api, 'cp-kept', 'ALLOCATED');
    expect(allocated.promise).toEqual({
      service: 'standard',
      earliestDate: option.earliestDate,
      latestDate: option.latestDate,
      carrierId: option.carrierId,
    });
    const shipmentId = allocated.shipments[0].shipmentId;
    expect(allocated.shipments[0].promisedDate).toBe(option.latestDate);
    await eventually(async () => {
      const answer = await api.post(`/shipments/${shipmentId}/confirm`, {});
      return answer.status === 202 ? answer : undefined;
    }, 'the pick confirmation to be accepted');
    const dispatched = await untilShipment(api, 'cp-kept', 'DISPATCHED');
    const [shipment] = dispatched.shipments;
    expect(shipment.promisedDate).toBe(option.latestDate);
    expect(dispatched.promise).toEqual(allocated.promise);
    expect(shipment.carrierChoice.reason).toEqual(expect.any(String));
    expect(shipment.carrierChoice.alternatives.length).toBeGreaterThan(0);
    for (const a of shipment.carrierChoice.alternatives)
      expect(a).toEqual({
        carrierId: expect.any(String),
        service: expect.any(String),
        cost: expect.any(Number),
        co2Kg: expect.any(Number),
        deliveryDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
  });

  it('with one clock, intake stores exactly the option POST /promise answers at that moment', async () => {
    const at = new Date('2026-03-03T16:30:00.000Z');
    const ports = { ...local.ports, clock: { now: () => at } };
    const cart = homeOrder([{ sku: ids.lamp, quantity: 1 }]) as OrderRequest;
    const { options } = await promiseDelivery(ports, { lines: cart.lines, delivery: cart.delivery });
    const { orderId } = await receiveOrder(ports, { ...cart, orderId: 'cp-clock' }, () => 'unused');
    const stored = await local.ports.orders.get(orderId);
    const option = options.find((o) => o.service === 'standard');
    expect(stored?.promise).toEqual({
      service: 'standard',
      earliestDate: option?.earliestDate,
      latestDate: option?.latestDate,
      carrierId: option?.carrierId,
    });
  });
});

describe('carrier choice per parcel at dispatch', () => {
  it('two parcels that call for different carriers get them, each with its carrierChoice', async () => {
    const setup = [
      api.put('/products/cp-anvil', { name: 'Anvil', weightKg: 45 }),
      api.put('/products/cp-card', { name: 'Card', weightKg: 0.1 }),
    ];
    for (const answer of await Promise.all(setup)) expect(answer.status).toBe(200);
    expect((await api.put(`/inventory/${ids.lille}/cp-anvil`, { onHand: 2 })).status).toBe(200);
    expect((await api.put(`/inventory/${ids.lyon}/cp-card`, { onHand: 2 })).status).toBe(200);
    const placed = await api.placeOrder({
      ...homeOrder([
        { sku: 'cp-anvil', quantity: 1 },
        { sku: 'cp-card', quantity: 1 },
      ]),
      orderId: 'cp-two',
    });
    expect(placed.status).toBe(202);
    const allocated = await untilStatus(api, 'cp-two', 'ALLOCATED');
    expect(allocated.shipments).toHaveLength(2);
    for (const s of allocated.shipments)
      await eventually(async () => {
        const answer = await api.post(`/shipments/${s.shipmentId}/confirm`, {});
        return answer.status === 202 ? answer : undefined;
      }, 'the pick confirmation to be accepted');
    await untilShipment(api, 'cp-two', 'DISPATCHED', 0);
    const order = await untilShipment(api, 'cp-two', 'DISPATCHED', 1);
    const carrierOf = (locationId: string) =>
      order.shipments.find((s: { locationId: string }) => s.locationId === locationId);
    expect(carrierOf(ids.lille).carrierId).toBe('fret-lourd');
    expect(carrierOf(ids.lyon).carrierId).not.toBe('fret-lourd');
    for (const s of order.shipments) {
      expect(s.carrierChoice.reason).toMatch(/delivering by|earliest arrival/);
      expect(s.promisedDate).toBe(order.promise.latestDate);
    }
  });
});

describe('on-time rate and promises at risk, measured from Relais deliveries', () => {
  it('a delivery counts once for its carrier, however often the carrier repeats it', async () => {
    const order = await untilShipment(api, 'cp-kept', 'DISPATCHED');
    const [{ carrierId, trackingNumber, shipmentId }] = order.shipments;
    for (const eventId of ['cp-delivered-1', 'cp-delivered-2']) {
      const answer = await postCarrierEvent(local.cloud.url, carrierId, {
        trackingNumber,
        status: 'DELIVERED',
        eventId,
      });
      expect(answer.status).toBe(202);
    }
    await untilShipment(api, 'cp-kept', 'DELIVERED');
    const carrier = await eventually(async () => {
      const answer = await api.get(`/carriers/${carrierId}`);
      return answer.body.onTimeRate === null ? undefined : answer.body;
    }, `an on-time rate for ${carrierId}`);
    expect(carrier.onTimeRate).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await local.ports.carriers.deliveryCounts()).get(carrierId)).toEqual({ delivered: 1, onTime: 1 });
    const replay = await recordDeliveryOutcome(local.ports, {
      orderId: 'cp-kept',
      shipmentId,
      locationId: order.shipments[0].locationId,
      mode: 'home',
      status: 'DELIVERED',
      orderStatus: 'DELIVERED',
      at: new Date().toISOString(),
    });
    expect(replay).toEqual({ counted: false });
  });

  it('a failed attempt whose next attempt falls after promisedDate raises PromiseAtRisk.v1, an earlier one does not', async () => {
    const order = await orderOf(api, 'cp-two');
    const shipment = order.shipments[0];
    const failed = (at: string) =>
      recordDeliveryOutcome(local.ports, {
        orderId: 'cp-two',
        shipmentId: shipment.shipmentId,
        locationId: shipment.locationId,
        mode: 'home',
        status: 'DELIVERY_FAILED',
        orderStatus: 'SHIPPED',
        at,
      });
    const promised = new Date(`${shipment.promisedDate}T10:00:00.000Z`);
    expect(await failed(new Date(promised.getTime() - 5 * 86_400_000).toISOString())).toEqual({
      atRisk: false,
    });
    expect(await failed(promised.toISOString())).toEqual({ atRisk: true });
    const raised = await eventually(
      async () =>
        local.events.find(
          (e) =>
            e['detail-type'] === 'PromiseAtRisk.v1' && (e.detail as { orderId: string }).orderId === 'cp-two',
        ),
      'PromiseAtRisk.v1 on the bus',
    );
    expect(raised.detail).toMatchObject({
      shipmentId: shipment.shipmentId,
      promisedDate: shipment.promisedDate,
      expectedDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect((raised.detail as { expectedDate: string }).expectedDate > shipment.promisedDate).toBe(true);
  });
});

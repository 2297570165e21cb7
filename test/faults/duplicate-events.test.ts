/**
 * At-least-once delivery: EventBridge (and the outbox behind it) may deliver an event twice. Every
 * event of a set of journeys (delivered, a lost parcel replaced, a parcel sent back, cancelled, a
 * customer return) is delivered a second time to every consumer whose rule matches it, as the bus
 * would, then once more twice at the same moment: nothing changes, and no new fact is published
 * (an event may be announced again, identical, for a delivery that died before announcing it).
 */
import { describe, expect, it } from 'vitest';
import { compileEventPattern } from '../../local/eventbus/pattern.ts';
import type { Scenario } from '../support/fault-journeys.ts';
import { driveJourney } from '../support/fault-journeys.ts';
import { useTestCloud } from '../support/fixture.ts';
import { orderOf, stockOf } from '../support/journey.ts';

const local = useTestCloud({ network: 'dup' });
const { api, ids, events } = local;

const journeys: Scenario[] = ['deliver', 'lose-first', 'return-to-sender', 'cancel', 'customer-return'];

/** `CarrierTrackingFunction1A2B3C4D` → `CarrierTracking` */
const functionIdOf = (logicalId: string) => /^(.+)Function[0-9A-F]{8}$/.exec(logicalId)?.[1] ?? logicalId;

/** What a customer, a location and an analyst can see of the journeys: every effect a consumer has. */
async function everythingVisible(orderIds: string[], sku: string) {
  const orders = await Promise.all(orderIds.map((id) => orderOf(api, id)));
  const notifications = await Promise.all(
    orderIds.map(async (id) => (await api.get(`/orders/${id}/notifications`)).body),
  );
  const returns = await Promise.all(orderIds.map(async (id) => (await api.get(`/returns/R${id}`)).body));
  const carrierIds = [
    ...new Set(orders.flatMap((o) => o.shipments.map((s: { carrierId?: string }) => s.carrierId))),
  ].filter((id): id is string => typeof id === 'string');
  const carriers = await Promise.all(carrierIds.map(async (id) => (await api.get(`/carriers/${id}`)).body));
  const stock = await Promise.all([ids.lyon, ids.lille].map((location) => stockOf(api, sku, location)));
  const alerts = (await api.get('/alerts')).body;
  return { orders, notifications, returns, carriers, stock, alerts };
}

/** The bus's deliveries of these events: each (consumer, event) pair its rules make. */
function deliveriesOf(recorded: typeof events) {
  const cloud = local.cloud;
  return cloud.model.rules.flatMap((rule) => {
    const matches = compileEventPattern(rule.pattern);
    return rule.targets.flatMap((target) => {
      const fn = cloud.runtime.find(target.arn);
      if (fn === undefined) return [];
      return recorded
        .filter(matches)
        .map((event) => ({ consumer: functionIdOf(fn.logicalId), target, event }));
    });
  });
}

describe('every event delivered twice has no second effect', () => {
  it('each consumer, fed every event of five journeys once more, then twice at once', async () => {
    const sku = 'dup-VASE';
    expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 0.5 })).status).toBe(200);
    for (const location of [ids.lyon, ids.lille])
      expect((await api.put(`/inventory/${location}/${sku}`, { onHand: 10 })).status).toBe(200);
    const firstEvent = events.length;
    const orderIds = journeys.map((scenario) => `D-${scenario}`);
    for (const [i, scenario] of journeys.entries()) {
      const end = await driveJourney(api, local.cloud, orderIds[i] as string, sku, scenario);
      expect(end.stalled, scenario).toBe(false);
    }
    await local.cloud.idle();
    const recorded = events.slice(firstEvent);
    const before = await everythingVisible(orderIds, sku);
    // what looking raised (GET /alerts reviews the alerts) reaches the bus through the outbox pipe
    await local.cloud.idle();
    const publishedBefore = events.length;
    const published = new Set(recorded.map((e) => JSON.stringify([e['detail-type'], e.detail])));
    /** events published since the first journeys ended that are not a repeat of one published then */
    const newFacts = () =>
      events
        .slice(publishedBefore)
        .filter((e) => !published.has(JSON.stringify([e['detail-type'], e.detail])))
        .map((e) => [e['detail-type'], e.detail]);

    const deliveries = deliveriesOf(recorded);
    // every consumer of the stack had events to take twice
    expect(new Set(deliveries.map((d) => d.consumer))).toEqual(
      new Set(['CarrierTracking', 'NotifyCustomer', 'DeliveryOutcome']),
    );
    expect(deliveries.length).toBeGreaterThan(40);

    for (const { target, event } of deliveries) await local.cloud.runtime.invoke(target.arn, event);
    await local.cloud.idle();
    expect(await everythingVisible(orderIds, sku)).toEqual(before);
    expect(newFacts()).toEqual([]);

    // two copies in flight at once: whichever wins, the other changes nothing
    const racing = await Promise.allSettled(
      deliveries.flatMap(({ target, event }) => [
        local.cloud.runtime.invoke(target.arn, event),
        local.cloud.runtime.invoke(target.arn, event),
      ]),
    );
    // a copy that finds its twin mid-way may ask to be delivered again later (the bus retries it)
    const refused = racing.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
    expect(refused.filter((name) => name !== 'NotificationInFlight')).toEqual([]);
    await local.cloud.idle();
    expect(await everythingVisible(orderIds, sku)).toEqual(before);
    expect(newFacts()).toEqual([]);
  }, 240_000);
});

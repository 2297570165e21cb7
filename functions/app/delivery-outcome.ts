import { createHash } from 'node:crypto';
import { isoDay, parisDay } from '../core/carriers/calendar.ts';
import { carriersInForce, defaultWorkingDays } from '../core/carriers/carriers.ts';
import { findShipment } from '../core/orders/order.ts';
import { deliveryDay } from '../core/promise/departure.ts';
import type { EventDetail } from '../shared/events.ts';
import { event } from './events.ts';
import type { AppPorts } from './ports.ts';

type OutcomePorts = Pick<AppPorts, 'orders' | 'network' | 'carriers' | 'events' | 'metrics'>;

/**
 * What a shipment's new status says about its promise: a delivery is counted once for its
 * carrier's on-time rate and the promises kept or broken (on time: delivered no later than
 * `promisedDate`, Paris day); a failed
 * attempt or an exception whose next possible attempt, the carrier's next working day, falls after
 * `promisedDate` raises PromiseAtRisk.v1, once per status change: its outbox id comes from the
 * change's own (`changeId`, or its content when it has none), so a redelivery writes nothing new.
 */
export async function recordDeliveryOutcome(
  ports: OutcomePorts,
  change: EventDetail<'ShipmentStatusChanged.v1'>,
  changeId?: string,
): Promise<{ counted?: boolean; atRisk?: boolean }> {
  const watched = ['DELIVERED', 'DELIVERY_FAILED', 'EXCEPTION'];
  if (!watched.includes(change.status)) return {};
  const order = await ports.orders.get(change.orderId);
  const shipment = order && findShipment(order, change.shipmentId);
  if (!shipment?.carrierId || !shipment.promisedDate) return {};
  const today = parisDay(new Date(change.at)).day;
  if (change.status === 'DELIVERED') {
    const onTime = isoDay(today) <= shipment.promisedDate;
    const counted = await ports.carriers.recordDelivery(shipment.carrierId, shipment.shipmentId, onTime);
    if (counted) ports.metrics.count(onTime ? 'PromisesKept' : 'PromisesBroken');
    return { counted };
  }
  const carrier = carriersInForce(await ports.network.listCarriers()).find(
    (c) => c.carrierId === shipment.carrierId,
  );
  const nextAttempt = isoDay(
    deliveryDay(today, 1, { workingDays: carrier?.workingDays ?? [...defaultWorkingDays] }),
  );
  if (nextAttempt <= shipment.promisedDate) return { atRisk: false };
  const cause = changeId ?? createHash('sha256').update(JSON.stringify(change)).digest('base64url');
  await ports.events.publish([
    {
      ...event('PromiseAtRisk.v1', {
        orderId: change.orderId,
        shipmentId: change.shipmentId,
        promisedDate: shipment.promisedDate,
        expectedDate: nextAttempt,
        reason: `${change.status === 'EXCEPTION' ? 'exception' : 'failed delivery attempt'} on ${isoDay(today)}: the next attempt (${nextAttempt}) is after the promised date`,
        at: change.at,
      }),
      id: `promise-at-risk-of-${cause}`,
    },
  ]);
  return { atRisk: true };
}

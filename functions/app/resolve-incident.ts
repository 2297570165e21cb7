import { incidentOf, mayReship, refund, reship } from '../core/orders/incidents.ts';
import { findShipment, workflowItem } from '../core/orders/order.ts';
import { isDispatched } from '../core/orders/status.ts';
import type { Shipment } from '../core/orders/types.ts';
import { IntegrityViolation, ReservationConflict, VersionConflict } from '../shared/errors.ts';
import { incidentsOpened } from './business-facts.ts';
import { incidentChanges } from './events.ts';
import { requireOrder, saveOrderChange } from './order-access.ts';
import type { AppPorts, StoredOrder } from './ports.ts';
import { sourceOneLocation } from './resource-shipment.ts';

type IncidentPorts = Pick<AppPorts, 'orders' | 'network' | 'sourcingReads' | 'stock' | 'clock' | 'metrics'>;

/** What the workflow goes on with: the replacement to pick, pack and track, or nothing (refunded). */
type Resolution = ReturnType<typeof workflowItem> | { shipmentId: string; refunded: true };

function resolutionOf(order: StoredOrder, shipmentId: string): Resolution | undefined {
  const incident = incidentOf(order, shipmentId);
  if (incident?.resolution === 'refunded') return { shipmentId, refunded: true };
  const replacement = incident?.replacementShipmentId
    ? findShipment(order, incident.replacementShipmentId)
    : undefined;
  return replacement ? workflowItem(replacement) : undefined;
}

/**
 * A parcel that will not arrive (lost, damaged, or overdue: its wait timed out) is replaced: its
 * lines are sourced again, from any location including the one it left, as a new shipment of the
 * same order (stock reserved, preparation slot taken) that the workflow then picks, dispatches and
 * tracks. When no location can ship them, or the order had its share of replacements, the lines
 * are refunded instead. A parcel sent back whose return never came is refunded too (nothing to
 * restock). A retried step finds the incident resolved and answers the same.
 */
export async function resolveIncident(ports: IncidentPorts, orderId: string, shipmentId: string) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const order = await requireOrder(ports.orders, orderId);
    const done = resolutionOf(order, shipmentId);
    if (done) return done;
    const shipment = findShipment(order, shipmentId);
    if (!shipment || !isDispatched(shipment))
      throw new IntegrityViolation(
        `shipment ${shipmentId} of order ${orderId} has not left; no incident to resolve`,
      );
    const kind = incidentOf(order, shipmentId)?.kind ?? shipment.incidentKind ?? 'overdue';
    const now = ports.clock.now();
    const sourced =
      incidentOf(order, shipmentId)?.resolution !== 'returning' && mayReship(order)
        ? await sourceOneLocation(ports, order, shipment, [], now)
        : undefined;
    const replacement: Shipment | undefined = sourced?.shipments[0];
    try {
      const next = replacement
        ? reship(order, shipmentId, kind, replacement, now)
        : refund(order, shipmentId, kind, now);
      const saved = await saveOrderChange(ports.orders, order, {
        order: next,
        stock: sourced?.reservations ?? [],
        capacity: { claim: sourced?.claims ?? [] },
        shipmentPointers: replacement ? [replacement.shipmentId] : [],
        events: incidentChanges(order, next),
      });
      ports.metrics.count('IncidentsOpened', incidentsOpened(order, saved));
      const resolved = resolutionOf(saved, shipmentId);
      if (resolved) return resolved;
    } catch (error) {
      if (!(error instanceof ReservationConflict) && !(error instanceof VersionConflict)) throw error;
    }
  }
  throw new VersionConflict(
    `order ${orderId} kept changing while its incident on ${shipmentId} was resolved`,
  );
}

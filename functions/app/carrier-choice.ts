import { isoDay, parisDay } from '../core/carriers/calendar.ts';
import { carriersInForce } from '../core/carriers/carriers.ts';
import { type CarrierChoice, capacityKey, chooseCarrier } from '../core/carriers/choice.ts';
import { distanceKm, type Location } from '../core/network.ts';
import type { Order, Shipment } from '../core/orders/types.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import { IntegrityViolation } from '../shared/errors.ts';
import type { AppPorts, CarrierLedger } from './ports.ts';

/** A destination without coordinates is priced and dated as the farthest zone. */
const unknownDistanceKm = 500;
/** How long a carrier's day counter is kept after the day (TTL), in days. */
const capacityKeptDays = 35;

export interface ParcelToHand {
  order: Order;
  shipment: Shipment;
  from: Location | undefined;
  weightKg: number;
  now: Date;
}

/** On-time share by carrier, from the deliveries Relais has counted. */
export async function onTimeRates(
  carriers: Pick<CarrierLedger, 'deliveryCounts'>,
): Promise<Map<string, number>> {
  const counts = await carriers.deliveryCounts();
  return new Map(
    [...counts].filter(([, c]) => c.delivered > 0).map(([id, c]) => [id, c.onTime / c.delivered]),
  );
}

/**
 * The carrier for one parcel (the core's `chooseCarrier`), with a slot of its daily capacity
 * claimed for the shipment: when another dispatch took the last slot meanwhile, that carrier's
 * day counts as full and the choice is made again.
 */
export async function pickCarrier(
  ports: Pick<AppPorts, 'network' | 'carriers'>,
  parcel: ParcelToHand,
): Promise<{ carrier: CarrierChoice['carrier']; choice: CarrierChoice; capacityDay?: string | undefined }> {
  const { order, shipment, from, weightKg, now } = parcel;
  const [stored, rates] = await Promise.all([ports.network.listCarriers(), onTimeRates(ports.carriers)]);
  const carriers = carriersInForce(stored);
  const address = order.delivery.address;
  const input = {
    carriers,
    parcel: {
      weightKg,
      distanceKm:
        from && address?.lat !== undefined && address.lon !== undefined
          ? distanceKm(from, { lat: address.lat, lon: address.lon })
          : unknownDistanceKm,
      postcode: address?.postcode,
    },
    from: from ?? {},
    now,
    service: order.delivery.service ?? 'standard',
    promisedDate: shipment.promisedDate,
    co2PricePerKg: sourcingProfileFor(order.channel).costs.co2PricePerKg,
    onTimeRate: rates,
  };
  const limited = carriers.filter((c) => c.dailyCapacity !== undefined);
  // the departure days a choice can fall on: the Paris days of the coming week
  const today = parisDay(now).day.getTime();
  const days = [0, 1, 2, 3, 4, 5, 6, 7].map((d) => isoDay(new Date(today + d * 86_400_000)));
  const used = await ports.carriers.capacityUsed(
    limited.flatMap((c) => days.map((day) => ({ carrierId: c.carrierId, day }))),
  );
  for (let attempt = 0; attempt <= carriers.length; attempt++) {
    const choice = chooseCarrier({ ...input, capacityUsed: used });
    if (!choice) break;
    const { dailyCapacity } = choice.carrier;
    if (dailyCapacity === undefined) return { carrier: choice.carrier, choice };
    const day = choice.chosen.departureDay;
    const expiresAt = new Date(Date.parse(day) + capacityKeptDays * 86_400_000);
    if (
      await ports.carriers.claimCapacity(
        { carrierId: choice.carrier.carrierId, day, dailyCapacity },
        shipment.shipmentId,
        expiresAt,
      )
    )
      return { carrier: choice.carrier, choice, capacityDay: day };
    used.set(capacityKey(choice.carrier.carrierId, day), dailyCapacity);
  }
  throw new IntegrityViolation(`no carrier can take shipment ${shipment.shipmentId} (${weightKg} kg)`);
}

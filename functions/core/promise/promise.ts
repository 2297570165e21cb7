import { addCarrierDays, departureDay, isoDay } from '../carriers/calendar.ts';
import { interimCarrierFor } from '../carriers/carriers.ts';
import type { DeliveryMode, Service } from '../orders/types.ts';
import type { PlannedShipment } from '../sourcing/types.ts';

export interface PromiseOption {
  mode: DeliveryMode;
  service: Service;
  carrierId?: string;
  locationIds: string[];
  earliestDate: string;
  latestDate: string;
  cost: number;
  co2Kg: number;
}

/** Rough road-parcel emission factor (kg CO2 per tonne-km), replaced by carrier factors later. */
const co2KgPerTonneKm = 0.12;

/** Delivery options for a sourced plan: one per service for home delivery, pickup for the others. */
export function promiseOptions(mode: DeliveryMode, shipments: PlannedShipment[], at: Date): PromiseOption[] {
  const locationIds = shipments.map((s) => s.locationId);
  const weightKg = shipments.reduce((sum, s) => sum + s.weightKg, 0);
  const cost = Math.round(shipments.reduce((sum, s) => sum + s.cost, 0) * 100) / 100;
  const co2Kg =
    Math.round(
      shipments.reduce((sum, s) => sum + (s.weightKg / 1000) * s.distanceKm * co2KgPerTonneKm, 0) * 1000,
    ) / 1000;
  const leaves = departureDay(at);
  if (mode !== 'home') {
    const ready = isoDay(leaves);
    return [{ mode, service: 'standard', locationIds, earliestDate: ready, latestDate: ready, cost, co2Kg }];
  }
  return (['standard', 'express'] as const).map((service) => {
    const { carrier, offer } = interimCarrierFor(service, weightKg);
    return {
      mode,
      service,
      carrierId: carrier.carrierId,
      locationIds,
      earliestDate: isoDay(addCarrierDays(leaves, offer.transitDays.p50)),
      latestDate: isoDay(addCarrierDays(leaves, offer.transitDays.p90)),
      cost: service === 'express' ? Math.round(cost * 1.6 * 100) / 100 : cost,
      co2Kg: service === 'express' ? Math.round(co2Kg * 1.8 * 1000) / 1000 : co2Kg,
    };
  });
}

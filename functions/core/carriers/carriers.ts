import { createHash } from 'node:crypto';
import type { Service } from '../orders/types.ts';

export interface Carrier {
  carrierId: string;
  name: string;
  service: Service;
  transitDays: number;
  maxWeightKg: number;
  trackingPrefix: string;
}

/** The built-in carriers of the walking skeleton; rate cards and measured on-time rates come later. */
export const builtInCarriers: readonly Carrier[] = [
  {
    carrierId: 'colis-standard',
    name: 'Colis Standard',
    service: 'standard',
    transitDays: 2,
    maxWeightKg: 30,
    trackingPrefix: 'CS',
  },
  {
    carrierId: 'express-24',
    name: 'Express 24',
    service: 'express',
    transitDays: 1,
    maxWeightKg: 30,
    trackingPrefix: 'EX',
  },
  {
    carrierId: 'fret-lourd',
    name: 'Fret Lourd',
    service: 'standard',
    transitDays: 3,
    maxWeightKg: 1000,
    trackingPrefix: 'FL',
  },
];

/** The carrier for a parcel: the requested service if it can take the weight, else the heavy-freight one. */
export function chooseCarrier(service: Service, weightKg: number): Carrier {
  const fits = builtInCarriers.filter((c) => c.maxWeightKg >= weightKg);
  const carrier =
    fits.find((c) => c.service === service) ?? fits[0] ?? builtInCarriers[builtInCarriers.length - 1];
  if (!carrier) throw new Error('no carrier configured');
  return carrier;
}

export function findCarrier(carrierId: string): Carrier | undefined {
  return builtInCarriers.find((c) => c.carrierId === carrierId);
}

/** Deterministic per shipment, so that a retried dispatch asks for the same tracking number. */
export function trackingNumberFor(carrier: Carrier, shipmentId: string): string {
  const digits = BigInt(
    `0x${createHash('sha256').update(`${carrier.carrierId}:${shipmentId}`).digest('hex').slice(0, 15)}`,
  );
  return `${carrier.trackingPrefix}${digits.toString().padStart(18, '0').slice(-14)}FR`;
}

import { describe, expect, it } from 'vitest';
import { co2KgOf } from '../../functions/core/carriers/carriers.ts';
import { distanceKm, type GeoPoint, type Location } from '../../functions/core/network.ts';
import { defaultProfile } from '../../functions/core/sourcing/profile.ts';
import { type ReplayNetwork, type ReplayOrder, replay, sideBySide } from '../../tools/what-if.ts';

const network: ReplayNetwork = {
  locations: [
    { locationId: 'NEAR', name: 'Near', type: 'store', lat: 48.85, lon: 2.35, capabilities: ['ship'] },
    { locationId: 'FAR', name: 'Far', type: 'warehouse', lat: 45.76, lon: 4.84, capabilities: ['ship'] },
  ],
  products: [
    { sku: 'A', name: 'A', weightKg: 1 },
    { sku: 'B', name: 'B', weightKg: 1 },
  ],
  stock: [
    { locationId: 'NEAR', sku: 'A', onHand: 1 },
    { locationId: 'FAR', sku: 'A', onHand: 5 },
    { locationId: 'FAR', sku: 'B', onHand: 5 },
  ],
};
const paris = { line1: '1 rue', postcode: '75001', city: 'Paris', country: 'FR', lat: 48.86, lon: 2.34 };
const order = (lines: ReplayOrder['lines']): ReplayOrder => ({
  delivery: { mode: 'home', address: paris },
  lines,
});

describe('what-if replay', () => {
  it('consumes stock in sequence: the second order for the last near unit is served from afar', () => {
    const totals = replay(
      [order([{ sku: 'A', quantity: 1 }]), order([{ sku: 'A', quantity: 1 }])],
      network,
      defaultProfile,
    );
    expect(totals.filled).toBe(2);
    expect(totals.distanceKmPerOrder).toBeGreaterThan(100); // one of the two came from Lyon
  });

  it('counts the CO2 of the carrier each parcel was priced with (the one CO2 model)', () => {
    const totals = replay([order([{ sku: 'B', quantity: 1 }])], network, defaultProfile);
    // 1 kg from FAR (Lyon, national): Relais Points (4.90 € up to 1 kg) at its 0.18 kg per tonne-km
    const km = distanceKm(network.locations[1] as Location, paris as GeoPoint);
    expect(totals.co2KgPerOrder).toBeCloseTo(co2KgOf(0.18, 1, km), 3);
    expect(totals.co2KgPerOrder).toBeGreaterThan(0);
  });

  it('counts orders that cannot be filled, with their units', () => {
    const totals = replay([order([{ sku: 'B', quantity: 9 }])], network, defaultProfile);
    expect(totals).toMatchObject({ filled: 0, unfilledOrders: 1, unfilledUnits: 9 });
  });

  it('a profile limited to one shipment never splits, at a cost the table shows', () => {
    const orders = [
      order([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
      ]),
    ];
    const oneParcel = { ...defaultProfile, id: 'one-parcel', maxShipments: 1 };
    const a = replay(orders, network, defaultProfile);
    const b = replay(orders, network, oneParcel);
    expect(b.shipmentsPerOrder).toBe(1);
    expect(b.cost).toBeGreaterThanOrEqual(a.cost);
    const table = sideBySide(a, b);
    expect(table).toContain('A: default v3');
    expect(table).toContain('B: one-parcel v3');
    expect(table).toMatch(/shipments per order\s+\d/);
  });
});

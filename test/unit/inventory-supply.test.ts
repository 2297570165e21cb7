import { describe, expect, it } from 'vitest';
import {
  byArrival,
  canonicalSupply,
  expectedArrival,
  isSameSupply,
  publicSupply,
  type SupplyRequest,
} from '../../functions/core/inventory/supply.ts';
import { supplyBody } from '../../functions/shared/schemas.ts';

const request: SupplyRequest = {
  locationId: 'W1',
  sku: 'A',
  quantity: 12,
  expectedAt: '2030-03-02T10:00:00+02:00',
  kind: 'purchase_order',
};

describe('canonicalSupply', () => {
  it('keeps the expected date as a UTC instant, expected until received', () => {
    expect(canonicalSupply('PO-1', request)).toEqual({
      supplyId: 'PO-1',
      locationId: 'W1',
      sku: 'A',
      quantity: 12,
      expectedAt: '2030-03-02T08:00:00.000Z',
      kind: 'purchase_order',
      status: 'expected',
    });
  });

  it('carries the origin of a transfer', () => {
    expect(
      canonicalSupply('T-1', { ...request, kind: 'transfer', fromLocationId: 'W2' }).fromLocationId,
    ).toBe('W2');
  });
});

describe('isSameSupply', () => {
  it('is a replay when every field asks for the same, the date compared as an instant', () => {
    const stored = canonicalSupply('PO-1', request);
    expect(isSameSupply(stored, request)).toBe(true);
    expect(isSameSupply(stored, { ...request, expectedAt: '2030-03-02T08:00:00Z' })).toBe(true);
  });

  it('is an update when any field differs', () => {
    const stored = canonicalSupply('PO-1', request);
    for (const change of [
      { quantity: 13 },
      { locationId: 'W2' },
      { sku: 'B' },
      { expectedAt: '2030-03-02T08:00:01Z' },
      { kind: 'transfer' as const },
      { fromLocationId: 'W9' },
    ]) {
      expect(isSameSupply(stored, { ...request, ...change }), JSON.stringify(change)).toBe(false);
    }
  });
});

describe('views', () => {
  it('the record leaves storage fields out; an arrival names where, how many, when and what', () => {
    const stored = { ...canonicalSupply('PO-1', request), version: 3, createdAt: 'x', updatedAt: 'y' };
    expect(publicSupply(stored)).toEqual(canonicalSupply('PO-1', request));
    expect(expectedArrival(stored)).toEqual({
      supplyId: 'PO-1',
      locationId: 'W1',
      quantity: 12,
      expectedAt: '2030-03-02T08:00:00.000Z',
      kind: 'purchase_order',
    });
  });

  it('sorts arrivals earliest first, then by id', () => {
    const at = (supplyId: string, expectedAt: string) =>
      expectedArrival(canonicalSupply(supplyId, { ...request, expectedAt }));
    const sorted = [
      at('B', '2030-03-02T00:00:00Z'),
      at('C', '2030-01-01T00:00:00Z'),
      at('A', '2030-03-02T00:00:00Z'),
    ].sort(byArrival);
    expect(sorted.map((a) => a.supplyId)).toEqual(['C', 'A', 'B']);
  });
});

describe('supplyBody', () => {
  const fieldsOf = (body: unknown) =>
    (supplyBody.safeParse(body).error?.issues ?? []).map((issue) => issue.path.join('.')).sort();

  it('accepts a purchase order and a transfer', () => {
    expect(fieldsOf(request)).toEqual([]);
    expect(fieldsOf({ ...request, kind: 'transfer', fromLocationId: 'W2' })).toEqual([]);
  });

  it('names each bad field', () => {
    expect(fieldsOf({ ...request, quantity: 0 })).toEqual(['quantity']);
    expect(fieldsOf({ ...request, quantity: 1.5 })).toEqual(['quantity']);
    expect(fieldsOf({ ...request, expectedAt: 'next week' })).toEqual(['expectedAt']);
    expect(fieldsOf({ ...request, kind: 'gift' })).toEqual(['kind']);
    expect(fieldsOf({ ...request, locationId: 'W 1' })).toEqual(['locationId']);
    expect(fieldsOf({ ...request, fromLocationId: 'W1' })).toEqual(['fromLocationId']);
    expect(fieldsOf({})).toEqual(['expectedAt', 'kind', 'locationId', 'quantity', 'sku']);
  });
});

/** Key builders for every item Relais stores: pure functions, one place (see the access-pattern table in the README). */
export const keys = {
  order: (orderId: string) => ({ PK: `ORDER#${orderId}`, SK: 'ORDER' }),
  ordersIndex: (createdAt: string, orderId: string) => ({
    GSI1PK: 'ORDERS',
    GSI1SK: `${createdAt}#${orderId}`,
  }),
  shipment: (shipmentId: string) => ({ PK: `SHIPMENT#${shipmentId}`, SK: 'SHIPMENT' }),
  tracking: (trackingNumber: string) => ({ PK: `TRACKING#${trackingNumber}`, SK: 'TRACKING' }),
  carrierEvent: (carrierId: string, eventId: string) => ({
    PK: `CARRIER_EVENT#${carrierId}#${eventId}`,
    SK: 'EVENT',
  }),
  returnRecord: (returnId: string) => ({ PK: `RETURN#${returnId}`, SK: 'RETURN' }),
  stock: (sku: string, locationId: string) => ({ PK: `SKU#${sku}`, SK: `LOC#${locationId}` }),
  stockOfSku: (sku: string) => ({ PK: `SKU#${sku}` }),
  adjustment: (adjustmentId: string) => ({ PK: `ADJUSTMENT#${adjustmentId}`, SK: 'ADJUSTMENT' }),
  location: (locationId: string) => ({ PK: 'LOCATIONS', SK: `LOC#${locationId}` }),
  allLocations: () => ({ PK: 'LOCATIONS' }),
  product: (sku: string) => ({ PK: `PRODUCT#${sku}`, SK: 'PRODUCT' }),
} as const;

const keyAttributes = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'entity'] as const;

/** The stored item without its key attributes: what the domain sees. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const k of keyAttributes) delete copy[k];
  return copy as T;
}

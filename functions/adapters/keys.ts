/** Key builders for every item Relais stores: pure functions, one place (see the access-pattern table in the README). */
export const keys = {
  order: (orderId: string) => ({ PK: `ORDER#${orderId}`, SK: 'ORDER' }),
  ordersIndex: (createdAt: string, orderId: string) => ({
    GSI1PK: 'ORDERS',
    GSI1SK: `${createdAt}#${orderId}`,
  }),
  /** the one GSI1 partition listing every order, newest first */
  ordersIndexPartition: 'ORDERS',
  /** one part of an order change written in parts, with how to undo it, until the change commits */
  uncommittedEffects: (orderId: string, attempt: string, part: number) => ({
    PK: `ORDER#${orderId}`,
    SK: `UNCOMMITTED#${attempt}#${String(part).padStart(4, '0')}`,
  }),
  uncommittedEffectsOf: (orderId: string) => ({ PK: `ORDER#${orderId}`, SKPrefix: 'UNCOMMITTED#' }),
  shipment: (shipmentId: string) => ({ PK: `SHIPMENT#${shipmentId}`, SK: 'SHIPMENT' }),
  tracking: (trackingNumber: string) => ({ PK: `TRACKING#${trackingNumber}`, SK: 'TRACKING' }),
  /** an event id is the carrier's own, unique for one parcel: another parcel may reuse it */
  carrierEvent: (carrierId: string, trackingNumber: string, eventId: string) => ({
    PK: `CARRIER_EVENT#${carrierId}#${trackingNumber}#${eventId}`,
    SK: 'EVENT',
  }),
  returnRecord: (returnId: string) => ({ PK: `RETURN#${returnId}`, SK: 'RETURN' }),
  /** a copy of the return under its order's partition, so that one query lists an order's returns */
  orderReturn: (orderId: string, returnId: string) => ({ PK: `ORDER#${orderId}`, SK: `RETURN#${returnId}` }),
  returnsOfOrder: (orderId: string) => ({ PK: `ORDER#${orderId}`, SKPrefix: 'RETURN#' }),
  /** one notification of an order: its template and what it is about (a shipment, a return, `ORDER`) */
  notification: (orderId: string, template: string, about: string) => ({
    PK: `ORDER#${orderId}`,
    SK: `NOTIFY#${template}#${about}`,
  }),
  notificationsOfOrder: (orderId: string) => ({ PK: `ORDER#${orderId}`, SKPrefix: 'NOTIFY#' }),
  stock: (sku: string, locationId: string) => ({ PK: `SKU#${sku}`, SK: `LOC#${locationId}` }),
  stockOfSku: (sku: string) => ({ PK: `SKU#${sku}` }),
  adjustment: (adjustmentId: string) => ({ PK: `ADJUSTMENT#${adjustmentId}`, SK: 'ADJUSTMENT' }),
  /** every stock row of the network (a scan's filter): SKU partitions, location sort keys */
  allStockRows: { PKPrefix: 'SKU#', SKPrefix: 'LOC#' },
  /** the stock rows of a SKU, without the other items of its partition */
  stockRowsOfSku: (sku: string) => ({ PK: `SKU#${sku}`, SKPrefix: 'LOC#' }),
  /** a supply record, found by its id */
  supply: (supplyId: string) => ({ PK: `SUPPLY#${supplyId}`, SK: 'SUPPLY' }),
  /** a supply not yet received, in its SKU's partition, sorted by expected date (a UTC ISO instant) */
  expectedSupply: (sku: string, expectedAt: string, supplyId: string) => ({
    PK: `SKU#${sku}`,
    SK: `SUPPLY#${expectedAt}#${supplyId}`,
  }),
  expectedSupplyOfSku: (sku: string) => ({ PK: `SKU#${sku}`, SKPrefix: 'SUPPLY#' }),
  /** an order waiting for a supply of the SKU, oldest first by when it was backordered */
  backorderClaim: (sku: string, since: string, orderId: string, supplyId: string) => ({
    PK: `SKU#${sku}`,
    SK: `BACKORDER#${since}#${orderId}#${supplyId}`,
  }),
  backorderClaimsOfSku: (sku: string) => ({ PK: `SKU#${sku}`, SKPrefix: 'BACKORDER#' }),
  /** shipments a location has taken on one calendar day (`YYYY-MM-DD`) */
  capacity: (locationId: string, day: string) => ({ PK: `CAPACITY#${locationId}`, SK: `DAY#${day}` }),
  /** the network's version, raised with every write of a location, product or carrier (cache stamp) */
  networkVersion: () => ({ PK: 'NETWORK', SK: 'VERSION' }),
  location: (locationId: string) => ({ PK: 'LOCATIONS', SK: `LOC#${locationId}` }),
  allLocations: () => ({ PK: 'LOCATIONS' }),
  carrier: (carrierId: string) => ({ PK: 'CARRIERS', SK: `CARRIER#${carrierId}` }),
  allCarriers: () => ({ PK: 'CARRIERS' }),
  /** parcels a carrier has taken on one Paris day (`YYYY-MM-DD`), in the Inventory table */
  carrierCapacity: (carrierId: string, day: string) => ({
    PK: `CARRIER_CAPACITY#${carrierId}`,
    SK: `DAY#${day}`,
  }),
  /** the shipment that took one of those parcels, so that a retried dispatch claims once */
  carrierSlot: (carrierId: string, day: string, shipmentId: string) => ({
    PK: `CARRIER_CAPACITY#${carrierId}`,
    SK: `SLOT#${day}#${shipmentId}`,
  }),
  /** a carrier's delivery counters (delivered, on time), in the Network table */
  carrierPerformance: (carrierId: string) => ({ PK: 'CARRIER_PERFORMANCE', SK: `CARRIER#${carrierId}` }),
  allCarrierPerformance: () => ({ PK: 'CARRIER_PERFORMANCE' }),
  /** marks a shipment's delivery as counted, so that a repeated event counts once */
  countedDelivery: (shipmentId: string) => ({ PK: `DELIVERY_COUNTED#${shipmentId}`, SK: 'DELIVERY' }),
  /** an open business alert, in the Orders table's one partition of alerts (read whole: few are open) */
  alert: (alertId: string) => ({ PK: 'ALERTS', SK: `ALERT#${alertId}` }),
  openAlerts: () => ({ PK: 'ALERTS', SKPrefix: 'ALERT#' }),
  product: (sku: string) => ({ PK: `PRODUCT#${sku}`, SK: 'PRODUCT' }),
  /** one event waiting in the Outbox table for the stream to carry it to the bus (then TTL) */
  outboxEvent: (eventId: string) => ({ PK: `EVENT#${eventId}`, SK: 'EVENT' }),
  /** the channel allocation rules in force, one item in the Network table */
  channelRules: () => ({ PK: 'CHANNEL_RULES', SK: 'RULES' }),
  /** a transfer suggestion, in the Inventory table, kept a week (`expiresAt`) to be accepted */
  suggestion: (suggestionId: string) => ({ PK: `SUGGESTION#${suggestionId}`, SK: 'SUGGESTION' }),
  /** the S3 object key of a PDF label (a shipment's, or `return-<id>` for a return) */
  label: (labelId: string) => `labels/${labelId}.pdf`,
} as const;

const keyAttributes = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'entity'] as const;

/** The stored item without its key attributes: what the domain sees. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const k of keyAttributes) delete copy[k];
  return copy as T;
}

/**
 * Whether a page cursor decodes to a key of the orders index (what `GET /orders` hands out as
 * `next`); anything else is refused before it reaches DynamoDB.
 */
export function isOrdersPageCursor(cursor: string): boolean {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const names = Object.keys(key).sort().join(',');
    return (
      names === 'GSI1PK,GSI1SK,PK,SK' &&
      typeof key.PK === 'string' &&
      key.PK.startsWith('ORDER#') &&
      key.SK === 'ORDER' &&
      key.GSI1PK === keys.ordersIndexPartition &&
      typeof key.GSI1SK === 'string' &&
      key.GSI1SK.length > 0
    );
  } catch {
    return false;
  }
}

/** Where a cursor of the orders index stands: its `<createdAt>#<orderId>` sort key (a checked cursor only). */
export function ordersPageCursorPosition(cursor: string): string {
  const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { GSI1SK: string };
  return key.GSI1SK;
}

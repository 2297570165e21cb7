import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DetailType, eventSchemas } from '../../functions/shared/events.ts';
import { eventJsonSchema, eventSchemaDir } from '../../tools/publish-event-schemas.ts';

const at = '2026-11-21T10:00:00.000Z';
const shipmentStatusChanged = {
  orderId: 'o1',
  shipmentId: 'o1-s1',
  locationId: 'WH-LYON',
  mode: 'home',
  status: 'DISPATCHED',
  previousStatus: 'PACKED',
  orderStatus: 'SHIPPED',
  at,
};
const carrierTrackingEvent = {
  carrierId: 'colissimo',
  eventId: 'e1',
  trackingNumber: 'TRK1',
  status: 'IN_TRANSIT',
  occurredAt: at,
  receivedAt: at,
};

/**
 * Each case breaks one field of a detail that is otherwise valid, so the refusal can only come
 * from that field's rule: the issue's path names it and no other field is blamed.
 */
const brokenDetails: {
  detailType: DetailType;
  valid: Record<string, unknown>;
  field: string;
  value: unknown;
}[] = [
  {
    detailType: 'OrderRejected.v1',
    valid: { orderId: 'o1', reason: 'out of stock', at },
    field: 'at',
    value: 'yesterday',
  },
  {
    detailType: 'ShipmentStatusChanged.v1',
    valid: shipmentStatusChanged,
    field: 'status',
    value: 'TELEPORTED',
  },
  {
    detailType: 'ShipmentStatusChanged.v1',
    valid: shipmentStatusChanged,
    field: 'previousStatus',
    value: 'TELEPORTED',
  },
  {
    detailType: 'ShipmentStatusChanged.v1',
    valid: shipmentStatusChanged,
    field: 'orderStatus',
    value: 'TELEPORTED',
  },
  {
    detailType: 'CarrierTrackingEvent.v1',
    valid: carrierTrackingEvent,
    field: 'status',
    value: 'TELEPORTED',
  },
  {
    detailType: 'OrderDelivered.v1',
    valid: { orderId: 'o1', status: 'DELIVERED', at },
    field: 'status',
    value: 'SHIPPED',
  },
  {
    detailType: 'RefundRequested.v1',
    valid: { returnId: 'r1', orderId: 'o1', lines: [{ sku: 'A', quantity: 1 }], amount: 12.5, at },
    field: 'lines',
    value: [{ sku: 'A', quantity: 0 }],
  },
];

describe('the published event schemas', () => {
  it.each(Object.keys(eventSchemas) as DetailType[])('%s is published and up to date', (detailType) => {
    const committed = readFileSync(join(eventSchemaDir, `${detailType}.json`), 'utf8');
    expect(committed).toBe(eventJsonSchema(detailType));
  });

  it.each(brokenDetails)(
    '$detailType refuses $field = $value and accepts the same detail without it',
    ({ detailType, valid, field, value }) => {
      const schema = eventSchemas[detailType];
      expect(schema.safeParse(valid).success).toBe(true);
      const broken = schema.safeParse({ ...valid, [field]: value });
      expect(broken.success).toBe(false);
      expect(broken.error?.issues.map((issue) => issue.path[0])).toEqual([field]);
    },
  );
});

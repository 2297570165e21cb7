import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DetailType, eventSchemas } from '../../functions/shared/events.ts';
import { eventJsonSchema, eventSchemaDir } from '../../tools/publish-event-schemas.ts';

describe('the published event schemas', () => {
  it.each(Object.keys(eventSchemas) as DetailType[])('%s is published and up to date', (detailType) => {
    const committed = readFileSync(join(eventSchemaDir, `${detailType}.json`), 'utf8');
    expect(committed).toBe(eventJsonSchema(detailType));
  });

  it('refuses a detail that breaks its contract', () => {
    const valid = { orderId: 'o1', reason: 'out of stock', at: '2026-11-21T10:00:00.000Z' };
    expect(eventSchemas['OrderRejected.v1'].safeParse(valid).success).toBe(true);
    expect(eventSchemas['OrderRejected.v1'].safeParse({ ...valid, at: 'yesterday' }).success).toBe(false);
    expect(
      eventSchemas['ShipmentStatusChanged.v1'].safeParse({ ...valid, status: 'TELEPORTED' }).success,
    ).toBe(false);
  });
});

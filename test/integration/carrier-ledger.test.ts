/** The carrier ledger on DynamoDB Local: daily capacity claimed once per shipment, conditionally. */
import { describe, expect, it } from 'vitest';
import { useTestCloud } from '../support/fixture.ts';

const local = useTestCloud();
const expiresAt = new Date('2030-02-01T00:00:00.000Z');

describe('carrier daily capacity', () => {
  it('takes one parcel per shipment up to the capacity, refuses the next, and a retry claims nothing more', async () => {
    const { carriers } = local.ports;
    const slot = { carrierId: 'cl-courier', day: '2030-01-07', dailyCapacity: 2 };
    expect(await carriers.claimCapacity(slot, 'cl-S1', expiresAt)).toBe(true);
    expect(await carriers.claimCapacity(slot, 'cl-S1', expiresAt)).toBe(true);
    expect(await carriers.claimCapacity(slot, 'cl-S2', expiresAt)).toBe(true);
    expect(await carriers.claimCapacity(slot, 'cl-S3', expiresAt)).toBe(false);
    const used = await carriers.capacityUsed([
      { carrierId: 'cl-courier', day: '2030-01-07' },
      { carrierId: 'cl-courier', day: '2030-01-08' },
    ]);
    expect(used.get('cl-courier#2030-01-07')).toBe(2);
    expect(used.has('cl-courier#2030-01-08')).toBe(false);
  });

  it('two dispatches racing for the last parcel of the day: exactly one gets it', async () => {
    const slot = { carrierId: 'cl-race', day: '2030-01-07', dailyCapacity: 1 };
    const claims = await Promise.all(
      ['cl-A', 'cl-B', 'cl-C'].map((id) =>
        local.ports.carriers.claimCapacity(slot, id, expiresAt).catch(() => false),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

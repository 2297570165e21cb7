import { describe, expect, it } from 'vitest';
import { capacityClaimItem, capacityReleaseItem } from '../../functions/adapters/stock-movements.ts';
import {
  capacityRemaining,
  claimSlots,
  isCalendarDay,
  requireCalendarDay,
  slotsHeldBy,
} from '../../functions/core/inventory/capacity.ts';

const capacityMovement = (locationId: string, day: string, dailyCapacity: number) =>
  capacityClaimItem('inventory-unit-test', { locationId, day, dailyCapacity });
const capacityRelease = (locationId: string, day: string) =>
  capacityReleaseItem('inventory-unit-test', { locationId, day });

describe('isCalendarDay', () => {
  it('accepts days that exist, written YYYY-MM-DD', () => {
    for (const day of ['2030-01-01', '2028-02-29', '2030-12-31']) expect(isCalendarDay(day), day).toBe(true);
  });

  it('refuses other spellings and days that do not exist', () => {
    for (const day of [
      '2030-1-1',
      '2030-02-30',
      '2029-02-29',
      '2030-13-01',
      '2030-01-01T00:00:00Z',
      '',
      'today',
    ])
      expect(isCalendarDay(day), day).toBe(false);
    expect(() => requireCalendarDay('2030-02-30')).toThrow(RangeError);
  });
});

describe('capacityRemaining', () => {
  it('is the capacity minus what is used, never below zero', () => {
    expect(capacityRemaining(5, 0)).toBe(5);
    expect(capacityRemaining(5, 3)).toBe(2);
    expect(capacityRemaining(5, 5)).toBe(0);
    expect(capacityRemaining(5, 7)).toBe(0);
    expect(capacityRemaining(0, 0)).toBe(0);
  });

  it('is undefined (no limit) for a location without a daily capacity', () => {
    expect(capacityRemaining(undefined, 40)).toBeUndefined();
  });
});

describe('claimSlots and slotsHeldBy', () => {
  it('marks only shipments at limited locations with the day, one claim each', () => {
    const limits = new Map([
      ['W1', 5],
      ['W0', 0],
    ]);
    const { shipments, claims } = claimSlots(
      [{ locationId: 'W1' }, { locationId: 'FREE' }, { locationId: 'W0' }],
      (id) => limits.get(id),
      '2030-03-04',
    );
    expect(shipments).toEqual([
      { locationId: 'W1', capacityDay: '2030-03-04' },
      { locationId: 'FREE' },
      { locationId: 'W0', capacityDay: '2030-03-04' },
    ]);
    expect(claims).toEqual([
      { locationId: 'W1', day: '2030-03-04', dailyCapacity: 5 },
      { locationId: 'W0', day: '2030-03-04', dailyCapacity: 0 },
    ]);
    expect(slotsHeldBy(shipments)).toEqual([
      { locationId: 'W1', day: '2030-03-04' },
      { locationId: 'W0', day: '2030-03-04' },
    ]);
    expect(() => claimSlots([], () => 1, '4/3/2030')).toThrow(RangeError);
  });
});

describe('the capacity claim item', () => {
  it('increments the (location, day) counter, refused once the capacity is used', () => {
    const item = capacityMovement('W1', '2030-03-04', 5);
    expect(item.Update).toMatchObject({
      TableName: 'inventory-unit-test',
      Key: { PK: 'CAPACITY#W1', SK: 'DAY#2030-03-04' },
      UpdateExpression: expect.stringContaining('used = if_not_exists(used, :zero) + :one'),
      ConditionExpression: 'attribute_not_exists(used) OR used < :cap',
    });
    expect(item.Update?.ExpressionAttributeValues).toMatchObject({ ':cap': 5, ':one': 1, ':zero': 0 });
  });

  it('refuses even the first shipment of a location with no capacity', () => {
    // `attribute_not_exists(used)` would let the first one through
    expect(capacityMovement('W1', '2030-03-04', 0).Update?.ConditionExpression).toBe('used < :cap');
  });

  it('refuses a day that is not YYYY-MM-DD, before anything is sent', () => {
    expect(() => capacityMovement('W1', '04/03/2030', 5)).toThrow(RangeError);
  });

  it('a release gives one back, never below zero', () => {
    expect(capacityRelease('W1', '2030-03-04').Update).toMatchObject({
      Key: { PK: 'CAPACITY#W1', SK: 'DAY#2030-03-04' },
      UpdateExpression: 'SET used = used - :one',
      ConditionExpression: 'used >= :one',
    });
  });
});

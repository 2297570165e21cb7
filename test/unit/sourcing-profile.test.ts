import { describe, expect, it } from 'vitest';
import {
  defaultProfile,
  parseSourcingProfile,
  profileFor,
  type SourcingProfile,
  sourcingProfileSchema,
} from '../../functions/core/sourcing/profile.ts';

const profile = (id: string, version: number, channel?: SourcingProfile['channel']): SourcingProfile => ({
  ...defaultProfile,
  id,
  version,
  ...(channel ? { channel } : {}),
});

describe('sourcing profiles', () => {
  it('the default profile is valid data, and survives a JSON round trip', () => {
    expect(parseSourcingProfile(JSON.parse(JSON.stringify(defaultProfile)))).toEqual(defaultProfile);
  });

  it('refuses a profile with a negative weight, a missing weight, an unknown field or no shipment', () => {
    const json = JSON.parse(JSON.stringify(defaultProfile));
    const broken = [
      { ...json, costs: { ...json.costs, co2PricePerKg: -1 } },
      { ...json, costs: { ...json.costs, splitPenalty: undefined } },
      { ...json, costs: { ...json.costs, splitPenalti: 4 } },
      // the carriers' rate cards price a parcel now: a profile of the old shape is refused, not half read
      { ...json, costs: { ...json.costs, perParcel: 4.5 } },
      { ...json, maxShipments: 0 },
      { ...json, channel: 'fax' },
      { ...json, version: 1.5 },
    ];
    for (const input of broken) expect(sourcingProfileSchema.safeParse(input).success).toBe(false);
    expect(() => parseSourcingProfile(broken[0])).toThrow(/co2PricePerKg/);
    expect(() => parseSourcingProfile(broken[3])).toThrow(/perParcel/);
  });

  it("picks the newest version of the channel's own profile", () => {
    const profiles = [profile('web-a', 1, 'web'), profile('web-b', 3, 'web'), profile('any', 9)];
    expect(profileFor('web', profiles).id).toBe('web-b');
  });

  it('falls back to the newest profile for no channel in particular, then to the default', () => {
    const profiles = [profile('store', 2, 'store'), profile('any-1', 1), profile('any-2', 2)];
    expect(profileFor('marketplace', profiles).id).toBe('any-2');
    expect(profileFor(undefined, profiles).id).toBe('any-2');
    expect(profileFor('web', [profile('store', 2, 'store')])).toBe(defaultProfile);
  });

  it('breaks a tie on version by id, whatever the order of the list', () => {
    const profiles = [profile('b', 2, 'web'), profile('a', 2, 'web')];
    expect(profileFor('web', profiles).id).toBe('a');
    expect(profileFor('web', [...profiles].reverse()).id).toBe('a');
  });
});

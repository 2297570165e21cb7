import { defaultProfile, parseSourcingProfile, profileFor, type SourcingProfile } from './profile.ts';

/**
 * The sourcing profiles in force, as versioned data: the default for every channel, and the
 * marketplace's own (marketplaces rate sellers on split parcels, so splitting costs more there).
 * A new version is a new entry; orders name the id and version they were planned with.
 */
export const sourcingProfiles: readonly SourcingProfile[] = [
  defaultProfile,
  parseSourcingProfile({
    ...defaultProfile,
    id: 'marketplace',
    version: 3,
    channel: 'marketplace',
    maxShipments: 2,
    costs: { ...defaultProfile.costs, splitPenalty: 6 },
  }),
];

export function sourcingProfileFor(channel: SourcingProfile['channel']): SourcingProfile {
  return profileFor(channel, sourcingProfiles);
}

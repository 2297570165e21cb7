import { z } from 'zod';
import { channels } from '../orders/types.ts';

const eur = z.number().finite().nonnegative();

/**
 * The weights of the sourcing objective beside the carriers' rate cards, as data: a retailer tunes them per channel and keeps every
 * version, so an order's explanation names the profile (id and version) it was planned with.
 * Every weight is non-negative; bonuses and savings lower the cost by their own sign.
 */
export const sourcingProfileSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    version: z.number().int().positive(),
    /** absent: the profile of every channel that has none of its own */
    channel: z.enum(channels).optional(),
    /** parcels per order, each from a different location */
    maxShipments: z.number().int().min(1).max(20),
    /**
     * whether a plain line's units may leave from several locations (one SKU from two warehouses),
     * each part its own parcel; absent: they may. A kit never splits: its components leave together.
     */
    splitLines: z.boolean().optional(),
    /** a rule, not a cost: locations farther from the destination are excluded */
    maxDistanceKm: z.number().positive().optional(),
    costs: z
      .object({
        /** pick and pack at a location without its own `handlingCost` */
        defaultHandling: eur,
        /** each shipment beyond the first: customer annoyance, extra packaging */
        splitPenalty: eur,
        /** EUR per kg CO2e: the carrier's emissions (its factor, `co2KgOf`) are priced at it */
        co2PricePerKg: eur,
        /** EUR × (1 − performance) per shipment: a store that often misses its picks costs more */
        performancePenalty: eur,
        /** EUR per priority rank above 1 per shipment (rank 1 is the retailer's first choice) */
        priorityPenaltyPerRank: eur,
        /** EUR saved per unit of end-of-series product, or of surplus stock (see `surplusUnits`) */
        destockingBonusPerUnit: eur,
        /** a unit counts as surplus where the location holds at least this many available; absent: never */
        surplusUnits: z.number().int().positive().optional(),
        /** days of storage a unit shipped now no longer costs its location (× storageCostPerUnitDay) */
        storageDays: eur,
        /** EUR per day a shipment leaves late because its location's slots for today are taken; absent: 0 */
        lateDayPenalty: eur.optional(),
      })
      .strict(),
  })
  .strict();

export type SourcingProfile = z.infer<typeof sourcingProfileSchema>;

/**
 * The parcel's price comes from the carriers' rate cards and its CO2 from their factors (see
 * parcel-cost.ts); the profile prices CO2 at 0.10 € a kg and weighs the rest.
 */
export const defaultProfile: SourcingProfile = {
  id: 'default',
  version: 3,
  maxShipments: 4,
  splitLines: true,
  costs: {
    defaultHandling: 1.2,
    splitPenalty: 2,
    co2PricePerKg: 0.1,
    performancePenalty: 3,
    priorityPenaltyPerRank: 0.3,
    destockingBonusPerUnit: 0.5,
    storageDays: 30,
    lateDayPenalty: 1.5,
  },
};

/** Parses a profile read from a file or a table: a bad weight is an error, never a silent default. */
/** Whether the profile lets a plain line's units leave from several locations. */
export function splitsLines(profile: SourcingProfile): boolean {
  return profile.splitLines !== false;
}

export function parseSourcingProfile(input: unknown): SourcingProfile {
  return sourcingProfileSchema.parse(input);
}

/**
 * The profile for a channel: the newest version made for that channel, else the newest version of
 * a profile made for no channel in particular, else `defaultProfile`. Ties on version break on id.
 */
export function profileFor(
  channel: SourcingProfile['channel'],
  profiles: readonly SourcingProfile[],
): SourcingProfile {
  const newest = (matching: SourcingProfile[]) =>
    matching.reduce<SourcingProfile | undefined>(
      (best, p) =>
        !best || p.version > best.version || (p.version === best.version && p.id < best.id) ? p : best,
      undefined,
    );
  return (
    (channel && newest(profiles.filter((p) => p.channel === channel))) ??
    newest(profiles.filter((p) => p.channel === undefined)) ??
    defaultProfile
  );
}

import type { Location } from '../network.ts';
import type { DeliveryMode } from './types.ts';

/**
 * How long a store keeps a parcel for the customer once it is ready (DESIGN.md section 6.1,
 * holding periods): a location's own `holdMinutes`, else two days for an e-reservation (nothing
 * is paid yet) and a week for click & collect.
 */
export const defaultHoldMinutes: Record<Exclude<DeliveryMode, 'home'>, number> = {
  e_reservation: 2880,
  click_collect: 10080,
};

/** Why an order whose parcel was not collected in time ends CANCELLED. */
export const holdExpiredReason = 'hold expired';

export function holdMinutesAt(mode: DeliveryMode, store: Pick<Location, 'holdMinutes'> | undefined): number {
  if (store?.holdMinutes !== undefined) return store.holdMinutes;
  return mode === 'home' ? 0 : defaultHoldMinutes[mode];
}

/** The instant a hold taken `now` ends. */
export function holdUntil(
  mode: DeliveryMode,
  store: Pick<Location, 'holdMinutes'> | undefined,
  now: Date,
): string {
  return new Date(now.getTime() + holdMinutesAt(mode, store) * 60_000).toISOString();
}

/**
 * What is left of a hold, in whole seconds, as a task timeout: at least one, so that a hold that
 * ran out before the workflow got to wait on it still expires through the same path.
 */
export function secondsLeftOnHold(until: string, now: Date): number {
  return Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000));
}

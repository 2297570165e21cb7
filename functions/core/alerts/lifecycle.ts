import type { AlertCondition } from './rules.ts';

/** An open alert: a condition, since when it has held. */
export interface Alert extends AlertCondition {
  since: string;
}

export interface AlertChanges {
  /** conditions that hold and had no open alert: each is raised once */
  raise: Alert[];
  /** open alerts whose condition still holds, with today's severity and detail */
  refresh: Alert[];
  /** open alerts whose condition is gone */
  clear: Alert[];
}

/**
 * What to do with the open alerts given the conditions that hold now: an alert opens once (its
 * `since` is kept while the condition lasts) and clears when the condition no longer holds.
 */
export function reconcileAlerts(
  open: readonly Alert[],
  holding: readonly AlertCondition[],
  now: Date,
): AlertChanges {
  const openById = new Map(open.map((a) => [a.alertId, a]));
  const holdingIds = new Set(holding.map((c) => c.alertId));
  const raise: Alert[] = [];
  const refresh: Alert[] = [];
  for (const c of holding) {
    const existing = openById.get(c.alertId);
    if (!existing) raise.push({ ...c, since: now.toISOString() });
    else if (existing.severity !== c.severity || existing.detail !== c.detail)
      refresh.push({ ...c, since: existing.since });
  }
  return { raise, refresh, clear: open.filter((a) => !holdingIds.has(a.alertId)) };
}

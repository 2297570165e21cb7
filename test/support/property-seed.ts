/**
 * The seed of fast-check's property runs: fixed, so that `npm test` checks the same instances on
 * every run and a red CI means a change, not a draw. RELAIS_PROPERTY_SEED=<integer> explores other
 * instances; fast-check prints the seed and path of a failure, which replay it.
 */
export const defaultPropertySeed = 20251201;

export function propertySeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RELAIS_PROPERTY_SEED;
  if (raw === undefined || raw === '') return defaultPropertySeed;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`RELAIS_PROPERTY_SEED must be an integer, got ${raw}`);
  return seed;
}

import { VersionConflict } from '../shared/errors.ts';

/** What one attempt of a read-modify-write decided. */
export type Attempt<T> = { done: T } | { retry: true };

export const retry = { retry: true } as const;

/**
 * The one optimistic read-modify-write loop: `attempt` reads, decides and writes on the condition
 * that what it read is still current; when the write finds it moved (`retry`, or a VersionConflict
 * thrown by a repository) it runs again from a fresh read, at most `attempts` times, then gives up
 * with a VersionConflict (409 at the API; a workflow retries it by name).
 */
export async function optimistically<T>(
  what: string,
  attempt: () => Promise<Attempt<T>>,
  attempts = 5,
): Promise<T> {
  let lastConflict: unknown;
  for (let i = 1; i <= attempts; i++) {
    try {
      const outcome = await attempt();
      if ('done' in outcome) return outcome.done;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      lastConflict = error;
    }
  }
  throw new VersionConflict(`${what} kept changing; try again`, { cause: lastConflict });
}

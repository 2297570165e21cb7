/**
 * What a state machine's Catch hands the next state: `Error` is the thrown error's name (or the
 * name given to SendTaskFailure), `Cause` either the JSON Lambda reports for a thrown error
 * (`{errorType, errorMessage, trace}`) or the cause Relais sent with a task failure (`{reason}`).
 */
export interface WorkflowFailure {
  Error: string;
  Cause?: string | undefined;
}

/** The one reading of a Cause: the reason a person gave, else the error's message, else the raw text. */
export function failureReason(failure: WorkflowFailure | undefined, fallback = 'unknown failure'): string {
  if (!failure) return fallback;
  const cause = failure.Cause;
  if (!cause) return failure.Error || fallback;
  try {
    const parsed = JSON.parse(cause) as { reason?: unknown; errorMessage?: unknown };
    if (typeof parsed.reason === 'string') return parsed.reason;
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
    return cause;
  } catch {
    return cause;
  }
}

/** The Cause Relais sends when it fails a waiting task itself (the location's or customer's reason). */
export function taskFailureCause(reason: string): string {
  return JSON.stringify({ reason });
}

/**
 * How a failed task reaches aws-local-stepfunctions: the library matches `Retry`/`Catch`
 * `ErrorEquals` against the thrown error's `name` and puts its `message` in the caught `Cause`.
 */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * A function that throws fails its task the way Lambda reports it: Error is the thrown error's
 * `name` (Lambda's `errorType`), Cause the JSON Lambda returns, so `ErrorEquals: ["OutOfStock"]`
 * catches `class OutOfStock extends Error { name = 'OutOfStock' }`.
 */
export function lambdaFailure(thrown: unknown): TaskFailure {
  if (thrown instanceof TaskFailure) return thrown;
  const errorType = thrown instanceof Error && thrown.name ? thrown.name : 'Error';
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  return new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage }));
}

/**
 * Fails a task whose execution was stopped, or whose Map iteration or Parallel branch was
 * abandoned after a sibling failed. The library reads `isRetryable`/`isCatchable` on any error
 * (as on its own runtime errors), so this one is neither retried nor caught: a Retry would
 * otherwise invoke the function again for an iteration that no longer exists.
 */
export class TaskAborted extends TaskFailure {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(cause: string) {
    super('States.Aborted', cause);
  }
}

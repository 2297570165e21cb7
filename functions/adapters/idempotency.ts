import { AsyncLocalStorage } from 'node:async_hooks';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { IdempotencyConflict } from '../shared/errors.ts';

/** What a request that finds its key still in progress is told to wait (`Retry-After`). */
export const inProgressRetryAfterSeconds = 1;

/**
 * Runs `work` once per idempotency key (Powertools idempotency, records in the Idempotency table
 * for 24 h): the same key and body answer the stored result; the same key with another body, or
 * while the first is still running, is an IdempotencyConflict (409, with `Retry-After` for the latter).
 */
export function oncePerKey<B, R>(
  tableName: () => string,
  work: (body: B) => Promise<R>,
  options: {
    /** after an answer replayed from the record (the work did not run this time) */
    onReplay?: (result: R) => Promise<unknown>;
  } = {},
) {
  // whether the work ran in this call, per call: invocations may overlap in one process locally
  const calls = new AsyncLocalStorage<{ ran: boolean }>();
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: 24 * 3600,
  });
  let run: ((request: { key: string; body: B }) => Promise<R>) | undefined;
  return async (key: string, body: B, context: Context): Promise<R> => {
    run ??= makeIdempotent(
      (request: { key: string; body: B }) => {
        const call = calls.getStore();
        if (call) call.ran = true;
        return work(request.body);
      },
      {
        persistenceStore: new DynamoDBPersistenceLayer({ tableName: tableName() }),
        config,
      },
    );
    config.registerLambdaContext(context);
    const call = { ran: false };
    try {
      const result = await calls.run(call, () => (run as NonNullable<typeof run>)({ key, body }));
      if (!call.ran) await options.onReplay?.(result);
      return result;
    } catch (error) {
      if (error instanceof IdempotencyValidationError)
        throw new IdempotencyConflict('this Idempotency-Key was used with another body');
      if (error instanceof IdempotencyAlreadyInProgressError)
        // an intake takes well under a second: its retry then gets the stored answer
        throw new IdempotencyConflict(
          'a request with this Idempotency-Key is still in progress; retry shortly',
          {
            retryAfterSeconds: inProgressRetryAfterSeconds,
          },
        );
      throw error;
    }
  };
}

import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { IdempotencyConflict } from '../shared/errors.ts';

/**
 * Runs `work` once per idempotency key (Powertools idempotency, records in the Idempotency table
 * for 24 h): the same key and body answer the stored result; the same key with another body, or
 * while the first is still running, is an IdempotencyConflict (409).
 */
export function oncePerKey<B, R>(tableName: () => string, work: (body: B) => Promise<R>) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: 24 * 3600,
  });
  let run: ((request: { key: string; body: B }) => Promise<R>) | undefined;
  return async (key: string, body: B, context: Context): Promise<R> => {
    run ??= makeIdempotent((request: { key: string; body: B }) => work(request.body), {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: tableName() }),
      config,
    });
    config.registerLambdaContext(context);
    try {
      return await run({ key, body });
    } catch (error) {
      if (error instanceof IdempotencyValidationError)
        throw new IdempotencyConflict('this Idempotency-Key was used with another body');
      if (error instanceof IdempotencyAlreadyInProgressError)
        throw new IdempotencyConflict(
          'a request with this Idempotency-Key is still in progress; retry shortly',
        );
      throw error;
    }
  };
}

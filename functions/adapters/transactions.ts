import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { VersionConflict } from '../shared/errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Attempts at a transaction cancelled only because another transaction held one of its items
 * (`TransactionConflict`): on a hot SKU that is a matter of milliseconds, so it is tried again here
 * after a short jittered pause instead of failing the step (a workflow Retry waits a second, and
 * an intake would answer 409). A cancelled transaction wrote nothing, so trying again is safe.
 */
const conflictAttempts = 3;
const conflictPauseMs = (attempt: number) => (5 + Math.random() * 20) * 2 ** attempt;

/** The indexes of the items whose condition failed when a transaction was cancelled, or undefined if it succeeded. */
export async function writeTransaction(
  db: DynamoDBDocumentClient,
  items: TransactItem[],
): Promise<number[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length > 0) return failed;
      // Cancelled for another reason (a concurrent transaction on the same item): transient.
      if (attempt >= conflictAttempts)
        throw new VersionConflict('a concurrent write touched the same items', { cause: error });
      await new Promise((resolve) => setTimeout(resolve, conflictPauseMs(attempt)));
    }
  }
}

/** A conditional single-item write; false when its condition failed. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

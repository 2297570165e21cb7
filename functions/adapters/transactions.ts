import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { VersionConflict } from '../shared/errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The indexes of the items whose condition failed when a transaction was cancelled, or undefined if it succeeded. */
export async function writeTransaction(
  db: DynamoDBDocumentClient,
  items: TransactItem[],
): Promise<number[] | undefined> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
    return undefined;
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
    // Cancelled for another reason (a concurrent transaction on the same item): transient, retried by name.
    if (failed.length === 0)
      throw new VersionConflict('a concurrent write touched the same items', { cause: error });
    return failed;
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

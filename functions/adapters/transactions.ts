import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { VersionConflict } from '../shared/errors.ts';
import { documentClient } from './dynamodb.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The indexes of the items whose condition failed when a transaction was cancelled, or undefined if it succeeded. */
export async function writeTransaction(items: TransactItem[]): Promise<number[] | undefined> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
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

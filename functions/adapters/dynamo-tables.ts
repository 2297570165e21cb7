import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The DynamoDB tables of the stack, by role (names come from the environment on Lambda). */
export interface Tables {
  orders: string;
  inventory: string;
  network: string;
  idempotency: string;
  /** the transactional outbox: events written with their change, streamed to the bus */
  outbox: string;
}

/** What every DynamoDB adapter is built from: one document client and the table names. */
export interface DynamoContext {
  db: DynamoDBDocumentClient;
  tables: Tables;
}

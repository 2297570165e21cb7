import type { Tables } from '../../functions/adapters/dynamo-tables.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb.ts';
import { synthTemplate } from '../../local/synth.ts';
import { listTables } from '../../local/template/resources.ts';

/**
 * DynamoDB Local (in memory) with the stack's tables, as the integration tests start it; the
 * tables' names by role, for adapters built on a client pointed at its endpoint (no environment
 * variable is read or set).
 */
export async function startBenchTables(): Promise<{ dynamodb: DynamoDbLocal; tables: Tables }> {
  const definitions = listTables(await synthTemplate());
  const dynamodb = await startDynamoDbLocal({ inMemory: true });
  await createTables(dynamodb.endpoint, definitions);
  const named = (part: string) => {
    const table = definitions.find((t) => t.logicalId.includes(part));
    if (!table) throw new Error(`the template has no ${part} table`);
    return table.tableName;
  };
  return {
    dynamodb,
    tables: {
      orders: named('Orders'),
      inventory: named('Inventory'),
      network: named('Network'),
      idempotency: named('Idempotency'),
      outbox: named('Outbox'),
    },
  };
}

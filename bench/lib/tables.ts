import { env } from '../../lib/functions-manifest.ts';
import { localAccount } from '../../local/account.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb.ts';
import { synthTemplate } from '../../local/synth.ts';
import { listTables } from '../../local/template/resources.ts';

/**
 * DynamoDB Local (in memory) with the stack's tables, and the environment the adapters read set to
 * it, as the integration tests do. Import the adapters only after this resolves: their client reads
 * the endpoint when it is built.
 */
export async function startBenchTables(): Promise<{
  dynamodb: DynamoDbLocal;
  tables: Record<string, string>;
}> {
  const tables = listTables(await synthTemplate());
  const dynamodb = await startDynamoDbLocal({ inMemory: true });
  await createTables(dynamodb.endpoint, tables);
  const named = (part: string) => {
    const table = tables.find((t) => t.logicalId.includes(part));
    if (!table) throw new Error(`the template has no ${part} table`);
    return table.tableName;
  };
  const names = {
    [env.inventoryTable]: named('Inventory'),
    [env.ordersTable]: named('Orders'),
    [env.networkTable]: named('Network'),
    [env.idempotencyTable]: named('Idempotency'),
  };
  Object.assign(process.env, names, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_REGION: localAccount.region,
    AWS_ACCESS_KEY_ID: localAccount.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localAccount.credentials.secretAccessKey,
  });
  return { dynamodb, tables: names };
}

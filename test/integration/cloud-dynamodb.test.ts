import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTables,
  type DynamoDbLocal,
  localDynamoDbClient,
  startDynamoDbLocal,
} from '../../local/dynamodb.ts';
import { synthTemplate } from '../../local/synth.ts';
import { listTables, type TableDefinition } from '../../local/template/resources.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !alive(pid);
}

let tables: TableDefinition[];
let dynamodb: DynamoDbLocal;

beforeAll(async () => {
  [tables, dynamodb] = await Promise.all([
    synthTemplate().then((template) => listTables(template)),
    startDynamoDbLocal({ inMemory: true }),
  ]);
}, 180_000);

afterAll(() => dynamodb?.stop());

/** The template's tables under names of their own, so that each test starts from none of them. */
function tablesOf(test: string): TableDefinition[] {
  return tables.map((table) => {
    const tableName = `${table.tableName}-${test}`;
    return { ...table, tableName, createTableInput: { ...table.createTableInput, TableName: tableName } };
  });
}

describe('DynamoDB Local with the stack’s tables', () => {
  it('creates every table of the real template, with the orders GSI and the idempotency TTL', async () => {
    const ownTables = tablesOf('create');
    const result = await createTables(dynamodb.endpoint, ownTables);
    expect(result.created).toEqual(ownTables.map((t) => t.tableName).sort());
    expect(result.existing).toEqual([]);

    const client = localDynamoDbClient(dynamodb.endpoint);
    const orders = ownTables.find((t) => t.logicalId.includes('Orders'));
    const described = await client.send(new DescribeTableCommand({ TableName: orders?.tableName }));
    expect(described.Table?.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    expect(
      described.Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema]),
    ).toEqual([
      [
        'GSI1',
        [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
      ],
    ]);

    const idempotency = ownTables.find((t) => t.logicalId.includes('Idempotency'));
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: idempotency?.tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
    client.destroy();
  });

  it('is idempotent: a second call keeps the tables and their items', async () => {
    const ownTables = tablesOf('again');
    expect((await createTables(dynamodb.endpoint, ownTables)).created).toHaveLength(ownTables.length);
    const client = localDynamoDbClient(dynamodb.endpoint);
    const network = ownTables.find((t) => t.logicalId.includes('Network'));
    await client.send(
      new PutItemCommand({ TableName: network?.tableName, Item: { PK: { S: 'LOC#1' }, SK: { S: 'META' } } }),
    );
    const again = await createTables(dynamodb.endpoint, ownTables);
    expect(again.created).toEqual([]);
    expect(again.existing).toHaveLength(ownTables.length);
    const item = await client.send(
      new GetItemCommand({ TableName: network?.tableName, Key: { PK: { S: 'LOC#1' }, SK: { S: 'META' } } }),
    );
    expect(item.Item?.PK?.S).toBe('LOC#1');
    client.destroy();
  });

  it('adds a GSI the template gained to a table that already exists', async () => {
    const client = localDynamoDbClient(dynamodb.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: 'Evolving',
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await createTables(dynamodb.endpoint, [
      {
        logicalId: 'Evolving',
        tableName: 'Evolving',
        createTableInput: {
          TableName: 'Evolving',
          KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
          AttributeDefinitions: [
            { AttributeName: 'PK', AttributeType: 'S' },
            { AttributeName: 'GSI1PK', AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexes: [
            {
              IndexName: 'GSI1',
              KeySchema: [{ AttributeName: 'GSI1PK', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        },
      },
    ]);
    const described = await client.send(new DescribeTableCommand({ TableName: 'Evolving' }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['GSI1']);
    client.destroy();
  });
});

describe('DynamoDB Local process', () => {
  it('keeps data across restarts when not in memory, and leaves no java process after stop', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relais-ddb-test-'));
    try {
      const first = await startDynamoDbLocal({ inMemory: false, dataDir });
      await createTables(first.endpoint, tables);
      const client = localDynamoDbClient(first.endpoint);
      const inventory = tables.find((t) => t.logicalId.includes('Inventory'));
      await client.send(
        new PutItemCommand({
          TableName: inventory?.tableName,
          Item: { PK: { S: 'SKU#1' }, SK: { S: 'LOC#1' } },
        }),
      );
      client.destroy();
      // one JVM per database file: a second start on the same directory is refused while the first runs
      await expect(startDynamoDbLocal({ inMemory: false, dataDir })).rejects.toThrow(
        /in use by another local cloud/,
      );
      await first.stop();
      expect(alive(first.pid)).toBe(false);
      await first.stop(); // twice is fine

      const second = await startDynamoDbLocal({ inMemory: false, dataDir });
      try {
        expect((await createTables(second.endpoint, tables)).created).toEqual([]);
        const reader = localDynamoDbClient(second.endpoint);
        const item = await reader.send(
          new GetItemCommand({
            TableName: inventory?.tableName,
            Key: { PK: { S: 'SKU#1' }, SK: { S: 'LOC#1' } },
          }),
        );
        expect(item.Item?.PK?.S).toBe('SKU#1');
        reader.destroy();
      } finally {
        await second.stop();
      }
      expect(alive(second.pid)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('dies with the process that started it, even when that process is killed with SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relais-ddb-orphan-'));
    const script = join(dir, 'start.mts');
    const module = new URL('../../local/dynamodb.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { startDynamoDbLocal } from ${JSON.stringify(module)};\n` +
        `const started = await startDynamoDbLocal({ inMemory: true });\n` +
        `console.log('PID ' + started.pid);\n` +
        `setInterval(() => {}, 1000);\n`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const javaPid = await new Promise<number>((resolve, reject) => {
        let output = '';
        parent.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /PID (\d+)/.exec(output);
          if (match) resolve(Number(match[1]));
        });
        parent.once('exit', (code) =>
          reject(new Error(`the parent exited (${code}) before DynamoDB Local started`)),
        );
      });
      expect(alive(javaPid)).toBe(true);
      parent.kill('SIGKILL');
      expect(await gone(javaPid, 10_000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

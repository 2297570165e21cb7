/**
 * Daily capacity counters against DynamoDB Local: a location with `dailyCapacity` N takes at most N
 * shipments a day, whatever the concurrency, because the increment rides in the allocation's
 * transaction with a condition on the limit; what is left is read back by `capacityLeft`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestCloud } from '../support/fixture.ts';

const { api } = useTestCloud();
// imported once the cloud has set the environment the adapters read (table names, endpoints)
let capacity: typeof import('../../functions/adapters/capacity-store.ts');
let transactions: typeof import('../../functions/adapters/transactions.ts');
let config: typeof import('../../functions/adapters/config.ts').config;

const location = (name: string, dailyCapacity?: number) => ({
  name,
  type: 'warehouse',
  lat: 45.76,
  lon: 4.84,
  capabilities: ['ship'],
  ...(dailyCapacity === undefined ? {} : { dailyCapacity }),
});

beforeAll(async () => {
  for (const [id, cap] of [
    ['icap-FIVE', 5],
    ['icap-ZERO', 0],
    ['icap-TWO', 2],
    ['icap-FREE', undefined],
  ] as const) {
    expect((await api.put(`/locations/${id}`, location(id, cap))).status).toBe(200);
  }
  capacity = await import('../../functions/adapters/capacity-store.ts');
  transactions = await import('../../functions/adapters/transactions.ts');
  config = (await import('../../functions/adapters/config.ts')).config;
}, 120_000);

/**
 * One allocation: the capacity increment and a record of the shipment, all or nothing. A
 * transaction that collides with another one on the counter is retried, as the reservation step is.
 */
async function allocate(shipmentId: string, locationId: string, day: string, dailyCapacity: number) {
  for (let attempt = 1; attempt <= 50; attempt++) {
    try {
      const failed = await transactions.writeTransaction([
        capacity.capacityMovement(locationId, day, dailyCapacity),
        {
          Put: {
            TableName: config.inventoryTable,
            Item: { PK: `icap-SHIPMENT#${shipmentId}`, SK: 'SHIPMENT', locationId, day },
          },
        },
      ]);
      return failed === undefined ? 'allocated' : 'refused';
    } catch (error) {
      if (!(error instanceof Error && error.name === 'VersionConflict')) throw error;
    }
  }
  throw new Error(`allocation ${shipmentId} kept colliding`);
}

describe('capacityMovement in a transaction', () => {
  it('20 concurrent allocations on a capacity of 5: exactly 5 commit, the 15 others write nothing', async () => {
    const day = '2030-03-04';
    expect(await capacity.capacityLeft(['icap-FIVE'], day)).toEqual(new Map([['icap-FIVE', 5]]));

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => allocate(`five-${i}`, 'icap-FIVE', day, 5)),
    );
    expect(outcomes.filter((o) => o === 'allocated')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(15);

    expect(await capacity.capacityUsed(['icap-FIVE'], day)).toEqual(new Map([['icap-FIVE', 5]]));
    expect(await capacity.capacityLeft(['icap-FIVE'], day)).toEqual(new Map([['icap-FIVE', 0]]));
    // the refused allocations left no shipment behind
    const { documentClient } = await import('../../functions/adapters/dynamodb.ts');
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const written = await Promise.all(
      outcomes.map(async (_, i) => {
        const { Item } = await documentClient.send(
          new GetCommand({
            TableName: config.inventoryTable,
            Key: { PK: `icap-SHIPMENT#five-${i}`, SK: 'SHIPMENT' },
            ConsistentRead: true,
          }),
        );
        return Item !== undefined;
      }),
    );
    expect(written).toEqual(outcomes.map((o) => o === 'allocated'));

    // a new day starts from zero; the full day stays full
    expect(await allocate('five-next-day', 'icap-FIVE', '2030-03-05', 5)).toBe('allocated');
    expect(await allocate('five-late', 'icap-FIVE', day, 5)).toBe('refused');
    expect(await capacity.capacityLeft(['icap-FIVE'], '2030-03-05')).toEqual(new Map([['icap-FIVE', 4]]));
  }, 60_000);

  it('a location with no capacity refuses even the first shipment', async () => {
    expect(await allocate('zero-0', 'icap-ZERO', '2030-03-04', 0)).toBe('refused');
    expect(await capacity.capacityLeft(['icap-ZERO'], '2030-03-04')).toEqual(new Map([['icap-ZERO', 0]]));
  });

  it('a release gives a shipment back, never below zero', async () => {
    const day = '2030-03-06';
    expect(await allocate('two-0', 'icap-TWO', day, 2)).toBe('allocated');
    expect(await allocate('two-1', 'icap-TWO', day, 2)).toBe('allocated');
    expect(await allocate('two-2', 'icap-TWO', day, 2)).toBe('refused');
    expect(await transactions.writeTransaction([capacity.capacityRelease('icap-TWO', day)])).toBeUndefined();
    expect(await capacity.capacityLeft(['icap-TWO'], day)).toEqual(new Map([['icap-TWO', 1]]));
    expect(await allocate('two-3', 'icap-TWO', day, 2)).toBe('allocated');
    // nothing to release on a day never used
    expect(await transactions.writeTransaction([capacity.capacityRelease('icap-TWO', '2030-03-07')])).toEqual(
      [0],
    );
  });
});

describe('capacityLeft', () => {
  it('reads each limited location, leaves out those without a limit or unknown', async () => {
    const day = '2030-04-01';
    const left = await capacity.capacityLeft(
      ['icap-FIVE', 'icap-TWO', 'icap-FREE', 'icap-NOWHERE', 'icap-TWO'],
      day,
    );
    expect(left).toEqual(
      new Map([
        ['icap-FIVE', 5],
        ['icap-TWO', 2],
      ]),
    );
    expect(await capacity.capacityUsed(['icap-FREE', 'icap-FIVE'], day)).toEqual(
      new Map([
        ['icap-FREE', 0],
        ['icap-FIVE', 0],
      ]),
    );
  });

  it('uses the locations it is given instead of reading the network', async () => {
    const day = '2030-03-04';
    const left = await capacity.capacityLeft(['icap-FIVE', 'icap-FREE'], day, [
      { locationId: 'icap-FIVE', dailyCapacity: 8 },
      { locationId: 'icap-FREE', dailyCapacity: undefined },
    ]);
    // 5 used that day (first test), out of the 8 given
    expect(left).toEqual(new Map([['icap-FIVE', 3]]));
  });

  it('refuses a day that is not YYYY-MM-DD', async () => {
    await expect(capacity.capacityLeft(['icap-FIVE'], '2030-3-4')).rejects.toThrow(RangeError);
  });
});

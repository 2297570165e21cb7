/**
 * Daily capacity counters against DynamoDB Local: a location with `dailyCapacity` N takes at most N
 * shipments a day, whatever the concurrency, because the increment rides in the allocation's
 * transaction with a condition on the limit; what is left is read back by `capacityLeft`.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { capacityClaimItem, capacityReleaseItem } from '../../functions/adapters/stock-movements.ts';
import { writeTransaction } from '../../functions/adapters/transactions.ts';
import { capacityLeft, laterCapacity } from '../../functions/app/sourcing-inputs.ts';
import type { Location } from '../../functions/core/network.ts';
import { useTestCloud } from '../support/fixture.ts';
import { localClients, localResources } from '../support/ports.ts';

const local = useTestCloud();
const { api } = local;
const db = () => localClients(local.cloud).dynamodb;
const inventoryTable = () => localResources(local.cloud).tables.inventory;

/** What each named location can still take on `day`, its capacity read from the network. */
async function leftAt(
  locationIds: string[],
  day: string,
  given?: Pick<Location, 'locationId' | 'dailyCapacity'>[],
) {
  const locations =
    given ??
    (await Promise.all(locationIds.map((id) => local.ports.network.getLocation(id)))).filter(
      (l): l is Location => l !== undefined,
    );
  return capacityLeft(local.ports.stock, locations, day);
}

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
}, 120_000);

/**
 * One allocation: the capacity increment and a record of the shipment, all or nothing. A
 * transaction that collides with another one on the counter is retried, as the reservation step is.
 */
async function allocate(shipmentId: string, locationId: string, day: string, dailyCapacity: number) {
  for (let attempt = 1; attempt <= 50; attempt++) {
    try {
      const failed = await writeTransaction(db(), [
        capacityClaimItem(inventoryTable(), { locationId, day, dailyCapacity }),
        {
          Put: {
            TableName: inventoryTable(),
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

describe('a capacity claim in a transaction', () => {
  it('20 concurrent allocations on a capacity of 5: exactly 5 commit, the 15 others write nothing', async () => {
    const day = '2030-03-04';
    expect(await leftAt(['icap-FIVE'], day)).toEqual(new Map([['icap-FIVE', 5]]));

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => allocate(`five-${i}`, 'icap-FIVE', day, 5)),
    );
    expect(outcomes.filter((o) => o === 'allocated')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(15);

    expect(await local.ports.stock.capacityUsed(['icap-FIVE'], day)).toEqual(new Map([['icap-FIVE', 5]]));
    expect(await leftAt(['icap-FIVE'], day)).toEqual(new Map([['icap-FIVE', 0]]));
    // the refused allocations left no shipment behind
    const written = await Promise.all(
      outcomes.map(async (_, i) => {
        const { Item } = await db().send(
          new GetCommand({
            TableName: inventoryTable(),
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
    expect(await leftAt(['icap-FIVE'], '2030-03-05')).toEqual(new Map([['icap-FIVE', 4]]));
  }, 60_000);

  it('a location with no capacity refuses even the first shipment', async () => {
    expect(await allocate('zero-0', 'icap-ZERO', '2030-03-04', 0)).toBe('refused');
    expect(await leftAt(['icap-ZERO'], '2030-03-04')).toEqual(new Map([['icap-ZERO', 0]]));
  });

  it('a release gives a shipment back, never below zero', async () => {
    const day = '2030-03-06';
    expect(await allocate('two-0', 'icap-TWO', day, 2)).toBe('allocated');
    expect(await allocate('two-1', 'icap-TWO', day, 2)).toBe('allocated');
    expect(await allocate('two-2', 'icap-TWO', day, 2)).toBe('refused');
    expect(
      await writeTransaction(db(), [capacityReleaseItem(inventoryTable(), { locationId: 'icap-TWO', day })]),
    ).toBeUndefined();
    expect(await leftAt(['icap-TWO'], day)).toEqual(new Map([['icap-TWO', 1]]));
    expect(await allocate('two-3', 'icap-TWO', day, 2)).toBe('allocated');
    // nothing to release on a day never used
    expect(
      await writeTransaction(db(), [
        capacityReleaseItem(inventoryTable(), { locationId: 'icap-TWO', day: '2030-03-07' }),
      ]),
    ).toEqual([0]);
  });
});

describe('capacityLeft', () => {
  it('reads each limited location, leaves out those without a limit or unknown', async () => {
    const day = '2030-04-01';
    const left = await leftAt(['icap-FIVE', 'icap-TWO', 'icap-FREE', 'icap-NOWHERE', 'icap-TWO'], day);
    expect(left).toEqual(
      new Map([
        ['icap-FIVE', 5],
        ['icap-TWO', 2],
      ]),
    );
    expect(await local.ports.stock.capacityUsed(['icap-FREE', 'icap-FIVE'], day)).toEqual(
      new Map([
        ['icap-FREE', 0],
        ['icap-FIVE', 0],
      ]),
    );
  });

  it('uses the locations it is given instead of reading the network', async () => {
    const day = '2030-05-02';
    for (const i of [0, 1, 2, 3, 4])
      expect(await allocate(`given-${i}`, 'icap-FIVE', day, 5)).toBe('allocated');
    const left = await leftAt(['icap-FIVE', 'icap-FREE'], day, [
      { locationId: 'icap-FIVE', dailyCapacity: 8 },
      { locationId: 'icap-FREE', dailyCapacity: undefined },
    ]);
    // 5 used that day, out of the 8 given (the stored capacity says 5)
    expect(left).toEqual(new Map([['icap-FIVE', 3]]));
  });

  it('refuses a day that is not YYYY-MM-DD', async () => {
    await expect(leftAt(['icap-FIVE'], '2030-3-4')).rejects.toThrow(RangeError);
  });
});

describe('laterCapacity', () => {
  it('finds, for a location full today, the first later carrier day with a slot, and none past the horizon', async () => {
    // Friday 2030-06-07 and Saturday 06-08 full at icap-TWO; Sunday 06-09 is no carrier day, nor is
    // Whit Monday 06-10 (a French public holiday): Tuesday 06-11 is the second carrier day after
    for (const day of ['2030-06-07', '2030-06-08'])
      for (const i of [0, 1])
        expect(await allocate(`later-${day}-${i}`, 'icap-TWO', day, 2)).toBe('allocated');
    const locations = [
      { locationId: 'icap-TWO', dailyCapacity: 2 },
      { locationId: 'icap-ZERO', dailyCapacity: 0 },
      { locationId: 'icap-FIVE', dailyCapacity: 5 },
    ];
    const today = await capacityLeft(local.ports.stock, locations, '2030-06-07');
    expect(today).toEqual(
      new Map([
        ['icap-TWO', 0],
        ['icap-ZERO', 0],
        ['icap-FIVE', 5],
      ]),
    );
    const later = await laterCapacity(local.ports.stock, locations, today, '2030-06-07');
    // icap-ZERO never has a slot: it stays out; icap-FIVE has one today: not looked at
    expect(later).toEqual(new Map([['icap-TWO', { day: '2030-06-11', daysLate: 2 }]]));
  });
});

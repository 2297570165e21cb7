import {
  type Backorder,
  backorderWaitSeconds,
  claimChanges,
  isOverdue,
} from '../core/inventory/backorders.ts';
import { markBackordered } from '../core/orders/order.ts';
import { chosenPromise } from '../core/promise/promise.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import { AwaitingSupply, NoSourcingPlan } from '../shared/errors.ts';
import { event } from './events.ts';
import type { FulfilmentPlan } from './fulfilment-plan.ts';
import { saveOrderChange } from './order-access.ts';
import type { AppPorts, StoredOrder } from './ports.ts';
import { optionsOfPlan } from './promise-delivery.ts';

type BackorderPorts = Pick<AppPorts, 'orders' | 'network'>;

/**
 * Stock cannot fill the order, expected supply can: the order is BACKORDERED, claims the units it
 * counts on (in the transaction that changes it, so that no unit is promised twice) and is promised
 * from the date they arrive (a preorder: from its release date). Deciding again later moves its
 * claims to what it needs then. Supply overdue past the grace ends the wait: NoSourcingPlan.
 * Throws AwaitingSupply with how long the workflow waits, unless a receipt wakes it first.
 */
export async function backorderOrder(
  ports: BackorderPorts,
  read: StoredOrder,
  sourced: StoredOrder,
  plan: Extract<FulfilmentPlan, { kind: 'supply' }>,
  at: Date,
): Promise<never> {
  if (isOverdue(plan.readyAt, at))
    throw new NoSourcingPlan(
      `the expected supply it waited for is overdue (due ${plan.readyAt.toISOString()}): no stock to fill it`,
    );
  const first = read.status !== 'BACKORDERED';
  const since = read.backorder?.since ?? at.toISOString();
  const backorder: Backorder = {
    since,
    claims: plan.claims,
    readyAt: plan.readyAt.toISOString(),
    ...(plan.releaseDate ? { releaseDate: plan.releaseDate } : {}),
  };
  const promise = first ? await promiseOf(ports, read, plan) : read.promise;
  const detail = plan.releaseDate
    ? `preorder: released on ${plan.releaseDate}`
    : `waiting for ${plan.claims.map((c) => `${c.quantity} ${c.sku} (${c.supplyId})`).join(', ')}`;
  // waiting is no failed reservation: the next decision starts with its attempts afresh
  const sourcing = sourced.sourcing && { ...sourced.sourcing, attempts: 0 };
  const order = markBackordered(
    { ...sourced, sourcing, promise: promise ?? read.promise },
    backorder,
    at,
    detail,
  );
  await saveOrderChange(ports.orders, read, {
    order,
    supplyClaims: {
      orderId: read.orderId,
      since,
      changes: claimChanges(read.backorder?.claims ?? [], plan.claims),
    },
    events: first
      ? [
          event('OrderBackordered.v1', {
            orderId: order.orderId,
            channel: order.channel,
            lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
            supply: plan.claims.map(({ supplyId, sku, quantity, expectedAt }) => ({
              supplyId,
              sku,
              quantity,
              expectedAt,
            })),
            readyAt: backorder.readyAt,
            preorder: plan.releaseDate !== undefined,
            releaseDate: plan.releaseDate,
            promisedDate: order.promise?.latestDate,
            at: order.updatedAt,
          }),
        ]
      : [],
  });
  throw AwaitingSupply.waiting(backorderWaitSeconds(backorder, at));
}

/** The promise of a backorder: the engine's option dated from when its supply is there. */
async function promiseOf(
  ports: Pick<AppPorts, 'network'>,
  order: StoredOrder,
  plan: Extract<FulfilmentPlan, { kind: 'supply' }>,
) {
  const option = chosenPromise(
    optionsOfPlan(plan, {
      delivery: order.delivery,
      at: plan.readyAt,
      carriers: await ports.network.listCarriers(),
      co2PricePerKg: sourcingProfileFor(undefined).costs.co2PricePerKg,
    }),
    order.delivery.service,
  );
  return (
    option && {
      service: option.service,
      earliestDate: option.earliestDate,
      latestDate: option.latestDate,
      carrierId: option.carrierId,
    }
  );
}

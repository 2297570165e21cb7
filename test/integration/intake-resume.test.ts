/**
 * An intake that stored its order but stopped before starting the workflow (a crash in between)
 * is finished by the client's retry: the same request again starts the workflow, and the order is
 * allocated; another request for that order id is still a conflict. A retry that comes while the
 * first request is still running is told when to come back (409 with `Retry-After`).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resourcesFromEnvironment } from '../../functions/adapters/aws-ports.ts';
import { inProgressRetryAfterSeconds, oncePerKey } from '../../functions/adapters/idempotency.ts';
import { receiveOrder } from '../../functions/app/receive-order.ts';
import { IdempotencyConflict } from '../../functions/shared/errors.ts';
import { problemFromDomainError } from '../../functions/shared/problem.ts';
import { orderBody } from '../../functions/shared/schemas.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, orderOf, untilStatus } from '../support/journey.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const local = useTestCloud({ network: 'ir' });
const { api, ids } = local;

describe('an intake stopped between storing the order and starting its workflow', () => {
  it('is completed by the retry: 202, the workflow started, the order allocated', async () => {
    const orderId = 'ir-ORD-STRANDED';
    const request = { ...homeOrder([{ sku: ids.mug, quantity: 1 }]), orderId };
    const crashing = {
      ...local.ports,
      workflows: {
        ...local.ports.workflows,
        startFulfilment: async () => {
          throw new Error('the process died here');
        },
      },
    };
    // the body as the HTTP handler hands it to the use case
    const body = orderBody.parse(request);
    await expect(receiveOrder(crashing, body, randomUUID)).rejects.toThrow('the process died here');
    expect((await orderOf(api, orderId)).status).toBe('RECEIVED');

    const retried = await api.placeOrder(request);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ orderId, status: 'RECEIVED' });
    await untilStatus(api, orderId, 'ALLOCATED');
  });

  it('still refuses another request that names a stored order (409)', async () => {
    const orderId = 'ir-ORD-TAKEN';
    expect((await api.placeOrder({ ...homeOrder([{ sku: ids.mug, quantity: 1 }]), orderId })).status).toBe(
      202,
    );
    const other = await api.placeOrder({ ...homeOrder([{ sku: ids.mug, quantity: 2 }]), orderId });
    expect(other.status).toBe(409);
  });
});

describe('a retry while the first request with its Idempotency-Key still runs', () => {
  it('is a 409 problem with Retry-After, and the retry after it gets the first answer', async () => {
    let finish: (value: { orderId: string }) => void = () => {};
    let started: () => void = () => {};
    const workStarted = new Promise<void>((resolve) => (started = resolve));
    const once = oncePerKey(
      () => resourcesFromEnvironment.tables.idempotency,
      () =>
        new Promise<{ orderId: string }>((resolve) => {
          finish = resolve;
          started();
        }),
    );
    const context = lambdaContext('ir-create-order');
    const key = `ir-key-${randomUUID()}`;
    const first = once(key, { orderId: 'ir-ORD-SLOW' }, context);
    // the work runs once its in-progress record is stored
    await workStarted;
    const refused = await once(key, { orderId: 'ir-ORD-SLOW' }, context).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IdempotencyConflict);
    const answer = problemFromDomainError(refused as IdempotencyConflict);
    expect(answer.statusCode).toBe(409);
    expect(answer.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': String(inProgressRetryAfterSeconds),
    });
    expect(JSON.parse(answer.body as string).detail).toMatch(/in progress/);

    finish({ orderId: 'ir-ORD-SLOW' });
    expect(await first).toEqual({ orderId: 'ir-ORD-SLOW' });
    expect(await once(key, { orderId: 'ir-ORD-SLOW' }, context)).toEqual({ orderId: 'ir-ORD-SLOW' });
  });

  it('another conflict (the same key with another body) has no Retry-After: retrying will not help', async () => {
    const once = oncePerKey(
      () => resourcesFromEnvironment.tables.idempotency,
      async (body: { n: number }) => ({ n: body.n }),
    );
    const context = lambdaContext('ir-create-order');
    const key = `ir-key-${randomUUID()}`;
    await once(key, { n: 1 }, context);
    const refused = await once(key, { n: 2 }, context).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IdempotencyConflict);
    expect(problemFromDomainError(refused as IdempotencyConflict).headers).not.toHaveProperty('retry-after');
  });
});

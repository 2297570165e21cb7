/**
 * An intake that stored its order but stopped before starting the workflow (a crash in between)
 * is finished by the client's retry: the same request again starts the workflow, and the order is
 * allocated; another request for that order id is still a conflict.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { receiveOrder } from '../../functions/app/receive-order.ts';
import { orderBody } from '../../functions/shared/schemas.ts';
import { useTestCloud } from '../support/fixture.ts';
import { homeOrder, orderOf, untilStatus } from '../support/journey.ts';

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

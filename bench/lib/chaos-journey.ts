import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Api } from '../driver.ts';
import type { OrderBody } from './journey-orders.ts';

/** What the people around an order do: confirm and deliver, change their mind, or refuse a pick. */
export type Behaviour = 'deliver' | 'cancel' | 'reject-first';

export const terminalStatuses = new Set(['DELIVERED', 'COLLECTED', 'CANCELLED', 'REJECTED']);

export interface ChaosShipment {
  shipmentId: string;
  status: string;
  locationId: string;
  lines: { sku: string; quantity: number }[];
  carrierId?: string;
  trackingNumber?: string;
}

export interface ChaosOrder {
  orderId: string;
  status: string;
  shipments: ChaosShipment[];
}

export interface JourneyResult {
  orderId: string;
  behaviour: Behaviour;
  /** the order's status when the journey stopped */
  status: string;
  /** the execution's status then */
  execution: string;
  /** answers the actors met and retried: 5xx, network errors, idempotent requests still in progress */
  serverErrors: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One order's journey driven as its actors do over HTTP while faults are injected: a 5xx answer
 * (or a dropped connection) is retried after a pause, as any client does, with the same
 * Idempotency-Key for the order itself. It stops when the order has ended, when its workflow has
 * ended without it (nothing will move it any more), or at the deadline.
 */
export async function chaosJourney(
  api: Api,
  sfn: SFNClient,
  executionArn: string,
  webhookSecret: string,
  orderId: string,
  body: OrderBody,
  behaviour: Behaviour,
  deadlineMs: number,
): Promise<JourneyResult> {
  let serverErrors = 0;
  /**
   * a 5xx, an idempotent request still in progress (its first attempt failed mid-way), or a write
   * that met a concurrent one and changed nothing (problem type version-conflict): retried later
   */
  const retryable = (answer: { status: number; body: unknown }) => {
    const problem = (answer.body ?? {}) as { detail?: string; type?: string };
    return (
      answer.status >= 500 ||
      (answer.status === 409 &&
        (/in progress/.test(String(problem.detail)) || String(problem.type).endsWith('/version-conflict')))
    );
  };
  const call = async (attempt: () => Promise<{ status: number; body: unknown }>) => {
    for (let tries = 0; ; tries++) {
      const answer = await attempt().catch(() => ({ status: 599, body: undefined }));
      if (!retryable(answer) || tries >= 40) return answer;
      serverErrors++;
      await sleep(50 * 2 ** Math.min(tries, 5));
    }
  };
  const key = `chaos-${orderId}`;
  const placed = await call(() =>
    api.call('POST', '/orders', 'POST /orders', JSON.stringify({ ...body, orderId }), {
      'idempotency-key': key,
    }),
  );
  if (placed.status !== 202)
    throw new Error(`POST /orders ${orderId}: ${placed.status} ${JSON.stringify(placed.body)}`);
  const answered = new Set<string>();
  const carried = new Set<string>();
  let cancelled = false;
  const deadline = Date.now() + deadlineMs;
  let execution = 'RUNNING';
  let order: ChaosOrder | undefined;
  while (Date.now() < deadline) {
    execution =
      (await sfn.send(new DescribeExecutionCommand({ executionArn })).catch(() => undefined))?.status ??
      'RUNNING';
    const got = await call(() => api.call('GET', `/orders/${orderId}`, 'GET /orders/{orderId}'));
    if (got.status === 200) order = got.body as ChaosOrder;
    if (order && terminalStatuses.has(order.status)) break;
    if (execution !== 'RUNNING' && got.status === 200) break;
    for (const [index, shipment] of (order?.shipments ?? []).entries()) {
      if (shipment.status === 'ALLOCATED' && !answered.has(shipment.shipmentId)) {
        if (behaviour === 'cancel') {
          if (!cancelled) {
            const answer = await call(() =>
              api.call('POST', `/orders/${orderId}/cancel`, 'POST /orders/{id}/cancel', '{}'),
            );
            cancelled = answer.status === 202;
          }
          continue;
        }
        const path =
          behaviour === 'reject-first' && index === 0
            ? `/shipments/${shipment.shipmentId}/reject`
            : `/shipments/${shipment.shipmentId}/confirm`;
        const answer = await call(() =>
          api.call('POST', path, 'POST /shipments/{id}/answer', JSON.stringify({ reason: 'shelf empty' })),
        );
        if (answer.status === 202) answered.add(shipment.shipmentId);
      }
      if (shipment.status === 'DISPATCHED' && !carried.has(shipment.shipmentId) && shipment.carrierId) {
        let delivered = true;
        for (const status of ['PICKED_UP', 'DELIVERED']) {
          const answer = await call(() =>
            api.carrierEvent(shipment.carrierId as string, webhookSecret, {
              trackingNumber: shipment.trackingNumber as string,
              status,
            }),
          );
          delivered &&= answer.status === 202;
        }
        if (delivered) carried.add(shipment.shipmentId);
      }
    }
    await sleep(60);
  }
  return { orderId, behaviour, status: order?.status ?? 'UNKNOWN', execution, serverErrors };
}

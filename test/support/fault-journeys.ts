import type { LocalCloud } from '../../local/cloud.ts';
import { type ApiClient, eventually } from './cloud.ts';
import { fulfilmentExecutionArn, homeOrder, orderOf, postCarrierEvent } from './journey.ts';

/**
 * How the outside world behaves in a journey driven through a fault: each actor (location,
 * carrier, customer) does what the order's state asks of it, over HTTP, until the order ends.
 * - `deliver`: every pick is confirmed, every parcel delivered;
 * - `reject-first`: the first location rejects its shipment (re-sourced elsewhere), then as deliver;
 * - `cancel`: the customer cancels once the order is allocated;
 * - `lose-first`: the carrier loses the first parcel (replaced), then as deliver;
 * - `return-to-sender`: the carrier sends the first parcel back, and it arrives back;
 * - `customer-return`: delivered, then the customer returns one unit and it is received.
 */
export type Scenario =
  | 'deliver'
  | 'reject-first'
  | 'cancel'
  | 'lose-first'
  | 'return-to-sender'
  | 'customer-return';

const terminal = new Set(['DELIVERED', 'COLLECTED', 'CANCELLED', 'REJECTED']);
const returnTerminal = new Set(['REFUNDED', 'REJECTED']);

export interface JourneyEnd {
  order: any;
  returned?: any;
  /** the workflow ended before the order (or the return) did: nothing will move it on its own */
  stalled: boolean;
}

interface Shipment {
  shipmentId: string;
  status: string;
  carrierId?: string;
  trackingNumber?: string;
}

export async function driveJourney(
  api: ApiClient,
  cloud: LocalCloud,
  orderId: string,
  sku: string,
  scenario: Scenario,
  /** whether a function is running: a wait counts as begun once the function that records it has returned */
  busy: (functionId: string) => boolean = () => false,
): Promise<JourneyEnd> {
  const placed = await api.placeOrder({ ...homeOrder([{ sku, quantity: 1, unitPrice: 10 }]), orderId });
  if (placed.status !== 202) throw new Error(`POST /orders: ${placed.status} ${JSON.stringify(placed.body)}`);
  const answered = new Set<string>();
  const carried = new Set<string>();
  let cancelled = false;
  let returnId: string | undefined;
  let returnParcel: Shipment | undefined;
  let returnReceived = false;
  let sentBack: Shipment | undefined;
  const fulfilment = fulfilmentExecutionArn(cloud, orderId);
  const ended = (executionArn: string) => {
    try {
      return cloud.stepFunctions.describeExecution({ executionArn }).status !== 'RUNNING';
    } catch {
      return false; // not started yet
    }
  };
  /**
   * The parcel arrives once the workflow waits for it, or can no longer: it never races the
   * recording of the wait (it comes days later in life). Seen twice in a row, so that a wait whose
   * function has just failed is not taken for one that holds.
   */
  const waitSeen = new Map<string, number>();
  const awaited = (executionArn: string, state: string, functionId: string) => {
    if (ended(executionArn)) return true;
    const waiting =
      !busy(functionId) &&
      cloud.stepFunctions.pendingTaskTokens(executionArn).some((task) => task.stateName === state);
    const seen = waiting ? (waitSeen.get(state) ?? 0) + 1 : 0;
    waitSeen.set(state, seen);
    return seen >= 2;
  };
  const carrier = async (parcel: Shipment, status: string, trackingNumber = parcel.trackingNumber) => {
    const answer = await postCarrierEvent(cloud.url, parcel.carrierId ?? '', {
      trackingNumber: trackingNumber ?? '',
      status,
      ...(status === 'RETURNED_TO_SENDER' ? { reason: 'refused' } : {}),
    });
    if (answer.status !== 202) throw new Error(`${status} for ${parcel.shipmentId}: ${answer.status}`);
    // applied (through the outbox pipe and the bus) before the journey looks again
    await cloud.idle();
  };

  return eventually(
    async () => {
      // read after asking whether the workflow ended, so that its last write is in what is read
      const over = ended(fulfilment);
      const order = await orderOf(api, orderId);
      // a parcel sent back arrives back, whatever became of the order
      if (sentBack && awaited(fulfilment, 'AwaitParcelBack', 'ShipmentIncident')) {
        await carrier(sentBack, 'RETURN_RECEIVED');
        sentBack = undefined;
        return undefined;
      }
      if (sentBack) return undefined;
      if (terminal.has(order.status)) {
        if (scenario !== 'customer-return' || order.status !== 'DELIVERED') return { order, stalled: false };
        if (returnId === undefined) {
          const created = await api.post(`/orders/${orderId}/returns`, {
            returnId: `R${orderId}`.slice(0, 64),
            lines: [{ sku, quantity: 1, reason: 'changed my mind' }],
          });
          if (created.status !== 201) return undefined;
          returnId = created.body.returnId as string;
          returnParcel = { ...(created.body as Shipment), shipmentId: returnId };
        }
        const returnArn = returnExecutionArn(cloud, returnId);
        const returnOver = ended(returnArn);
        const { body: returned } = await api.get(`/returns/${returnId}`);
        if (returnTerminal.has(returned.status)) return { order, returned, stalled: false };
        if (returnReceived && returnOver) return { order, returned, stalled: true };
        if (!returnReceived && returnParcel && awaited(returnArn, 'AwaitReturnReceipt', 'Return')) {
          await carrier(returnParcel, 'RETURN_RECEIVED');
          returnReceived = true;
        }
        return undefined;
      }
      if (over) return { order, stalled: true };
      const shipments = order.shipments as Shipment[];
      // the carrier's news comes once the workflow waits for it (days later, in life)
      const tracked = awaited(fulfilment, 'TrackShipment', 'TrackShipment');
      for (const [index, shipment] of shipments.entries()) {
        if (shipment.status === 'ALLOCATED' && !answered.has(shipment.shipmentId)) {
          if (scenario === 'cancel') {
            if (!cancelled && (await api.post(`/orders/${orderId}/cancel`)).status === 202) cancelled = true;
            continue;
          }
          const rejecting = scenario === 'reject-first' && index === 0;
          const answer = rejecting
            ? await api.post(`/shipments/${shipment.shipmentId}/reject`, { reason: 'shelf empty' })
            : await api.post(`/shipments/${shipment.shipmentId}/confirm`, {});
          if (answer.status === 202) answered.add(shipment.shipmentId);
        }
        if (shipment.status === 'DISPATCHED' && tracked && !carried.has(shipment.shipmentId)) {
          carried.add(shipment.shipmentId);
          if (scenario === 'lose-first' && index === 0) await carrier(shipment, 'LOST');
          else if (scenario === 'return-to-sender' && index === 0) {
            await carrier(shipment, 'RETURNED_TO_SENDER');
            sentBack = shipment;
          } else {
            await carrier(shipment, 'PICKED_UP');
            await carrier(shipment, 'DELIVERED');
          }
        }
      }
      return undefined;
    },
    `the ${scenario} journey of ${orderId} to end`,
    60_000,
  );
}

export function returnExecutionArn(cloud: LocalCloud, returnId: string): string {
  const machine = cloud.model.stateMachines.find((m) => /return/i.test(m.name));
  if (!machine) throw new Error('no return state machine in the template');
  return `${machine.arn.replace(':stateMachine:', ':execution:')}:${returnId}`;
}

/** The error names the execution's failed tasks and functions reported, in order. */
export function failuresIn(cloud: LocalCloud, executionArn: string): string[] {
  const { events = [] } = cloud.stepFunctions.getExecutionHistory({ executionArn, maxResults: 1000 });
  return events.flatMap((event) => {
    const error =
      event.lambdaFunctionFailedEventDetails?.error ??
      event.taskFailedEventDetails?.error ??
      event.executionFailedEventDetails?.error;
    return error === undefined ? [] : [error];
  });
}

export { fulfilmentExecutionArn };

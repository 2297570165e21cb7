import { randomUUID } from 'node:crypto';
import { signWebhook } from '../../functions/core/carriers/webhook-signature.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import type { Exchange } from './api-contract.ts';
import { type ApiClient, eventually, testWebhookSecret } from './cloud.ts';

/** The ids of the small network seeded under `prefix`: its locations and its products. */
export function smallNetworkIds(prefix: string) {
  return {
    lyon: `${prefix}-WH-LYON`,
    lille: `${prefix}-WH-LILLE`,
    store: `${prefix}-ST-PARIS`,
    mug: `${prefix}-MUG`,
    lamp: `${prefix}-LAMP`,
    kit: `${prefix}-KIT`,
  };
}

export type SmallNetworkIds = ReturnType<typeof smallNetworkIds>;

/** Two warehouses and a store around Paris and Lyon, three products (one a kit), stock. */
export async function seedSmallNetwork(api: ApiClient, prefix: string): Promise<SmallNetworkIds> {
  const ids = smallNetworkIds(prefix);
  const ok = async (answer: Promise<{ status: number; body: unknown }>) => {
    const { status, body } = await answer;
    if (status !== 200) throw new Error(`seed failed: ${status} ${JSON.stringify(body)}`);
  };
  await ok(
    api.put(`/locations/${ids.lyon}`, {
      name: 'Lyon',
      type: 'warehouse',
      lat: 45.76,
      lon: 4.84,
      capabilities: ['ship'],
    }),
  );
  await ok(
    api.put(`/locations/${ids.lille}`, {
      name: 'Lille',
      type: 'warehouse',
      lat: 50.63,
      lon: 3.06,
      capabilities: ['ship'],
    }),
  );
  await ok(
    api.put(`/locations/${ids.store}`, {
      name: 'Paris Rivoli',
      type: 'store',
      lat: 48.86,
      lon: 2.35,
      capabilities: ['ship', 'click_collect', 'e_reservation'],
    }),
  );
  await ok(api.put(`/products/${ids.mug}`, { name: 'Mug', weightKg: 0.4 }));
  await ok(api.put(`/products/${ids.lamp}`, { name: 'Lamp', weightKg: 2.5 }));
  await ok(
    api.put(`/products/${ids.kit}`, {
      name: 'Mug and lamp',
      weightKg: 2.9,
      kit: [
        { sku: ids.mug, quantity: 1 },
        { sku: ids.lamp, quantity: 1 },
      ],
    }),
  );
  await ok(api.put(`/inventory/${ids.lyon}/${ids.mug}`, { onHand: 10 }));
  await ok(api.put(`/inventory/${ids.lille}/${ids.mug}`, { onHand: 10 }));
  await ok(api.put(`/inventory/${ids.lyon}/${ids.lamp}`, { onHand: 3 }));
  await ok(api.put(`/inventory/${ids.store}/${ids.mug}`, { onHand: 4 }));
  return ids;
}

export const parisAddress = {
  line1: '1 rue de Rivoli',
  postcode: '75001',
  city: 'Paris',
  country: 'FR',
  lat: 48.8606,
  lon: 2.3376,
};
export const marseilleAddress = {
  line1: '2 quai du Port',
  postcode: '13002',
  city: 'Marseille',
  country: 'FR',
  lat: 43.2965,
  lon: 5.3698,
};

export function homeOrder(
  lines: { sku: string; quantity: number; unitPrice?: number }[],
  address = marseilleAddress,
) {
  return {
    channel: 'web',
    customer: { id: 'cust-1', email: 'a@example.com' },
    delivery: { mode: 'home', address },
    lines,
  };
}

export async function orderOf(api: ApiClient, orderId: string) {
  const { status, body } = await api.get(`/orders/${orderId}`);
  if (status !== 200) throw new Error(`GET /orders/${orderId}: ${status}`);
  return body;
}

export function untilStatus(api: ApiClient, orderId: string, wanted: string | string[]) {
  const statuses = Array.isArray(wanted) ? wanted : [wanted];
  return eventually(
    async () => {
      const order = await orderOf(api, orderId);
      return statuses.includes(order.status) ? order : undefined;
    },
    `order ${orderId} to reach ${statuses.join('|')}`,
  );
}

export function untilShipment(api: ApiClient, orderId: string, shipmentStatus: string, index = 0) {
  return eventually(async () => {
    const order = await orderOf(api, orderId);
    const live = order.shipments.filter((s: { status: string }) => s.status !== 'CANCELLED');
    return live[index]?.status === shipmentStatus ? order : undefined;
  }, `order ${orderId} shipment ${index} to reach ${shipmentStatus}`);
}

export async function stockOf(api: ApiClient, sku: string, locationId: string) {
  const { body } = await api.get(`/inventory/${sku}`);
  return body.locations.find((l: { locationId: string }) => l.locationId === locationId);
}

/** Posts a carrier event the way a carrier does: signed over the raw body. */
export async function postCarrierEvent(
  cloudUrl: string,
  carrierId: string,
  event: {
    trackingNumber: string;
    status: string;
    eventId?: string;
    occurredAt?: string;
    reason?: string;
    rawCode?: string;
  },
  options: {
    secret?: string;
    timestamp?: number;
    signature?: string | null;
    /** sees the request and its answer (to check them against the OpenAPI description) */
    onExchange?: (exchange: Exchange) => void;
  } = {},
) {
  const body = JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), ...event });
  const signature =
    options.signature === undefined
      ? signWebhook(options.secret ?? testWebhookSecret, body, options.timestamp)
      : options.signature;
  const path = `/webhooks/carriers/${carrierId}`;
  const response = await fetch(`${cloudUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'x-relais-signature': signature }),
    },
    body,
  });
  if (options.onExchange) {
    const text = await response.clone().text();
    options.onExchange({
      method: 'POST',
      path,
      requestBody: JSON.parse(body),
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : undefined,
    });
  }
  return response;
}

export function fulfilmentExecutionArn(cloud: LocalCloud, orderId: string): string {
  const machine = cloud.model.stateMachines.find((m) => /fulfil/i.test(m.name));
  if (!machine) throw new Error('no fulfilment state machine in the template');
  return `${machine.arn.replace(':stateMachine:', ':execution:')}:${orderId}`;
}

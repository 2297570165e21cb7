/**
 * Every route of the HTTP API as the OpenAPI description tells it, keyed by the route of the
 * manifest (`lib/functions-manifest.ts`): its parameters and body (the very zod schemas the
 * handler validates with, from `../schemas.ts`), its answer (`../responses.ts`) and the problems it
 * may answer. `document.ts` builds the description from the manifest and refuses a route that is
 * missing here, so a route cannot be deployed undescribed. A new route: one entry below.
 */
import { z } from 'zod';
import { notificationTemplates } from '../../core/notifications/templates.ts';
import * as answers from '../responses.ts';
import {
  adjustmentBody,
  availabilityQuery,
  cancelBody,
  carrierBody,
  carrierEventBody,
  channelBuffersBody,
  channelQuery,
  channelRulesBody,
  confirmBody,
  id,
  inspectionBody,
  locationBody,
  orderBody,
  ordersQuery,
  productBody,
  promiseBody,
  rejectBody,
  returnBody,
  stockCountBody,
  suggestionsQuery,
  supplyBody,
} from '../schemas.ts';

export const tags = {
  Network: 'Locations and products: the network orders are sourced from.',
  Inventory: 'Stock per location and SKU, channel buffers, expected supply.',
  Carriers: 'Carriers, their rate cards and the delivery promise.',
  Orders: 'Order intake, its lifecycle, cancellation and notifications.',
  Shipments: "A location's answers on its shipments, and their labels.",
  Returns: 'Returns, their labels and their grading.',
  Webhooks: 'Signed carrier tracking events.',
  Service: 'Liveness and this description.',
  Analytics: 'KPIs and the order history for an analytics pipeline; business alerts.',
  Replenishment: 'Transfer suggestions from demand against stock, accepted into transfers.',
} as const;

export interface RouteDescription {
  summary: string;
  description?: string;
  tag: keyof typeof tags;
  path?: z.ZodRawShape;
  query?: z.ZodRawShape;
  headers?: z.ZodRawShape;
  /** a JSON body; `optional` when a missing body means `{}` and `{}` is a valid request */
  body?: { schema: z.ZodType; optional?: boolean };
  /** the success answer: JSON with its schema, or a PDF */
  answer: { status: 200 | 201 | 202; description: string } & (
    | { schema: z.ZodType }
    | { pdf: true }
    | { ndjson: true }
  );
  /**
   * The problem+json answers this route gives besides the ones every route of its kind gives
   * (400 with a path, query or body; 413 with a body; 401 behind the authorizer; 500), by status.
   */
  problems?: Partial<Record<401 | 404 | 409 | 422, string>>;
}

/** A period of the order history (ISO instants or days; default the last 24 hours), and a channel. */
const analyticsPeriod = {
  from: z.string().optional().meta({ description: 'ISO instant or YYYY-MM-DD (default: `to` minus 24 h)' }),
  to: z.string().optional().meta({ description: 'ISO instant or YYYY-MM-DD (default: now)' }),
  channel: channelQuery.channel,
};

const unknownReference = 'an unknown SKU or location (errors[] names it)';

export const routeDescriptions: Record<string, RouteDescription> = {
  'GET /health': {
    summary: 'Liveness probe',
    tag: 'Service',
    answer: { status: 200, description: 'the API answers', schema: answers.healthAnswer },
  },
  'GET /openapi.json': {
    summary: 'This OpenAPI 3.1 description',
    tag: 'Service',
    answer: {
      status: 200,
      description: 'the description, with this API as its server',
      schema: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
    },
  },
  'PUT /locations/{locationId}': {
    summary: 'Create or replace a location',
    tag: 'Network',
    path: { locationId: id },
    body: { schema: locationBody.meta({ id: 'LocationRequest' }) },
    answer: { status: 200, description: 'the stored location', schema: answers.locationAnswer },
  },
  'GET /locations': {
    summary: 'List the locations',
    tag: 'Network',
    answer: { status: 200, description: 'every location, by id', schema: answers.locationsAnswer },
  },
  'GET /locations/{locationId}': {
    summary: 'Get a location',
    tag: 'Network',
    path: { locationId: id },
    answer: { status: 200, description: 'the location', schema: answers.locationAnswer },
    problems: { 404: 'no such location' },
  },
  'PUT /products/{sku}': {
    summary: 'Create or replace a product (or a kit of products)',
    tag: 'Network',
    path: { sku: id },
    body: { schema: productBody.meta({ id: 'ProductRequest' }) },
    answer: { status: 200, description: 'the stored product', schema: answers.productAnswer },
    problems: { 422: 'a kit component is not a known product' },
  },
  'PUT /inventory/{locationId}/{sku}': {
    summary: 'Absolute stock count',
    description: 'From a WMS or POS; reservations are kept and `available` recomputed.',
    tag: 'Inventory',
    path: { locationId: id, sku: id },
    body: { schema: stockCountBody.meta({ id: 'StockCountRequest' }) },
    answer: { status: 200, description: 'the stock row', schema: answers.stockRowAnswer },
    problems: { 409: 'a count with a later `asOf` is already applied', 422: unknownReference },
  },
  'PUT /inventory/{locationId}/{sku}/channel-buffers': {
    summary: "Replace a stock row's channel buffers",
    description: '`{}` clears every buffer; a missing body is refused.',
    tag: 'Inventory',
    path: { locationId: id, sku: id },
    body: { schema: channelBuffersBody.meta({ id: 'ChannelBuffersRequest' }) },
    answer: { status: 200, description: 'the stock row', schema: answers.stockRowAnswer },
    problems: { 422: unknownReference },
  },
  'POST /inventory/adjustments': {
    summary: 'Stock delta, applied once per adjustmentId',
    tag: 'Inventory',
    body: { schema: adjustmentBody.meta({ id: 'AdjustmentRequest' }) },
    answer: { status: 200, description: 'the stock row', schema: answers.stockRowAnswer },
    problems: {
      409: 'on hand would drop below reserved, or the adjustmentId was applied to another row',
      422: unknownReference,
    },
  },
  'GET /inventory/{sku}': {
    summary: 'A SKU across the network',
    tag: 'Inventory',
    path: { sku: id },
    query: channelQuery,
    answer: {
      status: 200,
      description: 'stock per location and expected supply',
      schema: answers.inventoryAnswer,
    },
    problems: { 404: 'no such product' },
  },
  'GET /availability': {
    summary: 'Available to sell, and the nearest locations that have it',
    tag: 'Inventory',
    query: availabilityQuery,
    answer: { status: 200, description: 'one item per SKU asked for', schema: answers.availabilityAnswer },
  },
  'PUT /supply/{supplyId}': {
    summary: 'Record an inbound transfer or purchase order',
    tag: 'Inventory',
    path: { supplyId: id },
    body: { schema: supplyBody.meta({ id: 'SupplyRequest' }) },
    answer: { status: 200, description: 'the supply record', schema: answers.supplyAnswer },
    problems: { 409: 'the supply was received: it can no longer change', 422: unknownReference },
  },
  'GET /supply/{supplyId}': {
    summary: 'Get a supply record',
    tag: 'Inventory',
    path: { supplyId: id },
    answer: { status: 200, description: 'the supply record', schema: answers.supplyAnswer },
    problems: { 404: 'no such supply' },
  },
  'POST /supply/{supplyId}/receive': {
    summary: 'Receive a supply: on hand grows by its quantity, once',
    tag: 'Inventory',
    path: { supplyId: id },
    answer: {
      status: 200,
      description: 'the received supply and its stock row',
      schema: answers.receivedSupplyAnswer,
    },
    problems: { 404: 'no such supply', 409: 'already received' },
  },
  'PUT /carriers/{carrierId}': {
    summary: "Create or replace a carrier (the retailer's own replaces a built-in one)",
    tag: 'Carriers',
    path: { carrierId: id },
    body: { schema: carrierBody.meta({ id: 'CarrierRequest' }) },
    answer: { status: 200, description: 'the stored carrier', schema: answers.carrierAnswer },
  },
  'GET /carriers': {
    summary: 'List the carriers in force',
    tag: 'Carriers',
    answer: {
      status: 200,
      description: 'built-in carriers and the retailer’s own',
      schema: answers.carriersAnswer,
    },
  },
  'GET /carriers/{carrierId}': {
    summary: 'Get a carrier with its measured on-time rate',
    tag: 'Carriers',
    path: { carrierId: id },
    answer: { status: 200, description: 'the carrier', schema: answers.carrierAnswer },
    problems: { 404: 'no such carrier' },
  },
  'POST /promise': {
    summary: 'Delivery options with dates and cost, before purchase',
    tag: 'Carriers',
    body: { schema: promiseBody.meta({ id: 'PromiseRequest' }) },
    answer: { status: 200, description: 'the options', schema: answers.promiseAnswer },
    problems: { 422: unknownReference },
  },
  'POST /orders': {
    summary: 'Place an order (one per Idempotency-Key)',
    description:
      'The same key with the same body answers the same; with another body, 409. The fulfilment ' +
      'workflow starts at once; follow the order with `GET /orders/{orderId}`.',
    tag: 'Orders',
    headers: { 'Idempotency-Key': z.string().min(1).max(255) },
    body: { schema: orderBody.meta({ id: 'OrderRequest' }) },
    answer: { status: 202, description: 'the order was received', schema: answers.orderAcceptedAnswer },
    problems: {
      409: 'the key was used with another body, the orderId exists, or the first request is still in progress (Retry-After)',
      422: unknownReference,
    },
  },
  'GET /orders/{orderId}': {
    summary: 'Get an order with its shipments, sourcing, promise and history',
    tag: 'Orders',
    path: { orderId: id },
    answer: { status: 200, description: 'the order', schema: answers.orderAnswer },
    problems: { 404: 'no such order' },
  },
  'GET /orders': {
    summary: 'A page of orders, newest first',
    tag: 'Orders',
    query: ordersQuery,
    answer: { status: 200, description: 'the page', schema: answers.ordersPageAnswer },
  },
  'POST /orders/{orderId}/cancel': {
    summary: 'Cancel an order',
    tag: 'Orders',
    path: { orderId: id },
    body: { schema: cancelBody.meta({ id: 'CancelRequest' }), optional: true },
    answer: {
      status: 202,
      description: 'the cancellation was requested',
      schema: answers.cancelAcceptedAnswer,
    },
    problems: { 404: 'no such order', 409: 'the order can no longer be cancelled' },
  },
  'GET /orders/{orderId}/notifications': {
    summary: 'What the customer was told',
    tag: 'Orders',
    path: { orderId: id },
    answer: {
      status: 200,
      description: `the notifications, oldest first (templates: ${notificationTemplates.join(', ')})`,
      schema: answers.notificationsAnswer,
    },
    problems: { 404: 'no such order' },
  },
  'POST /shipments/{shipmentId}/confirm': {
    summary: 'The location has picked and packed the shipment',
    tag: 'Shipments',
    path: { shipmentId: id },
    body: { schema: confirmBody.meta({ id: 'ConfirmRequest' }), optional: true },
    answer: {
      status: 202,
      description: 'the confirmation was taken',
      schema: answers.shipmentAnswerAccepted,
    },
    problems: { 404: 'no such shipment', 409: 'the shipment is not awaiting this answer' },
  },
  'POST /shipments/{shipmentId}/reject': {
    summary: 'The location cannot ship it: its lines are sourced elsewhere',
    tag: 'Shipments',
    path: { shipmentId: id },
    body: { schema: rejectBody.meta({ id: 'RejectRequest' }) },
    answer: { status: 202, description: 'the rejection was taken', schema: answers.shipmentAnswerAccepted },
    problems: { 404: 'no such shipment', 409: 'the shipment is not awaiting this answer' },
  },
  'POST /shipments/{shipmentId}/collected': {
    summary: 'The customer collected the click & collect order',
    tag: 'Shipments',
    path: { shipmentId: id },
    answer: { status: 202, description: 'the collection was taken', schema: answers.shipmentAnswerAccepted },
    problems: { 404: 'no such shipment', 409: 'the shipment is not ready for pickup' },
  },
  'GET /shipments/{shipmentId}/label': {
    summary: "The shipment's PDF label (Code 128 barcode)",
    tag: 'Shipments',
    path: { shipmentId: id },
    answer: { status: 200, description: 'the label', pdf: true },
    problems: { 404: 'no such shipment, or no label yet' },
  },
  'POST /webhooks/carriers/{carrierId}': {
    summary: 'A tracking event from a carrier, signed',
    description:
      'Authenticated by `X-Relais-Signature` (no bearer token). A repeated `eventId` is accepted ' +
      'with no second effect; a late event never moves a shipment backwards.',
    tag: 'Webhooks',
    path: { carrierId: id },
    body: { schema: carrierEventBody.meta({ id: 'CarrierEvent' }) },
    answer: { status: 202, description: 'the event was accepted', schema: answers.carrierEventAccepted },
    problems: {
      401: 'the signature is missing, wrong, or its `t` more than 300 s away',
      404: 'no shipment has this tracking number',
    },
  },
  'POST /orders/{orderId}/returns': {
    summary: 'Request a return: prepaid label, return workflow started',
    tag: 'Returns',
    path: { orderId: id },
    body: { schema: returnBody.meta({ id: 'ReturnRequest' }) },
    answer: { status: 201, description: 'the return and its label', schema: answers.returnCreatedAnswer },
    problems: {
      404: 'no such order',
      409: 'more units than delivered and not yet returned, or the returnId belongs to another order',
      422: 'past the return window',
    },
  },
  'GET /returns/{returnId}': {
    summary: 'Get a return',
    tag: 'Returns',
    path: { returnId: id },
    answer: { status: 200, description: 'the return', schema: answers.returnAnswer },
    problems: { 404: 'no such return' },
  },
  'POST /returns/{returnId}/inspection': {
    summary: 'Grade a returned parcel',
    tag: 'Returns',
    path: { returnId: id },
    body: { schema: inspectionBody.meta({ id: 'InspectionRequest' }) },
    answer: { status: 202, description: 'the return, graded', schema: answers.returnAnswer },
    problems: {
      404: 'no such return',
      409: 'the return closed without its parcel, or its units were sold since',
    },
  },
  'GET /analytics/kpis': {
    summary: 'KPIs of the orders received in a period',
    description: 'Defaults: the last 24 hours; a period is at most 31 days. Definitions in the README.',
    tag: 'Analytics',
    query: analyticsPeriod,
    answer: { status: 200, description: 'the KPIs', schema: answers.kpisAnswer },
  },
  'GET /analytics/orders': {
    summary: 'The order history of a period, as NDJSON',
    description: 'One order per line, oldest first; `Link: <…>; rel="next"` while more remain.',
    tag: 'Analytics',
    query: {
      from: analyticsPeriod.from,
      to: analyticsPeriod.to,
      limit: z.coerce.number().int().min(1).max(10_000).optional(),
      cursor: z.string().max(2048).optional(),
    },
    answer: { status: 200, description: 'a page of the history', ndjson: true },
  },
  'GET /alerts': {
    summary: 'The open business alerts',
    tag: 'Analytics',
    answer: { status: 200, description: 'the open alerts', schema: answers.alertsAnswer },
  },
  'GET /returns/{returnId}/label': {
    summary: "The return's prepaid PDF label",
    tag: 'Returns',
    path: { returnId: id },
    answer: { status: 200, description: 'the label', pdf: true },
    problems: { 404: 'no such return' },
  },
  'GET /replenishment/suggestions': {
    summary: 'Transfer suggestions that raise the lowest cover',
    description:
      'Cover (days) per location = available units and inbound supply over the daily demand of the last 28 days. ' +
      'Units move from locations above 14 days (which keep 14) to those below 7 (filled toward 14), lowest cover first. ' +
      'A new suggestion is announced once with TransferSuggested.v1 and can be accepted for 7 days.',
    tag: 'Replenishment',
    query: suggestionsQuery,
    answer: {
      status: 200,
      description: 'the suggestions, lowest destination cover first',
      schema: answers.suggestionsAnswer,
    },
  },
  'POST /replenishment/suggestions/{suggestionId}/accept': {
    summary: 'Accept a suggestion: its transfer is recorded',
    description:
      'Re-checked on the stock of now; the transfer (`PUT /supply` shape, `kind: transfer`, id `TRANSFER-<suggestionId>`) ' +
      'lowers on hand at the origin and shows as expected supply at the destination. Accepting again answers the same transfer.',
    tag: 'Replenishment',
    path: { suggestionId: id },
    answer: { status: 201, description: 'the transfer created', schema: answers.supplyAnswer },
    problems: {
      404: 'no such suggestion, or it expired',
      409: 'the suggestion no longer holds on the stock of now (the origin sold its surplus, the destination was filled)',
    },
  },
  'PUT /channel-allocation/rules': {
    summary: 'Replace the channel allocation rules and apply them',
    description:
      'Rules are tried in list order; for each channel the first active rule (on hand at or below its threshold, ' +
      'for its SKUs or category) holds `units` back from every channel but the protected one. A buffer set by hand ' +
      '(PUT .../channel-buffers) wins for its channel until cleared. Re-applied to a row whenever its stock changes.',
    tag: 'Inventory',
    body: { schema: channelRulesBody.meta({ id: 'ChannelRulesRequest' }) },
    answer: {
      status: 200,
      description: 'the rules in force and how many stock rows changed',
      schema: answers.channelRulesAnswer,
    },
  },
  'GET /channel-allocation/rules': {
    summary: 'The channel allocation rules in force',
    tag: 'Inventory',
    answer: {
      status: 200,
      description: 'the rules, in the order they are tried',
      schema: answers.channelRulesAnswer,
    },
  },
};

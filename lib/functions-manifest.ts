import { triggerTypes } from '../functions/core/notifications/triggers.ts';

/**
 * Every Lambda function of Relais, as data. The CDK stack builds one NodejsFunction per entry;
 * the workflow tests map the same substitution names to the same handler files, so what is
 * deployed and what is tested cannot drift apart.
 */
export interface HttpRouteFunction {
  id: string;
  route: `${'GET' | 'PUT' | 'POST'} /${string}`;
  entry: string;
  /** false only for /health and the carrier webhooks, which authenticate themselves or not at all */
  authorized: boolean;
}

export interface StepFunction {
  id: string;
  entry: string;
  /** the `${...}` name used in statemachines/*.asl.json for this function's ARN */
  substitution: string;
}

export interface EventFunction {
  id: string;
  entry: string;
  source: string;
  /** the detail type, or the several, its rule matches */
  detailType: string | readonly string[];
}

/** The detail types an event function's rule matches, as a list. */
export function detailTypesOf(spec: EventFunction): readonly string[] {
  return typeof spec.detailType === 'string' ? [spec.detailType] : spec.detailType;
}

export const httpRoutes: readonly HttpRouteFunction[] = [
  { id: 'Health', route: 'GET /health', entry: 'functions/http/health.ts', authorized: false },
  { id: 'GetOpenApi', route: 'GET /openapi.json', entry: 'functions/http/get-openapi.ts', authorized: true },
  {
    id: 'PutLocation',
    route: 'PUT /locations/{locationId}',
    entry: 'functions/http/put-location.ts',
    authorized: true,
  },
  {
    id: 'ListLocations',
    route: 'GET /locations',
    entry: 'functions/http/list-locations.ts',
    authorized: true,
  },
  {
    id: 'GetLocation',
    route: 'GET /locations/{locationId}',
    entry: 'functions/http/get-location.ts',
    authorized: true,
  },
  {
    id: 'PutProduct',
    route: 'PUT /products/{sku}',
    entry: 'functions/http/put-product.ts',
    authorized: true,
  },
  {
    id: 'PutStock',
    route: 'PUT /inventory/{locationId}/{sku}',
    entry: 'functions/http/put-stock.ts',
    authorized: true,
  },
  {
    id: 'AdjustStock',
    route: 'POST /inventory/adjustments',
    entry: 'functions/http/adjust-stock.ts',
    authorized: true,
  },
  {
    id: 'GetInventory',
    route: 'GET /inventory/{sku}',
    entry: 'functions/http/get-inventory.ts',
    authorized: true,
  },
  {
    id: 'GetAvailability',
    route: 'GET /availability',
    entry: 'functions/http/get-availability.ts',
    authorized: true,
  },
  {
    id: 'PutChannelBuffers',
    route: 'PUT /inventory/{locationId}/{sku}/channel-buffers',
    entry: 'functions/http/put-channel-buffers.ts',
    authorized: true,
  },
  {
    id: 'PutSupply',
    route: 'PUT /supply/{supplyId}',
    entry: 'functions/http/put-supply.ts',
    authorized: true,
  },
  {
    id: 'GetSupply',
    route: 'GET /supply/{supplyId}',
    entry: 'functions/http/get-supply.ts',
    authorized: true,
  },
  {
    id: 'ReceiveSupply',
    route: 'POST /supply/{supplyId}/receive',
    entry: 'functions/http/receive-supply.ts',
    authorized: true,
  },
  {
    id: 'PutCarrier',
    route: 'PUT /carriers/{carrierId}',
    entry: 'functions/http/put-carrier.ts',
    authorized: true,
  },
  { id: 'ListCarriers', route: 'GET /carriers', entry: 'functions/http/list-carriers.ts', authorized: true },
  {
    id: 'GetCarrier',
    route: 'GET /carriers/{carrierId}',
    entry: 'functions/http/get-carrier.ts',
    authorized: true,
  },
  { id: 'PostPromise', route: 'POST /promise', entry: 'functions/http/post-promise.ts', authorized: true },
  { id: 'CreateOrder', route: 'POST /orders', entry: 'functions/http/create-order.ts', authorized: true },
  { id: 'GetOrder', route: 'GET /orders/{orderId}', entry: 'functions/http/get-order.ts', authorized: true },
  { id: 'ListOrders', route: 'GET /orders', entry: 'functions/http/list-orders.ts', authorized: true },
  {
    id: 'CancelOrder',
    route: 'POST /orders/{orderId}/cancel',
    entry: 'functions/http/cancel-order.ts',
    authorized: true,
  },
  {
    id: 'ConfirmShipment',
    route: 'POST /shipments/{shipmentId}/confirm',
    entry: 'functions/http/confirm-shipment.ts',
    authorized: true,
  },
  {
    id: 'RejectShipment',
    route: 'POST /shipments/{shipmentId}/reject',
    entry: 'functions/http/reject-shipment.ts',
    authorized: true,
  },
  {
    id: 'CollectShipment',
    route: 'POST /shipments/{shipmentId}/collected',
    entry: 'functions/http/collect-shipment.ts',
    authorized: true,
  },
  {
    id: 'GetShipmentLabel',
    route: 'GET /shipments/{shipmentId}/label',
    entry: 'functions/http/get-label.ts',
    authorized: true,
  },
  {
    id: 'CarrierWebhook',
    route: 'POST /webhooks/carriers/{carrierId}',
    entry: 'functions/http/carrier-webhook.ts',
    authorized: false,
  },
  {
    id: 'GetOrderNotifications',
    route: 'GET /orders/{orderId}/notifications',
    entry: 'functions/http/get-order-notifications.ts',
    authorized: true,
  },
  {
    id: 'CreateReturn',
    route: 'POST /orders/{orderId}/returns',
    entry: 'functions/http/create-return.ts',
    authorized: true,
  },
  {
    id: 'GetReturn',
    route: 'GET /returns/{returnId}',
    entry: 'functions/http/get-return.ts',
    authorized: true,
  },
  {
    id: 'InspectReturn',
    route: 'POST /returns/{returnId}/inspection',
    entry: 'functions/http/inspect-return.ts',
    authorized: true,
  },
  {
    id: 'GetReturnLabel',
    route: 'GET /returns/{returnId}/label',
    entry: 'functions/http/get-return-label.ts',
    authorized: true,
  },
  { id: 'GetKpis', route: 'GET /analytics/kpis', entry: 'functions/http/get-kpis.ts', authorized: true },
  {
    id: 'ExportOrders',
    route: 'GET /analytics/orders',
    entry: 'functions/http/export-orders.ts',
    authorized: true,
  },
  { id: 'GetAlerts', route: 'GET /alerts', entry: 'functions/http/get-alerts.ts', authorized: true },
  {
    id: 'GetReplenishmentSuggestions',
    route: 'GET /replenishment/suggestions',
    entry: 'functions/http/get-replenishment-suggestions.ts',
    authorized: true,
  },
  {
    id: 'AcceptReplenishmentSuggestion',
    route: 'POST /replenishment/suggestions/{suggestionId}/accept',
    entry: 'functions/http/accept-replenishment-suggestion.ts',
    authorized: true,
  },
  {
    id: 'PutChannelRules',
    route: 'PUT /channel-allocation/rules',
    entry: 'functions/http/put-channel-rules.ts',
    authorized: true,
  },
  {
    id: 'GetChannelRules',
    route: 'GET /channel-allocation/rules',
    entry: 'functions/http/get-channel-rules.ts',
    authorized: true,
  },
];

export const stepFunctions: readonly StepFunction[] = [
  { id: 'AllocateOrder', entry: 'functions/steps/allocate.ts', substitution: 'AllocateOrderFunctionArn' },
  { id: 'AwaitSupply', entry: 'functions/steps/await-supply.ts', substitution: 'AwaitSupplyFunctionArn' },
  { id: 'ResourceShipment', entry: 'functions/steps/source.ts', substitution: 'ResourceShipmentFunctionArn' },
  { id: 'ReportUnfilled', entry: 'functions/steps/unfilled.ts', substitution: 'ReportUnfilledFunctionArn' },
  { id: 'PickPack', entry: 'functions/steps/pick-pack.ts', substitution: 'PickPackFunctionArn' },
  {
    id: 'DispatchCarrier',
    entry: 'functions/steps/dispatch-carrier.ts',
    substitution: 'DispatchCarrierFunctionArn',
  },
  { id: 'TrackShipment', entry: 'functions/steps/track.ts', substitution: 'TrackShipmentFunctionArn' },
  {
    id: 'ShipmentIncident',
    entry: 'functions/steps/incident.ts',
    substitution: 'ShipmentIncidentFunctionArn',
  },
  { id: 'Compensate', entry: 'functions/steps/compensate.ts', substitution: 'CompensateFunctionArn' },
  { id: 'Return', entry: 'functions/steps/return.ts', substitution: 'ReturnFunctionArn' },
];

export const eventFunctions: readonly EventFunction[] = [
  {
    id: 'CarrierTracking',
    entry: 'functions/events/carrier-tracking.ts',
    source: 'relais.carriers',
    detailType: 'CarrierTrackingEvent.v1',
  },
  {
    id: 'NotifyCustomer',
    entry: 'functions/events/notify-customer.ts',
    source: 'relais.orders',
    // the events that may call for a message: the core decides which do
    detailType: triggerTypes,
  },
  {
    id: 'DeliveryOutcome',
    entry: 'functions/events/delivery-outcome.ts',
    source: 'relais.orders',
    detailType: 'ShipmentStatusChanged.v1',
  },
];

/** Environment variable names shared by every function (values differ between AWS and the local cloud). */
export const env = {
  ordersTable: 'ORDERS_TABLE',
  inventoryTable: 'INVENTORY_TABLE',
  networkTable: 'NETWORK_TABLE',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  outboxTable: 'OUTBOX_TABLE',
  eventBus: 'EVENT_BUS_NAME',
  fulfilmentStateMachine: 'FULFILMENT_STATE_MACHINE_ARN',
  returnStateMachine: 'RETURN_STATE_MACHINE_ARN',
  labelsBucket: 'LABELS_BUCKET',
  webhookSecretArn: 'WEBHOOK_SECRET_ARN',
  notificationSender: 'NOTIFICATION_SENDER',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** the bus rules' dead-letter queues, their URLs comma-separated */
  deadLetterQueues: 'DEAD_LETTER_QUEUE_URLS',
} as const;

import { eventFunctions, httpRoutes, stepFunctions } from './functions-manifest.ts';

/**
 * What each function may touch, by function id. The stack turns every grant into IAM statements
 * with explicit actions and resources; the infra tests read this table to check the roles.
 */
export type Grant =
  | 'orders:read'
  | 'orders:write'
  | 'inventory:read'
  | 'inventory:write'
  | 'network:read'
  | 'network:write'
  | 'idempotency:write'
  | 'labels:read'
  | 'labels:write'
  | 'events:put'
  | 'webhookSecret:read'
  | 'fulfilment:start'
  | 'return:start'
  | 'tasks:callback'
  | 'email:send'
  | 'deadLetters:read';

const shipmentGrants: readonly Grant[] = ['orders:write', 'inventory:write', 'tasks:callback', 'events:put'];

export const grantsByFunction: Readonly<Record<string, readonly Grant[]>> = {
  Health: [],
  GetOpenApi: [],
  PutLocation: ['network:write'],
  PutProduct: ['network:write'],
  ListLocations: ['network:read'],
  GetLocation: ['network:read'],
  PutStock: ['inventory:write', 'network:read', 'events:put'],
  AdjustStock: ['inventory:write', 'network:read', 'events:put'],
  GetInventory: ['inventory:read', 'network:read'],
  GetAvailability: ['inventory:read', 'network:read'],
  PutChannelBuffers: ['inventory:write', 'network:read'],
  PutSupply: ['inventory:write', 'network:read', 'events:put'],
  GetSupply: ['inventory:read'],
  // a receipt wakes the backorders waiting for it
  ReceiveSupply: ['inventory:write', 'events:put', 'orders:write', 'tasks:callback'],
  PutCarrier: ['network:write'],
  ListCarriers: ['network:read'],
  GetCarrier: ['network:read'],
  PostPromise: ['inventory:read', 'network:read'],
  // intake promises the order with the same engine as POST /promise: it reads stock
  CreateOrder: [
    'orders:write',
    'network:read',
    'inventory:read',
    'idempotency:write',
    'fulfilment:start',
    'events:put',
  ],
  GetOrder: ['orders:read'],
  ListOrders: ['orders:read'],
  GetReturn: ['orders:read'],
  // a partial cancellation releases its units in the order's transaction; a kit's components are read
  CancelOrder: ['orders:write', 'inventory:write', 'network:read', 'tasks:callback', 'events:put'],
  // a parcel ready at the store is held as long as the store's holdMinutes say
  ConfirmShipment: [...shipmentGrants, 'network:read'],
  RejectShipment: shipmentGrants,
  CollectShipment: shipmentGrants,
  GetShipmentLabel: ['orders:read', 'labels:read'],
  GetReturnLabel: ['orders:read', 'labels:read'],
  // a new grade after processing restocks (where cover is lowest) or writes off the units
  InspectReturn: ['orders:write', 'inventory:write', 'network:read'],
  CarrierWebhook: ['orders:read', 'events:put', 'webhookSecret:read'],
  CreateReturn: [
    'orders:write',
    'network:read',
    'inventory:read',
    'labels:write',
    'return:start',
    'events:put',
  ],
  AllocateOrder: ['orders:write', 'inventory:write', 'network:read', 'events:put'],
  ResourceShipment: ['orders:write', 'inventory:write', 'network:read', 'events:put'],
  ReportUnfilled: ['orders:write', 'inventory:write', 'events:put'],
  PickPack: ['orders:write', 'tasks:callback'],
  AwaitSupply: ['orders:write', 'tasks:callback'],
  DispatchCarrier: ['orders:write', 'inventory:write', 'network:read', 'events:put', 'labels:write'],
  TrackShipment: ['orders:write', 'tasks:callback'],
  ShipmentIncident: ['orders:write', 'inventory:write', 'network:read', 'events:put', 'tasks:callback'],
  Compensate: ['orders:write', 'inventory:write', 'events:put'],
  // restocks where cover is lowest: reads the locations and the SKU's stock across the network
  Return: ['orders:write', 'inventory:write', 'network:read', 'events:put', 'tasks:callback'],
  CarrierTracking: shipmentGrants,
  NotifyCustomer: ['orders:write', 'network:read', 'email:send', 'events:put'],
  GetOrderNotifications: ['orders:read'],
  DeliveryOutcome: ['orders:read', 'network:write', 'events:put'],
  GetKpis: ['orders:read'],
  ExportOrders: ['orders:read'],
  // reviewing the alerts reads the network's state, writes the open alerts and raises AlertRaised.v1
  GetAlerts: ['orders:write', 'inventory:read', 'network:read', 'events:put', 'deadLetters:read'],
  // computing suggestions reads the order history and the stock, keeps each new one and announces it
  GetReplenishmentSuggestions: ['orders:read', 'inventory:write', 'network:read', 'events:put'],
  // accepting records the transfer: the origin's stock and the supply record in one transaction
  AcceptReplenishmentSuggestion: ['inventory:write', 'network:read', 'events:put'],
  // the rules are stored in the network table and applied to every stock row at once
  PutChannelRules: ['network:write', 'inventory:write'],
  GetChannelRules: ['network:read'],
};

/** Fails synth when a manifest entry has no row here (or a row names no function), so nothing ships unreviewed. */
export function grantsFor(functionId: string): readonly Grant[] {
  const grants = grantsByFunction[functionId];
  if (grants === undefined) {
    throw new Error(`lib/permissions.ts: no permissions declared for function ${functionId}`);
  }
  return grants;
}

export function assertPermissionsCoverManifest(): void {
  const ids = new Set([...httpRoutes, ...stepFunctions, ...eventFunctions].map((fn) => fn.id));
  const stray = Object.keys(grantsByFunction).filter((id) => !ids.has(id));
  if (stray.length > 0) {
    throw new Error(`lib/permissions.ts: permissions declared for unknown functions: ${stray.join(', ')}`);
  }
  for (const id of ids) grantsFor(id);
}

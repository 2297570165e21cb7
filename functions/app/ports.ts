/**
 * The ports of the use cases: what each one needs from the world, as the domain speaks of it. The
 * adapters in functions/adapters implement them (DynamoDB, Step Functions, EventBridge, S3); the
 * handlers build them once per module and pass them in; tests and benchmarks pass the same
 * adapters pointed at the local cloud. Nothing here knows about an AWS SDK type.
 */
import type { BusinessMetricName } from '../../lib/business-metrics.ts';
import type { Alert } from '../core/alerts/lifecycle.ts';
import type { Carrier } from '../core/carriers/carriers.ts';
import type { ClaimableArrival, SupplyClaimChange } from '../core/inventory/backorders.ts';
import type { CapacityClaim, CapacitySlot } from '../core/inventory/capacity.ts';
import type { BufferSources, ChannelRule } from '../core/inventory/channel-rules.ts';
import type { ChannelBuffers } from '../core/inventory/channels.ts';
import type { StockMovement } from '../core/inventory/movements.ts';
import type { TransferSuggestion } from '../core/inventory/replenishment.ts';
import type { StockRow } from '../core/inventory/stock.ts';
import type { ExpectedArrival, Supply } from '../core/inventory/supply.ts';
import type { Location, Product } from '../core/network.ts';
import type { NotificationTemplate } from '../core/notifications/templates.ts';
import type { Order } from '../core/orders/types.ts';
import type { ReturnRecord } from '../core/returns/returns.ts';
import type { OutgoingEvent } from './events.ts';

export interface Clock {
  now(): Date;
}

/** Callback tokens of the workflow tasks waiting on a shipment, kept on the order, never shown. */
/** `supply`: a backordered order waits for a receipt (under the key `BACKORDER`, not a shipment's) */
export type WaitingStage = 'pick' | 'delivery' | 'collection' | 'return' | 'supply';
export type WaitingTasks = Record<string, { stage: WaitingStage; token: string }>;
export type StoredOrder = Order & { waiting?: WaitingTasks };

export interface TrackingPointer {
  trackingNumber: string;
  orderId: string;
  shipmentId: string;
  carrierId: string;
  returnId?: string | undefined;
}

/** A new version of an order and everything that must commit with it, all or nothing. */
export interface OrderChange {
  order: StoredOrder;
  stock?: StockMovement[];
  /** shipments to index by id, written in the same transaction */
  shipmentPointers?: string[];
  trackingPointers?: Omit<TrackingPointer, 'orderId'>[];
  /** preparation slots taken (refused past the location's daily capacity) and given back */
  capacity?: { claim?: CapacityClaim[]; release?: CapacitySlot[] };
  /** expected supply a backordered order takes or gives back (refused past the supply's unclaimed units) */
  supplyClaims?: { orderId: string; since: string; changes: SupplyClaimChange[] };
  /** what the change announces: written to the outbox in the same transaction (DESIGN.md section 8) */
  events?: OutgoingEvent[];
}

export interface OrderRepository {
  get(orderId: string): Promise<StoredOrder | undefined>;
  /** false when an order with that id exists already (and then none of `events` is written) */
  create(order: StoredOrder, events?: OutgoingEvent[]): Promise<boolean>;
  /**
   * Commits the change on the condition that the order is still the version that was read:
   * VersionConflict when it moved, ReservationConflict when stock or capacity refused.
   */
  save(change: OrderChange): Promise<StoredOrder>;
  /**
   * Undoes the effects of changes that were being written in parts and never committed (a crash
   * between parts); the number of parts undone. Compensation calls it, so nothing stays reserved.
   */
  releaseUncommitted(orderId: string): Promise<number>;
  orderIdOfShipment(shipmentId: string): Promise<string | undefined>;
  findTracking(trackingNumber: string): Promise<TrackingPointer | undefined>;
  list(options: {
    status?: string | undefined;
    limit: number;
    next?: string | undefined;
  }): Promise<{ items: StoredOrder[]; next?: string }>;
}

/** What identifies a carrier's event: its id is the carrier's, and unique for one parcel only. */
export interface CarrierEventKey {
  carrierId: string;
  trackingNumber: string;
  eventId: string;
}

/** Carrier events seen, so that a repeated webhook has no second effect. */
export interface CarrierEventLog {
  /**
   * 'new' the first time; 'repeated' when the same event (same fingerprint) was recorded before;
   * 'conflicting' when the id was recorded with another content: the other content is kept
   * beside the first, for an operator to see, and the event is not applied.
   */
  record(
    key: CarrierEventKey,
    fingerprint: string,
    receivedAt: string,
  ): Promise<'new' | 'repeated' | 'conflicting'>;
  /** forgets an event whose effect failed half-way, so that its redelivery is applied */
  forget(key: CarrierEventKey): Promise<void>;
}

export interface NetworkRepository {
  getLocation(locationId: string): Promise<Location | undefined>;
  listLocations(): Promise<Location[]>;
  /** the products found among `skus` (unknown ones are absent) */
  getProducts(skus: string[]): Promise<Map<string, Product>>;
  putLocation(location: Location): Promise<Location>;
  putProduct(product: Product): Promise<Product>;
  /** the retailer's own carriers (the built-in ones are the core's: see `carriersInForce`) */
  listCarriers(): Promise<Carrier[]>;
  getCarrier(carrierId: string): Promise<Carrier | undefined>;
  putCarrier(carrier: Carrier): Promise<Carrier>;
}

/** Everything sourcing reads about the network and the stock for some SKUs, at one moment. */
export interface SourcingSnapshot {
  locations: Location[];
  /** the retailer's own carriers */
  carriers: Carrier[];
  /** the products among the SKUs asked, and the components of the kits among them */
  products: Map<string, Product>;
  /** the stock rows of the SKUs that hold stock (a kit's components in place of the kit) */
  stockRows: StockRow[];
  /** shipments taken so far, by day then location, at the locations with a daily capacity */
  capacityUsed: Map<string, Map<string, number>>;
}

/** The reads of one sourcing decision, served together (as few calls as the store allows). */
export interface SourcingReads {
  snapshot(orderSkus: string[], days: string[]): Promise<SourcingSnapshot>;
}

/** A carrier's parcels of one day, and how many it takes per day. */
export interface CarrierSlot {
  carrierId: string;
  day: string;
  dailyCapacity: number;
}

export interface DeliveryCounts {
  delivered: number;
  onTime: number;
}

/** What Relais counts about carriers: parcels taken per day (capacity) and deliveries on time. */
export interface CarrierLedger {
  /** parcels taken on each (carrier, day), keyed `carrierId#YYYY-MM-DD` (absent: none) */
  capacityUsed(slots: { carrierId: string; day: string }[]): Promise<Map<string, number>>;
  /**
   * Takes one of the carrier's parcels of the day for the shipment: false once `dailyCapacity` are
   * taken; true with no second count when this shipment holds one already.
   */
  claimCapacity(slot: CarrierSlot, shipmentId: string, expiresAt: Date): Promise<boolean>;
  /** counts a delivery once per shipment; false when it was counted before */
  recordDelivery(carrierId: string, shipmentId: string, onTime: boolean): Promise<boolean>;
  deliveryCounts(): Promise<Map<string, DeliveryCounts>>;
}

export interface StockAdjustment {
  adjustmentId: string;
  locationId: string;
  sku: string;
  delta: number;
  reason: string;
}

export interface StockLedger {
  row(sku: string, locationId: string): Promise<StockRow | undefined>;
  rowsOfSku(sku: string): Promise<StockRow[]>;
  /**
   * Writes `next` in place of `current` on the condition that the row is still `current` (false when
   * it moved: the caller reads again and decides again), with the events it announces.
   */
  replaceRow(current: StockRow | undefined, next: StockRow, events?: OutgoingEvent[]): Promise<boolean>;
  /**
   * Writes the adjusted row and the adjustment record together, on the same condition; 'replayed'
   * when the adjustment id was applied before, 'moved' when the row changed since it was read.
   */
  applyAdjustment(
    current: StockRow | undefined,
    next: StockRow,
    adjustment: StockAdjustment & { at: string },
    events?: OutgoingEvent[],
  ): Promise<'applied' | 'replayed' | 'moved'>;
  /**
   * Replaces what a location holds back from each channel, leaving the counts alone (a row with
   * nothing on hand is created when there is none yet); the row after the change.
   */
  setChannelBuffers(locationId: string, sku: string, buffers: ChannelBuffers, now: string): Promise<StockRow>;
  /**
   * Writes the buffers the channel allocation rules ask (and which rule set each) on the condition
   * that the row is still `current`: false when it moved (the caller reads again and decides again).
   */
  applyRuleBuffers(
    current: StockRow,
    buffers: ChannelBuffers,
    sources: BufferSources,
    now: string,
  ): Promise<boolean>;
  /** the adjustment recorded under this id, if any */
  adjustment(adjustmentId: string): Promise<StockAdjustment | undefined>;
  /** shipments each location has taken on `day` (absent: none) */
  capacityUsed(locationIds: string[], day: string): Promise<Map<string, number>>;
}

/** `unclaimed`: units no backorder counts on yet (absent on records older than backorders: all) */
export type StoredSupply = Supply & { version: number; createdAt?: string | undefined; unclaimed?: number };

/** A backordered order's claim on one supply, as the SKU's waiting list holds it. */
export interface WaitingBackorder {
  orderId: string;
  supplyId: string;
  quantity: number;
  since: string;
}

export interface SupplyRepository {
  get(supplyId: string): Promise<StoredSupply | undefined>;
  /**
   * creates or replaces the record (and moves its dated entry) if it is still at `previous`'s
   * version; with `leaving`, the units leave their origin in the same transaction (a transfer):
   * 'short' when the origin has fewer available. With `events`, they commit with it too, on the
   * condition that the origin's row is still `originRow` (what they were computed from)
   */
  put(
    previous: StoredSupply | undefined,
    next: Supply,
    now: string,
    leaving?: StockMovement,
    originRow?: StockRow | undefined,
    events?: OutgoingEvent[],
  ): Promise<boolean | 'short'>;
  /**
   * Marks it received and brings the units in, in one transaction with `events`, if the supply is
   * still at `stored`'s version and its stock row still `row` (what the events were computed from).
   */
  receive(
    stored: StoredSupply,
    now: string,
    row?: StockRow | undefined,
    events?: OutgoingEvent[],
  ): Promise<boolean>;
  expectedOf(sku: string): Promise<ExpectedArrival[]>;
  /** the supply still expected for the SKU with the units no order claimed yet */
  claimableOf(sku: string): Promise<ClaimableArrival[]>;
  /** the orders waiting for supply of the SKU, oldest first */
  backordersOf(sku: string): Promise<WaitingBackorder[]>;
}

export interface ReturnRepository {
  get(returnId: string): Promise<ReturnRecord | undefined>;
  ofOrder(orderId: string): Promise<ReturnRecord[]>;
  /** false when the id is taken */
  create(record: ReturnRecord): Promise<boolean>;
  /**
   * Moves the return from one of `from` with the changed fields only (a task token stored meanwhile
   * is kept) and its stock movements; the record read back, or undefined when it was not in `from`.
   */
  update(
    record: ReturnRecord,
    change: Partial<ReturnRecord>,
    from: ReturnRecord['status'][],
    stock?: StockMovement[],
    events?: OutgoingEvent[],
  ): Promise<ReturnRecord | undefined>;
  setWaitingToken(returnId: string, token: string): Promise<ReturnRecord>;
}

/**
 * Events leave through the transactional outbox: a change hands its events to the repository that
 * writes it (`OrderChange.events` and the like), which commits them with the change. This port is
 * for a fact that changes nothing stored (a carrier's webhook accepted, a promise found at risk).
 */
export interface EventPublisher {
  /**
   * validates each detail against its published schema and writes it to the outbox; an event whose
   * `id` was written before is not written again
   */
  publish(events: OutgoingEvent[]): Promise<void>;
}

export interface Workflows {
  /** 'already-started' when an execution of that name exists: Step Functions refuses a second */
  startFulfilment(orderId: string): Promise<'started' | 'already-started'>;
  startReturn(returnId: string): Promise<'started' | 'already-started'>;
  /** false when the token no longer waits (completed, timed out) */
  completeTask(token: string, output: object): Promise<boolean>;
  failTask(token: string, error: string, cause: string): Promise<boolean>;
}

export interface LabelData {
  carrierName: string;
  trackingNumber: string;
  shipmentId: string;
  orderId: string;
  from: string;
  to: string[];
  weightKg: number;
}

export interface Labels {
  render(data: LabelData): Promise<Uint8Array>;
  /** keeps the label under an id (a shipment's, or `return-<id>`); answers the key to read it back by */
  store(labelId: string, pdf: Uint8Array): Promise<string>;
  read(key: string): Promise<Uint8Array | undefined>;
}

/** What the customer was told (or would have been, without an e-mail address), one per (order, template, subject). */
export interface NotificationRecord {
  notificationId: string;
  orderId: string;
  channel: 'email';
  template: NotificationTemplate;
  /** the shipment, the return (`RETURN-<id>`) or the whole order (`ORDER`) the message is about */
  about: string;
  /** null when the customer left no e-mail address */
  to: string | null;
  subject: string;
  /** `sending` while a claim is held: the message may or may not have left yet */
  status: 'sending' | 'sent' | 'skipped';
  at: string;
  shipmentId?: string | undefined;
  returnId?: string | undefined;
  messageId?: string | undefined;
  /** who holds a `sending` claim: only its holder may finish or release it */
  claimToken?: string | undefined;
}

export interface NotificationLog {
  /**
   * Writes the record if no notification of its (order, template, subject) exists, or if the one
   * that exists is a `sending` claim taken before `staleBefore` (its holder died); otherwise
   * answers the record that stands.
   */
  claim(
    record: NotificationRecord,
    staleBefore: string,
    events?: OutgoingEvent[],
  ): Promise<'claimed' | NotificationRecord>;
  /** records the claim as sent, with `events`, if `record.claimToken` still holds it */
  finish(record: NotificationRecord, events?: OutgoingEvent[]): Promise<void>;
  /** gives the claim up, if `record.claimToken` still holds it, so that a retry sends the message */
  release(record: NotificationRecord): Promise<void>;
  ofOrder(orderId: string): Promise<NotificationRecord[]>;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** message tags (alphanumerics, `_` and `-`), to follow a message through the mail service's events */
  tags: Record<string, string>;
}

export interface Mailer {
  /** hands the message to the mail service; answers its message id; throws when it was refused */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/**
 * Business facts counted where they happen, for the operators' dashboard (CloudWatch metrics on
 * AWS, lib/business-metrics.ts names them). Counting never fails the use case.
 */
export interface BusinessMetrics {
  count(metric: BusinessMetricName, times?: number): void;
}

/** Orders by the instant they were received, for analytics: without the sourcing explanation. */
export interface OrderHistory {
  /** orders created in [from, to) (ISO instants), oldest first, a page at a time */
  createdBetween(range: {
    from: string;
    to: string;
    limit: number;
    next?: string | undefined;
  }): Promise<{ items: Order[]; next?: string }>;
  /** the cursor that resumes the read right after this order */
  cursorAfter(order: Pick<Order, 'orderId' | 'createdAt'>): string;
}

/** Every stock row of the network at a glance (what the low-stock rule reads). */
export interface StockOverview {
  allRows(): Promise<{ sku: string; locationId: string; available: number }[]>;
}

/** The open business alerts. */
export interface AlertStore {
  open(): Promise<Alert[]>;
  /**
   * false when an alert of that id is open already: a condition is raised once, and `events` are
   * written (to the outbox) with it or not at all
   */
  raise(alert: Alert, events?: OutgoingEvent[]): Promise<boolean>;
  /** keeps an open alert's severity and detail current */
  refresh(alert: Alert): Promise<void>;
  /** false when it was not open (another review cleared it first) */
  clear(alertId: string): Promise<boolean>;
}

/** Events that failed every retry, waiting in the bus rules' dead-letter queues. */
export interface DeadLetterQueues {
  /** messages waiting, by queue name */
  depths(): Promise<Map<string, number>>;
}

/** A transfer suggestion as it was computed, kept for a while so that it can be accepted later. */
export interface StoredSuggestion extends TransferSuggestion {
  suggestedAt: string;
  acceptedAt?: string | undefined;
  /** the transfer accepting it created */
  supplyId?: string | undefined;
}

/** Transfer suggestions computed lately (each kept until `expiresAt`, then gone). */
export interface SuggestionStore {
  /**
   * keeps it with the events that announce it, all or nothing; false when a suggestion of that id
   * is kept already: it was suggested (and announced) before
   */
  keep(suggestion: StoredSuggestion, expiresAt: Date, events: OutgoingEvent[]): Promise<boolean>;
  /** the suggestion under this id, unless it expired by `now` */
  get(suggestionId: string, now: Date): Promise<StoredSuggestion | undefined>;
  markAccepted(suggestionId: string, supplyId: string, at: string): Promise<void>;
}

/** The channel allocation rules in force, as one ordered list. */
export interface ChannelRuleStore {
  get(): Promise<ChannelRule[]>;
  put(rules: ChannelRule[], now: string): Promise<void>;
}

export interface AppPorts {
  orders: OrderRepository;
  carrierEvents: CarrierEventLog;
  network: NetworkRepository;
  sourcingReads: SourcingReads;
  carriers: CarrierLedger;
  stock: StockLedger;
  supply: SupplyRepository;
  returns: ReturnRepository;
  events: EventPublisher;
  workflows: Workflows;
  labels: Labels;
  notifications: NotificationLog;
  mailer: Mailer;
  clock: Clock;
  metrics: BusinessMetrics;
  orderHistory: OrderHistory;
  stockOverview: StockOverview;
  alerts: AlertStore;
  deadLetters: DeadLetterQueues;
  suggestions: SuggestionStore;
  channelRules: ChannelRuleStore;
}

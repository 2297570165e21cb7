/**
 * What the pages read, through the HTTP contract as any client would (so they show exactly what
 * the API answers), and the workflows through the local Step Functions endpoint, as the console
 * reads them with the AWS SDK.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';

/** An order as `GET /orders/{id}` answers it; optional fields are shown when the API has them. */
export interface OrderView {
  orderId: string;
  status: string;
  channel: string;
  customer?: { id: string; email?: string };
  lines: { sku: string; quantity: number; unitPrice?: number }[];
  delivery: {
    mode: string;
    service?: string;
    storeId?: string;
    address?: { line1?: string; postcode?: string; city?: string; lat?: number; lon?: number };
  };
  shipments: ShipmentView[];
  sourcing?: { cost: number; explanation: SourcingExplanationView };
  history: { status: string; at: string; detail?: string }[];
  rejection?: { reason: string };
  promise?: { service?: string; earliestDate?: string; latestDate?: string; carrierId?: string };
  incidents?: {
    shipmentId: string;
    kind: string;
    at: string;
    resolution: string;
    replacementShipmentId?: string;
  }[];
  cancellation?: { reason?: string };
  createdAt?: string;
  updatedAt?: string;
}

export interface ShipmentView {
  shipmentId: string;
  locationId: string;
  status: string;
  lines: { sku: string; quantity: number }[];
  carrierId?: string;
  trackingNumber?: string;
  labelUrl?: string;
  promisedDate?: string;
  rejection?: { reason?: string };
  attempts?: number;
  transferTo?: string;
  events?: { status: string; reason?: string; rawCode?: string; occurredAt: string; receivedAt?: string }[];
  carrierChoice?: {
    reason: string;
    alternatives: {
      carrierId: string;
      service: string;
      cost: number;
      co2Kg: number;
      deliveryDate?: string;
    }[];
  };
}

export interface SourcingExplanationView {
  strategy?: string;
  destination?: { lat: number; lon: number };
  candidates?: number;
  excluded?: { locationId: string; rule: string; detail?: string; sku?: string }[];
  chosen?: { locationId: string; distanceKm: number; skus: string[]; cost: number }[];
  costTerms?: Record<string, number>;
  nextBest?: {
    cost: number;
    gap: number;
    gapPct: number | null;
    shipments: number;
    locationIds: string[];
  } | null;
  co2Kg?: number;
  unfilled?: { sku: string; quantity: number }[];
}

export interface LocationView {
  locationId: string;
  name: string;
  type: string;
  lat: number;
  lon: number;
}

export interface NotificationView {
  notificationId: string;
  channel: string;
  template: string;
  to?: string;
  subject?: string;
  status: string;
  at: string;
  shipmentId?: string;
}

export interface SkuInventoryView {
  sku: string;
  ats: number;
  locations: {
    locationId: string;
    onHand: number;
    reserved: number;
    safetyStock: number;
    available: number;
    channelBuffers?: Record<string, { units?: number; share?: number }>;
    bufferSources?: Record<string, { ruleId: string; reason: string }>;
  }[];
  expected?: {
    supplyId: string;
    locationId: string;
    quantity: number;
    expectedAt: string;
    kind: string;
    fromLocationId?: string;
  }[];
}

export interface SuggestionView {
  suggestionId: string;
  sku: string;
  fromLocationId: string;
  toLocationId: string;
  quantity: number;
  reason: string;
  coverDaysBefore: number;
  coverDaysAfter: number;
}

export interface ExecutionPicture {
  status: string;
  definition: string;
  events: HistoryEvent[];
  startDate?: Date | undefined;
  stopDate?: Date | undefined;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** How many orders the list, the counts and the chart read, newest first. */
export const recentOrdersRead = 500;

/** `GET /analytics/kpis` as it answers. */
export interface KpisView {
  from: string;
  to: string;
  channel?: string;
  orders: number;
  delivered: number;
  rejected: number;
  cancelled: number;
  fillRatePct: number | null;
  splitRatePct: number | null;
  parcelsPerOrder: number | null;
  promiseKeptPct: number | null;
  avgCostEur: number | null;
  avgCo2Kg: number | null;
  byCarrier: {
    carrierId: string;
    parcels: number;
    onTimePct: number | null;
    avgCostEur: number | null;
    avgCo2Kg: number | null;
  }[];
  byLocation: { locationId: string; shipments: number; rejections: number }[];
}

/** One item of `GET /alerts`. */
export interface AlertView {
  alertId: string;
  kind: string;
  severity: string;
  subject: string;
  since: string;
  detail: string;
}

export function relaisApi(options: {
  apiUrl: () => string;
  apiToken?: string | undefined;
  stepFunctionsUrl: () => string;
}) {
  const get = async <T>(path: string): Promise<T> => {
    const answer = await fetch(`${options.apiUrl()}${path}`, {
      headers: options.apiToken ? { authorization: `Bearer ${options.apiToken}` } : {},
    });
    if (!answer.ok) throw new ApiError(answer.status, `GET ${path}: ${answer.status} ${await answer.text()}`);
    return (await answer.json()) as T;
  };
  let sfn: SFNClient | undefined;
  const stepFunctions = () => {
    sfn ??= new SFNClient({
      endpoint: options.stepFunctionsUrl(),
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    return sfn;
  };
  let machines: Promise<{ name: string; arn: string }[]> | undefined;
  const machineArn = async (kind: 'fulfilment' | 'return') => {
    machines ??= stepFunctions()
      .send(new ListStateMachinesCommand({}))
      .then((answer) =>
        (answer.stateMachines ?? []).map((machine) => ({
          name: machine.name ?? '',
          arn: machine.stateMachineArn ?? '',
        })),
      );
    const pattern = kind === 'fulfilment' ? /fulfil/i : /return/i;
    return (await machines).find((machine) => pattern.test(machine.name))?.arn;
  };

  // a return never changes order: what was learnt once stays true
  const orderOfReturn = new Map<string, string>();

  return {
    /** the returns of an order that have a return workflow (among the most recent 100) */
    async returnsOf(orderId: string): Promise<string[]> {
      const stateMachineArn = await machineArn('return');
      if (!stateMachineArn) return [];
      const listed = await stepFunctions().send(
        new ListExecutionsCommand({ stateMachineArn, maxResults: 100 }),
      );
      const returnIds = (listed.executions ?? []).map((execution) => execution.name ?? '').filter(Boolean);
      await Promise.all(
        returnIds
          .filter((returnId) => !orderOfReturn.has(returnId))
          .map(async (returnId) => {
            const found = await get<{ orderId: string }>(`/returns/${encodeURIComponent(returnId)}`).catch(
              () => undefined,
            );
            if (found) orderOfReturn.set(returnId, found.orderId);
          }),
      );
      return returnIds.filter((returnId) => orderOfReturn.get(returnId) === orderId);
    },
    order: (orderId: string) => get<OrderView>(`/orders/${encodeURIComponent(orderId)}`),
    async recentOrders(limit = recentOrdersRead): Promise<OrderView[]> {
      const orders: OrderView[] = [];
      let next: string | undefined;
      do {
        const query = new URLSearchParams({ limit: String(Math.min(100, limit - orders.length)) });
        if (next) query.set('next', next);
        const page = await get<{ items: OrderView[]; next?: string }>(`/orders?${query}`);
        orders.push(...page.items);
        next = page.next;
      } while (next && orders.length < limit);
      return orders;
    },
    locations: async () => (await get<{ items: LocationView[] }>('/locations')).items,
    kpis: (query: string) => get<KpisView>(`/analytics/kpis?${query}`),
    alerts: async () => (await get<{ items: AlertView[] }>('/alerts')).items,
    inventory: (sku: string) => get<SkuInventoryView>(`/inventory/${encodeURIComponent(sku)}`),
    suggestions: async (sku: string) =>
      (await get<{ items: SuggestionView[] }>(`/replenishment/suggestions?sku=${encodeURIComponent(sku)}`))
        .items,
    /** accepts a transfer suggestion: the API's status and problem detail, for the page to show */
    async acceptSuggestion(suggestionId: string): Promise<{ status: number; detail?: string }> {
      const answer = await fetch(
        `${options.apiUrl()}/replenishment/suggestions/${encodeURIComponent(suggestionId)}/accept`,
        {
          method: 'POST',
          headers: options.apiToken ? { authorization: `Bearer ${options.apiToken}` } : {},
        },
      );
      const body = (await answer.json().catch(() => ({}))) as { detail?: string };
      return answer.ok ? { status: answer.status } : { status: answer.status, detail: body.detail ?? '' };
    },
    /** the order's notifications, or undefined where the route does not exist (yet) */
    async notifications(orderId: string): Promise<NotificationView[] | undefined> {
      try {
        return (
          await get<{ items: NotificationView[] }>(`/orders/${encodeURIComponent(orderId)}/notifications`)
        ).items;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return undefined;
        throw error;
      }
    },
    /** the execution named `name` of a workflow, with its definition and history; undefined if none */
    async execution(kind: 'fulfilment' | 'return', name: string): Promise<ExecutionPicture | undefined> {
      const stateMachineArn = await machineArn(kind);
      if (!stateMachineArn) return undefined;
      const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      try {
        const execution = await stepFunctions().send(new DescribeExecutionCommand({ executionArn }));
        const machine = await stepFunctions().send(new DescribeStateMachineCommand({ stateMachineArn }));
        const events: HistoryEvent[] = [];
        let nextToken: string | undefined;
        do {
          const page = await stepFunctions().send(
            new GetExecutionHistoryCommand({
              executionArn,
              maxResults: 1000,
              nextToken,
              includeExecutionData: false,
            }),
          );
          events.push(...(page.events ?? []));
          nextToken = page.nextToken;
        } while (nextToken);
        return {
          status: execution.status ?? 'RUNNING',
          definition: machine.definition ?? '{}',
          events,
          startDate: execution.startDate,
          stopDate: execution.stopDate,
        };
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      }
    },
    /** the workflow's definition as deployed (substitutions applied) */
    async definition(kind: 'fulfilment' | 'return'): Promise<string | undefined> {
      const stateMachineArn = await machineArn(kind);
      if (!stateMachineArn) return undefined;
      return (await stepFunctions().send(new DescribeStateMachineCommand({ stateMachineArn }))).definition;
    },
    close: () => sfn?.destroy(),
  };
}

export type RelaisApi = ReturnType<typeof relaisApi>;

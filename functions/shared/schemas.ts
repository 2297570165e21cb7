import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import { z } from 'zod';
import { isOrdersPageCursor } from '../adapters/keys.ts';
import { zones } from '../core/carriers/carriers.ts';
import { supplyKinds } from '../core/inventory/supply.ts';
import { capabilities, handlingKinds, locationTypes } from '../core/network.ts';
import { channels, deliveryModes, orderStatuses, services } from '../core/orders/types.ts';
import { carrierStatuses, trackingReasons } from './events.ts';

/** Ids in paths and bodies (DESIGN.md section 6). */
export const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match ^[A-Za-z0-9_-]{1,64}$');
const isoDate = z.iso.datetime({ offset: true });
/** a calendar day, YYYY-MM-DD (a real one: 2026-02-30 is refused) */
const calendarDate = z.iso.date();

/**
 * Decimal quantities are kept at the precision the business uses (DynamoDB also refuses numbers
 * below 1e-130): coordinates to 1e-6 degree (about 10 cm), money to the cent, weights to the gram.
 */
const rounded = (decimals: number) => (n: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;
const latitude = z.number().min(-90).max(90).transform(rounded(6));
const longitude = z.number().min(-180).max(180).transform(rounded(6));
const euros = (max: number) => z.number().min(0).max(max).transform(rounded(2));
const kilograms = z.number().min(0).max(10_000).transform(rounded(3));

/** Free text as people type it: bounded, and without control characters (NUL, escapes, newlines). */
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is refused
    .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters');

/** An e-mail address within RFC 5321's limits: 64 characters before the @, 254 in all. */
const email = z
  .email()
  .max(254)
  .refine(
    (address) => (address.split('@')[0] ?? '').length <= 64,
    'must have at most 64 characters before the @',
  );

/**
 * An API Gateway v2 event whose JSON body and path parameters are checked at the edge. A missing
 * body reads as `{}`, so the answer names the missing fields rather than the body; with
 * `bodyRequired`, a missing or blank body is a 400 naming `body` (for a body whose `{}` means
 * something, such as "clear everything", which an empty request must not do by accident).
 */
export function apiRequest<B extends z.ZodType, P extends z.ZodRawShape>(
  body: B,
  path: P,
  options: { bodyRequired?: boolean } = {},
) {
  return APIGatewayProxyEventV2Schema.extend({
    body: options.bodyRequired
      ? z.preprocess(
          (raw) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw),
          z.string({ error: 'is required (a JSON object)' }).pipe(JSONStringified(body)),
        )
      : z.preprocess((raw) => raw ?? '{}', JSONStringified(body)),
    // prefault: an absent map is parsed as {}, so inner defaults and required fields apply
    pathParameters: z.object(path).prefault({} as never),
  });
}

/** An API Gateway v2 event without a body. */
export function apiQuery<P extends z.ZodRawShape, Q extends z.ZodRawShape>(path: P, query: Q) {
  return APIGatewayProxyEventV2Schema.extend({
    pathParameters: z.object(path).prefault({} as never),
    queryStringParameters: z.object(query).prefault({} as never),
  });
}

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
/** ISO weekdays, 1 Monday … 7 Sunday, each at most once */
const isoWeekdays = z
  .array(z.number().int().min(1).max(7))
  .min(1)
  .max(7)
  .refine((days) => new Set(days).size === days.length, 'must not repeat a day');

export const locationBody = z.object({
  name: text(200),
  type: z.enum(locationTypes),
  lat: latitude,
  lon: longitude,
  postcode: text(16).optional(),
  capabilities: z.array(z.enum(capabilities)).max(3),
  handlingCost: euros(1000).optional(),
  storageCostPerUnitDay: z.number().min(0).max(1000).transform(rounded(4)).optional(),
  dailyCapacity: z.number().int().min(0).max(10_000_000).optional(),
  priority: z.number().int().min(1).max(10).optional(),
  performance: z.number().min(0).max(1).transform(rounded(4)).optional(),
  handling: z.array(z.enum(handlingKinds)).max(3).optional(),
  cutoffTime: timeOfDay.optional(),
  preparationDays: z.number().int().min(0).max(30).optional(),
  openingDays: isoWeekdays.optional(),
  downtime: z
    .array(
      z
        .object({ from: isoDate, to: isoDate })
        .refine((w) => Date.parse(w.from) < Date.parse(w.to), 'from must precede to'),
    )
    .max(100)
    .optional(),
  holdMinutes: z.number().int().min(1).max(525_600).optional(),
  acceptsReturns: z.boolean().optional(),
});

/** POST /returns/{returnId}/inspection: the grade, or none (the reasons decide). */
export const inspectionBody = z.object({ grade: z.enum(['A', 'B', 'C']).optional() }).default({});

export const productBody = z.object({
  name: text(200),
  weightKg: kilograms,
  handling: z.array(z.enum(handlingKinds)).max(3).optional(),
  kit: z
    .array(z.object({ sku: id, quantity: z.number().int().min(1).max(999) }))
    .min(1)
    .max(20)
    .optional(),
  endOfSeries: z.boolean().optional(),
  releaseDate: calendarDate.optional(),
  /** the product type channel allocation rules may select */
  category: text(100).optional(),
});

/** Units held back from one channel: a number of units, a share of on hand (0..1), or both. */
const channelBuffer = z.strictObject({
  units: z.number().int().min(0).max(1_000_000_000).optional(),
  share: z.number().min(0).max(1).transform(rounded(4)).optional(),
});

/** Buffers by channel; an unknown channel is refused, not ignored. */
export const channelBuffersBody = z.partialRecord(z.enum(channels), channelBuffer);

export const stockCountBody = z.object({
  onHand: z.number().int().min(0).max(1_000_000_000),
  safetyStock: z.number().int().min(0).max(1_000_000_000).optional(),
  asOf: isoDate.optional(),
  /** replaces the stored buffers when present; absent, they stay as they are */
  channelBuffers: channelBuffersBody.optional(),
});

export const supplyBody = z
  .object({
    locationId: id,
    sku: id,
    quantity: z.number().int().min(1).max(1_000_000_000),
    expectedAt: isoDate,
    kind: z.enum(supplyKinds),
    fromLocationId: id.optional(),
  })
  .refine((s) => s.fromLocationId !== s.locationId, {
    path: ['fromLocationId'],
    message: 'must differ from locationId',
  });

export const channelQuery = { channel: z.enum(channels).optional() };

const channelRuleBody = z
  .strictObject({
    ruleId: id,
    skus: z.array(id).min(1).max(100).optional(),
    category: text(100).optional(),
    protectedChannel: z.enum(channels),
    threshold: z.number().int().min(0).max(1_000_000_000),
    units: z.number().int().min(1).max(1_000_000_000),
  })
  .refine((r) => r.skus === undefined || r.category === undefined, {
    path: ['category'],
    message: 'give skus or category, not both',
  });

/** PUT /channel-allocation/rules: the whole list, in the order rules are tried (the first wins). */
export const channelRulesBody = z
  .object({ rules: z.array(channelRuleBody).max(200) })
  .refine((b) => new Set(b.rules.map((r) => r.ruleId)).size === b.rules.length, {
    path: ['rules'],
    message: 'ruleId must be unique',
  });

/** GET /replenishment/suggestions: one SKU, or every SKU in stock without it. */
export const suggestionsQuery = { sku: id.optional() };

/** GET /availability: a comma-separated list of SKUs, an optional origin, an optional channel. */
export const availabilityQuery = {
  skus: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(id).min(1).max(50)),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lon: z.coerce.number().min(-180).max(180).optional(),
  /** with a channel, net of what each location holds back from it */
  ...channelQuery,
};

/** GET /orders: a page of orders, newest first, optionally of one status. */
export const ordersQuery = {
  status: z.enum(orderStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  next: z.string().max(2048).refine(isOrdersPageCursor, 'is not a cursor this API returned').optional(),
};

export const adjustmentBody = z.object({
  adjustmentId: id,
  locationId: id,
  sku: id,
  delta: z
    .number()
    .int()
    .min(-1_000_000_000)
    .max(1_000_000_000)
    .refine((d) => d !== 0, 'must not be 0'),
  reason: text(200),
});

const address = z.object({
  line1: text(200),
  postcode: text(16),
  city: text(100),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
  lat: latitude.optional(),
  lon: longitude.optional(),
});

export const deliveryBody = z
  .object({
    mode: z.enum(deliveryModes),
    address: address.optional(),
    storeId: id.optional(),
    service: z.enum(services).optional(),
  })
  .superRefine((delivery, ctx) => {
    if (delivery.mode === 'home' && !delivery.address)
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'is required for home delivery' });
    if (delivery.mode !== 'home' && !delivery.storeId)
      ctx.addIssue({ code: 'custom', path: ['storeId'], message: `is required for ${delivery.mode}` });
  });

export const orderLineBody = z.object({
  sku: id,
  quantity: z.number().int().min(1).max(999),
  unitPrice: euros(10_000_000).optional(),
});

export const orderBody = z.object({
  orderId: id.optional(),
  channel: z.enum(channels),
  customer: z.object({ id, email: email.optional() }),
  delivery: deliveryBody,
  lines: z.array(orderLineBody).min(1).max(100),
});

export const promiseBody = z.object({
  lines: z
    .array(z.object({ sku: id, quantity: z.number().int().min(1).max(999) }))
    .min(1)
    .max(100),
  delivery: deliveryBody,
  at: isoDate.optional(),
});

export const confirmBody = z
  .object({
    packages: z
      .array(z.object({ weightKg: kilograms }))
      .max(100)
      .optional(),
  })
  .default({});

export const rejectBody = z.object({ reason: text(500) });

export const cancelBody = z
  .object({
    lines: z
      .array(z.object({ sku: id, quantity: z.number().int().min(1).max(999) }))
      .min(1)
      .max(100)
      .optional(),
  })
  .default({});

const wholeDays = z.number().int().min(0).max(60);

/** PUT /carriers/{carrierId} (DESIGN.md section 6.1), plus an optional pickup cut-off. */
export const carrierBody = z.object({
  name: z.string().min(1).max(200),
  services: z
    .array(
      z.object({
        service: z.enum(services),
        transitDays: z
          .object({ p50: wholeDays, p90: wholeDays })
          .refine((t) => t.p90 >= t.p50, { path: ['p90'], message: 'must be at least p50' }),
        maxWeightKg: z.number().gt(0).max(10_000).transform(rounded(3)),
        rates: z
          .array(
            z.object({ zone: z.enum(zones), maxKg: z.number().gt(0).max(10_000), price: euros(100_000) }),
          )
          .min(1)
          .max(200),
        co2KgPerTonneKm: z.number().min(0).max(100).transform(rounded(6)),
        factorSource: z.string().min(1).max(500),
      }),
    )
    .min(1)
    .max(10)
    .refine((list) => new Set(list.map((s) => s.service)).size === list.length, 'must not repeat a service'),
  coverage: z
    .array(z.string().regex(/^[0-9A-Za-z]{1,5}$/, 'must be a postcode prefix'))
    .min(1)
    .max(10_000)
    .optional(),
  dailyCapacity: z.number().int().min(0).max(10_000_000).optional(),
  workingDays: isoWeekdays.optional(),
  pickupCutoff: timeOfDay.optional(),
});

export const carrierEventBody = z.object({
  eventId: id,
  trackingNumber: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  status: z.enum(carrierStatuses),
  reason: z.enum(trackingReasons).optional(),
  rawCode: z.string().min(1).max(64).optional(),
  occurredAt: isoDate,
  location: text(200).optional(),
});

export const returnBody = z.object({
  returnId: id.optional(),
  lines: z
    .array(z.object({ sku: id, quantity: z.number().int().min(1).max(999), reason: text(200) }))
    .min(1)
    .max(100),
});

/** What a state machine's Catch puts at its ResultPath: the error's name and its cause. */
export const workflowFailure = z.object({ Error: z.string(), Cause: z.string().optional() }).loose();

/** The longest period the analytics routes read at once (a month and a day: any calendar month fits). */
export const maxAnalyticsDays = 31;

/** An instant (ISO 8601 with an offset) or a day (`YYYY-MM-DD`, its UTC midnight), as a UTC ISO instant. */
const instantOrDay = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO 8601 instant (2026-12-01T08:00:00Z) or a day (2026-12-01)',
  })
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00.000Z` : value).toISOString());

/**
 * A period of the order history, [from, to): `to` defaults to now, `from` to a day before `to`; at
 * most `maxAnalyticsDays` long. The extra query fields ride along.
 */
export function analyticsQuery<Q extends z.ZodRawShape>(extra: Q) {
  type Fields = z.infer<z.ZodObject<Q>> & { from?: string | undefined; to?: string | undefined };
  const period = z
    .object({ from: instantOrDay.optional(), to: instantOrDay.optional(), ...extra })
    .prefault({} as never)
    .transform((parsed, context) => {
      const q = parsed as Fields;
      const to = q.to ?? new Date().toISOString();
      const from = q.from ?? new Date(Date.parse(to) - 86_400_000).toISOString();
      if (from >= to) context.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
      else if (Date.parse(to) - Date.parse(from) > maxAnalyticsDays * 86_400_000)
        context.addIssue({
          code: 'custom',
          path: ['to'],
          message: `must be at most ${maxAnalyticsDays} days after from`,
        });
      return { ...q, from, to } as Omit<Fields, 'from' | 'to'> & { from: string; to: string };
    });
  return APIGatewayProxyEventV2Schema.extend({ queryStringParameters: period });
}

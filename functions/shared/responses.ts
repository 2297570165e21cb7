/**
 * What the HTTP API answers, as zod schemas: the response side of the OpenAPI description
 * (`functions/shared/api-description/`), whose request side is `schemas.ts`. The views
 * (`views.ts`) and the use cases shape the answers; the e2e test checks the answers it receives
 * against these. Each object is closed in the description (zod's output mode), so a field added to
 * an answer fails that check until it is described here.
 */
import { z } from 'zod';
import { zones } from '../core/carriers/carriers.ts';
import { supplyKinds } from '../core/inventory/supply.ts';
import { capabilities, handlingKinds, locationTypes } from '../core/network.ts';
import { notificationTemplates } from '../core/notifications/templates.ts';
import {
  channels,
  deliveryModes,
  incidentKinds,
  incidentResolutions,
  orderStatuses,
  services,
  shipmentStatuses,
} from '../core/orders/types.ts';
import { returnStatuses } from '../core/returns/returns.ts';
import { carrierStatuses, trackingReasons } from './events.ts';

const instant = z.iso.datetime({ offset: true });
const day = z.iso.date();
const channelBuffers = z
  .partialRecord(
    z.enum(channels),
    z.object({ units: z.number().int().optional(), share: z.number().optional() }),
  )
  .meta({ id: 'ChannelBuffers', description: 'units held back from each channel' });

const bufferSources = z
  .partialRecord(z.enum(channels), z.object({ ruleId: z.string(), reason: z.string() }))
  .meta({
    id: 'BufferSources',
    description:
      'the channel allocation rule behind each buffer a rule set; a buffer absent here was set by hand',
  });

export const healthAnswer = z.object({ status: z.literal('ok') });

/** RFC 9457 problem details: every 4xx and 5xx answer of a function. */
export const problemAnswer = z
  .object({
    type: z.url().meta({ example: 'https://relais.dev/problems/validation-failed' }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    errors: z
      .array(z.object({ field: z.string().meta({ example: 'lines.0.quantity' }), message: z.string() }))
      .optional()
      .meta({ description: 'each bad field, by its dotted path' }),
  })
  .meta({ id: 'Problem' });

export const locationAnswer = z
  .object({
    locationId: z.string(),
    name: z.string(),
    type: z.enum(locationTypes),
    lat: z.number(),
    lon: z.number(),
    postcode: z.string().optional(),
    capabilities: z.array(z.enum(capabilities)),
    handlingCost: z.number().optional(),
    storageCostPerUnitDay: z.number().optional(),
    dailyCapacity: z.number().int().optional(),
    priority: z.number().int().optional(),
    performance: z.number().optional(),
    handling: z.array(z.enum(handlingKinds)).optional(),
    cutoffTime: z.string().optional(),
    preparationDays: z.number().int().optional(),
    openingDays: z.array(z.number().int()).optional(),
    downtime: z.array(z.object({ from: instant, to: instant })).optional(),
    holdMinutes: z.number().int().optional(),
    acceptsReturns: z.boolean().optional(),
  })
  .meta({ id: 'Location' });

export const locationsAnswer = z.object({ items: z.array(locationAnswer) });

export const productAnswer = z
  .object({
    sku: z.string(),
    name: z.string(),
    weightKg: z.number(),
    handling: z.array(z.enum(handlingKinds)).optional(),
    kit: z.array(z.object({ sku: z.string(), quantity: z.number().int() })).optional(),
    endOfSeries: z.boolean().optional(),
    releaseDate: day.optional().meta({ description: 'before it, orders are preorders' }),
    category: z.string().optional(),
  })
  .meta({ id: 'Product' });

export const stockRowAnswer = z
  .object({
    locationId: z.string(),
    sku: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    safetyStock: z.number().int(),
    available: z.number().int().min(0),
    channelBuffers: channelBuffers.optional(),
    bufferSources: bufferSources.optional(),
  })
  .meta({ id: 'StockRow' });

const expectedArrival = z.object({
  supplyId: z.string(),
  locationId: z.string(),
  quantity: z.number().int(),
  expectedAt: instant,
  kind: z.enum(supplyKinds),
  fromLocationId: z.string().optional(),
});

export const inventoryAnswer = z
  .object({
    sku: z.string(),
    channel: z.enum(channels).optional().meta({ description: 'present when asked for' }),
    ats: z.number().int().meta({ description: 'available to sell across the network (for the channel)' }),
    locations: z.array(
      stockRowAnswer
        .omit({ sku: true })
        .extend({ ats: z.number().int().optional().meta({ description: "the channel's share here" }) }),
    ),
    expected: z.array(expectedArrival).meta({ description: 'supply not yet received, earliest first' }),
  })
  .meta({ id: 'SkuInventory' });

export const availabilityAnswer = z.object({
  items: z.array(
    z.object({
      sku: z.string(),
      ats: z.number().int(),
      nearby: z.array(
        z.object({
          locationId: z.string(),
          available: z.number().int(),
          distanceKm: z.number().nullable().meta({ description: 'null without lat and lon' }),
        }),
      ),
    }),
  ),
});

export const supplyAnswer = z
  .object({
    supplyId: z.string(),
    locationId: z.string(),
    sku: z.string(),
    quantity: z.number().int(),
    expectedAt: instant,
    kind: z.enum(supplyKinds),
    fromLocationId: z.string().optional(),
    status: z.enum(['expected', 'received']),
    receivedAt: instant.optional(),
  })
  .meta({ id: 'Supply' });

export const receivedSupplyAnswer = supplyAnswer.extend({ stock: stockRowAnswer });

export const carrierAnswer = z
  .object({
    carrierId: z.string(),
    name: z.string(),
    services: z.array(
      z.object({
        service: z.enum(services),
        transitDays: z.object({ p50: z.number().int(), p90: z.number().int() }),
        maxWeightKg: z.number(),
        rates: z.array(z.object({ zone: z.enum(zones), maxKg: z.number(), price: z.number() })),
        co2KgPerTonneKm: z.number(),
        factorSource: z.string(),
      }),
    ),
    coverage: z.array(z.string()).optional(),
    dailyCapacity: z.number().int().optional(),
    workingDays: z.array(z.number().int()).optional(),
    pickupCutoff: z.string().optional(),
    onTimeRate: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .optional()
      .meta({ description: "share of Relais's deliveries made on time; null before any" }),
  })
  .meta({ id: 'Carrier' });

export const carriersAnswer = z.object({ items: z.array(carrierAnswer) });

export const promiseAnswer = z.object({
  options: z.array(
    z.object({
      mode: z.enum(deliveryModes),
      service: z.enum(services),
      carrierId: z.string().optional(),
      locationIds: z.array(z.string()),
      earliestDate: day,
      latestDate: day,
      cutoffAt: instant.meta({ description: "ordering before it keeps this option's dates" }),
      cost: z.number().min(0),
      co2Kg: z.number(),
    }),
  ),
});

const stockLine = z.object({ sku: z.string(), quantity: z.number().int() });
const orderLine = stockLine.extend({ unitPrice: z.number().optional() });
const address = z.object({
  line1: z.string(),
  postcode: z.string(),
  city: z.string(),
  country: z.string(),
  lat: z.number().optional(),
  lon: z.number().optional(),
});
const delivery = z.object({
  mode: z.enum(deliveryModes),
  address: address.optional(),
  storeId: z.string().optional(),
  service: z.enum(services).optional(),
});

const carrierOffer = z.object({
  carrierId: z.string(),
  service: z.enum(services),
  cost: z.number(),
  co2Kg: z.number(),
  deliveryDate: day,
});

const carrierChoice = z.object({
  reason: z.string(),
  alternatives: z.array(carrierOffer),
  chosen: carrierOffer
    .optional()
    .meta({ description: "the offer taken: its price and CO2 are the parcel's" }),
});

const shipment = z.object({
  shipmentId: z.string(),
  locationId: z.string(),
  status: z.enum(shipmentStatuses),
  mode: z.enum(deliveryModes),
  lines: z.array(stockLine),
  carrierId: z.string().optional(),
  trackingNumber: z.string().optional(),
  labelUrl: z.url().optional().meta({ description: 'the PDF label, behind the same auth' }),
  promisedDate: day.optional(),
  carrierChoice: carrierChoice.optional(),
  rejection: z.object({ reason: z.string() }).optional(),
  events: z.array(
    z.object({
      status: z.enum(carrierStatuses),
      reason: z.enum(trackingReasons).optional(),
      rawCode: z.string().optional(),
      occurredAt: instant,
      receivedAt: instant,
    }),
  ),
  attempts: z.number().int().min(0),
  replacedBy: z.string().optional(),
  transferTo: z
    .string()
    .optional()
    .meta({ description: 'click & collect served from elsewhere: the store it travels to' }),
  holdUntil: instant.optional().meta({ description: 'until when the store keeps it for the customer' }),
  cancelledLines: z.array(stockLine).optional(),
});

/**
 * Why the order ships from where it does. Open: the explanation tells a person (and the operator's
 * map) about the decision, and gains detail as the sourcing core does.
 */
const sourcingExplanation = z
  .looseObject({
    strategy: z.string(),
    candidates: z.number().int(),
    excluded: z.array(
      z.looseObject({
        locationId: z.string(),
        rule: z.string(),
        detail: z.string().optional(),
        sku: z.string().optional(),
      }),
    ),
    chosen: z.array(z.looseObject({ locationId: z.string(), distanceKm: z.number(), cost: z.number() })),
    costTerms: z.record(z.string(), z.number()),
  })
  .meta({ id: 'SourcingExplanation' });

const orderFields = {
  orderId: z.string(),
  status: z.enum(orderStatuses),
  channel: z.enum(channels),
  customer: z.object({ id: z.string(), email: z.string().optional() }),
  lines: z.array(orderLine),
  delivery,
  shipments: z.array(shipment),
  incidents: z.array(
    z.object({
      shipmentId: z.string(),
      kind: z.enum(incidentKinds),
      at: instant,
      resolution: z.enum(incidentResolutions),
      replacementShipmentId: z.string().optional(),
    }),
  ),
  promise: z
    .object({
      service: z.enum(services),
      earliestDate: day,
      latestDate: day,
      carrierId: z.string().optional(),
    })
    .optional(),
  history: z.array(
    z.object({
      status: z.enum([...orderStatuses, ...shipmentStatuses]),
      at: instant,
      detail: z.string().optional(),
    }),
  ),
  rejection: z.object({ reason: z.string() }).optional(),
  backorder: z
    .object({
      since: instant,
      readyAt: instant,
      releaseDate: day.optional(),
      supply: z.array(
        z.object({ supplyId: z.string(), sku: z.string(), quantity: z.number().int(), expectedAt: instant }),
      ),
    })
    .optional()
    .meta({ description: 'what a BACKORDERED order waits for' }),
  cancellation: z.object({ reason: z.string() }).optional(),
  cancelledLines: z.array(stockLine).optional(),
  createdAt: instant,
  updatedAt: instant,
};

export const orderAnswer = z
  .object({
    ...orderFields,
    sourcing: z
      .object({ cost: z.number(), explanation: sourcingExplanation })
      .optional()
      .meta({ description: 'present once the order is ALLOCATED' }),
  })
  .meta({ id: 'Order' });

export const ordersPageAnswer = z.object({
  items: z.array(
    z
      .object({
        ...orderFields,
        sourcing: z
          .object({ cost: z.number() })
          .optional()
          .meta({ description: 'the explanation is served whole by GET /orders/{orderId}' }),
      })
      .meta({ id: 'OrderSummary' }),
  ),
  next: z.string().optional().meta({ description: 'the cursor of the next page, when there is one' }),
});

export const orderAcceptedAnswer = z.object({ orderId: z.string(), status: z.enum(orderStatuses) });

export const cancelAcceptedAnswer = z.union([
  orderAcceptedAnswer.extend({ cancelRequested: z.literal(true) }).meta({ description: 'the whole order' }),
  orderAcceptedAnswer
    .extend({ cancelledLines: z.array(stockLine) })
    .meta({ description: 'some lines: every unit cancelled so far' }),
]);

export const shipmentAnswerAccepted = z.object({
  shipmentId: z.string(),
  status: z.enum([...shipmentStatuses, 'REJECTED']).optional(),
});

export const carrierEventAccepted = z.object({ eventId: z.string(), accepted: z.literal(true) });

export const notificationsAnswer = z.object({
  items: z.array(
    z.object({
      notificationId: z.string(),
      channel: z.literal('email'),
      template: z.enum(notificationTemplates),
      to: z.string().nullable().meta({ description: 'null when the customer left no e-mail address' }),
      subject: z.string(),
      status: z.enum(['sending', 'sent', 'skipped']),
      at: instant,
      shipmentId: z.string().optional(),
    }),
  ),
});

export const returnCreatedAnswer = z.object({
  returnId: z.string(),
  status: z.enum(returnStatuses),
  carrierId: z.string(),
  trackingNumber: z.string(),
  labelUrl: z.url(),
});

export const returnAnswer = z
  .object({
    returnId: z.string(),
    orderId: z.string(),
    status: z.enum(returnStatuses),
    lines: z.array(stockLine.extend({ reason: z.string(), restockLocationId: z.string().optional() })),
    carrierId: z.string(),
    trackingNumber: z.string(),
    restockLocationId: z.string().optional().meta({ description: 'only when restocked' }),
    grade: z.enum(['A', 'B', 'C']).optional(),
    refund: z
      .object({
        amount: z.number(),
        currency: z.literal('EUR'),
        lines: z.array(
          z.object({
            sku: z.string(),
            quantity: z.number().int(),
            unitPrice: z.number(),
            amount: z.number(),
          }),
        ),
      })
      .optional(),
    inspection: z.object({ grade: z.enum(['A', 'B', 'C']).optional(), at: instant }).optional(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Return' });

const share = z.number().nullable().meta({ description: 'null when there is nothing to divide by' });

export const kpisAnswer = z
  .object({
    from: instant,
    to: instant,
    channel: z.enum(channels).optional(),
    orders: z.number().int(),
    delivered: z.number().int(),
    rejected: z.number().int(),
    cancelled: z.number().int(),
    fillRatePct: share,
    splitRatePct: share,
    parcelsPerOrder: share,
    promiseKeptPct: share,
    avgCostEur: share,
    avgCo2Kg: share,
    byCarrier: z.array(
      z.object({
        carrierId: z.string(),
        parcels: z.number().int(),
        onTimePct: share,
        avgCostEur: share,
        avgCo2Kg: share,
      }),
    ),
    byLocation: z.array(
      z.object({ locationId: z.string(), shipments: z.number().int(), rejections: z.number().int() }),
    ),
  })
  .meta({ id: 'Kpis' });

export const alertsAnswer = z.object({
  items: z.array(
    z
      .object({
        alertId: z.string(),
        kind: z.string(),
        severity: z.string(),
        subject: z.string(),
        since: instant,
        detail: z.string(),
      })
      .meta({ id: 'Alert' }),
  ),
});

const originCover = z.number().nullable().meta({ description: 'null: the origin sells none of the SKU' });

export const suggestionsAnswer = z.object({
  items: z.array(
    z
      .object({
        suggestionId: z.string(),
        sku: z.string(),
        fromLocationId: z.string(),
        toLocationId: z.string(),
        quantity: z.number().int().min(1),
        reason: z.string(),
        coverDaysBefore: z.number().meta({ description: "the destination's cover (days), now" }),
        coverDaysAfter: z
          .number()
          .meta({ description: "the destination's cover once this transfer arrives" }),
        originCoverDaysBefore: originCover,
        originCoverDaysAfter: originCover,
      })
      .meta({ id: 'TransferSuggestion' }),
  ),
});

export const channelRule = z
  .object({
    ruleId: z.string(),
    skus: z.array(z.string()).optional(),
    category: z.string().optional(),
    protectedChannel: z.enum(channels),
    threshold: z.number().int(),
    units: z.number().int(),
  })
  .meta({ id: 'ChannelRule' });

export const channelRulesAnswer = z.object({
  rules: z.array(channelRule),
  applied: z.number().int().optional().meta({ description: 'stock rows whose buffers the rules changed' }),
});

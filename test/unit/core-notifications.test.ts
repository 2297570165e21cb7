import { describe, expect, it } from 'vitest';
import { composeMessage, spokenDate } from '../../functions/core/notifications/messages.ts';
import { escapeHtml } from '../../functions/core/notifications/rendering.ts';
import {
  type Language,
  type MessageFacts,
  notificationTemplates,
} from '../../functions/core/notifications/templates.ts';
import {
  languageOf,
  messageFacts,
  type NotifiedOrder,
  notificationFor,
  promisedDateOf,
} from '../../functions/core/notifications/triggers.ts';
import type { Shipment } from '../../functions/core/orders/types.ts';

const facts: MessageFacts = {
  orderId: 'O-42',
  pickup: false,
  promisedDate: '2026-12-07',
  expectedDate: '2026-12-09',
  carrierId: 'colissimo',
  trackingNumber: 'CP12345678901234FR',
  refund: { amount: 12.5, currency: 'EUR' },
};

function shipment(id: string, extra: Partial<Shipment> = {}): Shipment {
  return {
    shipmentId: id,
    locationId: 'W1',
    status: 'ALLOCATED',
    mode: 'home',
    lines: [{ sku: 'MUG', quantity: 1 }],
    reservation: 'held',
    ...extra,
  };
}

function order(extra: Partial<NotifiedOrder> = {}): NotifiedOrder {
  return {
    orderId: 'O-42',
    customer: { id: 'C-1', email: 'a@example.com' },
    delivery: {
      mode: 'home',
      address: { line1: '1 rue de Rivoli', postcode: '75001', city: 'Paris', country: 'FR' },
    },
    shipments: [shipment('O-42-S1', { promisedDate: '2026-12-05' }), shipment('O-42-S2')],
    ...extra,
  };
}

describe('the notification templates', () => {
  const languages: Language[] = ['fr', 'en'];

  it.each(notificationTemplates.flatMap((t) => languages.map((l) => [t, l] as const)))(
    '%s renders in %s with a subject, a text and an HTML body naming the order',
    (template, language) => {
      const message = composeMessage(template, language, facts);
      expect(message.subject).toContain('O-42');
      expect(message.text.length).toBeGreaterThan(40);
      expect(message.html).toMatch(new RegExp(`^<!doctype html><html lang="${language}">`));
      expect(message.html).toContain(`<title>${message.subject.replace(/'/g, '&#39;')}</title>`);
      expect(message.text).not.toContain('undefined');
    },
  );

  it('says the same thing in two languages, not the same words', () => {
    for (const template of notificationTemplates) {
      expect(composeMessage(template, 'fr', facts).subject).not.toBe(
        composeMessage(template, 'en', facts).subject,
      );
    }
    expect(composeMessage('delivered', 'fr', facts).text).toContain('Bonjour');
    expect(composeMessage('delivered', 'en', facts).text).toContain('Hello');
  });

  it('gives the promised date in order_confirmed, in words of the language', () => {
    expect(composeMessage('order_confirmed', 'fr', facts).text).toContain('lundi 7 décembre 2026');
    expect(composeMessage('order_confirmed', 'en', facts).text).toMatch(/Monday,? 7 December 2026/);
    const undated = composeMessage('order_confirmed', 'fr', { ...facts, promisedDate: undefined });
    expect(undated.text).not.toContain('2026');
  });

  it('gives the carrier and the tracking number in order_dispatched', () => {
    for (const language of languages) {
      const { text, html } = composeMessage('order_dispatched', language, facts);
      expect(text).toContain('colissimo');
      expect(text).toContain('CP12345678901234FR');
      expect(html).toContain('CP12345678901234FR');
    }
  });

  it('gives the old and new dates when an order is delayed, and the refund amount', () => {
    const delayed = composeMessage('order_delayed', 'en', facts).text;
    expect(delayed).toMatch(/Monday,? 7 December 2026/);
    expect(delayed).toMatch(/Wednesday,? 9 December 2026/);
    expect(composeMessage('refund_requested', 'fr', facts).text).toMatch(/12,50\s€/);
    expect(composeMessage('refund_requested', 'en', facts).text).toContain('€12.50');
  });

  it('escapes every fact in the HTML, and keeps it as written in the text', () => {
    const place = '<script>alert("x")</script> & Fils';
    const message = composeMessage('ready_for_pickup', 'fr', { ...facts, pickup: true, pickupPlace: place });
    expect(message.text).toContain(place);
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Fils');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });

  it('reads a date it cannot parse as it came', () => {
    expect(spokenDate('fr', 'soon')).toBe('soon');
  });
});

describe('which event calls for which message', () => {
  it('confirms an allocated order and announces a cancelled one, once per order', () => {
    expect(notificationFor({ type: 'OrderAllocated.v1', orderId: 'O' })).toEqual({
      template: 'order_confirmed',
      orderId: 'O',
      subject: 'ORDER',
    });
    expect(notificationFor({ type: 'OrderCancelled.v1', orderId: 'O' })).toMatchObject({
      template: 'order_cancelled',
      subject: 'ORDER',
    });
  });

  it('tells each shipment’s dispatch and delay, keyed by the shipment', () => {
    expect(
      notificationFor({
        type: 'ShipmentDispatched.v1',
        orderId: 'O',
        shipmentId: 'S1',
        carrierId: 'c',
        trackingNumber: 't',
      }),
    ).toEqual({ template: 'order_dispatched', orderId: 'O', shipmentId: 'S1', subject: 'S1' });
    expect(
      notificationFor({
        type: 'PromiseAtRisk.v1',
        orderId: 'O',
        shipmentId: 'S2',
        promisedDate: '2026-01-02',
      }),
    ).toMatchObject({ template: 'order_delayed', subject: 'S2' });
  });

  it.each([
    ['OUT_FOR_DELIVERY', 'out_for_delivery'],
    ['DELIVERED', 'delivered'],
    ['DELIVERY_FAILED', 'delivery_failed'],
    ['READY_FOR_PICKUP', 'ready_for_pickup'],
    ['AVAILABLE_FOR_PICKUP', 'ready_for_pickup'],
  ])('a shipment moving to %s calls for %s', (status, template) => {
    expect(
      notificationFor({ type: 'ShipmentStatusChanged.v1', orderId: 'O', shipmentId: 'S1', status }),
    ).toMatchObject({ template, shipmentId: 'S1', subject: 'S1' });
  });

  it.each(['ALLOCATED', 'PACKED', 'DISPATCHED', 'IN_TRANSIT', 'CANCELLED', 'COLLECTED'])(
    'a shipment moving to %s tells the customer nothing',
    (status) => {
      expect(
        notificationFor({ type: 'ShipmentStatusChanged.v1', orderId: 'O', shipmentId: 'S1', status }),
      ).toBeUndefined();
    },
  );

  it('keys a refund by its shipment after an incident, by its return otherwise', () => {
    expect(notificationFor({ type: 'RefundRequested.v1', orderId: 'O', shipmentId: 'S1' })).toMatchObject({
      template: 'refund_requested',
      shipmentId: 'S1',
      subject: 'S1',
    });
    expect(notificationFor({ type: 'RefundRequested.v1', orderId: 'O', returnId: 'R1' })).toEqual({
      template: 'refund_requested',
      orderId: 'O',
      returnId: 'R1',
      subject: 'RETURN-R1',
    });
  });
});

describe('the customer’s language', () => {
  const at = (country: string) =>
    languageOf({ delivery: { mode: 'home', address: { line1: 'x', postcode: '1', city: 'y', country } } });

  it('is French for France and its French-speaking neighbours, English elsewhere', () => {
    for (const country of ['FR', 'BE', 'CH', 'LU', 'MC', 'fr']) expect(at(country)).toBe('fr');
    for (const country of ['DE', 'GB', 'US', 'ES']) expect(at(country)).toBe('en');
  });

  it('is French for an order fetched at a store', () => {
    expect(languageOf({ delivery: { mode: 'click_collect', storeId: 'ST' } })).toBe('fr');
    expect(languageOf({ delivery: { mode: 'e_reservation', storeId: 'ST' } })).toBe('fr');
  });
});

describe('the facts of a message', () => {
  it('takes the promised date from the promise made at intake, else from the shipments', () => {
    expect(promisedDateOf(order({ promise: { latestDate: '2026-12-10' } }))).toBe('2026-12-10');
    expect(promisedDateOf(order())).toBe('2026-12-05');
    expect(promisedDateOf(order({ shipments: [shipment('S')] }))).toBeUndefined();
  });

  it('uses the shipment’s own promised date for a shipment message', () => {
    const o = order({ promise: { latestDate: '2026-12-10' } });
    const about = {
      template: 'delivered' as const,
      orderId: 'O-42',
      shipmentId: 'O-42-S1',
      subject: 'O-42-S1',
    };
    const trigger = {
      type: 'ShipmentStatusChanged.v1' as const,
      orderId: 'O-42',
      shipmentId: 'O-42-S1',
      status: 'DELIVERED',
    };
    expect(messageFacts(o, trigger, about).promisedDate).toBe('2026-12-05');
  });

  it('takes the carrier and tracking number from the dispatch event, the dates from a promise at risk', () => {
    const dispatched = {
      type: 'ShipmentDispatched.v1' as const,
      orderId: 'O-42',
      shipmentId: 'O-42-S2',
      carrierId: 'chrono',
      trackingNumber: 'CH1',
    };
    const about = notificationFor(dispatched);
    expect(about && messageFacts(order(), dispatched, about)).toMatchObject({
      carrierId: 'chrono',
      trackingNumber: 'CH1',
      pickup: false,
    });
    const risk = {
      type: 'PromiseAtRisk.v1' as const,
      orderId: 'O-42',
      shipmentId: 'O-42-S1',
      promisedDate: '2026-12-05',
      expectedDate: '2026-12-08',
    };
    const delayed = notificationFor(risk);
    expect(delayed && messageFacts(order(), risk, delayed)).toMatchObject({
      promisedDate: '2026-12-05',
      expectedDate: '2026-12-08',
    });
  });

  it('names the store for a click & collect order, never for a home parcel', () => {
    const collect = order({
      delivery: { mode: 'click_collect', storeId: 'ST' },
      shipments: [shipment('O-42-S1', { mode: 'click_collect' })],
    });
    const trigger = {
      type: 'ShipmentStatusChanged.v1' as const,
      orderId: 'O-42',
      shipmentId: 'O-42-S1',
      status: 'READY_FOR_PICKUP',
    };
    const about = notificationFor(trigger);
    expect(about && messageFacts(collect, trigger, about, 'Paris Rivoli')).toMatchObject({
      pickup: true,
      pickupPlace: 'Paris Rivoli',
    });
    expect(
      about && messageFacts(order(), trigger, { ...about, shipmentId: 'O-42-S1' }, 'X').pickupPlace,
    ).toBeUndefined();
  });
});

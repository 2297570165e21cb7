import { line, type MessageLine, type RenderedMessage, renderMessage } from './rendering.ts';
import type { Language, MessageFacts, NotificationTemplate } from './templates.ts';

const locales: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };

/** `2026-12-07` as the customer reads it: "lundi 7 décembre 2026", "Monday 7 December 2026". */
export function spokenDate(language: Language, isoDate: string): string {
  const day = new Date(`${isoDate.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(day.getTime())) return isoDate;
  return new Intl.DateTimeFormat(locales[language], { dateStyle: 'full', timeZone: 'UTC' }).format(day);
}

function money(language: Language, refund: { amount: number; currency: string }): string {
  return new Intl.NumberFormat(locales[language], { style: 'currency', currency: refund.currency }).format(
    refund.amount,
  );
}

interface Wording {
  subject: string;
  body: MessageLine[];
}

type Words = Record<NotificationTemplate, (facts: MessageFacts, date: (iso: string) => string) => Wording>;

const french: Words = {
  order_confirmed: (f, date) => ({
    subject: `Votre commande ${f.orderId} est confirmée`,
    body: [
      line`Merci pour votre commande ${f.orderId} : nous la préparons.`,
      f.promisedDate
        ? f.pickup
          ? line`Elle sera prête à retirer au plus tard le ${date(f.promisedDate)}.`
          : line`Livraison prévue au plus tard le ${date(f.promisedDate)}.`
        : line`Nous vous écrirons dès qu'elle partira.`,
    ],
  }),
  order_dispatched: (f, date) => ({
    subject: `Votre commande ${f.orderId} est expédiée`,
    body: [
      line`Votre colis a été remis au transporteur ${f.carrierId ?? ''}.`,
      line`Numéro de suivi : ${f.trackingNumber ?? ''}`,
      ...(f.promisedDate ? [line`Livraison prévue au plus tard le ${date(f.promisedDate)}.`] : []),
    ],
  }),
  out_for_delivery: (f) => ({
    subject: `Votre colis arrive aujourd'hui (commande ${f.orderId})`,
    body: [
      line`Le livreur ${f.carrierId ?? ''} est en route avec votre colis ${f.trackingNumber ?? ''} : il arrive aujourd'hui.`,
    ],
  }),
  delivered: (f) => ({
    subject: `Votre commande ${f.orderId} est livrée`,
    body: [
      line`Votre colis ${f.trackingNumber ?? ''} a été livré.`,
      line`Un article ne convient pas ? Vous pouvez le retourner depuis votre espace client.`,
    ],
  }),
  delivery_failed: (f) => ({
    subject: `Nous n'avons pas pu livrer votre colis (commande ${f.orderId})`,
    body: [
      line`Le transporteur ${f.carrierId ?? ''} n'a pas pu livrer votre colis ${f.trackingNumber ?? ''}.`,
      line`Il tentera une nouvelle livraison ; vous pouvez aussi suivre le colis avec son numéro de suivi.`,
    ],
  }),
  ready_for_pickup: (f) => ({
    subject: `Votre commande ${f.orderId} vous attend`,
    body: [
      f.pickupPlace
        ? line`Votre commande est prête : vous pouvez la retirer à ${f.pickupPlace}.`
        : line`Votre colis ${f.trackingNumber ?? ''} est disponible à votre point de retrait.`,
      line`Munissez-vous de ce message et d'une pièce d'identité.`,
    ],
  }),
  order_delayed: (f, date) => ({
    subject: `Votre commande ${f.orderId} prend du retard`,
    body: [
      f.promisedDate
        ? line`Votre colis ne pourra pas arriver le ${date(f.promisedDate)} comme promis.`
        : line`Votre colis prend du retard.`,
      f.expectedDate
        ? line`Nouvelle date prévue : ${date(f.expectedDate)}.`
        : line`Nous faisons le nécessaire et vous tenons informé.`,
      line`Toutes nos excuses pour ce contretemps.`,
    ],
  }),
  order_cancelled: (f) => ({
    subject: `Votre commande ${f.orderId} est annulée`,
    body: [
      line`Votre commande ${f.orderId} a été annulée.`,
      line`Si un paiement a été prélevé, il vous sera intégralement remboursé.`,
    ],
  }),
  refund_requested: (f) => ({
    subject: `Votre remboursement est en cours (commande ${f.orderId})`,
    body: [
      f.refund
        ? line`Nous avons demandé le remboursement de ${money('fr', f.refund)} pour votre commande ${f.orderId}.`
        : line`Nous avons demandé le remboursement des articles concernés de votre commande ${f.orderId}.`,
      line`Il apparaîtra sur votre moyen de paiement sous quelques jours.`,
    ],
  }),
};

const english: Words = {
  order_confirmed: (f, date) => ({
    subject: `Your order ${f.orderId} is confirmed`,
    body: [
      line`Thank you for your order ${f.orderId}: we are preparing it.`,
      f.promisedDate
        ? f.pickup
          ? line`It will be ready to collect by ${date(f.promisedDate)}.`
          : line`It will be delivered by ${date(f.promisedDate)}.`
        : line`We will write again as soon as it leaves.`,
    ],
  }),
  order_dispatched: (f, date) => ({
    subject: `Your order ${f.orderId} has shipped`,
    body: [
      line`Your parcel has been handed to the carrier ${f.carrierId ?? ''}.`,
      line`Tracking number: ${f.trackingNumber ?? ''}`,
      ...(f.promisedDate ? [line`It will be delivered by ${date(f.promisedDate)}.`] : []),
    ],
  }),
  out_for_delivery: (f) => ({
    subject: `Your parcel arrives today (order ${f.orderId})`,
    body: [line`The ${f.carrierId ?? ''} driver is on the way with your parcel ${f.trackingNumber ?? ''}.`],
  }),
  delivered: (f) => ({
    subject: `Your order ${f.orderId} has been delivered`,
    body: [
      line`Your parcel ${f.trackingNumber ?? ''} has been delivered.`,
      line`Something not right? You can return it from your account.`,
    ],
  }),
  delivery_failed: (f) => ({
    subject: `We could not deliver your parcel (order ${f.orderId})`,
    body: [
      line`The carrier ${f.carrierId ?? ''} could not deliver your parcel ${f.trackingNumber ?? ''}.`,
      line`They will try again; you can follow the parcel with its tracking number.`,
    ],
  }),
  ready_for_pickup: (f) => ({
    subject: `Your order ${f.orderId} is ready for you`,
    body: [
      f.pickupPlace
        ? line`Your order is ready: you can collect it at ${f.pickupPlace}.`
        : line`Your parcel ${f.trackingNumber ?? ''} is waiting at your pickup point.`,
      line`Please bring this message and a proof of identity.`,
    ],
  }),
  order_delayed: (f, date) => ({
    subject: `Your order ${f.orderId} is delayed`,
    body: [
      f.promisedDate
        ? line`Your parcel cannot arrive on ${date(f.promisedDate)} as promised.`
        : line`Your parcel is delayed.`,
      f.expectedDate
        ? line`It is now expected on ${date(f.expectedDate)}.`
        : line`We are working on it and will keep you posted.`,
      line`We are sorry for the delay.`,
    ],
  }),
  order_cancelled: (f) => ({
    subject: `Your order ${f.orderId} has been cancelled`,
    body: [
      line`Your order ${f.orderId} has been cancelled.`,
      line`If you were charged, you will be refunded in full.`,
    ],
  }),
  refund_requested: (f) => ({
    subject: `Your refund is on its way (order ${f.orderId})`,
    body: [
      f.refund
        ? line`We have requested a refund of ${money('en', f.refund)} for your order ${f.orderId}.`
        : line`We have requested a refund of the items concerned in your order ${f.orderId}.`,
      line`It will reach your payment method within a few days.`,
    ],
  }),
};

const wordsOf: Record<Language, Words> = { fr: french, en: english };
const greetings: Record<Language, MessageLine> = { fr: line`Bonjour,`, en: line`Hello,` };
const signatures: Record<Language, MessageLine> = {
  fr: line`L'équipe Relais`,
  en: line`The Relais team`,
};

/** The e-mail of one template in one language: subject, plain text and HTML. */
export function composeMessage(
  template: NotificationTemplate,
  language: Language,
  facts: MessageFacts,
): RenderedMessage {
  const { subject, body } = wordsOf[language][template](facts, (iso) => spokenDate(language, iso));
  return renderMessage(language, subject, greetings[language], body, signatures[language]);
}

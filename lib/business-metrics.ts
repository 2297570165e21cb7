/**
 * The business figures Relais counts, as CloudWatch metrics: what the functions emit (Powertools
 * metrics, in the Embedded Metric Format) and what the dashboard draws. One list, so that a name
 * cannot differ between the two. Each one counts a fact where it happens (see the README).
 */
export const businessMetricNames = [
  /** an order was stored and its workflow started (POST /orders, once per idempotency key) */
  'OrdersReceived',
  /** an order ended REJECTED: no location could ship any of its lines */
  'OrdersRejected',
  /** a location refused to prepare a shipment (POST /shipments/{id}/reject); its lines are re-sourced */
  'ShipmentsRejected',
  /** a parcel was delivered no later than its promised date (Paris day) */
  'PromisesKept',
  /** a parcel was delivered after its promised date */
  'PromisesBroken',
  /** an incident was opened on a parcel: failed delivery, lost, damaged, or overdue */
  'IncidentsOpened',
] as const;

export type BusinessMetricName = (typeof businessMetricNames)[number];

/** Where the functions publish (POWERTOOLS_METRICS_NAMESPACE) and the one dimension Powertools adds. */
export const metricsNamespace = 'Relais';
export const metricsService = 'relais';

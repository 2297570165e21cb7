import type { DeliveryFigures } from '../delivery.ts';
import { barPanel, svgDocument } from './chart.ts';
import { writePng } from './png.ts';

const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** Promise kept, cost and CO2 per parcel, per carrier: three bar panels. */
export function drawDeliveryChart(figures: DeliveryFigures, path: string): void {
  const width = 1200;
  const panel = 260;
  const carriers = figures.byCarrier;
  const bars = (value: (c: (typeof carriers)[number]) => number) =>
    carriers.map((c, i) => ({
      label: c.carrierId,
      value: value(c),
      colour: colours[i % colours.length] ?? '#777',
      note: `${c.parcels} parcels`,
    }));
  const body = [
    barPanel(
      { x: 24, y: 80, width: width - 48, height: panel },
      'Promise kept (delivered no later than promisedDate)',
      '% of delivered parcels',
      bars((c) => c.promiseKeptPct ?? 0),
      (v) => `${v.toFixed(0)}%`,
    ),
    barPanel(
      { x: 24, y: 80 + panel + 20, width: width - 48, height: panel },
      'Carrier price per parcel (carrierChoice)',
      'EUR per parcel',
      bars((c) => c.costPerParcelEur),
      (v) => `${v.toFixed(1)} €`,
    ),
    barPanel(
      { x: 24, y: 80 + 2 * (panel + 20), width: width - 48, height: panel },
      'CO2e per parcel',
      'kg per parcel',
      bars((c) => c.co2KgPerParcel),
      (v) => `${v.toFixed(2)} kg`,
    ),
  ];
  const svg = svgDocument(
    width,
    80 + 3 * (panel + 20) + 10,
    `Delivery month: ${figures.orders.placed} orders, ${figures.promiseKept.parcelsPct}% of parcels on promise`,
    `${figures.parameters.days} simulated days, seed ${figures.parameters.seed}; ${figures.costPerOrderEur} EUR and ${figures.co2KgPerOrder} kg CO2e per home order; load ${figures.machine.loadAverage1m} on ${figures.machine.cores} cores`,
    body,
  );
  writePng(svg, path);
}

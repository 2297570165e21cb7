import { type Carrier, carriersInForce } from '../core/carriers/carriers.ts';
import { NotFound } from '../shared/errors.ts';
import { onTimeRates } from './carrier-choice.ts';
import type { AppPorts } from './ports.ts';

type CarrierPorts = Pick<AppPorts, 'network' | 'carriers'>;

/** A carrier as the API shows it: its data and the share of Relais's deliveries it made on time. */
export type CarrierView = Carrier & { onTimeRate: number | null };

const withRate = (carrier: Carrier, rates: ReadonlyMap<string, number>): CarrierView => ({
  ...carrier,
  onTimeRate: rates.has(carrier.carrierId)
    ? Math.round((rates.get(carrier.carrierId) ?? 0) * 10_000) / 10_000
    : null,
});

/** The retailer's own carrier, in place of a built-in one of the same id if there is one. */
export const putCarrier = (ports: Pick<AppPorts, 'network'>, carrier: Carrier) =>
  ports.network.putCarrier(carrier);

/** The carriers in force (built-in ones and the retailer's own), each with its measured on-time rate. */
export async function listCarriers(ports: CarrierPorts) {
  const [stored, rates] = await Promise.all([ports.network.listCarriers(), onTimeRates(ports.carriers)]);
  return { items: carriersInForce(stored).map((c) => withRate(c, rates)) };
}

export async function carrierById(ports: CarrierPorts, carrierId: string): Promise<CarrierView> {
  const [stored, rates] = await Promise.all([
    ports.network.getCarrier(carrierId),
    onTimeRates(ports.carriers),
  ]);
  const carrier = stored ?? carriersInForce([]).find((c) => c.carrierId === carrierId);
  if (!carrier) throw new NotFound(`carrier ${carrierId} does not exist`);
  return withRate(carrier, rates);
}

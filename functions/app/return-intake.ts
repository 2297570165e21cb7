import { carriersInForce, cheapestOffer, trackingNumberFor } from '../core/carriers/carriers.ts';
import type { Order } from '../core/orders/types.ts';
import {
  isWithinReturnWindow,
  type ReturnLine,
  type ReturnRecord,
  returnableUnits,
  returnWindowDays,
} from '../core/returns/returns.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import { Conflict, IntegrityViolation, NotFound, ReturnWindowClosed } from '../shared/errors.ts';
import { requireOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';

export async function requireReturn(
  ports: Pick<AppPorts, 'returns'>,
  returnId: string,
): Promise<ReturnRecord> {
  const record = await ports.returns.get(returnId);
  if (!record) throw new NotFound(`return ${returnId} does not exist`);
  return record;
}

/**
 * A customer sends items back: checks what may be returned (delivered, within the window, not
 * returned already), issues the prepaid return label and starts the return workflow. Replaying a
 * returnId answers the return it created.
 */
export async function createReturn(
  ports: Pick<AppPorts, 'orders' | 'network' | 'returns' | 'labels' | 'workflows' | 'clock'>,
  orderId: string,
  request: { returnId: string; lines: ReturnLine[] },
): Promise<ReturnRecord> {
  const { returnId } = request;
  const order = await requireOrder(ports.orders, orderId);
  const existing = await ports.returns.get(returnId);
  if (existing) {
    if (existing.orderId !== orderId) throw new Conflict(`return ${returnId} belongs to another order`);
    return existing;
  }
  const now = ports.clock.now();
  if (!isWithinReturnWindow(order, now))
    throw new ReturnWindowClosed(
      `order ${orderId} is not delivered, or was delivered more than ${returnWindowDays} days ago`,
    );
  const returnable = returnableUnits(order, await ports.returns.ofOrder(orderId));
  const excess = request.lines.filter((l) => l.quantity > (returnable.get(l.sku) ?? 0));
  if (excess.length > 0)
    throw new Conflict('more units than were delivered and not yet returned', {
      errors: excess.map((l) => ({
        field: 'lines.quantity',
        message: `${l.sku}: at most ${returnable.get(l.sku) ?? 0}`,
      })),
    });
  const weightKg = await returnWeightKg(ports, request.lines);
  const carrier = await returnCarrier(ports, order, weightKg);
  const trackingNumber = trackingNumberFor(carrier, `return:${returnId}`);
  const address = order.delivery.address;
  const labelKey = await ports.labels.store(
    `return-${returnId}`,
    await ports.labels.render({
      carrierName: `${carrier.name} (return)`,
      trackingNumber,
      shipmentId: returnId,
      orderId,
      from: address ? `${address.line1} ${address.city}` : order.customer.id,
      to: ['Relais returns'],
      weightKg,
    }),
  );
  const record: ReturnRecord = {
    returnId,
    orderId,
    status: 'REQUESTED',
    lines: request.lines,
    carrierId: carrier.carrierId,
    trackingNumber,
    labelKey,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (!(await ports.returns.create(record))) throw new Conflict(`return ${returnId} already exists`);
  await ports.workflows.startReturn(returnId);
  return record;
}

/** The return's prepaid PDF label. */
export async function returnLabel(ports: Pick<AppPorts, 'returns' | 'labels'>, returnId: string) {
  const label = await ports.labels.read((await requireReturn(ports, returnId)).labelKey);
  if (!label) throw new NotFound(`return ${returnId} has no label`);
  return label;
}

/** A return travels back to the network from wherever the customer is: priced as a national parcel. */
const returnDistanceKm = 500;

async function returnWeightKg(ports: Pick<AppPorts, 'network'>, lines: ReturnLine[]): Promise<number> {
  const products = await ports.network.getProducts(lines.map((l) => l.sku));
  const kg = lines.reduce((sum, l) => sum + (products.get(l.sku)?.weightKg ?? 0) * l.quantity, 0);
  return Math.max(0.1, Math.round(kg * 1000) / 1000);
}

/** The return's carrier: the cheapest standard offer by the one ranking of offers, as for a parcel out. */
async function returnCarrier(ports: Pick<AppPorts, 'network'>, order: Order, weightKg: number) {
  const carriers = carriersInForce(await ports.network.listCarriers());
  const parcel = {
    weightKg,
    distanceKm: returnDistanceKm,
    postcode: order.delivery.address?.postcode,
  };
  const co2PricePerKg = sourcingProfileFor(order.channel).costs.co2PricePerKg;
  const offer = cheapestOffer(carriers, parcel, 'standard', co2PricePerKg);
  const carrier = carriers.find((c) => c.carrierId === offer?.carrierId);
  if (!carrier) throw new IntegrityViolation(`no carrier takes a ${parcel.weightKg} kg return`);
  return carrier;
}

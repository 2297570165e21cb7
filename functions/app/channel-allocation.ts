import {
  appliedBuffers,
  buffersDiffer,
  type ChannelRule,
  ruleBuffers,
} from '../core/inventory/channel-rules.ts';
import type { StockRow } from '../core/inventory/stock.ts';
import { channels } from '../core/orders/types.ts';
import { VersionConflict } from '../shared/errors.ts';
import { optimistically, retry } from './optimistic.ts';
import type { AppPorts } from './ports.ts';

export type RulePorts = Pick<AppPorts, 'channelRules' | 'network' | 'stock' | 'clock'>;
type AllRowsPorts = RulePorts & Pick<AppPorts, 'stockOverview'>;

export const channelRulesInForce = async (ports: Pick<AppPorts, 'channelRules'>) => ({
  rules: await ports.channelRules.get(),
});

/**
 * Brings one stock row's buffers in line with the rules (README, "Channel allocation"): a buffer
 * set by hand stays, the others follow the first active rule per channel. The write lands only on
 * the row it was computed from (a reservation in between makes it compute again). The row as
 * written, or undefined when the buffers already were what the rules ask.
 */
export async function applyChannelRules(
  ports: RulePorts,
  target: { sku: string; locationId: string },
  rules?: ChannelRule[],
): Promise<StockRow | undefined> {
  const inForce = rules ?? (await ports.channelRules.get());
  const product = (await ports.network.getProducts([target.sku])).get(target.sku) ?? { sku: target.sku };
  return optimistically(`the stock row of ${target.sku} at ${target.locationId}`, async () => {
    const row = await ports.stock.row(target.sku, target.locationId);
    if (!row) return { done: undefined };
    const next = appliedBuffers(row, ruleBuffers(inForce, product, row, channels));
    if (!buffersDiffer(row, next)) return { done: undefined };
    const updatedAt = ports.clock.now().toISOString();
    const written = await ports.stock.applyRuleBuffers(
      row,
      next.channelBuffers,
      next.bufferSources,
      updatedAt,
    );
    return written ? { done: { ...row, ...next, updatedAt } } : retry;
  });
}

/**
 * The row after a change of stock, with the buffers the rules ask: the change stands whatever
 * happens here, so a row that keeps moving under the rules' write keeps its buffers until the next
 * count, adjustment or rules update, rather than failing the change that was made.
 */
export async function withRuleBuffers(ports: RulePorts, row: StockRow): Promise<StockRow> {
  try {
    return (await applyChannelRules(ports, row)) ?? row;
  } catch (error) {
    if (error instanceof VersionConflict) return row;
    throw error;
  }
}

/** Replaces the rules and applies them to every stock row of the network; how many rows changed. */
export async function setChannelRules(ports: AllRowsPorts, rules: ChannelRule[]) {
  await ports.channelRules.put(rules, ports.clock.now().toISOString());
  return { rules, applied: await applyRulesEverywhere(ports, rules) };
}

async function applyRulesEverywhere(ports: AllRowsPorts, rules: ChannelRule[]): Promise<number> {
  const rows = await ports.stockOverview.allRows();
  let applied = 0;
  for (const row of rows) if (await applyChannelRules(ports, row, rules)) applied += 1;
  return applied;
}

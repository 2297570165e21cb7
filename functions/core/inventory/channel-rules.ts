import type { Channel } from '../orders/types.ts';
import type { ChannelBuffers } from './channels.ts';

/**
 * Channel allocation rules: when a location runs low on a product, the last units are kept for a
 * priority channel (the store's walk-in customers, say) by holding them back from the others. A
 * rule's buffers are written into the row's channel buffers, so the reservation's condition that
 * already enforces buffers enforces them too; the row remembers which rule set which buffer.
 */
export interface ChannelRule {
  ruleId: string;
  /** the products it covers: these SKUs, or those of this category; neither: every product */
  skus?: string[] | undefined;
  category?: string | undefined;
  /** the channel the units are kept for */
  protectedChannel: Channel;
  /** active while the location has at most this many units on hand */
  threshold: number;
  /** units held back from every other channel while active */
  units: number;
}

/** Why a buffer is what it is: the rule that set it, in words. */
export interface BufferSource {
  ruleId: string;
  reason: string;
}

export type BufferSources = Partial<Record<Channel, BufferSource>>;

export function ruleCovers(
  rule: ChannelRule,
  product: { sku: string; category?: string | undefined },
): boolean {
  if (rule.skus !== undefined) return rule.skus.includes(product.sku);
  if (rule.category !== undefined) return rule.category === product.category;
  return true;
}

/**
 * The buffers the rules ask of one row: for each channel, the first active rule (in list order)
 * that holds it back sets it. Put a SKU's rule before its category's to let it win.
 */
export function ruleBuffers(
  rules: readonly ChannelRule[],
  product: { sku: string; category?: string | undefined },
  row: { onHand: number },
  channels: readonly Channel[],
): { buffers: ChannelBuffers; sources: BufferSources } {
  const buffers: ChannelBuffers = {};
  const sources: BufferSources = {};
  for (const rule of rules) {
    if (!ruleCovers(rule, product) || row.onHand > rule.threshold) continue;
    for (const channel of channels) {
      if (channel === rule.protectedChannel || sources[channel]) continue;
      buffers[channel] = { units: rule.units };
      sources[channel] = {
        ruleId: rule.ruleId,
        reason:
          `${row.onHand} on hand, at or below ${rule.threshold}: ` +
          `${rule.units} units kept for ${rule.protectedChannel}`,
      };
    }
  }
  return { buffers, sources };
}

/**
 * The row's buffers once the rules are applied. A buffer set by hand (a channel with a buffer and
 * no rule behind it) wins over the rules for that channel until it is cleared; every other
 * channel follows the rules, a rule no longer active dropping the buffer it set.
 */
export function appliedBuffers(
  current: { channelBuffers?: ChannelBuffers | undefined; bufferSources?: BufferSources | undefined },
  asked: { buffers: ChannelBuffers; sources: BufferSources },
): { channelBuffers: ChannelBuffers; bufferSources: BufferSources } {
  const channelBuffers: ChannelBuffers = {};
  const bufferSources: BufferSources = {};
  for (const [channel, buffer] of Object.entries(current.channelBuffers ?? {}) as [
    Channel,
    ChannelBuffers[Channel],
  ][])
    if (buffer && !current.bufferSources?.[channel]) channelBuffers[channel] = buffer;
  for (const [channel, buffer] of Object.entries(asked.buffers) as [Channel, ChannelBuffers[Channel]][]) {
    const source = asked.sources[channel];
    if (!buffer || !source || channelBuffers[channel]) continue;
    channelBuffers[channel] = buffer;
    bufferSources[channel] = source;
  }
  return { channelBuffers, bufferSources };
}

const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** Whether applying changes anything (a write is needed). */
export function buffersDiffer(
  current: { channelBuffers?: ChannelBuffers | undefined; bufferSources?: BufferSources | undefined },
  next: { channelBuffers: ChannelBuffers; bufferSources: BufferSources },
): boolean {
  return (
    canonical(current.channelBuffers ?? {}) !== canonical(next.channelBuffers) ||
    canonical(current.bufferSources ?? {}) !== canonical(next.bufferSources)
  );
}

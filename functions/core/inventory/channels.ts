import type { Channel } from '../orders/types.ts';
import type { HoldBack } from './movements.ts';

/**
 * Units a location holds back from one sales channel: a fixed number, a share of what is on hand
 * (0.2 keeps a fifth of the shelf away from the marketplace), or both, the larger one winning.
 */
export interface ChannelBuffer {
  units?: number | undefined;
  share?: number | undefined;
}

export type ChannelBuffers = Partial<Record<Channel, ChannelBuffer>>;

/** Shares are kept to four decimals (basis points of a percent), so the rounding below is exact. */
const shareScale = 10_000;

/** The units held back from `channel`: max(units, ceil(share × on hand)), never below zero. */
export function bufferUnits(
  row: { onHand: number; channelBuffers?: ChannelBuffers | undefined },
  channel: Channel,
): number {
  const buffer = row.channelBuffers?.[channel];
  if (!buffer) return 0;
  const onHand = Math.max(0, row.onHand);
  // integer arithmetic: 0.07 × 100 is 7.000000000000001 in floating point, and its ceiling 8
  const scaledShare = Math.round((buffer.share ?? 0) * shareScale);
  const byShare = Math.ceil((scaledShare * onHand) / shareScale);
  return Math.max(0, buffer.units ?? 0, byShare);
}

/** What `channel` may still sell at this location: available net of the channel's buffer, never negative. */
export function availableForChannel(
  row: { onHand: number; available: number; channelBuffers?: ChannelBuffers | undefined },
  channel: Channel,
): number {
  return Math.max(0, row.available - bufferUnits(row, channel));
}

/** What a reservation by `channel` must leave available at this row, if it holds anything back. */
export function holdBackOf(
  row: { onHand: number; channelBuffers?: ChannelBuffers | undefined },
  channel: Channel,
): HoldBack | undefined {
  const units = bufferUnits(row, channel);
  if (units === 0) return undefined;
  return row.channelBuffers?.[channel]?.share ? { units, onHandAtMost: row.onHand } : { units };
}

/** ATS of one channel across locations. */
export function channelAts(
  rows: { onHand: number; available: number; channelBuffers?: ChannelBuffers | undefined }[],
  channel: Channel,
): number {
  return rows.reduce((sum, row) => sum + availableForChannel(row, channel), 0);
}

/** The buffers worth storing: channels given an empty buffer hold nothing back and are dropped. */
export function normalizeBuffers(buffers: ChannelBuffers | undefined): ChannelBuffers | undefined {
  if (buffers === undefined) return undefined;
  const kept = Object.entries(buffers).filter(
    ([, buffer]) => buffer && (buffer.units !== undefined || buffer.share !== undefined),
  );
  return Object.fromEntries(kept) as ChannelBuffers;
}

export function hasBuffers(buffers: ChannelBuffers | undefined): buffers is ChannelBuffers {
  return buffers !== undefined && Object.keys(buffers).length > 0;
}

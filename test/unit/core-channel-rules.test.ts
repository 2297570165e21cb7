import { describe, expect, it } from 'vitest';
import {
  appliedBuffers,
  buffersDiffer,
  type ChannelRule,
  ruleBuffers,
} from '../../functions/core/inventory/channel-rules.ts';
import { channels } from '../../functions/core/orders/types.ts';

const lastUnitsForStores: ChannelRule = {
  ruleId: 'APPAREL-STORE',
  category: 'apparel',
  protectedChannel: 'store',
  threshold: 10,
  units: 4,
};
const shirt = { sku: 'SHIRT', category: 'apparel' };

describe('channel allocation rules', () => {
  it('holds units back from every channel but the protected one once on hand is at or below the threshold', () => {
    expect(ruleBuffers([lastUnitsForStores], shirt, { onHand: 11 }, channels)).toEqual({
      buffers: {},
      sources: {},
    });
    const { buffers, sources } = ruleBuffers([lastUnitsForStores], shirt, { onHand: 10 }, channels);
    expect(buffers).toEqual({ web: { units: 4 }, marketplace: { units: 4 }, callcenter: { units: 4 } });
    expect(sources.web).toEqual({
      ruleId: 'APPAREL-STORE',
      reason: '10 on hand, at or below 10: 4 units kept for store',
    });
    expect(sources.store).toBeUndefined();
  });

  it('selects products by SKU or by category, and the first active rule wins each channel', () => {
    const mugOnly: ChannelRule = {
      ruleId: 'MUG-WEB',
      skus: ['MUG'],
      protectedChannel: 'web',
      threshold: 50,
      units: 9,
    };
    expect(ruleBuffers([lastUnitsForStores], { sku: 'MUG' }, { onHand: 1 }, channels).buffers).toEqual({});
    const both = ruleBuffers(
      [mugOnly, { ...lastUnitsForStores, category: undefined }],
      { sku: 'MUG' },
      { onHand: 5 },
      channels,
    );
    // MUG-WEB comes first: store, marketplace, callcenter hold 9; web is left to the second rule
    expect(both.buffers).toEqual({
      store: { units: 9 },
      marketplace: { units: 9 },
      callcenter: { units: 9 },
      web: { units: 4 },
    });
    expect(both.sources.web?.ruleId).toBe('APPAREL-STORE');
  });

  it('a buffer set by hand wins for its channel; the rules own the others and drop what they no longer ask', () => {
    const asked = ruleBuffers([lastUnitsForStores], shirt, { onHand: 3 }, channels);
    const manual = { channelBuffers: { web: { units: 1 } } };
    const applied = appliedBuffers(manual, asked);
    expect(applied.channelBuffers).toEqual({
      web: { units: 1 },
      marketplace: { units: 4 },
      callcenter: { units: 4 },
    });
    expect(Object.keys(applied.bufferSources).sort()).toEqual(['callcenter', 'marketplace']);

    const restocked = appliedBuffers(
      applied,
      ruleBuffers([lastUnitsForStores], shirt, { onHand: 30 }, channels),
    );
    expect(restocked).toEqual({ channelBuffers: { web: { units: 1 } }, bufferSources: {} });
    expect(buffersDiffer(applied, restocked)).toBe(true);
    expect(buffersDiffer(restocked, appliedBuffers(restocked, { buffers: {}, sources: {} }))).toBe(false);
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../functions/core/carriers/webhook-signature.ts';

const secret = 'local-dev-secret';
const now = 1_760_000_000;
const body = JSON.stringify({
  eventId: 'evt-1',
  trackingNumber: 'RL000123FR',
  status: 'DELIVERED',
  occurredAt: '2025-10-09T08:53:20.000Z',
});

function hmac(key: string, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('hex');
}

describe('signWebhook', () => {
  it('produces t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    expect(signWebhook(secret, body, now)).toBe(`t=${now},v1=${hmac(secret, `${now}.${body}`)}`);
  });

  it('uses whole seconds and the current clock by default', () => {
    const header = signWebhook(secret, body);
    const t = Number(/^t=(\d+),/.exec(header)?.[1]);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(5);
    expect(signWebhook(secret, body, now + 0.9)).toBe(signWebhook(secret, body, now));
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhook(secret, body, now);

  it('accepts a valid signature', () => {
    expect(verifyWebhookSignature(secret, header, body, now)).toBe(true);
  });

  it('rejects a tampered body, even by one character', () => {
    expect(verifyWebhookSignature(secret, header, body.replace('DELIVERED', 'DELIVERED '), now)).toBe(false);
    expect(verifyWebhookSignature(secret, header, `${body}\n`, now)).toBe(false);
  });

  it('rejects a signature made with another secret, and an empty secret', () => {
    expect(verifyWebhookSignature('other-secret', header, body, now)).toBe(false);
    expect(verifyWebhookSignature('', signWebhook('', body, now), body, now)).toBe(false);
  });

  it('accepts t up to the tolerance away in either direction, and rejects beyond it', () => {
    expect(verifyWebhookSignature(secret, header, body, now + 300)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, now - 300)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, now + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, now - 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, now + 3600)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, now - 3600)).toBe(false);
  });

  it('honours a custom tolerance', () => {
    expect(verifyWebhookSignature(secret, header, body, now + 20, 10)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, now + 10, 10)).toBe(true);
  });

  it('rejects a t that was changed after signing', () => {
    const forged = header.replace(`t=${now}`, `t=${now + 1}`);
    expect(verifyWebhookSignature(secret, forged, body, now)).toBe(false);
  });

  it.each([
    ['missing header', undefined],
    ['null header', null],
    ['empty header', ''],
    ['garbage', 'not a signature'],
    ['no t', `v1=${hmac(secret, `${now}.${body}`)}`],
    ['no v1', `t=${now}`],
    ['non-numeric t', `t=abc,v1=${hmac(secret, `abc.${body}`)}`],
    ['negative t', `t=-${now},v1=${hmac(secret, `-${now}.${body}`)}`],
    ['fractional t', `t=${now}.5,v1=${hmac(secret, `${now}.5.${body}`)}`],
    ['two t values', `t=${now},t=${now + 1},${header.split(',')[1]}`],
    ['v1 not hex', `t=${now},v1=zz${hmac(secret, `${now}.${body}`).slice(2)}`],
    ['v1 truncated', header.slice(0, -2)],
    ['v1 too long', `${header}00`],
    ['empty v1', `t=${now},v1=`],
    ['part without =', `t=${now},${hmac(secret, `${now}.${body}`)}`],
  ])('rejects a malformed header: %s', (_label, malformed) => {
    expect(verifyWebhookSignature(secret, malformed, body, now)).toBe(false);
  });

  it('accepts a header with several v1 values when one of them matches (secret rotation)', () => {
    const oldSignature = hmac('old-secret', `${now}.${body}`);
    const newSignature = hmac(secret, `${now}.${body}`);
    expect(verifyWebhookSignature(secret, `t=${now},v1=${oldSignature},v1=${newSignature}`, body, now)).toBe(
      true,
    );
    expect(verifyWebhookSignature(secret, `t=${now},v1=${newSignature},v1=${oldSignature}`, body, now)).toBe(
      true,
    );
    expect(verifyWebhookSignature(secret, `t=${now},v1=not-hex,v1=${newSignature}`, body, now)).toBe(true);
  });

  it('rejects a header with several v1 values when none matches', () => {
    const a = hmac('a', `${now}.${body}`);
    const b = hmac('b', `${now}.${body}`);
    expect(verifyWebhookSignature(secret, `t=${now},v1=${a},v1=${b}`, body, now)).toBe(false);
  });

  it('tolerates spaces around parts, upper-case hex and unknown schemes', () => {
    const signature = hmac(secret, `${now}.${body}`);
    expect(verifyWebhookSignature(secret, ` t=${now} , v1=${signature.toUpperCase()} `, body, now)).toBe(
      true,
    );
    expect(verifyWebhookSignature(secret, `t=${now},v0=abc,v1=${signature}`, body, now)).toBe(true);
  });
});

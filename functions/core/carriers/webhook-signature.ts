import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a carrier signs its webhook with: `t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + rawBody)>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Relais-Signature';

/** How far `t` may be from the receiver's clock, either way, before a signature is refused as a replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

function hmacHex(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** Signs the exact bytes that go on the wire; the receiver must verify the raw body, not a re-serialised one. */
export function signWebhook(
  secret: string,
  rawBody: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): string {
  const timestamp = Math.floor(nowSeconds);
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, rawBody)}`;
}

interface ParsedSignature {
  timestamp: number;
  signatures: string[];
}

function parseSignatureHeader(header: string): ParsedSignature | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return undefined;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      // Two timestamps would let an attacker pick the one that suits them.
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === 'v1') {
      signatures.push(value.toLowerCase());
    }
    // Other schemes (v0, v2…) are ignored so that a carrier can add one during a migration.
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

/**
 * True when one of the header's `v1` values is the HMAC of `t.rawBody` and `t` is within the tolerance
 * of `nowSeconds`. Several `v1` values are allowed so that a secret can be rotated without downtime.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds: number = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  if (secret.length === 0 || !header) return false;
  const parsed = parseSignatureHeader(header);
  if (!parsed) return false;
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return false;

  const expected = Buffer.from(hmacHex(secret, parsed.timestamp, rawBody), 'hex');
  let matched = false;
  for (const candidate of parsed.signatures) {
    if (!HEX_SHA256.test(candidate)) continue;
    // Compare every candidate, without an early exit, so the time taken says nothing about which matched.
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched;
}

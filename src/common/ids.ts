import { randomBytes } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Records get
 * their id on the device, so ids made offline at different desks never clash
 * and sort by creation time. A per-process counter in the random part keeps
 * ids made in the same millisecond in order.
 */
let lastMs = -1;
let sequence = 0;

export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  if (nowMs <= lastMs) {
    nowMs = lastMs;
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) nowMs = lastMs + 1; // 4096 ids in one ms: borrow the next ms
  } else {
    sequence = bytes.readUInt16BE(6) & 0x7ff; // start low so increments stay in range
  }
  lastMs = nowMs;
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A random opaque token (sessions, enrollment codes), URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

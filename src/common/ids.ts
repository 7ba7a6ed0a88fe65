import { randomBytes } from 'node:crypto';
import { v7 } from 'uuid';

/**
 * UUIDv7 (RFC 9562) from the uuid package, on the caller's clock: records get
 * their id on the device, so ids made offline at different desks never clash
 * and sort by creation time. The clock is the dispatcher's (injected, so
 * tests and a venue's clock checks see one time); within one millisecond the
 * 31-bit counter (uuid's `seq`, started at random each new millisecond, as
 * uuid itself does on its own clock) keeps ids in the order they were made.
 */
const state = { msecs: -Infinity, seq: 0 };

export function uuidv7(nowMs: number = Date.now()): string {
  if (nowMs > state.msecs) {
    state.msecs = nowMs;
    state.seq = randomBytes(4).readUInt32BE(0) >>> 2; // start in the lower half: room to count up
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs += 1; // 2^31 ids in one millisecond: borrow the next
  }
  return v7({ msecs: state.msecs, seq: state.seq });
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A random opaque token (sessions, enrollment codes), URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

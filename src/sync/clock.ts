/**
 * The desk's clock against the central service's, measured at every
 * exchange: the server's Date header (stamped as the answer is written, so
 * also right for a long-poll that waited) against this device's clock when
 * the answer arrived. Records carry the desk's times, so a
 * desk whose clock is off says so on screen (more than CLOCK_WARNING_MS) and
 * staff set it right before its records are refused centrally.
 */
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';

/** Beyond this, the status bar warns. */
export const CLOCK_WARNING_MS = 2 * 60_000;

export interface ClockCheck {
  /** This device's clock minus the central service's, in ms (positive: the desk is ahead). */
  readonly offsetMs: number;
  readonly checkedAt: string;
  readonly warning: boolean;
}

/** The last figure written, per database: writing only when it moved keeps the disk quiet. */
const written = new WeakMap<object, { offsetMs: number; at: number }>();

/**
 * Notes the server's time from an answer. `serverDate` is the HTTP Date
 * header (whole seconds: half a second is added to centre it); nothing is
 * noted without one.
 */
export function noteServerTime(db: VenueDb, serverDate: string | null | undefined, receivedAt: Date): void {
  if (!serverDate) return;
  const server = Date.parse(serverDate);
  if (Number.isNaN(server)) return;
  const offsetMs = Math.round(receivedAt.getTime() - (server + 500));
  const last = written.get(db);
  if (last && Math.abs(last.offsetMs - offsetMs) < 2_000 && receivedAt.getTime() - last.at < 60_000) return;
  db.prepare(`INSERT INTO clock_check (id, offset_ms, checked_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET offset_ms = excluded.offset_ms, checked_at = excluded.checked_at`).run(
    offsetMs,
    venueIso(receivedAt),
  );
  written.set(db, { offsetMs, at: receivedAt.getTime() });
}

export function readClockCheck(db: VenueDb): ClockCheck | null {
  const row = db.prepare(`SELECT offset_ms AS offsetMs, checked_at AS checkedAt FROM clock_check WHERE id = 1`).get() as { offsetMs: number; checkedAt: string } | undefined;
  return row ? { ...row, warning: Math.abs(row.offsetMs) > CLOCK_WARNING_MS } : null;
}

import type { CentralDb } from './db';
import { prepared } from './queryable';
import type { DeviceRow } from './device-row';
import { pageJson } from './feed';

/**
 * The feed cursor each device was handed (device_feed_marks, central
 * migration 5): the witness that lets a device notice the central database
 * was restored from an older copy (see reconcile.ts).
 *
 * Every page's cursor is recorded before the page is sent, so a device asking
 * from a cursor this database never handed it is ahead of it: the database
 * was rewound. A restore rewinds this table with the rest, which is the
 * point: it is a witness that cannot survive a rewind.
 *
 * The mark is read with the device itself (device-row.ts, one query for the
 * requests of a turn: device-lookup.ts) and written for many answers at once:
 * when a wake answers a thousand long-polls, their thousand marks are one
 * statement. Each caller still waits for its mark before its page leaves.
 * The write does not wait for PostgreSQL to flush it (synchronous_commit
 * off for that transaction): a mark lost in a crash of the database is lower
 * than the cursor the device holds, which only makes the device read its feed
 * again; a mark can never be higher than what was handed, which is the
 * direction that would hide a restore.
 */
interface Pending {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** The highest cursor handed to the device, when it asks from beyond it (the database was rewound); else null. */
export function rewoundFrom(device: DeviceRow, after: number): number | null {
  // No mark: a device from before the marks were kept, or before its first page; its next page starts one.
  if (after === 0 || device.feed_served === null) return null;
  const served = Number(device.feed_served);
  return after > served ? served : null;
}

/** One statement, its own transaction: the setting holds until it commits (set_config local), so the commit does not wait for the flush. */
const MARKS_SQL = prepared(
  `WITH quick AS (SELECT set_config('synchronous_commit', 'off', true))
   INSERT INTO device_feed_marks (device_id, served) SELECT u.device_id, u.served FROM unnest($1::text[], $2::bigint[]) AS u(device_id, served), quick
   ON CONFLICT (device_id) DO UPDATE SET served = EXCLUDED.served, updated_at = now() WHERE device_feed_marks.served < EXCLUDED.served`,
);

export class FeedMarks {
  private writes = new Map<string, { next: number; waiting: Pending[] }>();
  private scheduled = false;

  constructor(private readonly db: CentralDb) {}

  /** Records the cursor a page hands the device; resolves once it is written, so await it before sending the page. */
  note(deviceId: string, next: number): Promise<void> {
    if (next === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const entry = this.writes.get(deviceId) ?? { next: 0, waiting: [] };
      entry.next = Math.max(entry.next, next);
      entry.waiting.push({ resolve, reject });
      this.writes.set(deviceId, entry);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.writes;
    this.writes = new Map();
    if (batch.size === 0) return;
    try {
      await this.db.query(
        MARKS_SQL,
        [[...batch.keys()], [...batch.values()].map((entry) => entry.next)],
      );
      for (const entry of batch.values()) for (const p of entry.waiting) p.resolve();
    } catch (error) {
      for (const entry of batch.values()) for (const p of entry.waiting) p.reject(error);
    }
  }
}

/** The page a rewound device gets: nothing, and a head below its cursor, so it reads everything again. */
export function rewoundPageJson(after: number, served: number): string {
  return pageJson({ after, next: after, more: false, remaining: null, head: served, items: '' });
}

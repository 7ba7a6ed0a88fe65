import type { CentralDb } from './db';
import { prepared } from './queryable';
import { DEVICE_ROW_SQL, type DeviceRow } from './device-row';

/**
 * Devices looked up for authentication, many at once: every request still
 * reads its device fresh from the database (a revocation holds from the next
 * request on), but the lookups that arrive in the same turn of the event loop
 * share one query. When a wake answers a thousand long-polls, their devices
 * come straight back, and this is one query instead of a thousand. The
 * last-seen times are written the same way, a batch at a time.
 */
interface Waiting {
  readonly resolve: (row: DeviceRow | undefined) => void;
  readonly reject: (error: unknown) => void;
}

const LOOKUP_SQL = prepared(`${DEVICE_ROW_SQL} WHERE d.id = ANY($1::text[])`);

export class DeviceLookup {
  private pending = new Map<string, Waiting[]>();
  private scheduled = false;
  private seen = new Map<string, Date>();
  private seenTimer: NodeJS.Timeout | null = null;
  /** Queries made, and lookups answered (for the benchmark). */
  readonly stats = { queries: 0, lookups: 0 };

  constructor(private readonly db: CentralDb) {}

  get(id: string): Promise<DeviceRow | undefined> {
    this.stats.lookups += 1;
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(id) ?? [];
      waiting.push({ resolve, reject });
      this.pending.set(id, waiting);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    this.stats.queries += 1;
    try {
      const rows = await this.db.query<DeviceRow>(LOOKUP_SQL, [[...batch.keys()]]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const [id, waiting] of batch) for (const w of waiting) w.resolve(byId.get(id));
    } catch (error) {
      for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
    }
  }

  /** Notes that the device was seen; written within a second, with others. */
  touch(id: string, at: Date): void {
    this.seen.set(id, at);
    this.seenTimer ??= setTimeout(() => void this.writeSeen(), 1_000).unref();
  }

  private async writeSeen(): Promise<void> {
    this.seenTimer = null;
    const seen = this.seen;
    this.seen = new Map();
    if (seen.size === 0) return;
    await this.db
      .query(`UPDATE devices d SET last_seen_at = s.at FROM unnest($1::text[], $2::timestamptz[]) AS s(id, at) WHERE d.id = s.id`, [[...seen.keys()], [...seen.values()]])
      .catch(() => {
        // Only a last-seen time: the next request notes it again.
      });
  }
}

import type { CentralDb } from './db';

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
 * Marks are read and written for many requests at once: when a wake answers
 * a thousand long-polls, their thousand marks are one statement, and the
 * thousand requests that come straight back one read (as device-lookup.ts
 * does for the devices themselves). Each caller still waits for its own
 * mark: nothing is sent before it is written.
 */
interface Pending<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

export class FeedMarks {
  private reads = new Map<string, Pending<number | null>[]>();
  private writes = new Map<string, { next: number; waiting: Pending<void>[] }>();
  private scheduled = false;
  /** Statements made, and marks read or written (for the benchmark). */
  readonly stats = { statements: 0, marks: 0 };

  constructor(private readonly db: CentralDb) {}

  /** The highest cursor handed to the device, when it asks from beyond it (the database was rewound); else null. */
  async rewound(deviceId: string, after: number): Promise<number | null> {
    if (after === 0) return null;
    const served = await new Promise<number | null>((resolve, reject) => {
      const list = this.reads.get(deviceId) ?? [];
      list.push({ resolve, reject });
      this.reads.set(deviceId, list);
      this.schedule();
    });
    // No mark: a device from before the marks were kept; its next page starts one.
    return served !== null && after > served ? served : null;
  }

  /** Records the cursor a page hands the device; resolves once it is written, so await it before sending the page. */
  note(deviceId: string, next: number): Promise<void> {
    if (next === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const entry = this.writes.get(deviceId) ?? { next: 0, waiting: [] };
      entry.next = Math.max(entry.next, next);
      entry.waiting.push({ resolve, reject });
      this.writes.set(deviceId, entry);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flushReads();
      void this.flushWrites();
    });
  }

  private async flushReads(): Promise<void> {
    const batch = this.reads;
    if (batch.size === 0) return;
    this.reads = new Map();
    this.stats.statements += 1;
    this.stats.marks += batch.size;
    try {
      const rows = await this.db.query<{ device_id: string; served: string | number }>(
        `SELECT device_id, served FROM device_feed_marks WHERE device_id = ANY($1::text[])`,
        [[...batch.keys()]],
      );
      const served = new Map(rows.map((row) => [row.device_id, Number(row.served)]));
      for (const [id, list] of batch) for (const p of list) p.resolve(served.get(id) ?? null);
    } catch (error) {
      for (const list of batch.values()) for (const p of list) p.reject(error);
    }
  }

  private async flushWrites(): Promise<void> {
    const batch = this.writes;
    if (batch.size === 0) return;
    this.writes = new Map();
    this.stats.statements += 1;
    this.stats.marks += batch.size;
    try {
      await this.db.query(
        `INSERT INTO device_feed_marks (device_id, served) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (device_id) DO UPDATE SET served = EXCLUDED.served, updated_at = now() WHERE device_feed_marks.served < EXCLUDED.served`,
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
  return `{"after":${after},"next":${after},"more":false,"remaining":null,"head":${served},"changes":[]}`;
}

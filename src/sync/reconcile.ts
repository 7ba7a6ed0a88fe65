import { appendAudit } from '../audit/log';
import { venueIso, type Clock } from '../common/time';
import type { VenueDb } from '../store/database';
import { openOutboxCount } from './outbox';
import {
  compareResponseSchema,
  listResponseSchema,
  RECONCILE_LIMITS,
  xorOfIds,
  type BucketSum,
  type ReconcileRequest,
} from './reconcile-protocol';

/**
 * The device's side of reconciliation (the wire part and the buckets are in
 * reconcile-protocol.ts, the service's in server/reconcile.ts). An outbox row
 * is "confirmed" once the central service answered for it, and is never sent
 * again; if the service later loses it (its database restored from an older
 * copy), nothing else would ever notice. So at every sync the device sums up
 * what it holds as confirmed, bucket by bucket, and compares with what the
 * service holds from it; for a bucket that differs it asks for the ids and
 * queues again, in their original order, the confirmed records the service
 * lacks. Uploads are idempotent by id: sending one the service still has
 * costs an answer "duplicate", nothing more.
 *
 * Sums are kept between runs and worked out again only for buckets whose
 * count of confirmed records changed, so a run after a few new records costs
 * a few hashes and one small request; a run with nothing new sends nothing.
 * Everything is compared at the first run, after the service was found
 * rewound, and every `fullEvery` runs.
 */
export interface ReconcileOptions {
  readonly db: VenueDb;
  readonly clock: Clock;
  /** Sends a request to POST /v1/reconcile and resolves with the answer's JSON; throws on network or server trouble. */
  readonly post: (request: ReconcileRequest) => Promise<unknown>;
  /** Compare everything every this many runs (besides the first). */
  readonly fullEvery?: number;
}

interface Kept {
  readonly n: number;
  readonly x: string;
}

export class Reconciler {
  private readonly sums = new Map<string, Kept>();
  /** Buckets whose difference was looked at and needs nothing sent (the service holds more than confirmed here). */
  private readonly settled = new Map<string, string>();
  /** Ids sent again in this run of the service: sent once, not again, whatever the sums say. */
  private readonly resent = new Set<string>();
  private everything = true;
  private runs = 0;

  constructor(private readonly options: ReconcileOptions) {}

  /** Compare everything at the next run (the service was found rewound). */
  requestFull(): void {
    this.everything = true;
    this.settled.clear();
  }

  /** One comparison. Resolves with how many confirmed records were queued to be sent again. */
  async run(): Promise<number> {
    const { db } = this.options;
    // While records are on their way the two sides differ for a moment; compare once the outbox is empty.
    if (openOutboxCount(db) > 0) return 0;
    this.runs += 1;
    const everything = this.everything || this.runs % (this.options.fullEvery ?? 4) === 0;
    const mine = this.ownSums();
    const asked = everything ? [...mine.values()] : [...mine.values()].filter((sum) => this.sums.get(sum.b)?.n !== sum.n || this.sums.get(sum.b)?.x !== sum.x);
    if (asked.length === 0) {
      // Nothing confirmed here, or nothing new: nothing to prove.
      this.everything = false;
      return 0;
    }
    const theirs = new Map<string, BucketSum>();
    for (let i = 0; i < asked.length; i += RECONCILE_LIMITS.buckets) {
      const chunk = asked.slice(i, i + RECONCILE_LIMITS.buckets);
      const answer = compareResponseSchema.parse(await this.options.post({ compare: chunk, everything: everything && asked.length <= RECONCILE_LIMITS.buckets }));
      for (const sum of answer.buckets) theirs.set(sum.b, sum);
    }
    const differing: { sum: BucketSum; key: string }[] = [];
    for (const sum of asked) {
      const other = theirs.get(sum.b);
      const key = `${sum.n}:${sum.x}|${other?.n ?? 0}:${other?.x ?? '0'}`;
      if ((other && other.n === sum.n && other.x === sum.x) || this.settled.get(sum.b) === key) this.sums.set(sum.b, { n: sum.n, x: sum.x });
      else differing.push({ sum, key });
    }
    this.everything = false;
    let requeued = 0;
    for (let i = 0; i < differing.length; i += RECONCILE_LIMITS.listed) {
      const chunk = differing.slice(i, i + RECONCILE_LIMITS.listed);
      // Only what was confirmed before asking: a record confirmed while the list is on its way is held there already.
      const before = new Map(chunk.map(({ sum }) => [sum.b, this.confirmedIn(sum.b)]));
      const listed = listResponseSchema.parse(await this.options.post({ list: chunk.map((d) => d.sum.b) }));
      const held = new Map(listed.ids.map((entry) => [entry.b, new Set(entry.ids)]));
      for (const { sum, key } of chunk) {
        const again = this.requeueMissing(before.get(sum.b) ?? [], held.get(sum.b) ?? new Set());
        requeued += again;
        if (again === 0) {
          this.settled.set(sum.b, key);
          this.sums.set(sum.b, { n: sum.n, x: sum.x });
        } else {
          this.sums.delete(sum.b);
        }
      }
    }
    return requeued;
  }

  /** This device's sums of its confirmed records, reusing kept ones whose count has not changed. */
  private ownSums(): Map<string, BucketSum> {
    const { db } = this.options;
    const counts = db.prepare(`SELECT substr(record_id, 1, 6) AS b, count(*) AS n FROM sync_outbox WHERE state = 'confirmed' GROUP BY 1`).all() as { b: string; n: number }[];
    const mine = new Map<string, BucketSum>();
    for (const { b, n } of counts) {
      const kept = this.sums.get(b);
      mine.set(b, { b, n, x: kept && kept.n === n ? kept.x : xorOfIds(this.confirmedIn(b)) });
    }
    return mine;
  }

  private confirmedIn(bucket: string): string[] {
    return this.options.db.prepare(`SELECT record_id FROM sync_outbox WHERE state = 'confirmed' AND substr(record_id, 1, 6) = ?`).pluck().all(bucket) as string[];
  }

  /** Queues again those of the confirmed records the service does not hold; one audit entry says how many. */
  private requeueMissing(confirmed: readonly string[], held: ReadonlySet<string>): number {
    const { db, clock } = this.options;
    return db.transaction(() => {
      const missing = confirmed.filter((id) => !held.has(id) && !this.resent.has(id));
      const requeue = db.prepare(`UPDATE sync_outbox SET state = 'pending', outcome = NULL, error_code = NULL WHERE record_id = ? AND state = 'confirmed'`);
      for (const id of missing) {
        requeue.run(id);
        this.resent.add(id);
      }
      if (missing.length > 0) {
        appendAudit(db, {
          at: venueIso(clock.now()),
          staffId: null,
          deskId: null,
          action: 'syncResend',
          recordId: null,
          outcome: 'ok',
          detail: { records: missing.length, reason: 'central-lacks-confirmed' },
        });
      }
      return missing.length;
    })();
  }
}

/**
 * The comparison as the sync service runs it, beside its upload and download
 * loops: at start, whenever woken (a sync drained the outbox, the service was
 * found rewound) but at most every `minGapMs`, and at least every
 * `intervalMs`. Network trouble waits for the next turn (the other loops
 * report it); a service without the endpoint (an older one) ends it, and
 * `supported` says so.
 */
export class ReconcileTask {
  private reconciler: Reconciler | null = null;
  private stopped = false;
  private woken = false;
  private wakeNow: (() => void) | null = null;
  private fullAsked = false;
  supported = true;

  constructor(
    private readonly options: {
      readonly db: VenueDb;
      readonly clock: Clock;
      readonly intervalMs: number;
      readonly minGapMs: number;
      readonly onResend: (records: number) => void;
      /** Whether an error means the service has no such endpoint. */
      readonly unsupported: (error: unknown) => boolean;
    },
  ) {}

  /** Compare everything, soon (the service was found rewound). */
  requestFull(): void {
    this.fullAsked = true;
    this.reconciler?.requestFull();
    this.wake();
  }

  /** Compare soon (a sync happened). */
  wake(): void {
    this.woken = true;
    this.wakeNow?.();
  }

  stop(): void {
    this.stopped = true;
    this.wakeNow?.();
  }

  /** Runs until stop(); `post` sends one request to POST /v1/reconcile. */
  async run(post: ReconcileOptions['post']): Promise<void> {
    this.reconciler = new Reconciler({ db: this.options.db, clock: this.options.clock, post });
    while (!this.stopped) {
      this.woken = false;
      if (this.fullAsked) this.reconciler.requestFull();
      this.fullAsked = false;
      try {
        const requeued = await this.reconciler.run();
        if (this.stopped) return;
        if (requeued > 0) this.options.onResend(requeued);
      } catch (error) {
        if (this.stopped) return;
        if (this.options.unsupported(error)) {
          this.supported = false;
          return;
        }
      }
      await this.sleep(this.options.minGapMs, false);
      await this.sleep(this.options.intervalMs, true);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped || (wakeable && this.woken)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeNow = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeNow = () => {
        if (wakeable || this.stopped) done();
      };
    });
  }
}

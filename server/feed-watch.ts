import type { CentralDb } from './db';
import { CHANGE_JSON, FEED_CHANNEL, HEAD_SQL, pageJson, readPage } from './feed';
import { AnswerPacer, type SharedPage } from './feed-answers';
import { FeedRing, type RingEntry } from './feed-ring';
import { RecentSamples } from './recent-samples';
import { Problem } from './problems';
import { prepared } from './queryable';

import { DEFAULTS, type FeedWatchOptions, type FeedWatchStats, type Municipality, type PollAnswer, type PollRequest, type Waiter } from './feed-watch-types';

/** A municipality's new entries, with the feed's head (one read answers all its waiting long-polls). */
const WAKE_READ_SQL = /* sql */ `WITH h AS (SELECT ${HEAD_SQL} AS head),
       r AS (SELECT seq, venue_id, ${CHANGE_JSON} AS json FROM feed WHERE municipality = $1 AND seq > $2 ORDER BY seq LIMIT $3)
  SELECT h.head, r.seq, r.venue_id, r.json FROM h LEFT JOIN r ON true ORDER BY r.seq`;
const REVOKED_SQL = prepared(`SELECT id FROM devices WHERE id = ANY($1::text[]) AND revoked_at IS NOT NULL`);

/**
 * Long-polls, answered without one query per poller. Waiting requests are
 * kept per municipality. When the municipality's feed moves (a NOTIFY from
 * any process), the new entries are read once, kept in a bounded ring
 * (feed-ring.ts), and every waiting request of the municipality is answered
 * from that read, filtered by venue in memory (requests at the same venue and
 * cursor share one page). A device coming back for more is answered from the
 * ring too, or waits, without touching the database. Only a request the ring
 * cannot cover (an old cursor, a counted page, no ring yet) reads the feed
 * itself, once.
 *
 * Reads of one municipality are spaced so that a process answers about
 * `fanoutPerSecond` long-polls a second whatever the number of pollers (the
 * first change after a quiet spell is read at once; the changes of a busy
 * spell wait for the next read, at most maxReadIntervalMs). While LISTEN does
 * not hold (PostgreSQL restarted, see db.ts), the ring is not trusted and
 * every municipality with waiting requests is read every fallbackIntervalMs:
 * long-polls become short waits until it holds again.
 */
export class FeedWatch {
  private readonly options: Required<FeedWatchOptions>;
  private readonly municipalities = new Map<string, Municipality>();
  private stop: (() => Promise<void>) | null = null;
  private listening = false;
  private epoch = 0;
  private fallback: NodeJS.Timeout | null = null;
  private closed = false;
  /** Devices that long-polled lately, and when. */
  private readonly pollers = new Map<string, number>();
  private prunedAt = 0;
  readonly stats: FeedWatchStats = {
    notifies: 0, wakeReads: 0, ownReads: 0, answeredFromWake: 0, answeredFromRing: 0, answeredFromOwnRead: 0, deadlines: 0, listenLost: 0, listening: false, waiting: 0, ringBytes: 0, ringEntries: 0,
    answersQueuedMax: 0,
  };

  private readonly pacer: AnswerPacer;
  /** How long the service held a change for a device waiting for it: from the later of its notice and the device's long-poll to the answer carrying it being handed to the connection, ms (the service's part of cross-desk propagation). */
  private readonly delivered = new RecentSamples(20_000);

  private constructor(
    private readonly db: CentralDb,
    options: FeedWatchOptions,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.pacer = new AnswerPacer(this.options.fanoutPerSecond);
  }

  static async start(db: CentralDb, options: FeedWatchOptions = {}): Promise<FeedWatch> {
    const watch = new FeedWatch(db, options);
    watch.stop = await db.listen(FEED_CHANNEL, (municipality) => watch.notified(municipality), (listening) => watch.listenState(listening));
    return watch;
  }

  /** Long-polls waiting now (all municipalities). */
  get waiting(): number {
    return this.stats.waiting;
  }

  /** p50 / p95 of `delivered` over the answers sent since the last call (for the benchmark and the log), and how many. */
  takeDeliveryTimes(): { samples: number; p50Ms: number; p95Ms: number } {
    return this.delivered.take();
  }

  /** Whether notices are being heard (else long-polls are short waits). */
  get isListening(): boolean {
    return this.listening;
  }

  /** Waits for a change the device may see, at most waitMs; answers at once if there is one. */
  poll(request: PollRequest): Promise<PollAnswer> {
    const m = this.municipality(request.municipality);
    m.lastUsedAt = Date.now();
    this.notePoller(request.deviceId);
    return new Promise<PollAnswer>((resolve, reject) => {
      let done = false;
      const waiter: Waiter = {
        request,
        arrivedAt: performance.now(),
        scanned: null,
        head: 0,
        generation: m.generation,
        expired: false,
        queued: false,
        finish: (answer) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          request.signal.removeEventListener('abort', onAbort);
          if (m.waiters.delete(waiter)) this.stats.waiting -= 1;
          this.tidy(m);
          if (answer instanceof Error) reject(answer);
          else resolve(answer);
        },
      };
      const onAbort = () => waiter.finish(null);
      const timer = setTimeout(() => {
        this.stats.deadlines += 1;
        if (waiter.queued) return;
        if (waiter.scanned === null) waiter.expired = true;
        else waiter.finish({ json: pageJson({ after: request.after, next: request.after, more: false, remaining: request.count ? 0 : null, head: waiter.head, items: '' }), next: request.after });
      }, request.waitMs);
      if (request.signal.aborted) return waiter.finish(null);
      request.signal.addEventListener('abort', onAbort, { once: true });
      m.waiters.add(waiter);
      this.stats.waiting += 1;
      const ring = this.trustedRing(m);
      if (!request.count && ring?.covers(request.after)) {
        const page = ring.sharedPage(request.venueId, request.after, request.limit, this.options.pageBytes);
        if (page.changes > 0) {
          this.stats.answeredFromRing += 1;
          return this.send(waiter, page);
        }
        waiter.scanned = ring.top;
        waiter.head = ring.head;
        // The last read stopped short: read on now, for this request and any other.
        if (m.behind) this.want(m, true);
        return;
      }
      void this.ownRead(m, waiter);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pacer.flush();
    if (this.fallback) clearInterval(this.fallback);
    for (const m of this.municipalities.values()) {
      if (m.timer) clearTimeout(m.timer);
      for (const waiter of [...m.waiters]) {
        if (waiter.scanned !== null) {
          const r = waiter.request;
          waiter.finish({ json: pageJson({ after: r.after, next: r.after, more: false, remaining: r.count ? 0 : null, head: waiter.head, items: '' }), next: r.after });
        } else waiter.finish(new Problem(503, 'SHUTTING_DOWN', 'The central service is stopping; try again shortly.', '中央サーバーが停止中です。しばらくしてからもう一度試してください。'));
      }
    }
    await this.stop?.();
  }

  // ---------------------------------------------------------------------------

  private municipality(code: string): Municipality {
    let m = this.municipalities.get(code);
    if (!m) {
      m = { code, waiters: new Set(), ring: null, ringEpoch: -1, reading: false, wanted: false, timer: null, lastReadAt: 0, lastUsedAt: 0, generation: 0, behind: false, noticedAt: null };
      this.municipalities.set(code, m);
    }
    return m;
  }

  /** The ring, if it can be trusted: read while LISTEN held, and it has held since. */
  private trustedRing(m: Municipality): FeedRing | null {
    return this.listening && m.ringEpoch === this.epoch ? m.ring : null;
  }

  private tidy(m: Municipality): void {
    if (m.waiters.size === 0 && !m.ring && !m.reading && !m.timer) this.municipalities.delete(m.code);
  }

  private notified(code: string): void {
    this.stats.notifies += 1;
    const m = this.municipalities.get(code);
    if (!m) return;
    m.generation += 1;
    m.noticedAt ??= performance.now();
    // Keep a ring that is being used fresh; one nobody has asked for in a minute goes.
    if (m.waiters.size === 0 && Date.now() - m.lastUsedAt > 60_000) {
      this.dropRing(m);
      this.tidy(m);
      return;
    }
    this.want(m);
  }

  private listenState(listening: boolean): void {
    if (this.closed) return;
    this.listening = listening;
    this.stats.listening = listening;
    // Notices may have been missed in between: no ring read before is trusted again.
    this.epoch += 1;
    if (!listening) {
      this.stats.listenLost += 1;
      this.fallback ??= setInterval(() => {
        for (const m of this.municipalities.values()) if (m.waiters.size > 0) this.want(m);
      }, this.options.fallbackIntervalMs);
      return;
    }
    if (this.fallback) clearInterval(this.fallback);
    this.fallback = null;
    for (const m of this.municipalities.values()) if (m.waiters.size > 0) this.want(m);
  }

  /**
   * The gap between two reads of one municipality: wider with more pollers,
   * so the answers a second stay near fanoutPerSecond. Counted as the devices
   * that long-polled this process in the last half minute, not those waiting
   * at this instant (right after a wake they are all on their way back).
   */
  private readInterval(): number {
    const { minReadIntervalMs, maxReadIntervalMs, fanoutPerSecond } = this.options;
    return Math.min(maxReadIntervalMs, Math.max(minReadIntervalMs, (this.pollers.size * 1000) / fanoutPerSecond));
  }

  private notePoller(deviceId: string): void {
    const now = Date.now();
    this.pollers.set(deviceId, now);
    if (now - this.prunedAt < 10_000) return;
    this.prunedAt = now;
    for (const [id, at] of this.pollers) if (now - at > 30_000) this.pollers.delete(id);
  }

  private want(m: Municipality, now = false): void {
    m.wanted = true;
    if (m.reading || this.closed) return;
    if (now && m.timer) {
      clearTimeout(m.timer);
      m.timer = null;
    }
    if (m.timer) return;
    const gap = now ? 0 : this.readInterval() - (Date.now() - m.lastReadAt);
    if (gap <= 0) {
      void this.read(m);
      return;
    }
    m.timer = setTimeout(() => {
      m.timer = null;
      void this.read(m);
    }, gap);
  }

  private dropRing(m: Municipality): void {
    if (m.ring) {
      this.stats.ringBytes -= m.ring.byteSize;
      this.stats.ringEntries -= m.ring.size;
    }
    m.ring = null;
    m.ringEpoch = -1;
    m.behind = false;
  }

  /** One read of the municipality's new entries, and every waiting long-poll answered from it. */
  private async read(m: Municipality): Promise<void> {
    m.wanted = false;
    m.reading = true;
    m.lastReadAt = Date.now();
    // What this read finds was heard of at the first notice since the last read began (or now, for a read without one).
    const noticedAt = m.noticedAt ?? performance.now();
    m.noticedAt = null;
    const epoch = this.epoch;
    const trusted = this.trustedRing(m);
    const known = [...m.waiters].filter((w) => !w.queued).map((w) => w.scanned).filter((s): s is number => s !== null);
    let full = false;
    let failed = false;
    try {
      if (!trusted && known.length === 0) {
        this.dropRing(m);
        return;
      }
      const from = trusted ? trusted.top : Math.min(...known);
      const rows = await this.db.query<{ head: number; seq: number | null; venue_id: string | null; json: string | null }>(
        WAKE_READ_SQL,
        [m.code, from, this.options.readRows],
      );
      this.stats.wakeReads += 1;
      const entries: RingEntry[] = rows.filter((r) => r.seq !== null).map((r) => ({ seq: r.seq as number, venueId: r.venue_id, json: Buffer.from(r.json ?? ''), noticedAt }));
      full = entries.length >= this.options.readRows;
      const to = entries.length > 0 ? (entries[entries.length - 1] as RingEntry).seq : from;
      const head = rows[0]?.head ?? 0;
      let ring = trusted && m.ring === trusted ? trusted : null;
      if (!ring) {
        this.dropRing(m);
        ring = new FeedRing(from, this.options.ring);
        m.ring = ring;
      }
      const [bytes, size] = [ring.byteSize, ring.size];
      ring.append(entries, to, head);
      m.behind = full;
      this.stats.ringBytes += ring.byteSize - bytes;
      this.stats.ringEntries += ring.size - size;
      // Trusted later only if LISTEN held all along (no notice of a commit after this read can have been missed).
      m.ringEpoch = this.listening && this.epoch === epoch ? epoch : -1;
      await this.answer(m, ring);
      this.keepRingsSmall();
    } catch {
      // The database is unreachable: waiting requests keep waiting (or meet their deadline); try again a little later.
      this.dropRing(m);
      failed = true;
    } finally {
      m.reading = false;
      if (failed && !this.closed) {
        m.wanted = true;
        m.timer ??= setTimeout(() => {
          m.timer = null;
          void this.read(m);
        }, this.options.fallbackIntervalMs);
      } else if (full && [...m.waiters].some((w) => !w.queued)) this.want(m, true);
      else if (m.wanted && !this.closed) this.want(m);
      this.tidy(m);
    }
  }

  /** Every waiting long-poll of the municipality, from the ring; those it cannot cover read for themselves. */
  private async answer(m: Municipality, ring: FeedRing): Promise<void> {
    const answered: { waiter: Waiter; page: SharedPage }[] = [];
    for (const waiter of [...m.waiters]) {
      if (waiter.scanned === null || waiter.queued) continue;
      const r = waiter.request;
      if (r.count || waiter.scanned < ring.base) {
        void this.ownRead(m, waiter);
        continue;
      }
      // Waiters of a venue at the same cursor (the usual case) share one page.
      const page = ring.sharedPage(r.venueId, r.after, r.limit, this.options.pageBytes);
      if (page.changes > 0) {
        waiter.queued = true;
        answered.push({ waiter, page });
      } else {
        waiter.scanned = Math.max(waiter.scanned, ring.top);
        waiter.head = Math.max(waiter.head, ring.head);
      }
    }
    if (answered.length === 0) return;
    // A device revoked while it waited gets no more (as if it had asked again): one query for all of them.
    const revoked = new Set(
      (
        await this.db.query<{ id: string }>(REVOKED_SQL, [
          [...new Set(answered.map((a) => a.waiter.request.deviceId))],
        ])
      ).map((row) => row.id),
    );
    for (const { waiter, page } of answered) {
      if (revoked.has(waiter.request.deviceId)) waiter.finish('revoked');
      else {
        this.stats.answeredFromWake += 1;
        this.send(waiter, page);
      }
    }
  }

  /** Sends a page to a waiter in its turn (answer-pacer), gzipped if it accepts it. */
  private send(waiter: Waiter, page: SharedPage): void {
    waiter.queued = true;
    // Started now (on the thread pool), so it is ready when the turn comes.
    const body = page.body(waiter.request.gzip);
    body.catch(() => {});
    // Counted for the benchmark: how long the pacer's queue grows.
    this.stats.answersQueuedMax = Math.max(this.stats.answersQueuedMax, this.pacer.queued + 1);
    this.pacer.send(() => {
      body.then(
        (answer) => {
          // Held by the service: from when both the change and the device were there (a device that came back late is not the service's delay).
          this.delivered.add(performance.now() - Math.max(page.noticedAt, waiter.arrivedAt));
          waiter.finish(answer);
        },
        (error: unknown) => waiter.finish(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  /** A long-poll the ring cannot cover reads the feed itself; with nothing for it, it waits for the next wake. */
  private async ownRead(m: Municipality, waiter: Waiter): Promise<void> {
    waiter.scanned = null;
    const r = waiter.request;
    try {
      // Read for this device alone: it carries the head held of its audit chain too.
      // At most a page's bytes, as from the ring: a device far behind reads on (`more`) rather than getting thousands of changes in one answer.
      const page = await readPage(this.db, { municipality: r.municipality, venueId: r.venueId, after: r.after, limit: r.limit, count: r.count, deviceId: r.deviceId, maxBytes: this.options.pageBytes });
      this.stats.ownReads += 1;
      if (page.changes > 0 || waiter.expired) {
        if (page.changes > 0) this.stats.answeredFromOwnRead += 1;
        return waiter.finish({ json: page.json, next: page.next });
      }
      waiter.scanned = page.scanned;
      waiter.head = page.head;
      // A notice came while it read, or the ring already knows more: read the new entries for everyone.
      const ring = this.trustedRing(m);
      if (m.generation !== waiter.generation || (ring && ring.top > page.scanned) || !this.listening) this.want(m);
    } catch (error) {
      waiter.finish(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Beyond the total budget, the rings of the municipalities asked least recently go. */
  private keepRingsSmall(): void {
    if (this.stats.ringBytes <= this.options.maxRingBytes) return;
    const byAge = [...this.municipalities.values()].filter((m) => m.ring).sort((a, b) => a.lastUsedAt - b.lastUsedAt);
    for (const m of byAge) {
      if (this.stats.ringBytes <= this.options.maxRingBytes) break;
      this.dropRing(m);
      this.tidy(m);
    }
  }
}
export type { FeedWatchOptions, FeedWatchStats, PollAnswer, PollRequest } from './feed-watch-types';

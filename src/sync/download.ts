// Down: the change feed, read page by page (the next one fetched while this one is applied), each page
// applied in short transactions so recording at this desk is never held up for long.
import { venueIso } from '../common/time';
import type { AuditHeadKeeper } from './audit-check';
import { createFeedApplier, type FeedApplier } from './apply';
import { Backoff } from './backoff';
import { ServerAnswer, sleepTurn, type SyncLink } from './link';
import { requeueAll } from './outbox';
import { feedResponseSchema, isFeedKind, type FeedKind, type FeedResponse } from './protocol';
import type { ReconcileTask } from './reconcile';
import { readCursor, writeAuditHeadSent, writeCursor, writeDownloadProgress, type SyncIdentity } from './state';

/** Told after remote changes are applied (the page should refresh). */
export interface SyncAppliedEvent {
  /** Changes applied in this transaction. */
  readonly changes: number;
  readonly kinds: readonly FeedKind[];
  /** Ids of check-ins, doses and voids that arrived (at most 200). */
  readonly recordIds: readonly string[];
  readonly cursor: number;
}

/** What the download shares with the rest of the service. */
export interface DownloadParts {
  readonly link: SyncLink;
  readonly auditHeads: AuditHeadKeeper;
  readonly reconciliation: ReconcileTask;
  readonly onApplied: ((event: SyncAppliedEvent) => void) | undefined;
}

type Fetched = { ok: true; page: FeedResponse } | { ok: false; error: unknown };

async function fetchPage(link: SyncLink, identity: SyncIdentity, after: number, wait: number, count: boolean): Promise<FeedResponse> {
  const query = `after=${after}&limit=${link.tuning.pageSize}&wait=${wait}&count=${count ? 1 : 0}`;
  const body = await link.call(identity, 'GET', `/v1/feed?${query}`, undefined, link.tuning.feedTimeoutMs + wait * 1000);
  const page = feedResponseSchema.safeParse(body);
  if (!page.success) throw new ServerAnswer(200, 'PROTOCOL');
  return page.data;
}

interface Run {
  done: number;
  total: number | null;
  startedAt: string;
}

async function applyPage(parts: DownloadParts, applier: FeedApplier, page: FeedResponse, run: Run): Promise<void> {
  const { db } = parts.link;
  // A big page would otherwise hit SQLite's automatic checkpoint inside some commit (tens of ms
  // with synchronous=FULL): it is turned off for the page and done in small steps between transactions.
  const big = page.changes.length > 100;
  const autoCheckpoint = big ? (db.pragma('wal_autocheckpoint', { simple: true }) as number) : 0;
  if (big) db.pragma('wal_autocheckpoint = 0');
  try {
    await applyTransactions(parts, applier, page, run, big);
  } finally {
    if (big && db.open) db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
  }
}

async function applyTransactions(parts: DownloadParts, applier: FeedApplier, page: FeedResponse, run: Run, checkpoint: boolean): Promise<void> {
  const { link } = parts;
  const { db } = link;
  const changes = page.changes;
  let index = 0;
  while (!link.stopped) {
    const from = index;
    const started = performance.now();
    const kinds = new Set<FeedKind>();
    const recordIds: string[] = [];
    let end = from;
    let unblocking = false;
    db.transaction(() => {
      while (end < changes.length) {
        const change = changes[end] as (typeof changes)[number];
        const outcome = applier.apply(change);
        end += 1;
        if (outcome === 'applied') {
          if (isFeedKind(change.kind)) kinds.add(change.kind);
          if ((change.kind === 'checkin' || change.kind === 'dose' || change.kind === 'void') && recordIds.length < 200) recordIds.push(change.key);
          if (change.kind === 'person' || change.kind === 'product') unblocking = true;
        }
        // Keep each transaction short: recording at this desk waits for it.
        if ((end - from) % 32 === 0 && performance.now() - started > link.tuning.applyBudgetMs) break;
      }
      const last = changes[end - 1];
      writeCursor(db, end === changes.length ? page.next : (last?.seq ?? page.after));
      if (unblocking || (end === changes.length && applier.parkedCount() > 0)) applier.retryParked();
      run.done += end - from;
      const finished = end === changes.length && !page.more;
      writeDownloadProgress(db, {
        active: !finished,
        done: run.done,
        total: run.total,
        startedAt: run.startedAt,
        finishedAt: finished ? venueIso(link.clock.now()) : undefined,
      });
    })();
    index = end;
    if (checkpoint) db.pragma('wal_checkpoint(PASSIVE)');
    if (end > from && parts.onApplied) {
      try {
        parts.onApplied({ changes: end - from, kinds: [...kinds], recordIds, cursor: readCursor(db) });
      } catch (error) {
        link.report(error);
      }
    }
    if (index >= changes.length) return;
    await sleepTurn();
  }
}

/** Reads the change feed and applies it, page by page, until the service stops (never throws). */
export async function downloadLoop(parts: DownloadParts, identity: SyncIdentity): Promise<void> {
  const { link, auditHeads } = parts;
  const { db } = link;
  const applier = createFeedApplier(db, { municipality: identity.municipality, venueId: identity.venueId, now: () => link.clock.now() });
  const backoff = new Backoff(link.tuning.backoffBaseMs, link.tuning.backoffMaxMs);
  let caughtUp = false;
  let run: Run | null = null;
  let prefetched: { after: number; result: Promise<Fetched> } | null = null;
  // When a page last carried the central head of this device's audit chain (monotonic: a clock change moves nothing).
  let auditCheckedAt = -Infinity;
  while (!link.stopped) {
    try {
      const cursor = readCursor(db);
      const auditDue = performance.now() - auditCheckedAt >= link.tuning.auditCheckMs;
      const wait = caughtUp && !auditDue ? link.tuning.longPollSeconds : 0;
      let page: FeedResponse;
      if (prefetched && prefetched.after === cursor) {
        const result = await prefetched.result;
        prefetched = null;
        if (!result.ok) throw result.error;
        page = result.page;
      } else {
        prefetched = null;
        page = await fetchPage(link, identity, cursor, wait, run === null && wait === 0);
      }
      if (link.stopped) break;
      // A page that answers another cursor (a stale or duplicated answer) is not applied.
      if (page.after !== cursor) throw new ServerAnswer(200, 'STALE_PAGE');
      link.success();
      auditHeads.feedPage(page.auditHead);
      // A plain page is the one that carries the head (a server from before it carries none: asked again only when due).
      if (wait === 0 || page.auditHead !== undefined) auditCheckedAt = performance.now();
      backoff.reset();
      if (page.head !== undefined && page.head < cursor) {
        startOver(parts);
        prefetched = null;
        caughtUp = false;
        run = null;
        continue;
      }
      if (page.changes.length > 0) {
        run ??= { done: 0, total: null, startedAt: venueIso(link.clock.now()) };
        if (page.remaining !== null) run.total = run.done + page.changes.length + page.remaining;
      }
      if (page.more) {
        // Fetch the next page while this one is applied; ask how much is left if nobody has yet.
        const after = page.next;
        prefetched = {
          after,
          result: fetchPage(link, identity, after, 0, run?.total === null).then(
            (next): Fetched => ({ ok: true, page: next }),
            (error: unknown): Fetched => ({ ok: false, error }),
          ),
        };
      }
      if (run && page.changes.length > 0) await applyPage(parts, applier, page, run);
      caughtUp = !page.more;
      if (caughtUp) run = null;
    } catch (error) {
      prefetched = null;
      if (link.stopped) break;
      link.failure(error);
      caughtUp = false;
      run = null;
      await link.downloadRetry.wait(backoff.next());
    }
  }
}

/**
 * The server has less than this device has read: its data was restored from
 * an older copy. Read everything again, and send again everything this device
 * made (the server keeps what it already has and answers "duplicate").
 */
function startOver(parts: DownloadParts): void {
  const { link, reconciliation } = parts;
  const { db } = link;
  db.transaction(() => {
    writeCursor(db, 0);
    // What it lacks is found by comparing (reconcile.ts) and sent again; an older service without that gets everything.
    if (!reconciliation.supported) requeueAll(db);
    writeAuditHeadSent(db, 0);
  })();
  link.report(new Error('the central service is behind this device (restored from an older copy?): reading everything again and sending what it lacks'));
  reconciliation.requestFull();
  link.uploadWork.wake();
  link.uploadRetry.wake();
}

import { appendAudit, readAuditHead } from '../audit/log';
import { uuidv7 } from '../common/ids';
import { venueIso, type Clock } from '../common/time';
import type { VenueDb } from '../store/database';
import { queueRecord } from '../records/outbox';
import { readAuditHeadSent, readSyncIdentity, writeAuditHeadSent } from './state';

/**
 * This device's audit chain against the copy the central service keeps.
 *
 * The device sends the head of its chain up from time to time; the central
 * service keeps every head and gives the newest back on each feed page. The
 * chain only grows, so the entry at that seq must still be here with that
 * hash. Missing (the chain now ends before it): entries were cut off. There
 * with another hash: the chain was rewritten from there on. The audit key
 * cannot catch this on its own when an earlier genuine head is put back with
 * everything after it removed; the central copy does.
 *
 * A difference is logged in the chain itself (auditCentralMismatch, CUT or
 * REWRITTEN, with both seqs), shown on the audit screen, and sent up as a head
 * that shows it (this chain's own head after a cut, the hash at the central
 * seq after a rewrite), which the central service records too
 * (server/audit-heads.ts). No head goes up in a run before the first
 * comparison, so a cut made while the app was closed cannot be covered by a
 * new head before the central copy has been looked at.
 */
export interface ChainPoint {
  readonly seq: number;
  readonly hash: string;
}

export type ChainComparison = 'match' | 'cut' | 'rewritten';

export const CENTRAL_MISMATCH_ACTION = 'auditCentralMismatch';
const SETTING = 'audit_central_check';
/** How often an unchanged "still matches" is written again, so the screen can say when it was last looked at. */
const RECHECK_WRITE_MS = 5 * 60_000;

/** The last comparison with the central copy, for the audit screen. */
export interface CentralCheck {
  readonly checkedAt: string;
  readonly seq: number;
  readonly hash: string;
  readonly result: ChainComparison;
  /** The central head of the last difference logged (each is logged once). */
  readonly reported?: ChainPoint;
}

export function readCentralCheck(db: VenueDb): CentralCheck | null {
  const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(SETTING) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as CentralCheck) : null;
}

function writeCentralCheck(db: VenueDb, check: CentralCheck): void {
  db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(SETTING, JSON.stringify(check));
}

/** Whether this chain still holds `point`: the entry at its seq, with its hash. */
export function compareChain(db: VenueDb, point: ChainPoint): { result: ChainComparison; localHash: string | null } {
  if (point.seq === 0) return { result: 'match', localHash: null };
  const row = db.prepare(`SELECT hash FROM audit_log WHERE seq = ?`).get(point.seq) as { hash: string } | undefined;
  if (!row || readAuditHead(db).seq < point.seq) return { result: 'cut', localHash: null };
  return { result: row.hash === point.hash ? 'match' : 'rewritten', localHash: row.hash };
}

/**
 * Compares the chain with a point it must still hold (the central head, or a
 * head this run sent earlier), and logs and reports a difference once.
 */
export function checkChainHolds(db: VenueDb, point: ChainPoint, now: Date, source: 'central' | 'sent'): { result: ChainComparison; reported: boolean } {
  return db.transaction(() => {
    const { result, localHash } = compareChain(db, point);
    const last = readCentralCheck(db);
    const known = last?.reported?.seq === point.seq && last.reported.hash === point.hash;
    let reported = last?.reported;
    if (result !== 'match' && !known) {
      const local = readAuditHead(db);
      const shown: ChainPoint = result === 'cut' ? { seq: local.seq, hash: local.hash } : { seq: point.seq, hash: localHash ?? local.hash };
      queueRecord(db, 'audit_head', { id: uuidv7(now.getTime()), seq: shown.seq, hash: shown.hash, at: venueIso(now) }, now);
      appendAudit(db, {
        at: venueIso(now),
        staffId: null,
        deskId: null,
        action: CENTRAL_MISMATCH_ACTION,
        recordId: null,
        outcome: result.toUpperCase(),
        detail: { centralSeq: point.seq, localSeq: local.seq, source },
      });
      reported = point;
    }
    if (source === 'central') {
      const unchanged = last?.seq === point.seq && last.hash === point.hash && last.result === result && reported === last.reported;
      // A comparison that changes nothing is written again only now and then (each write is a disk sync).
      if (!unchanged || now.getTime() - Date.parse(last.checkedAt) >= RECHECK_WRITE_MS) {
        writeCentralCheck(db, { checkedAt: now.toISOString(), seq: point.seq, hash: point.hash, result, ...(reported ? { reported } : {}) });
      }
    } else if (last && reported !== last.reported) {
      writeCentralCheck(db, { ...last, ...(reported ? { reported } : {}) });
    }
    return { result, reported: result !== 'match' && !known };
  })();
}

/**
 * The sync service's part: compares at every feed page and sends the head up
 * when it moved (at most every intervalMs), never before the first comparison
 * of this run. Heads sent in this run are remembered here, in memory, where
 * nothing that edits the database can reach them: the chain must still hold
 * the last one before the next is sent.
 */
export class AuditHeadKeeper {
  private compared = false;
  private lastSent: ChainPoint | null = null;
  private lastTry = 0;

  constructor(
    private readonly db: VenueDb,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    /** Told when there is a head to send now: after the first comparison, and when a difference was reported. */
    private readonly wakeUpload: () => void,
  ) {}

  /** After each feed page the device accepted: `auditHead` as the page carried it (undefined from an older server). */
  feedPage(central: ChainPoint | null | undefined): void {
    const reported = central ? checkChainHolds(this.db, central, this.clock.now(), 'central').reported : false;
    if (!this.compared || reported) {
      this.compared = true;
      this.wakeUpload();
    }
  }

  /** From the upload loop, before each batch. */
  maybeEnqueue(): void {
    if (!this.compared) return;
    const nowMs = Date.now();
    if (this.lastTry !== 0 && nowMs - this.lastTry < this.intervalMs) return;
    this.lastTry = nowMs;
    if (readAuditHead(this.db).seq <= readAuditHeadSent(this.db)) return;
    const now = this.clock.now();
    if (this.lastSent) checkChainHolds(this.db, this.lastSent, now, 'sent');
    const head = readAuditHead(this.db);
    this.db.transaction(() => {
      queueRecord(this.db, 'audit_head', { id: uuidv7(now.getTime()), seq: head.seq, hash: head.hash, at: venueIso(now) }, now);
      writeAuditHeadSent(this.db, head.seq);
    })();
    this.lastSent = { seq: head.seq, hash: head.hash };
  }
}

export interface CentralComparisonView {
  readonly checkedAt: string | null;
  readonly centralSeq: number | null;
  /** No difference ever found. */
  readonly ok: boolean;
  /** Newest first, at most 20. */
  readonly mismatches: { at: string; kind: 'cut' | 'rewritten'; centralSeq: number; localSeq: number }[];
}

/** For the audit screen: null on a device that does not sync. */
export function centralComparison(db: VenueDb): CentralComparisonView | null {
  if (!readSyncIdentity(db)) return null;
  const check = readCentralCheck(db);
  const rows = db.prepare(`SELECT at, outcome, detail FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 20`).all(CENTRAL_MISMATCH_ACTION) as {
    at: string;
    outcome: string;
    detail: string | null;
  }[];
  const mismatches = rows.map((row) => {
    const detail = JSON.parse(row.detail ?? '{}') as { centralSeq?: number; localSeq?: number };
    return { at: row.at, kind: row.outcome === 'CUT' ? ('cut' as const) : ('rewritten' as const), centralSeq: detail.centralSeq ?? 0, localSeq: detail.localSeq ?? 0 };
  });
  return { checkedAt: check?.checkedAt ?? null, centralSeq: check?.seq ?? null, ok: mismatches.length === 0, mismatches };
}

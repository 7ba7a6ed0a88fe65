import { createHash } from 'node:crypto';
import type { VenueDb } from '../store/database';

/**
 * The operation log: append-only and hash-chained. Each entry's hash covers
 * its own fields and the previous entry's hash, and the newest (seq, hash) is
 * kept as an anchor in settings, written in the same transaction. Editing,
 * removing or inserting an entry, or cutting off the tail, breaks the chain
 * or the anchor, and verifyAuditLog says where. (Someone able to rewrite both
 * the whole chain and the anchor is caught by the copy of the chain head the
 * device sends to the central service.)
 */
export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit_head';

export interface AuditEntryInput {
  readonly at: string;
  readonly staffId: string | null;
  readonly deskId: string | null;
  /** The operation or event, e.g. "recordDose". */
  readonly action: string;
  /** The record the action made or touched, if any. */
  readonly recordId: string | null;
  /** "ok" or the refusal code. */
  readonly outcome: string;
  /** Small facts about the action: codes and ids only, never personal details. */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>> | null;
}

export interface AuditEntry extends AuditEntryInput {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

interface AuditRow {
  seq: number;
  at: string;
  staff_id: string | null;
  desk_id: string | null;
  action: string;
  record_id: string | null;
  outcome: string;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  const canonical = JSON.stringify([
    row.seq, row.at, row.staff_id, row.desk_id, row.action, row.record_id, row.outcome, row.detail, row.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface AuditHead {
  seq: number;
  hash: string;
}

export function readAuditHead(db: VenueDb): AuditHead {
  const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(HEAD_KEY) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as AuditHead) : { seq: 0, hash: GENESIS_HASH };
}

/** Appends one entry. Call inside the transaction of the action it records. */
export function appendAudit(db: VenueDb, input: AuditEntryInput): AuditEntry {
  const head = readAuditHead(db);
  const row: Omit<AuditRow, 'hash'> = {
    seq: head.seq + 1,
    at: input.at,
    staff_id: input.staffId,
    desk_id: input.deskId,
    action: input.action,
    record_id: input.recordId,
    outcome: input.outcome,
    detail: input.detail ? JSON.stringify(input.detail) : null,
    prev_hash: head.hash,
  };
  const hash = entryHash(row);
  db.prepare(
    `INSERT INTO audit_log (seq, at, staff_id, desk_id, action, record_id, outcome, detail, prev_hash, hash)
     VALUES (@seq, @at, @staff_id, @desk_id, @action, @record_id, @outcome, @detail, @prev_hash, @hash)`,
  ).run({ ...row, hash });
  writeAuditHead(db, { seq: row.seq, hash });
  return { ...input, seq: row.seq, prevHash: row.prev_hash, hash };
}

/**
 * Moves the head to the chain's newest entry. Only for entries copied in
 * whole, chain and all (a restore carrying over what was logged since the
 * backup); appendAudit keeps the head itself.
 */
export function writeAuditHead(db: VenueDb, head: AuditHead): void {
  db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(HEAD_KEY, JSON.stringify(head));
}

export type AuditProblemKind = 'edited' | 'missing' | 'out-of-chain' | 'truncated' | 'beyond-head';

export interface AuditProblem {
  readonly seq: number;
  readonly kind: AuditProblemKind;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly head: AuditHead;
  readonly problems: readonly AuditProblem[];
}

const MAX_PROBLEMS = 100;

/** Walks the whole chain. Problems are listed by entry, at most 100. */
export function verifyAuditLog(db: VenueDb): AuditVerification {
  const problems: AuditProblem[] = [];
  const report = (seq: number, kind: AuditProblemKind) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ seq, kind });
  };
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  let last: AuditHead = { seq: 0, hash: GENESIS_HASH };
  for (const row of db.prepare(`SELECT * FROM audit_log ORDER BY seq`).iterate() as IterableIterator<AuditRow>) {
    entries += 1;
    for (; expectedSeq < row.seq; expectedSeq++) report(expectedSeq, 'missing');
    const { hash, ...rest } = row;
    if (entryHash(rest) !== hash) report(row.seq, 'edited');
    else if (row.prev_hash !== prevHash) report(row.seq, 'out-of-chain');
    prevHash = hash;
    expectedSeq = row.seq + 1;
    last = { seq: row.seq, hash };
  }
  const head = readAuditHead(db);
  if (last.seq < head.seq) report(last.seq + 1, 'truncated');
  else if (last.seq > head.seq) report(head.seq + 1, 'beyond-head');
  else if (last.hash !== head.hash) report(last.seq, 'edited');
  return { ok: problems.length === 0, entries, head, problems };
}

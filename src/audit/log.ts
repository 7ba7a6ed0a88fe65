import type { VenueDb } from '../store/database';
import { auditKeyOf, entryHash, headMac, keyedEntryHash, sameHex, type ChainRow, type ChainVersion } from './chain';
import { AUDIT_HEAD_SETTING } from '../store/settings';

export { entryHash, useAuditKey } from './chain';

/**
 * The operation log: append-only and hash-chained. Each entry's hash covers
 * its own fields and the previous entry's hash, and the newest (seq, hash) is
 * kept as the head in settings, written in the same transaction. Entries and
 * head are keyed with the device's audit key (chain.ts): editing, removing or
 * inserting an entry, or cutting off the newest ones and moving the head back,
 * shows up in verifyAuditLog, and the first entry written after such a cut
 * marks it in the chain for good. What the key cannot stop (putting back a
 * head saved earlier, with everything after it removed) is caught by the
 * central service, which holds the heads the device sent it (src/sync/audit-check.ts).
 */
export const GENESIS_HASH = '0'.repeat(64);
/** The entry written before the next one when the stored head was not the app's own. */
export const HEAD_FORGED_ACTION = 'auditHeadForged';

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

interface AuditRow extends ChainRow {
  version: ChainVersion;
  hash: string;
}

export interface AuditHead {
  seq: number;
  hash: string;
  /** HMAC of (seq, hash) under the audit key; absent on a chain that was never keyed. */
  mac?: string;
}

export function readAuditHead(db: VenueDb): AuditHead {
  const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(AUDIT_HEAD_SETTING) as { value: string } | undefined;
  if (!row) return { seq: 0, hash: GENESIS_HASH };
  const { seq, hash, mac } = JSON.parse(row.value) as Partial<AuditHead>;
  return { seq: Number(seq), hash: String(hash), ...(typeof mac === 'string' ? { mac } : {}) };
}

function writeHead(db: VenueDb, head: AuditHead): void {
  db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(AUDIT_HEAD_SETTING, JSON.stringify(head));
}

/**
 * Whether the stored head is one the app wrote: its MAC verifies, or, with
 * no MAC, the chain was never keyed (its newest entry is unkeyed, or it is empty).
 */
function headIsGenuine(db: VenueDb, key: Buffer, head: AuditHead): boolean {
  if (head.mac !== undefined) return sameHex(head.mac, headMac(key, head.seq, head.hash));
  if (head.seq === 0) return true;
  const newest = db.prepare(`SELECT version FROM audit_log WHERE seq = ?`).get(head.seq) as { version: ChainVersion } | undefined;
  return newest?.version === 1;
}

function insertEntry(db: VenueDb, key: Buffer | null, head: AuditHead, input: AuditEntryInput): AuditEntry {
  const row: ChainRow = {
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
  const version: ChainVersion = key ? 2 : 1;
  const hash = key ? keyedEntryHash(key, row) : entryHash(row);
  db.prepare(
    `INSERT INTO audit_log (seq, at, staff_id, desk_id, action, record_id, outcome, detail, prev_hash, hash, version)
     VALUES (@seq, @at, @staff_id, @desk_id, @action, @record_id, @outcome, @detail, @prev_hash, @hash, @version)`,
  ).run({ ...row, hash, version });
  writeHead(db, key ? { seq: row.seq, hash, mac: headMac(key, row.seq, hash) } : { seq: row.seq, hash });
  return { ...input, seq: row.seq, prevHash: row.prev_hash, hash };
}

/**
 * After a restore carried entries over from the replaced file: the head goes
 * to the newest entry when that entry is a keyed one this key made (only the
 * app, holding the key, can make one), so the chain goes on after it. The
 * head carried along may lag it (the replaced file's settings were read as
 * they were on disk, its log not replayed). Anything else is left for
 * appendAudit and verifyAudit to judge.
 */
export function sealHeadAtNewest(db: VenueDb): void {
  const key = auditKeyOf(db);
  if (!key) return;
  const head = readAuditHead(db);
  const newest = db.prepare(`SELECT seq, at, staff_id, desk_id, action, record_id, outcome, detail, prev_hash, hash, version FROM audit_log ORDER BY seq DESC LIMIT 1`).get() as
    | AuditRow
    | undefined;
  if (!newest || newest.seq <= head.seq || newest.version !== 2) return;
  const { hash, version: _version, ...row } = newest;
  if (!sameHex(hash, keyedEntryHash(key, row))) return;
  writeHead(db, { seq: newest.seq, hash, mac: headMac(key, newest.seq, hash) });
}

/** Appends one entry. Call inside the transaction of the action it records. */
export function appendAudit(db: VenueDb, input: AuditEntryInput): AuditEntry {
  const key = auditKeyOf(db);
  let head = readAuditHead(db);
  if (key && !headIsGenuine(db, key, head)) {
    // Something other than the app moved the head (entries cut off?). Going on from it would
    // seal the cut with a genuine head, so the chain itself says so first, for good.
    const mark = insertEntry(db, key, head, {
      at: input.at,
      staffId: null,
      deskId: null,
      action: HEAD_FORGED_ACTION,
      recordId: null,
      outcome: 'HEAD_FORGED',
      detail: { seq: head.seq },
    });
    head = { seq: mark.seq, hash: mark.hash };
  }
  return insertEntry(db, key, head, input);
}

export type AuditProblemKind = 'edited' | 'missing' | 'out-of-chain' | 'truncated' | 'beyond-head' | 'head-forged' | 'unkeyed' | 'no-key';

export interface AuditProblem {
  readonly seq: number;
  readonly kind: AuditProblemKind;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly head: AuditHead;
  /** The head is sealed with this device's audit key (false only for a chain from before the key). */
  readonly keyed: boolean;
  readonly problems: readonly AuditProblem[];
}

const MAX_PROBLEMS = 100;

/**
 * Walks the whole chain with the connection's audit key. Problems are listed
 * by entry, at most 100: 'unkeyed' is an unkeyed entry after keyed ones (a
 * rewrite in the old form), 'head-forged' a head the app did not write (or the
 * mark left when the app found one), 'no-key' keyed entries and no key to check them.
 */
export function verifyAuditLog(db: VenueDb): AuditVerification {
  const key = auditKeyOf(db);
  const problems: AuditProblem[] = [];
  const report = (seq: number, kind: AuditProblemKind) => {
    if (problems.length < MAX_PROBLEMS && !(kind === 'no-key' && problems.some((p) => p.kind === kind))) problems.push({ seq, kind });
  };
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  let keyedSeen = false;
  let last: AuditHead = { seq: 0, hash: GENESIS_HASH };
  for (const row of db.prepare(`SELECT * FROM audit_log ORDER BY seq`).iterate() as IterableIterator<AuditRow>) {
    entries += 1;
    for (; expectedSeq < row.seq; expectedSeq++) report(expectedSeq, 'missing');
    const { hash, version, ...rest } = row;
    const expected = version === 2 ? (key ? keyedEntryHash(key, rest) : null) : entryHash(rest);
    if (version === 1 && keyedSeen) report(row.seq, 'unkeyed');
    else if (expected === null) report(row.seq, 'no-key');
    else if (!sameHex(expected, hash)) report(row.seq, 'edited');
    else if (row.prev_hash !== prevHash) report(row.seq, 'out-of-chain');
    if (row.action === HEAD_FORGED_ACTION) report(row.seq, 'head-forged');
    keyedSeen ||= version === 2;
    prevHash = hash;
    expectedSeq = row.seq + 1;
    last = { seq: row.seq, hash };
  }
  const head = readAuditHead(db);
  const genuine = key !== null && headIsGenuine(db, key, head);
  if (last.seq < head.seq) report(last.seq + 1, 'truncated');
  else if (last.seq > head.seq) report(head.seq + 1, 'beyond-head');
  else if (last.hash !== head.hash) report(last.seq, 'edited');
  else if (key && !genuine) report(head.seq, 'head-forged');
  return { ok: problems.length === 0, entries, head, keyed: genuine && head.mac !== undefined, problems };
}

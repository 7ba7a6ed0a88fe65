import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AUDIT_HEAD_SETTING } from './settings';
import { text } from '../common/messages';
import { venueIso } from '../common/time';
import { applyKey, StoreError, keyCheckFile, openVenueDatabase, type VenueDb } from './database';
import { diskNeeds, freeBytes } from './disk-space';
import { writeFileAtomic } from './files';

/**
 * Encrypted backups of the venue database. A backup is a consistent copy
 * written while the app keeps working, encrypted with the same key, and
 * verified (opened, integrity-checked, counted) before it is kept. Ten
 * generations are kept; the oldest is removed.
 *
 * Why VACUUM INTO rather than the online backup API: SQLite3 Multiple
 * Ciphers refuses the backup API into a target without the same cipher and
 * key, and better-sqlite3 opens the backup target itself, without a key.
 * VACUUM INTO reads one consistent snapshot (WAL: writers are not blocked)
 * and SQLite3 Multiple Ciphers writes the copy encrypted with the source's
 * key, so no plaintext copy ever touches the disk.
 */
export const BACKUP_GENERATIONS = 10;

/** The tables whose rows are records made at the venue: what a restore must never lose. */
export const RECORD_TABLES = [
  'checkins',
  'dose_records',
  'voids',
  'walk_in_requests',
  'observations',
  'lot_vials',
  'discrepancy_notes',
  'day_closes',
  'desk_lot_history',
  'lots',
  'walk_in_decisions',
  'observation_outcomes',
  'day_close_log',
  'day_reopens',
  'desk_doctors',
] as const;

export interface BackupSummary {
  readonly schemaVersion: number;
  readonly counts: Readonly<Record<string, number>>;
  /** The newest record time in the backup (check-in, dose or void), if any. */
  readonly latestRecordAt: string | null;
}

export interface BackupInfo extends BackupSummary {
  readonly id: string;
  readonly path: string;
  readonly createdAt: string;
  readonly sizeBytes: number;
}

function hasTable(db: VenueDb, name: string): boolean {
  return !!db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(name);
}

export function summarize(db: VenueDb): BackupSummary {
  const counts: Record<string, number> = {};
  for (const table of RECORD_TABLES) {
    counts[table] = hasTable(db, table) ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : 0;
  }
  const latest = db
    .prepare(`SELECT max(t) AS latest FROM (SELECT max(at) AS t FROM checkins UNION ALL SELECT max(recorded_at) FROM dose_records UNION ALL SELECT max(at) FROM voids)`)
    .get() as { latest: string | null };
  return { schemaVersion: db.pragma('user_version', { simple: true }) as number, counts, latestRecordAt: latest.latest };
}

function openForReading(path: string, key: Buffer): VenueDb {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  applyKey(db, key);
  return db;
}

/** Opens a backup, checks every page and counts its records; throws StoreError if it is not sound. */
export function verifyBackup(path: string, key: Buffer): BackupSummary {
  let db: VenueDb | undefined;
  try {
    db = openForReading(path, key);
    const check = db.pragma('integrity_check') as { integrity_check: string }[];
    if (check.length !== 1 || check[0]?.integrity_check !== 'ok') throw new Error('integrity check failed');
    return summarize(db);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      'DAMAGED',
      { ja: 'バックアップが壊れているか、この端末の鍵で開けません。', en: 'The backup is damaged or cannot be opened with this device’s key.' },
      { cause: error },
    );
  } finally {
    db?.close();
  }
}

function stamp(now: Date): string {
  return venueIso(now).slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

const BACKUP_NAME = /^venue-(\d{8}-\d{6})-[0-9a-f]{6}\.db$/;

/** A little more than the pages in use: VACUUM INTO writes them compacted. */
function backupSizeEstimate(db: VenueDb): number {
  const pages = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
  return Math.ceil(pages * (db.pragma('page_size', { simple: true }) as number) * 1.1) + 1024 * 1024;
}

const A_BACKUP = text('バックアップ', 'a backup');

/**
 * Writes, verifies and keeps a backup; removes generations beyond the tenth.
 * Refused before anything is written when the disk cannot hold it. Nothing
 * half-written is ever left under a backup's name: the copy is written as
 * `.partial` (removed on any failure, and at the next start if a kill left
 * it), and renamed only once verified and described.
 */
export function createBackup(db: VenueDb, options: { dir: string; key: Buffer; now: Date; keep?: number }): BackupInfo {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const needed = backupSizeEstimate(db);
  const free = freeBytes(options.dir);
  if (free < needed) throw new StoreError('NOT_ENOUGH_SPACE', diskNeeds(A_BACKUP, needed, free));
  const id = `venue-${stamp(options.now)}-${randomBytes(3).toString('hex')}.db`;
  const path = join(options.dir, id);
  const temporary = `${path}.partial`;
  rmSync(temporary, { force: true });
  let written: BackupSummary;
  try {
    db.prepare('VACUUM INTO ?').run(temporary);
    const expected = summarize(db);
    written = verifyBackup(temporary, options.key);
    if (JSON.stringify(written.counts) !== JSON.stringify(expected.counts)) throw new Error('the copy does not hold every record');
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  const info: BackupInfo = { ...written, id, path, createdAt: venueIso(options.now), sizeBytes: statSync(temporary).size };
  // The order they were made in, whatever the clock says (two in one second, a clock set back).
  const seq = Math.max(0, ...readdirSync(options.dir).filter((name) => BACKUP_NAME.test(name)).map((name) => readMeta(join(options.dir, name)).seq ?? 0)) + 1;
  try {
    // Described first, named last: a file under a backup's name always has its description.
    writeFileAtomic(`${path}.json`, JSON.stringify({ id, seq, createdAt: info.createdAt, sizeBytes: info.sizeBytes, ...written }, null, 2));
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    rmSync(`${path}.json`, { force: true });
    throw error;
  }
  pruneBackups(options.dir, options.keep ?? BACKUP_GENERATIONS);
  return info;
}

/**
 * What a kill can leave in the backup folder: a `.partial` copy, a
 * description without its backup, a temporary file. Removed at start; they
 * would only fill the disk.
 */
export function cleanBackupFolder(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const orphanMeta = name.endsWith('.db.json') && !existsSync(join(dir, name.slice(0, -'.json'.length)));
    if (name.endsWith('.partial') || /\.\d+\.tmp$/.test(name) || orphanMeta) rmSync(join(dir, name), { force: true });
  }
}

/** A backup that failed its check: renamed out of the list (kept, in case someone wants to look), never offered. */
export function setAsideBackup(backup: Pick<BackupInfo, 'path'>): void {
  for (const ext of ['', '.json']) if (existsSync(`${backup.path}${ext}`)) renameSync(`${backup.path}${ext}`, `${backup.path}.failed${ext}`);
}

function readMeta(path: string): Partial<BackupInfo> & { seq?: number } {
  try {
    return existsSync(`${path}.json`) ? (JSON.parse(readFileSync(`${path}.json`, 'utf8')) as Partial<BackupInfo> & { seq?: number }) : {};
  } catch {
    return {};
  }
}

/** Newest first: by the order they were made in (backups from before that was kept come last, by name: their time). */
export function listBackups(dir: string): BackupInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .map((id) => ({ id, meta: readMeta(join(dir, id)) }))
    .sort((a, b) => (b.meta.seq ?? 0) - (a.meta.seq ?? 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map(({ id, meta }) => {
      const path = join(dir, id);
      return {
        id,
        path,
        createdAt: meta.createdAt ?? '',
        sizeBytes: statSync(path).size,
        schemaVersion: meta.schemaVersion ?? 0,
        counts: meta.counts ?? {},
        latestRecordAt: meta.latestRecordAt ?? null,
      };
    });
}

function pruneBackups(dir: string, keep: number): void {
  for (const old of listBackups(dir).slice(keep)) {
    rmSync(old.path, { force: true });
    rmSync(`${old.path}.json`, { force: true });
  }
}

export function findBackup(dir: string, id: string): BackupInfo | null {
  if (basename(id) !== id || !BACKUP_NAME.test(id)) return null;
  return listBackups(dir).find((b) => b.id === id) ?? null;
}

export interface RestorePlan {
  readonly backup: BackupInfo;
  /** Whether the current database could be read (a damaged one cannot). */
  readonly currentReadable: boolean;
  readonly currentProblem: string | null;
  /** Records in the current database that the backup lacks: copied into the restored database. */
  readonly carriedOver: Readonly<Record<string, number>>;
  /** Plain words for the supervisor: what the restore will change. */
  readonly summary: { readonly ja: string; readonly en: string };
}

function idColumn(table: (typeof RECORD_TABLES)[number]): string {
  switch (table) {
    case 'observations':
      return 'dose_id';
    case 'lot_vials':
      return "venue_id || '|' || venue_date || '|' || lot_id";
    default:
      return 'id';
  }
}

/** Counts the current database's records that the backup lacks, table by table. */
function missingFromBackup(current: VenueDb): Record<string, number> {
  const missing: Record<string, number> = {};
  for (const table of RECORD_TABLES) {
    if (!hasTable(current, table)) continue;
    const id = idColumn(table);
    missing[table] = (
      current.prepare(`SELECT count(*) AS n FROM main.${table} WHERE ${id} NOT IN (SELECT ${id} FROM backup.${table})`).get() as { n: number }
    ).n;
  }
  return missing;
}

/**
 * Says what restoring a backup would change, before anything is changed:
 * the current database's records that the backup lacks are carried over;
 * if the current database cannot be read, records made after the backup
 * come back only through sync (those already sent to the central service).
 */
export function planRestore(options: { currentPath: string; backupDir: string; backupId: string; key: Buffer }): RestorePlan {
  const backup = findBackup(options.backupDir, options.backupId);
  if (!backup) throw new StoreError('DAMAGED', { ja: 'そのバックアップはありません。', en: 'No such backup.' });
  verifyBackup(backup.path, options.key);
  // A read-only look still creates -wal/-shm files; remove the ones it made.
  const sideFiles = [`${options.currentPath}-wal`, `${options.currentPath}-shm`].filter((file) => !existsSync(file));
  let current: VenueDb | undefined;
  try {
    current = openForReading(options.currentPath, options.key);
    current.prepare(`ATTACH DATABASE ? AS backup KEY "x'${options.key.toString('hex')}'"`).run(backup.path);
    const carriedOver = missingFromBackup(current);
    const total = Object.values(carriedOver).reduce((a, b) => a + b, 0);
    return {
      backup,
      currentReadable: true,
      currentProblem: null,
      carriedOver,
      summary: {
        ja: `${backup.createdAt.slice(0, 16).replace('T', ' ')} のバックアップに戻します。その後に記録された ${total} 件は引き継ぎます（消えません）。今のファイルは別名で残します。`,
        en: `Restores the backup of ${backup.createdAt.slice(0, 16).replace('T', ' ')}. The ${total} records made since are carried over (nothing is lost). The current file is kept under another name.`,
      },
    };
  } catch (error) {
    const problem = error instanceof Error ? error.message : 'unreadable';
    return {
      backup,
      currentReadable: false,
      currentProblem: problem,
      carriedOver: {},
      summary: {
        ja: `今のデータベースは読めません。${backup.createdAt.slice(0, 16).replace('T', ' ')} のバックアップに戻します。その後の記録のうち本部に送信済みのものは同期で戻ります。未送信のものは戻りません。今のファイルは別名で残します。`,
        en: `The current database cannot be read. Restores the backup of ${backup.createdAt.slice(0, 16).replace('T', ' ')}. Records made since that were already sent to the central service come back through sync; unsent ones cannot be recovered. The current file is kept under another name.`,
      },
    };
  } finally {
    current?.close();
    for (const file of sideFiles) rmSync(file, { force: true });
  }
}

/**
 * The sync bookkeeping of a restore (both files are attached: main = the
 * backup now in place, old = the replaced file). Records carried over must
 * still go up: their outbox rows come along, in their original order and
 * state, after the backup's own. The backup's cursor stays: it matches the
 * backup's data, and the feed, filtered by venue rather than device, brings
 * back everything stored centrally after it, the device's own records too.
 * A backup from before enrollment takes the device's identity from the
 * replaced file and reads the feed from the start. Conflict resolutions made
 * since are kept.
 */
function carryOverSync(db: VenueDb, carriedOver: Record<string, number>): void {
  if (!hasTable(db, 'sync_outbox')) return;
  const columns = (db.prepare(`PRAGMA main.table_info(sync_outbox)`).all() as { name: string }[])
    .map((c) => c.name)
    .filter((name) => name !== 'seq')
    .join(', ');
  carriedOver.sync_outbox = db
    .prepare(`INSERT INTO main.sync_outbox (${columns}) SELECT ${columns} FROM old.sync_outbox WHERE record_id NOT IN (SELECT record_id FROM main.sync_outbox) ORDER BY seq`)
    .run().changes;
  // What the server already answered for need not be sent again.
  db.exec(`UPDATE main.sync_outbox SET state = o.state, outcome = o.outcome, answered_at = o.answered_at
           FROM old.sync_outbox o WHERE o.record_id = main.sync_outbox.record_id AND o.state IN ('confirmed', 'rejected') AND main.sync_outbox.state IN ('pending', 'sent')`);
  const identity = ['server_url', 'fingerprint', 'device_id', 'credential', 'municipality', 'venue_id', 'desk_id', 'enrolled_at'];
  db.exec(`UPDATE main.sync_state SET ${identity.map((c) => `${c} = (SELECT ${c} FROM old.sync_state WHERE id = 1)`).join(', ')}, cursor = 0
           WHERE id = 1 AND device_id IS NULL AND (SELECT device_id FROM old.sync_state WHERE id = 1) IS NOT NULL`);
  carriedOver.sync_conflicts = db.prepare(`INSERT OR IGNORE INTO main.sync_conflicts SELECT * FROM old.sync_conflicts`).run().changes;
  // What sync learnt about records: which reached a closed day late (the day report asks for each to be
  // explained), which lot ids of other desks stand for a lot here.
  const carry: Record<string, string> = {
    late_records: `INSERT OR IGNORE INTO main.late_records SELECT * FROM old.late_records`,
    lot_aliases: `INSERT OR IGNORE INTO main.lot_aliases SELECT * FROM old.lot_aliases WHERE lot_id IN (SELECT id FROM main.lots)`,
  };
  for (const [table, sql] of Object.entries(carry)) {
    if (hasTable(db, table) && db.prepare(`SELECT 1 FROM old.sqlite_schema WHERE type = 'table' AND name = ?`).get(table)) {
      carriedOver[table] = db.prepare(sql).run().changes;
    }
  }
  db.exec(`UPDATE main.sync_conflicts SET resolved_at = o.resolved_at, resolved_by = o.resolved_by, note = o.note
           FROM old.sync_conflicts o WHERE o.id = main.sync_conflicts.id AND main.sync_conflicts.resolved_at IS NULL AND o.resolved_at IS NOT NULL`);
}

/**
 * The audit entries written since the backup. The backup's chain is the
 * start of the current one (same entry, same hash, at the backup's last
 * seq), so the later entries follow it exactly as they were and the chain
 * still verifies; the replaced file's head comes along as it is (keyed: only
 * the app, holding the audit key, could have made it). When the current
 * file's log does not continue the backup's, nothing is copied: the entries
 * stay in the file set aside.
 */
function carryOverAudit(db: VenueDb, carried: Record<string, number>): void {
  const head = db.prepare(`SELECT seq, hash FROM main.audit_log ORDER BY seq DESC LIMIT 1`).get() as { seq: number; hash: string } | undefined;
  const continues = head ? db.prepare(`SELECT 1 FROM old.audit_log WHERE seq = ? AND hash = ?`).get(head.seq, head.hash) : true;
  carried.audit_log = continues
    ? db.prepare(`INSERT INTO main.audit_log SELECT * FROM old.audit_log WHERE seq > ? ORDER BY seq`).run(head?.seq ?? 0).changes
    : 0;
  if (carried.audit_log > 0) {
    db.prepare(`UPDATE main.settings SET value = (SELECT value FROM old.settings WHERE key = ?) WHERE key = ?`).run(AUDIT_HEAD_SETTING, AUDIT_HEAD_SETTING);
  }
}

function copyDurably(from: string, to: string): void {
  const temporary = `${to}.restoring`;
  copyFileSync(from, temporary);
  const fd = openSync(temporary, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, to);
}

export interface RestoreResult {
  readonly plan: RestorePlan;
  /** Where the replaced database now lives (never deleted). */
  readonly setAside: string | null;
  readonly carriedOver: Readonly<Record<string, number>>;
  /** Outbox rows, conflicts and audit entries carried along with those records. */
  readonly carriedSync: Readonly<Record<string, number>>;
}

/**
 * Restores a backup in place of the current database. The caller must have
 * closed its connection. The current files are renamed, never deleted;
 * records the backup lacks are copied from them when they can be read.
 */
export function restoreBackup(options: { currentPath: string; backupDir: string; backupId: string; key: Buffer; now: Date }): RestoreResult {
  const plan = planRestore(options);
  const suffix = `.replaced-${stamp(options.now)}`;
  const setAside = existsSync(options.currentPath) ? `${options.currentPath}${suffix}` : null;
  for (const ext of ['', '-wal', '-shm']) {
    if (existsSync(options.currentPath + ext)) renameSync(options.currentPath + ext, `${options.currentPath}${suffix}${ext}`);
  }
  rmSync(keyCheckFile(options.currentPath), { force: true });
  copyDurably(plan.backup.path, options.currentPath);
  const db = openVenueDatabase({ path: options.currentPath, key: options.key });
  const carriedOver: Record<string, number> = {};
  const carriedSync: Record<string, number> = {};
  // The replaced files are evidence (a damaged log, say) and stay byte for byte as they were: a
  // read-only connection holds them open throughout, so the attaching connection is never the last
  // one to close them and so never merges their log into them or deletes it.
  const madeShm = setAside !== null && !existsSync(`${setAside}-shm`);
  let holder: VenueDb | undefined;
  try {
    if (setAside && plan.currentReadable) {
      holder = openForReading(setAside, options.key);
      holder.prepare('SELECT count(*) FROM sqlite_schema').get();
      db.prepare(`ATTACH DATABASE ? AS old KEY "x'${options.key.toString('hex')}'"`).run(setAside);
      db.transaction(() => {
        for (const table of RECORD_TABLES) {
          const columns = (db.prepare(`PRAGMA main.table_info(${table})`).all() as { name: string }[]).map((c) => c.name).join(', ');
          carriedOver[table] = db.prepare(`INSERT OR IGNORE INTO main.${table} (${columns}) SELECT ${columns} FROM old.${table}`).run().changes;
        }
        // Voids carried over must still mark their targets.
        db.exec(`UPDATE dose_records SET voided_by = (SELECT id FROM voids WHERE target_id = dose_records.id) WHERE voided_by IS NULL AND id IN (SELECT target_id FROM voids)`);
        db.exec(`UPDATE checkins SET voided_by = (SELECT id FROM voids WHERE target_id = checkins.id) WHERE voided_by IS NULL AND id IN (SELECT target_id FROM voids)`);
        carryOverSync(db, carriedSync);
        carryOverAudit(db, carriedSync);
      })();
      db.exec('DETACH DATABASE old');
    }
  } finally {
    db.close();
    holder?.close();
    if (madeShm && setAside) rmSync(`${setAside}-shm`, { force: true });
  }
  return { plan, setAside, carriedOver, carriedSync };
}

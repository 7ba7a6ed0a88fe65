import Database from 'better-sqlite3-multiple-ciphers';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { text } from '../common/messages';
import { StaffRefusal } from '../common/refusal';
import { markOf, shortOf, type AckMark } from './ack-mark';
import { DATABASE_KEY_BYTES } from './keyvault';
import { writeFileAtomic } from './files';
import { MIGRATIONS, type Migration } from './migrations';
import type { VenueDb } from './venue-db';
import { inspectWal } from './wal';

export type { VenueDb } from './venue-db';

export type StoreErrorCode =
  | 'WRONG_KEY'
  | 'DAMAGED'
  | 'WRONG_KEY_OR_DAMAGED'
  | 'TOO_NEW'
  | 'MIGRATION_FAILED'
  | 'BAD_KEY'
  /** The write-ahead log holds committed data SQLite would silently drop (see wal.ts). */
  | 'WAL_DAMAGED'
  /** The database holds less than this device acknowledged (see ack-mark.ts), or is gone. */
  | 'RECORDS_MISSING'
  /** Refused before anything was written: the disk cannot hold it (a backup). */
  | 'NOT_ENOUGH_SPACE';

export class StoreError extends StaffRefusal<StoreErrorCode> {}

export interface OpenOptions {
  /** The database file; -wal and -shm files sit beside it. */
  readonly path: string;
  /**
   * 32 random bytes applied as a raw SQLCipher key. `null` opens an
   * unencrypted database and exists only so benchmarks can compare.
   */
  readonly key: Buffer | null;
  /** Read every page once before use (catches damage anywhere in the file). Default: true. */
  readonly verify?: boolean;
  /** Migrations to apply; defaults to the app's own list. */
  readonly migrations?: readonly Migration[];
  /**
   * The native driver built for this runtime. Electron needs its own build of
   * the module, kept apart from node_modules so Node (and the tests) keep theirs.
   */
  readonly nativeBinding?: string;
  /**
   * What this device last acknowledged (ack-mark.ts): an existing database
   * holding less is refused, untouched. Left out where a file is opened that
   * is not the device's live database (a backup being put in place).
   */
  readonly acknowledged?: AckMark | null;
}

const KEY_CHECK_LABEL = 'venue-db-key-check-v1';

/** The sidecar that tells a wrong key from a damaged file (see checkKey). */
export function keyCheckFile(path: string): string {
  return `${path}.keycheck`;
}

function keyCheckMac(key: Buffer, salt: Buffer): Buffer {
  return createHmac('sha256', key).update(salt).update(KEY_CHECK_LABEL).digest();
}

function writeKeyCheck(path: string, key: Buffer): void {
  const salt = randomBytes(16);
  writeFileAtomic(
    keyCheckFile(path),
    JSON.stringify({ version: 1, salt: salt.toString('base64'), mac: keyCheckMac(key, salt).toString('base64') }),
  );
}

/** 'match' | 'mismatch', or 'unknown' when the sidecar is missing or unreadable. */
function checkKey(path: string, key: Buffer): 'match' | 'mismatch' | 'unknown' {
  const file = keyCheckFile(path);
  if (!existsSync(file)) return 'unknown';
  try {
    const { salt, mac } = JSON.parse(readFileSync(file, 'utf8')) as { salt: string; mac: string };
    const expected = Buffer.from(mac, 'base64');
    const actual = keyCheckMac(key, Buffer.from(salt, 'base64'));
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? 'match' : 'mismatch';
  } catch {
    return 'unknown';
  }
}

const MESSAGES = {
  WRONG_KEY: text(
    'データベースの鍵が合いません。この端末の鍵ではないか、鍵が入れ替わっています。ファイルは変更していません。管理者に連絡してください。',
    'The database key does not match: this is not the key of this database. The file was not changed. Call the supervisor.',
  ),
  DAMAGED: text(
    'データベースファイルが壊れています。ファイルは変更していません。管理者がバックアップから復元してください。',
    'The database file is damaged. The file was not changed. A supervisor should restore it from a backup.',
  ),
  WRONG_KEY_OR_DAMAGED: text(
    'データベースを開けません。鍵が違うか、ファイルが壊れています。ファイルは変更していません。管理者に連絡してください。',
    'The database cannot be opened: the key is wrong or the file is damaged. The file was not changed. Call the supervisor.',
  ),
  BAD_KEY: text('データベースの鍵の形式が正しくありません。', 'The database key must be 32 bytes.'),
  WAL_DAMAGED: text(
    'データベースの更新記録（WALファイル）が壊れています。このまま開くと保存済みの記録が黙って失われるため、開いていません。ファイルは変更していません。管理者が最新のバックアップから復元してください（まだ読める記録は引き継ぎます）。',
    'The database’s write-ahead log is damaged: opening it would silently drop records that were saved, so it was not opened. The files were not changed. A supervisor should restore the newest backup; every record that can still be read is carried over.',
  ),
  RECORDS_MISSING: text(
    'データベースに、保存済みと答えた記録の一部がありません（ファイルが途中で切れているか、古いファイルに置き換わっています）。開いていません。ファイルは変更していません。管理者が最新のバックアップから復元してください（まだ読める記録は引き継ぎます）。',
    'The database lacks records this device said were saved (a file was cut short or replaced by an older copy), so it was not opened. The files were not changed. A supervisor should restore the newest backup; every record that can still be read is carried over.',
  ),
} as const;

function tooNew(found: number, known: number): StoreError {
  return new StoreError(
    'TOO_NEW',
    text(
      `このデータベースは新しい版のアプリで作られています（形式 ${found}、このアプリは ${known} まで）。アプリを更新してください。ファイルは変更していません。`,
      `This database was written by a newer version of the app (format ${found}; this app knows up to ${known}). Update the app. The file was not changed.`,
    ),
  );
}

/**
 * 8 KiB pages: a million-person roster imports about a third faster than
 * with 4 KiB pages (fewer pages to encrypt and authenticate), and lookups
 * stay well under a millisecond. Every database of the app uses this size;
 * the cipher must be told it before the key, on every open.
 */
export const PAGE_SIZE = 8192;

/** Keys a connection: SQLCipher v4 page format with a raw 256-bit key (x'…'), so no PBKDF2 runs on open. */
export function applyKey(db: VenueDb, key: Buffer | null): void {
  if (key === null) {
    db.pragma(`page_size = ${PAGE_SIZE}`);
    return;
  }
  db.pragma("cipher='sqlcipher'");
  db.pragma('legacy=4');
  db.pragma(`legacy_page_size=${PAGE_SIZE}`);
  db.pragma(`key="x'${key.toString('hex')}'"`);
}

function isSqliteError(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && 'code' in error && codes.includes(String((error as { code: unknown }).code));
}

/**
 * Looks at an existing file through a read-only connection: is the key right,
 * is every page readable, is its format one we know? Nothing is written, so a
 * refusal leaves the file exactly as it was.
 */
function inspectExisting(
  path: string,
  key: Buffer | null,
  options: { verify: boolean; latest: number; keyCheck: ReturnType<typeof checkKey>; nativeBinding?: string; acknowledged?: AckMark | null },
): void {
  const { verify, latest, keyCheck, nativeBinding } = options;
  const unreadable = keyCheck === 'match' ? 'DAMAGED' : key === null ? 'DAMAGED' : 'WRONG_KEY_OR_DAMAGED';
  if (statSync(path).size === 0) {
    // SQLite would treat an empty file as a new database; ours never are.
    throw new StoreError('DAMAGED', MESSAGES.DAMAGED);
  }
  // Before SQLite sees the log: it would replay up to the damage and drop the rest without a word.
  if (inspectWal(path).damage) throw new StoreError('WAL_DAMAGED', MESSAGES.WAL_DAMAGED);
  // A read-only look at a WAL database still creates empty -wal/-shm files;
  // remove the ones this look made, so a refused file is left as it was found.
  const sideFiles = [`${path}-wal`, `${path}-shm`].filter((file) => !existsSync(file));
  let db: VenueDb | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, nativeBinding });
    applyKey(db, key);
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > latest) throw tooNew(version, latest);
    if (verify) {
      const rows = db.pragma('quick_check') as { quick_check: string }[];
      if (rows.length !== 1 || rows[0]?.quick_check !== 'ok') throw new StoreError('DAMAGED', MESSAGES.DAMAGED);
    }
    // Read through this read-only connection, so a refusal still leaves the files as they were.
    if (shortOf(markOf(db), options.acknowledged ?? null)) throw new StoreError('RECORDS_MISSING', MESSAGES.RECORDS_MISSING);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    if (isSqliteError(error, 'SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_INDEX', 'SQLITE_IOERR_SHORT_READ', 'SQLITE_CANTOPEN')) {
      throw new StoreError(unreadable, MESSAGES[unreadable], { cause: error });
    }
    throw error;
  } finally {
    db?.close();
    for (const file of sideFiles) rmSync(file, { force: true });
  }
}

/**
 * The write-ahead log's bound. The automatic checkpoint merges it into the
 * database every 256 pages (2 MiB; SQLite's default of 1000 pages is 8 MiB
 * at our page size, which filled a small disk before the first merge), and
 * a merged log is cut back to this size rather than kept at its largest. A
 * single transaction larger than that (a roster import) still grows it; the
 * runtime merges and cuts it right after such a call.
 */
export const WAL_LIMIT_BYTES = 4 * 1024 * 1024;
const WAL_AUTOCHECKPOINT_PAGES = 256;

function configure(db: VenueDb): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
  // FULL: a commit is on disk before the caller hears "recorded".
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 64 MiB of page cache: a million-person roster import touches many b-tree pages,
  // and every page that falls out of the cache must be decrypted again.
  db.pragma('cache_size = -65536');
}

function migrate(db: VenueDb, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      })();
    } catch (error) {
      throw new StoreError(
        'MIGRATION_FAILED',
        text(
          `データベースの更新（${migration.version}: ${migration.name}）に失敗しました。変更は取り消しました。管理者に連絡してください。`,
          `Updating the database (${migration.version}: ${migration.name}) failed and was rolled back. Call the supervisor.`,
        ),
        { cause: error },
      );
    }
  }
}

/**
 * Opens (or creates) the venue database: encrypted with a raw 256-bit key,
 * WAL with synchronous=FULL, numbered migrations recorded in user_version.
 * A wrong key, a damaged file or a file from a newer app version is refused
 * with a StoreError before anything is written to it.
 */
export function openVenueDatabase(options: OpenOptions): VenueDb {
  const { path, key } = options;
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (key !== null && key.length !== DATABASE_KEY_BYTES) throw new StoreError('BAD_KEY', MESSAGES.BAD_KEY);

  const isNew = !existsSync(path);
  if (!isNew) {
    const keyCheck = key === null ? 'unknown' : checkKey(path, key);
    if (keyCheck === 'mismatch') throw new StoreError('WRONG_KEY', MESSAGES.WRONG_KEY);
    inspectExisting(path, key, { verify: options.verify ?? true, latest, keyCheck, nativeBinding: options.nativeBinding, acknowledged: options.acknowledged });
  } else if (options.acknowledged && (options.acknowledged.audit > 0 || options.acknowledged.outbox > 0)) {
    // Records were acknowledged here and the file is gone: a new, empty database would hide that.
    throw new StoreError('RECORDS_MISSING', MESSAGES.RECORDS_MISSING);
  }

  const db = new Database(path, { fileMustExist: !isNew, nativeBinding: options.nativeBinding });
  try {
    applyKey(db, key);
    configure(db);
    migrate(db, migrations);
    if (key !== null && (isNew || !existsSync(keyCheckFile(path)))) writeKeyCheck(path, key);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The full integrity check: every page, every index. */
export function integrityCheck(db: VenueDb): string[] {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check);
}

import Database from 'better-sqlite3-multiple-ciphers';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../test/support/temp';
import { integrityCheck, keyCheckFile, openVenueDatabase, StoreError } from './database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';

const newDir = useTempDir();

function fileHashes(path: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const suffix of ['', '-wal', '-shm']) {
    const file = path + suffix;
    out[suffix || 'db'] = existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null;
  }
  return out;
}

function expectStoreError(fn: () => unknown, code: string): StoreError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(code);
    expect((error as StoreError).staffMessage.ja.length).toBeGreaterThan(0);
    return error as StoreError;
  }
  throw new Error(`expected StoreError ${code}`);
}

/** A database with a few people written and left open, so the WAL holds them too. */
function seeded(path: string, key: Buffer) {
  const db = openVenueDatabase({ path, key });
  const person = db.prepare(
    `INSERT INTO people (municipality, person_ref, name_kana, name_kanji, birth_date, sex) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const ticket = db.prepare(`INSERT INTO tickets (municipality, number, kind, status, person_id) VALUES (?, ?, '1', 'active', ?)`);
  const names = [
    ['ヤマダ タロウ', '山田太郎', '8101234567'],
    ['スズキ ハナコ', '鈴木花子', '8107654321'],
    ['タカハシ イチロウ', '髙橋一郎', '8100000042'],
  ] as const;
  db.transaction(() => {
    for (const [kana, kanji, number] of names) {
      const { lastInsertRowid } = person.run('131016', `P-${number}`, kana, kanji, '1950-04-01', 'M');
      ticket.run('131016', number, lastInsertRowid);
    }
  })();
  return { db, names };
}

describe('the encrypted venue database', () => {
  it('creates a new file with every migration applied, WAL and synchronous=FULL', () => {
    const path = join(newDir(), 'venue.db');
    const db = openVenueDatabase({ path, key: randomBytes(32) });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const tables = db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'table'`).all() as { name: string; sql: string }[];
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) expect(t.sql, t.name).toMatch(/STRICT/);
    db.close();
  });

  it('keeps names and ticket numbers out of the database and WAL files (ciphertext only)', () => {
    const path = join(newDir(), 'venue.db');
    const { db, names } = seeded(path, randomBytes(32));
    const wal = readFileSync(`${path}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    db.pragma('wal_checkpoint(PASSIVE)');
    const files = [readFileSync(path), readFileSync(`${path}-wal`)];
    for (const bytes of files) {
      expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
      for (const [kana, kanji, number] of names) {
        for (const needle of [kana, kanji, number]) {
          expect(bytes.includes(Buffer.from(needle, 'utf8'))).toBe(false);
          expect(bytes.includes(Buffer.from(needle, 'utf16le'))).toBe(false);
        }
      }
      expect(bytes.includes(Buffer.from('CREATE TABLE'))).toBe(false);
    }
    db.close();
  });

  it('the same check finds plaintext when the file is not encrypted (the test can fail)', () => {
    const path = join(newDir(), 'plain.db');
    const db = openVenueDatabase({ path, key: null });
    db.prepare(`INSERT INTO people (municipality, person_ref, name_kana, name_kanji, birth_date, sex) VALUES ('131016', 'P1', 'ヤマダ タロウ', '山田太郎', '1950-04-01', 'M')`).run();
    const haystack = Buffer.concat([readFileSync(path), readFileSync(`${path}-wal`)]);
    expect(haystack.includes(Buffer.from('山田太郎', 'utf8'))).toBe(true);
    db.close();
  });

  it('reopens with the right key and keeps the data', () => {
    const path = join(newDir(), 'venue.db');
    const key = randomBytes(32);
    seeded(path, key).db.close();
    const db = openVenueDatabase({ path, key });
    expect(db.prepare('SELECT count(*) AS n FROM tickets').get()).toEqual({ n: 3 });
    db.close();
  });

  it('refuses a wrong key with a clear error and leaves the files byte for byte', () => {
    const path = join(newDir(), 'venue.db');
    const { db } = seeded(path, randomBytes(32));
    db.close();
    const before = fileHashes(path);
    expectStoreError(() => openVenueDatabase({ path, key: randomBytes(32) }), 'WRONG_KEY');
    expect(fileHashes(path)).toEqual(before);
  });

  it('without the key-check sidecar, a wrong key is still refused and nothing is written', () => {
    const path = join(newDir(), 'venue.db');
    const { db } = seeded(path, randomBytes(32));
    // Leave a live WAL behind, as after a crash.
    const copy = readFileSync(`${path}-wal`);
    db.close();
    writeFileSync(`${path}-wal`, copy);
    writeFileSync(keyCheckFile(path), 'lost');
    const before = fileHashes(path);
    expectStoreError(() => openVenueDatabase({ path, key: randomBytes(32) }), 'WRONG_KEY_OR_DAMAGED');
    expect(fileHashes(path)).toEqual(before);
  });

  it('refuses a damaged file and does not overwrite it', () => {
    const path = join(newDir(), 'venue.db');
    const key = randomBytes(32);
    const { db } = seeded(path, key);
    db.close();
    const bytes = readFileSync(path);
    // Flip bytes in the middle of the second page: the page's HMAC no longer matches.
    for (let i = 4096 + 100; i < 4096 + 140; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
    const before = fileHashes(path);
    expectStoreError(() => openVenueDatabase({ path, key }), 'DAMAGED');
    expect(fileHashes(path)).toEqual(before);
  });

  it('refuses an emptied file instead of treating it as new', () => {
    const path = join(newDir(), 'venue.db');
    const key = randomBytes(32);
    seeded(path, key).db.close();
    writeFileSync(path, '');
    expectStoreError(() => openVenueDatabase({ path, key }), 'DAMAGED');
    expect(readFileSync(path).length).toBe(0);
  });

  it('refuses a database written by a newer app version and leaves it untouched', () => {
    const path = join(newDir(), 'venue.db');
    const key = randomBytes(32);
    const newer = [...MIGRATIONS, { version: LATEST_SCHEMA_VERSION + 1, name: 'from the future', sql: 'CREATE TABLE future (x TEXT) STRICT;' }];
    openVenueDatabase({ path, key, migrations: newer }).close();
    const before = fileHashes(path);
    const error = expectStoreError(() => openVenueDatabase({ path, key }), 'TOO_NEW');
    expect(error.staffMessage.en).toContain(String(LATEST_SCHEMA_VERSION + 1));
    expect(fileHashes(path)).toEqual(before);
  });

  it('rolls back a failing migration and keeps the previous version', () => {
    const path = join(newDir(), 'venue.db');
    const key = randomBytes(32);
    openVenueDatabase({ path, key }).close();
    const broken = [...MIGRATIONS, { version: LATEST_SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE half (x TEXT) STRICT; SELECT * FROM no_such_table;' }];
    expectStoreError(() => openVenueDatabase({ path, key, migrations: broken }), 'MIGRATION_FAILED');
    const db = openVenueDatabase({ path, key });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'`).get()).toEqual({ n: 0 });
    db.close();
  });

  it('cannot be read without a key by plain SQLite', () => {
    const path = join(newDir(), 'venue.db');
    seeded(path, randomBytes(32)).db.close();
    const plain = new Database(path, { readonly: true });
    expect(() => plain.prepare('SELECT count(*) FROM people').get()).toThrow(/not a database/);
    plain.close();
  });

  it('passes the integrity check and refuses a key of the wrong size', () => {
    const path = join(newDir(), 'venue.db');
    const { db } = seeded(path, randomBytes(32));
    expect(integrityCheck(db)).toEqual(['ok']);
    db.close();
    expectStoreError(() => openVenueDatabase({ path: join(newDir(), 'x.db'), key: randomBytes(16) }), 'BAD_KEY');
  });
});

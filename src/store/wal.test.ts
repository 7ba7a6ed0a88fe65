import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir, useTestDatabase } from '../../test/support/temp';
import { ackMarkFile, AckMarkKeeper, readAckMark } from './ack-mark';
import type { StoreError } from './database';
import { openVenueDatabase, PAGE_SIZE } from './database';
import { inspectWal, WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES } from './wal';

const FRAME = WAL_FRAME_HEADER_BYTES + PAGE_SIZE;
const newDatabase = useTestDatabase();
const newDir = useTempDir('venue-wal-unit-');

/** A database whose last `count` one-row transactions live only in its log (copied aside while open, as after a kill). */
function loggedCopy(count: number): { dir: string; path: string; key: Buffer } {
  const { db, path, key } = newDatabase();
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  db.pragma('wal_checkpoint(TRUNCATE)');
  for (let i = 0; i < count; i++) db.prepare('INSERT INTO t (v) VALUES (?)').run(`row ${i}`);
  const dir = newDir();
  copyFileSync(path, join(dir, 'venue.db'));
  copyFileSync(`${path}-wal`, join(dir, 'venue.db-wal'));
  return { dir, path: join(dir, 'venue.db'), key };
}

function rows(path: string, key: Buffer): number {
  const db = openVenueDatabase({ path, key });
  try {
    return (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the write-ahead log check', () => {
  it('finds a log written by the app whole: every frame chains and commits', () => {
    const { path, key } = loggedCopy(6);
    expect(inspectWal(path)).toEqual({ frames: 6, replayable: 6, commits: 6, damage: null });
    expect(rows(path, key)).toBe(6);
  });

  it('lets a torn tail through: frames that never committed are what SQLite is right to drop', () => {
    const { path, key } = loggedCopy(4);
    const wal = readFileSync(`${path}-wal`);
    // A fifth frame of this log (its salts), half written and not a commit: a crash mid-transaction.
    const torn = Buffer.alloc(FRAME);
    wal.copy(torn, 0, WAL_HEADER_BYTES, WAL_HEADER_BYTES + WAL_FRAME_HEADER_BYTES);
    torn.writeUInt32BE(0, 4);
    torn.fill(0xab, WAL_FRAME_HEADER_BYTES, WAL_FRAME_HEADER_BYTES + PAGE_SIZE / 2);
    writeFileSync(`${path}-wal`, Buffer.concat([wal, torn]));
    expect(inspectWal(path)).toMatchObject({ frames: 5, replayable: 4, damage: null });
    expect(rows(path, key)).toBe(4);
  });

  it('lets frames of an earlier log through (other salts): SQLite overwrites them', () => {
    const { path } = loggedCopy(3);
    const wal = readFileSync(`${path}-wal`);
    const old = Buffer.from(wal.subarray(WAL_HEADER_BYTES, WAL_HEADER_BYTES + FRAME));
    old.writeUInt32BE((old.readUInt32BE(8) + 1) >>> 0, 8);
    writeFileSync(`${path}-wal`, Buffer.concat([wal, old, old]));
    expect(inspectWal(path).damage).toBeNull();
  });

  it('finds committed frames after a broken one, and a header that does not check out', () => {
    const { path } = loggedCopy(5);
    const wal = readFileSync(`${path}-wal`);
    const flipped = Buffer.from(wal);
    flipped[WAL_HEADER_BYTES + 2 * FRAME + 100] = (flipped[WAL_HEADER_BYTES + 2 * FRAME + 100] ?? 0) ^ 1;
    writeFileSync(`${path}-wal`, flipped);
    expect(inspectWal(path)).toMatchObject({ replayable: 2, damage: { kind: 'frame', frame: 2, committedAfter: 2 } });
    const header = Buffer.from(wal);
    header[20] = (header[20] ?? 0) ^ 1;
    writeFileSync(`${path}-wal`, header);
    expect(inspectWal(path)).toMatchObject({ replayable: 0, damage: { kind: 'header', committedAfter: 5 } });
    writeFileSync(`${path}-wal`, wal.subarray(0, 20));
    expect(inspectWal(path).damage?.kind).toBe('cut-header');
  });

  it('is refused by the open, with the files left as they were', () => {
    const { path, key } = loggedCopy(5);
    const wal = readFileSync(`${path}-wal`);
    wal[WAL_HEADER_BYTES + FRAME + 8] = (wal[WAL_HEADER_BYTES + FRAME + 8] ?? 0) ^ 1;
    writeFileSync(`${path}-wal`, wal);
    const before = [readFileSync(path), readFileSync(`${path}-wal`)];
    expect(() => openVenueDatabase({ path, key })).toThrow(expect.objectContaining({ code: 'WAL_DAMAGED' }) as StoreError);
    expect(readFileSync(path).equals(before[0] ?? Buffer.alloc(0)) && readFileSync(`${path}-wal`).equals(before[1] ?? Buffer.alloc(0))).toBe(true);
  });
});

describe('the acknowledged high-water mark', () => {
  it('refuses a database holding less than was acknowledged, or none at all, and ignores a torn mark', () => {
    const { db, path, key } = newDatabase();
    db.exec(`INSERT INTO audit_log (seq, at, action, outcome, prev_hash, hash) VALUES (1, 'x', 'a', 'ok', '0', '1'), (2, 'x', 'a', 'ok', '1', '2')`);
    const keeper = new AckMarkKeeper(db, path);
    expect(readAckMark(path)).toEqual({ audit: 2, outbox: 0 });
    // The tail of the log gone, as a log cut short would leave it.
    db.exec(`DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2`);
    keeper.close();
    db.close();
    expect(() => openVenueDatabase({ path, key, acknowledged: readAckMark(path) })).toThrow(expect.objectContaining({ code: 'RECORDS_MISSING' }) as StoreError);
    // Opened without the mark (a backup put in place) it is fine.
    openVenueDatabase({ path, key }).close();
    for (const ext of ['', '-wal', '-shm']) rmSync(`${path}${ext}`, { force: true });
    expect(() => openVenueDatabase({ path, key, acknowledged: readAckMark(path) })).toThrow(expect.objectContaining({ code: 'RECORDS_MISSING' }) as StoreError);
    const torn = readFileSync(ackMarkFile(path));
    torn[9] = (torn[9] ?? 0) ^ 1;
    writeFileSync(ackMarkFile(path), torn);
    expect(readAckMark(path)).toBeNull();
  });
});

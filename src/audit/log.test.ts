import { beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { useTempDir, useTestDatabase } from '../../test/support/temp';
import { openVenueDatabase } from '../store/database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../store/migrations';
import type { VenueDb } from '../store/database';
import { randomBytes } from 'node:crypto';
import { appendAudit, entryHash, readAuditHead, useAuditKey, verifyAuditLog } from './log';

const newDatabase = useTestDatabase();
const newDir = useTempDir('venue-audit-');

function fill(db: VenueDb, count: number): void {
  db.transaction(() => {
    for (let i = 1; i <= count; i++) {
      appendAudit(db, {
        at: `2026-11-23T09:${String(i).padStart(2, '0')}:00.000+09:00`,
        staffId: 'staff-1',
        deskId: 'desk-1',
        action: i % 2 ? 'scanTicket' : 'checkIn',
        recordId: `rec-${i}`,
        outcome: 'ok',
        detail: { verdict: 'OK' },
      });
    }
  })();
}

/** Tampering goes around the triggers, as someone editing the file would. */
function tamper(db: VenueDb, sql: string, ...params: unknown[]): void {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  db.prepare(sql).run(...params);
}

describe('the hash-chained audit log', () => {
  let db: VenueDb;
  beforeEach(() => {
    db = newDatabase().db;
    useAuditKey(db, randomBytes(32));
    fill(db, 10);
  });

  it('verifies an untouched log', () => {
    const result = verifyAuditLog(db);
    expect(result).toMatchObject({ ok: true, entries: 10, problems: [] });
    expect(result.head.seq).toBe(10);
  });

  it('refuses UPDATE and DELETE through SQL', () => {
    expect(() => db.prepare(`UPDATE audit_log SET outcome = 'x' WHERE seq = 1`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM audit_log WHERE seq = 1`).run()).toThrow(/append-only/);
  });

  it('detects an edited entry', () => {
    tamper(db, `UPDATE audit_log SET record_id = 'rec-other' WHERE seq = 4`);
    expect(verifyAuditLog(db)).toMatchObject({ ok: false, problems: [{ seq: 4, kind: 'edited' }] });
  });

  it('detects an edit that also recomputes the entry hash', () => {
    const row = db.prepare(`SELECT * FROM audit_log WHERE seq = 4`).get() as Record<string, unknown>;
    const forged = { ...row, outcome: 'FORGED' } as Parameters<typeof entryHash>[0];
    tamper(db, `UPDATE audit_log SET outcome = 'FORGED', hash = ? WHERE seq = 4`, entryHash(forged));
    const result = verifyAuditLog(db);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual({ seq: 5, kind: 'out-of-chain' });
  });

  it('detects a deleted entry', () => {
    tamper(db, `DELETE FROM audit_log WHERE seq = 6`);
    const result = verifyAuditLog(db);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual({ seq: 6, kind: 'missing' });
  });

  it('detects an inserted entry', () => {
    const last = db.prepare(`SELECT hash FROM audit_log WHERE seq = 10`).get() as { hash: string };
    const row = { seq: 11, at: '2026-11-23T10:00:00.000+09:00', staff_id: 'x', desk_id: 'x', action: 'recordDose', record_id: 'fake', outcome: 'ok', detail: null, prev_hash: last.hash };
    db.prepare(`INSERT INTO audit_log (seq, at, staff_id, desk_id, action, record_id, outcome, detail, prev_hash, hash)
      VALUES (@seq, @at, @staff_id, @desk_id, @action, @record_id, @outcome, @detail, @prev_hash, @hash)`).run({ ...row, hash: entryHash(row) });
    const result = verifyAuditLog(db);
    expect(result.ok).toBe(false);
    // Made without the key, it is also an unkeyed entry after keyed ones.
    expect(result.problems).toEqual([{ seq: 11, kind: 'unkeyed' }, { seq: 11, kind: 'beyond-head' }]);
  });

  it('detects a truncated log', () => {
    tamper(db, `DELETE FROM audit_log WHERE seq > 7`);
    expect(verifyAuditLog(db)).toMatchObject({ ok: false, problems: [{ seq: 8, kind: 'truncated' }] });
  });

  it('keeps chaining after the checks', () => {
    fill(db, 3);
    expect(verifyAuditLog(db)).toMatchObject({ ok: true, entries: 13 });
  });

  /** What someone with the database key (but not the audit key) does to hide the last entries. */
  function cutAfter(seq: number): void {
    const kept = db.prepare(`SELECT seq, hash FROM audit_log WHERE seq = ?`).get(seq) as { seq: number; hash: string };
    tamper(db, `DELETE FROM audit_log WHERE seq > ?`, seq);
    db.prepare(`UPDATE settings SET value = ? WHERE key = 'audit_head'`).run(JSON.stringify({ seq: kept.seq, hash: kept.hash }));
  }

  it('detects the newest entries cut off with the stored head moved back to match', () => {
    cutAfter(7);
    const result = verifyAuditLog(db);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual({ seq: 7, kind: 'head-forged' });
  });

  it('still detects the cut after the app has gone on writing entries', () => {
    cutAfter(7);
    fill(db, 2);
    const result = verifyAuditLog(db);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual({ seq: 8, kind: 'head-forged' });
  });

  it('detects an entry rewritten in the old unkeyed form', () => {
    const row = db.prepare(`SELECT * FROM audit_log WHERE seq = 10`).get() as Parameters<typeof entryHash>[0] & { hash: string };
    const forged = { ...row, outcome: 'FORGED' };
    tamper(db, `UPDATE audit_log SET outcome = 'FORGED', version = 1, hash = ? WHERE seq = 10`, entryHash(forged));
    const head = readAuditHead(db);
    db.prepare(`UPDATE settings SET value = ? WHERE key = 'audit_head'`).run(JSON.stringify({ seq: 10, hash: entryHash(forged), mac: head.mac }));
    const result = verifyAuditLog(db);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual({ seq: 10, kind: 'unkeyed' });
  });

  it('does not verify with another key', () => {
    const other = newDatabase().db;
    useAuditKey(other, randomBytes(32));
    fill(other, 3);
    useAuditKey(other, randomBytes(32));
    expect(verifyAuditLog(other).ok).toBe(false);
  });
});

describe('an unkeyed chain from before the audit key', () => {
  it('keeps verifying, and the first keyed entry seals it', () => {
    const db = newDatabase().db;
    fill(db, 4);
    expect(verifyAuditLog(db)).toMatchObject({ ok: true, entries: 4 });
    useAuditKey(db, randomBytes(32));
    expect(verifyAuditLog(db)).toMatchObject({ ok: true, entries: 4, keyed: false });
    fill(db, 3);
    expect(verifyAuditLog(db)).toMatchObject({ ok: true, entries: 7, keyed: true });
    expect(readAuditHead(db).mac).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('a database from before migration 9', () => {
  it('keeps its unkeyed chain verifying after the migration, and goes on keyed', () => {
    const path = join(newDir(), 'venue.db');
    const key = randomBytes(32);
    const old = openVenueDatabase({ path, key, migrations: MIGRATIONS.filter((m) => m.version < 9) });
    let prev = '0'.repeat(64);
    old.transaction(() => {
      for (let seq = 1; seq <= 5; seq++) {
        const row = { seq, at: `2026-11-23T09:0${seq}:00.000+09:00`, staff_id: 's', desk_id: 'R1', action: 'checkIn', record_id: `r${seq}`, outcome: 'ok', detail: null, prev_hash: prev };
        prev = entryHash(row);
        old.prepare(`INSERT INTO audit_log (seq, at, staff_id, desk_id, action, record_id, outcome, detail, prev_hash, hash)
          VALUES (@seq, @at, @staff_id, @desk_id, @action, @record_id, @outcome, @detail, @prev_hash, @hash)`).run({ ...row, hash: prev });
      }
      old.prepare(`INSERT INTO settings (key, value) VALUES ('audit_head', ?)`).run(JSON.stringify({ seq: 5, hash: prev }));
    })();
    old.close();

    const db = openVenueDatabase({ path, key });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      useAuditKey(db, randomBytes(32));
      expect(verifyAuditLog(db)).toMatchObject({ ok: true, entries: 5, keyed: false });
      fill(db, 2);
      expect(verifyAuditLog(db)).toMatchObject({ ok: true, entries: 7, keyed: true, problems: [] });
      expect((db.prepare(`SELECT group_concat(version) AS v FROM audit_log`).get() as { v: string }).v).toBe('1,1,1,1,1,2,2');
    } finally {
      db.close();
    }
  });
});

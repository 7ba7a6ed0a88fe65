import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/support/temp';
import type { VenueDb } from '../store/database';
import { appendAudit, entryHash, verifyAuditLog } from './log';

const newDatabase = useTestDatabase();

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
    expect(verifyAuditLog(db)).toMatchObject({ ok: false, problems: [{ seq: 11, kind: 'beyond-head' }] });
  });

  it('detects a truncated log', () => {
    tamper(db, `DELETE FROM audit_log WHERE seq > 7`);
    expect(verifyAuditLog(db)).toMatchObject({ ok: false, problems: [{ seq: 8, kind: 'truncated' }] });
  });

  it('keeps chaining after the checks', () => {
    fill(db, 3);
    expect(verifyAuditLog(db)).toMatchObject({ ok: true, entries: 13 });
  });
});

// Restoring a backup, seen from the audit log: the entries written since the backup come along and the
// chain still verifies. (Here, above the store, because the store does not know the audit log.)
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { useTempDir } from '../../test/support/temp';
import { recordDemoDose, useTestVenue } from '../../test/support/venue';
import { createBackup, planRestore, restoreBackup } from '../store/backup';
import { openVenueDatabase } from '../store/database';
import { useAuditKey, verifyAuditLog } from './log';

const newVenue = useTestVenue();
const newDir = useTempDir('venue-backups-');

describe('restoring a backup', () => {
  it('says what it will change, then restores and carries over the records made since', () => {
    const venue = newVenue();
    const early = recordDemoDose(venue, T.ok);
    const dir = newDir();
    const backup = createBackup(venue.db, { dir, key: venue.key, now: venue.clock.now() });
    venue.clock.advance(60_000);
    const later = recordDemoDose(venue, T.okSecond);
    venue.db.close();

    const plan = planRestore({ currentPath: venue.path, backupDir: dir, backupId: backup.id, key: venue.key });
    expect(plan.currentReadable).toBe(true);
    expect(plan.carriedOver).toMatchObject({ dose_records: 1, checkins: 1 });
    expect(plan.summary.ja).toContain('引き継ぎ');

    const result = restoreBackup({ currentPath: venue.path, backupDir: dir, backupId: backup.id, key: venue.key, now: venue.clock.now() });
    expect(result.setAside && existsSync(result.setAside)).toBe(true);
    const db = openVenueDatabase({ path: venue.path, key: venue.key });
    useAuditKey(db, venue.auditKey);
    const ids = (db.prepare('SELECT id FROM dose_records ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual([early.id, later.id].sort());
    // The audit entries written since the backup come along, and the chain still verifies.
    expect(result.carriedSync.audit_log).toBeGreaterThan(0);
    expect(db.prepare(`SELECT count(*) AS n FROM audit_log WHERE record_id = ?`).get(later.id)).toEqual({ n: 1 });
    expect(verifyAuditLog(db)).toMatchObject({ ok: true, problems: [] });
    db.close();
  });

});

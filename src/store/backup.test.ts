import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { useTempDir } from '../../test/support/temp';
import { recordDemoDose, useTestVenue } from '../../test/support/venue';
import { createBackup, listBackups, planRestore, restoreBackup, verifyBackup } from './backup';
import { openVenueDatabase } from './database';

const newVenue = useTestVenue();
const newDir = useTempDir('venue-backups-');

describe('backups', () => {
  it('are encrypted copies, verified, and hold every record', () => {
    const venue = newVenue();
    const dose = recordDemoDose(venue, T.ok);
    const dir = newDir();
    const backup = createBackup(venue.db, { dir, key: venue.key, now: venue.clock.now() });
    expect(backup.counts).toMatchObject({ dose_records: 1, checkins: 1 });
    const bytes = readFileSync(backup.path);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toContain('SQLite format');
    expect(bytes.includes(Buffer.from('山田'))).toBe(false);
    expect(bytes.includes(Buffer.from(T.ok))).toBe(false);
    expect(verifyBackup(backup.path, venue.key).counts.dose_records).toBe(1);
    const copy = openVenueDatabase({ path: backup.path, key: venue.key });
    expect(copy.prepare('SELECT id FROM dose_records').get()).toEqual({ id: dose.id });
    copy.close();
  });

  it('keep ten generations and remove the oldest', () => {
    const venue = newVenue();
    const dir = newDir();
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      venue.clock.advance(60_000);
      made.push(createBackup(venue.db, { dir, key: venue.key, now: venue.clock.now() }).id);
    }
    const kept = listBackups(dir).map((b) => b.id);
    expect(kept).toHaveLength(10);
    expect(kept).toEqual(made.slice(2).reverse());
    expect(existsSync(join(dir, made[0] ?? ''))).toBe(false);
  });

  it('are listed newest first even when made in the same second or with the clock set back', () => {
    const venue = newVenue();
    const dir = newDir();
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      // Same second for the first four; then the clock goes back an hour.
      if (i === 4) venue.clock.advance(-3_600_000);
      made.push(createBackup(venue.db, { dir, key: venue.key, now: venue.clock.now() }).id);
    }
    expect(listBackups(dir).map((b) => b.id)).toEqual([...made].reverse());
  });

  it('a damaged backup fails verification', () => {
    const venue = newVenue();
    const dir = newDir();
    const backup = createBackup(venue.db, { dir, key: venue.key, now: venue.clock.now() });
    const bytes = readFileSync(backup.path);
    for (let i = 5000; i < 5100; i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
    writeFileSync(backup.path, bytes);
    expect(() => verifyBackup(backup.path, venue.key)).toThrow(/damaged/);
  });
});

describe('restoring', () => {
  it('restores over a damaged database, keeping the damaged file aside and saying what cannot come back', () => {
    const venue = newVenue();
    recordDemoDose(venue, T.ok);
    const dir = newDir();
    const backup = createBackup(venue.db, { dir, key: venue.key, now: venue.clock.now() });
    venue.db.close();
    const bytes = readFileSync(venue.path);
    for (let i = 4096; i < bytes.length; i += 4096) bytes[i + 200] = (bytes[i + 200] ?? 0) ^ 0xff;
    writeFileSync(venue.path, bytes);
    expect(() => openVenueDatabase({ path: venue.path, key: venue.key })).toThrow(/damaged/);

    const plan = planRestore({ currentPath: venue.path, backupDir: dir, backupId: backup.id, key: venue.key });
    expect(plan.currentReadable).toBe(false);
    expect(plan.summary.en).toMatch(/come back through sync/);
    const result = restoreBackup({ currentPath: venue.path, backupDir: dir, backupId: backup.id, key: venue.key, now: venue.clock.now() });
    expect(readFileSync(result.setAside ?? '').equals(bytes)).toBe(true);
    const db = openVenueDatabase({ path: venue.path, key: venue.key });
    expect(db.prepare('SELECT count(*) AS n FROM dose_records').get()).toEqual({ n: 1 });
    db.close();
  });
});

describe('restoring, for sync', () => {
  it('keeps records made since the backup on their way up, and what the server answered since', () => {
    const venue = newVenue();
    const early = recordDemoDose(venue, T.ok);
    const dir = newDir();
    const backup = createBackup(venue.db, { dir, key: venue.key, now: venue.clock.now() });
    // Since the backup: the early dose was confirmed, a later one is still waiting, and the device enrolled.
    venue.db.prepare(`UPDATE sync_outbox SET state = 'confirmed', outcome = 'stored' WHERE record_id = ?`).run(early.id);
    venue.clock.advance(60_000);
    const later = recordDemoDose(venue, T.okSecond);
    venue.db.prepare(`UPDATE sync_state SET device_id = 'dev-1', credential = 'secret', server_url = 'https://central.example', cursor = 4242 WHERE id = 1`).run();
    const waitingBefore = (venue.db.prepare(`SELECT record_id, kind FROM sync_outbox WHERE state = 'pending' ORDER BY seq`).all() as { record_id: string; kind: string }[]);
    expect(waitingBefore.map((r) => r.record_id)).toContain(later.id);
    venue.db.close();

    restoreBackup({ currentPath: venue.path, backupDir: dir, backupId: backup.id, key: venue.key, now: venue.clock.now() });
    const db = openVenueDatabase({ path: venue.path, key: venue.key });
    const state = (id: string) => (db.prepare(`SELECT state FROM sync_outbox WHERE record_id = ?`).get(id) as { state: string } | undefined)?.state;
    expect(state(early.id)).toBe('confirmed');
    expect(state(later.id)).toBe('pending');
    const waitingAfter = (db.prepare(`SELECT record_id FROM sync_outbox WHERE state = 'pending' ORDER BY seq`).all() as { record_id: string }[]).map((r) => r.record_id);
    expect(waitingAfter).toEqual(waitingBefore.map((r) => r.record_id));
    // The backup was made before enrolling: the identity comes from the replaced file, and the feed is read from the start.
    expect(db.prepare(`SELECT device_id, credential, cursor FROM sync_state WHERE id = 1`).get()).toEqual({ device_id: 'dev-1', credential: 'secret', cursor: 0 });
    db.close();
  });
});

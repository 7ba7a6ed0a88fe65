import Database from 'better-sqlite3-multiple-ciphers';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVenueApp } from '../../src/app/venue-app';
import { ManualClock, venueDate } from '../../src/common/time';
import { importRosterCsv } from '../../src/roster/import';
import { applyKey, openVenueDatabase, PAGE_SIZE } from '../../src/store/database';
import { WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES } from '../../src/store/wal';
import { DEMO_MUNICIPALITY, DEMO_RECOVERY_CODES, DEMO_STAFF, DEMO_VENUE } from '../fixtures/demo';
import { syntheticRosterCsv } from '../fixtures/roster';
import { seedDemoVenue } from '../support/venue';
import { buildDoseChild, recordThenKill } from './child';
import { testAuditKey } from '../support/keys';

/**
 * A damaged write-ahead log is never opened silently. The app records 30
 * doses that live only in the log, is killed with SIGKILL, and the log is
 * damaged three ways. SQLite alone would replay the log up to the damage and
 * drop the rest without a word (then merge and delete the log on close). The
 * app must instead refuse to open, leave both files exactly as they were,
 * start in recovery mode, and restore the newest backup carrying over every
 * dose that can still be read.
 */
const DOSES = 30;
const FRAME = WAL_FRAME_HEADER_BYTES + PAGE_SIZE;
let root: string;
let script: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'venue-wal-'));
  script = await buildDoseChild(root);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** What SQLite itself makes of the files: the acknowledged doses found by a plain connection on a copy. */
function foundBySqlite(dir: string, key: Buffer, acked: readonly string[]): number {
  const copy = mkdtempSync(join(root, 'copy-'));
  for (const ext of ['', '-wal']) if (existsSync(join(dir, `venue.db${ext}`))) copyFileSync(join(dir, `venue.db${ext}`), join(copy, `venue.db${ext}`));
  const db = new Database(join(copy, 'venue.db'));
  try {
    applyKey(db, key);
    const present = db.prepare(`SELECT 1 FROM dose_records WHERE id = ?`);
    return acked.filter((id) => present.get(id)).length;
  } finally {
    db.close();
    rmSync(copy, { recursive: true, force: true });
  }
}

async function heldDoses(): Promise<{ dir: string; key: Buffer; acked: string[] }> {
  const dir = mkdtempSync(join(root, 'venue-'));
  const key = randomBytes(32);
  const db = openVenueDatabase({ path: join(dir, 'venue.db'), key });
  const now = new ManualClock(new Date()).now();
  seedDemoVenue(db, now);
  const csv = [...syntheticRosterCsv({ count: 100, municipality: DEMO_MUNICIPALITY, venue: DEMO_VENUE.id, date: venueDate(now), product: 'PFZ-COMIRNATY', firstTicket: 9_000_000_000 })];
  importRosterCsv(db, csv.join(''), { today: venueDate(now) });
  db.close();
  const acked = await recordThenKill(script, join(dir, 'venue.db'), key, DOSES);
  expect(acked).toHaveLength(DOSES);
  return { dir, key, acked };
}

const faults = {
  'a byte flipped in the middle of a frame': (wal: string) => {
    const bytes = readFileSync(wal);
    const frames = Math.floor((bytes.length - WAL_HEADER_BYTES) / FRAME);
    const at = WAL_HEADER_BYTES + Math.floor(frames / 2) * FRAME + WAL_FRAME_HEADER_BYTES + PAGE_SIZE / 2;
    bytes[at] = (bytes[at] ?? 0) ^ 0x10;
    writeFileSync(wal, bytes);
  },
  'a flipped salt': (wal: string) => {
    const bytes = readFileSync(wal);
    bytes[16] = (bytes[16] ?? 0) ^ 0x01;
    writeFileSync(wal, bytes);
  },
  'a log cut in half': (wal: string) => truncateSync(wal, Math.floor(readFileSync(wal).length / 2)),
} as const;

describe('a damaged write-ahead log', () => {
  for (const [name, damage] of Object.entries(faults)) {
    it(`with ${name} is refused, left as it was, and recovered from the newest backup with what can still be read`, { timeout: 120_000 }, async () => {
      const { dir, key, acked } = await heldDoses();
      const db = join(dir, 'venue.db');
      damage(`${db}-wal`);
      const readable = foundBySqlite(dir, key, acked);
      const before = { db: sha(db), wal: sha(`${db}-wal`) };

      const app = startVenueApp({ dataDir: dir, key, auditKey: testAuditKey(key), backupCheckMs: null });
      const opened = app.mode;
      const found = app.runtime.database ? acked.filter((id) => app.runtime.database?.prepare(`SELECT 1 FROM dose_records WHERE id = ?`).get(id)).length : null;
      console.log(`WAL damage (${name}): ${DOSES} doses acknowledged; SQLite alone replays ${readable}; the app ${opened === 'ready' ? `opened with ${found ?? 0}` : `refused (${app.runtime.recoveryProblem?.code ?? '?'})`}`);
      await app.close();
      expect(opened).toBe('recovery');
      // Both files exactly as they were: nothing replayed into the database, nothing merged, nothing deleted.
      expect({ db: sha(db), wal: sha(`${db}-wal`) }).toEqual(before);

      // Recovery: the newest backup, and every dose the log still holds in readable form carried over.
      const recovering = startVenueApp({ dataDir: dir, key, auditKey: testAuditKey(key), backupCheckMs: null });
      try {
        expect(recovering.mode).toBe('recovery');
        const line = recovering.connect();
        const status = line.call('deviceStatus', {});
        expect(status.ok && (status.value as { recovery?: { code: string } }).recovery?.code).toMatch(/^(WAL_DAMAGED|RECORDS_MISSING)$/);
        const backups = line.call('listBackups', {});
        if (!backups.ok) throw new Error(backups.error.code);
        const newest = (backups.value as { id: string }[])[0];
        if (!newest) throw new Error('no backup to offer');
        const plan = line.call('planRestore', { backupId: newest.id });
        if (!plan.ok) throw new Error(plan.error.code);
        expect(plan.value).toMatchObject({ currentReadable: true, carriedOver: { dose_records: readable } });
        // The supervisor's second factor as kept in the backup: one of the demo's recovery codes.
        const restored = line.call('recoverFromBackup', { backupId: newest.id, login: DEMO_STAFF.supervisor.login, password: DEMO_STAFF.supervisor.password, code: DEMO_RECOVERY_CODES[9] });
        expect(restored.ok, JSON.stringify(restored)).toBe(true);
        expect(recovering.mode).toBe('ready');
        const present = recovering.runtime.database?.prepare(`SELECT 1 FROM dose_records WHERE id = ?`);
        expect(acked.filter((id) => present?.get(id)).length).toBe(readable);
        console.log(`WAL damage (${name}): restored the newest backup with ${readable} of ${DOSES} doses carried over`);
      } finally {
        await recovering.close();
      }
      // The damaged files are kept aside, byte for byte.
      const aside = readdirSync(dir).find((f) => /^venue\.db\.replaced-[\d-]+$/.test(f));
      expect(aside).toBeDefined();
      expect({ db: sha(join(dir, aside ?? '')), wal: sha(join(dir, `${aside ?? ''}-wal`)) }).toEqual(before);
    });
  }
});

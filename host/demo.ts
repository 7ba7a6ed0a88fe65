/**
 * The demo venue (src/training/demo-venue.ts: a made-up venue, roster,
 * products, lots and staff; the sign-ins are in README), seeded into a new
 * database. A host option (`--demo`, and `npm start` without Electron), never
 * part of the app's composition: the app itself starts empty and is set up on
 * its first-run screen.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../src/api/runtime';
import { useAuditKey } from '../src/audit/log';
import { countStaff } from '../src/staff/accounts';
import { openVenueDatabase, StoreError, type VenueDb } from '../src/store/database';
import { seedDemoVenue } from '../src/training/demo-venue';

/**
 * Seeds the demo venue into the database of a data folder if nobody is set up
 * there yet, before the app opens it. True when it seeded. A database that
 * cannot be opened is left for the app (which starts in recovery mode).
 */
export function seedDemoIfNew(options: { dataDir: string; key: Uint8Array; auditKey: Uint8Array; now: Date; nativeBinding?: string }): boolean {
  let db: VenueDb;
  const key = Buffer.from(options.key);
  try {
    mkdirSync(options.dataDir, { recursive: true });
    db = openVenueDatabase({ path: join(options.dataDir, DATABASE_FILE), key, nativeBinding: options.nativeBinding });
  } catch (error) {
    if (error instanceof StoreError) return false;
    throw error;
  } finally {
    key.fill(0);
  }
  const auditKey = Buffer.from(options.auditKey);
  try {
    // Keyed like the app's own connection, so whatever the seeding logs is part of the keyed chain.
    useAuditKey(db, auditKey);
    if (countStaff(db) > 0) return false;
    seedDemoVenue(db, options.now);
    return true;
  } finally {
    db.close();
    auditKey.fill(0);
  }
}

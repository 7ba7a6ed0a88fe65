/**
 * The demo venue: a made-up venue, roster, products, lots and staff (the
 * sign-ins are in README), seeded into a new database. A host option
 * (`--demo`, and `npm start` without Electron), never part of the app's
 * composition: the app itself starts empty and is set up on its first-run screen.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../src/api/runtime';
import { useAuditKey } from '../src/audit/log';
import { addDays, venueDate } from '../src/common/time';
import { insertLot, upsertDesk, upsertProducts, upsertVenue } from '../src/doses/catalog';
import { importRosterCsv } from '../src/roster/import';
import { countStaff, createStaff } from '../src/staff/accounts';
import { openVenueDatabase, StoreError, type VenueDb } from '../src/store/database';
import { writeDeviceSettings } from '../src/store/settings';
import { DEMO_DESKS, DEMO_LOTS, DEMO_MUNICIPALITY, DEMO_PRODUCTS, DEMO_STAFF, DEMO_VENUE, OTHER_VENUE, demoRosterCsv } from '../test/fixtures/demo';

/** Seeds the demo venue straight through the core. */
export function seedDemoVenue(db: VenueDb, now: Date): void {
  const today = venueDate(now);
  db.transaction(() => {
    upsertVenue(db, DEMO_VENUE);
    upsertVenue(db, { ...OTHER_VENUE, municipality: DEMO_MUNICIPALITY });
    for (const desk of DEMO_DESKS) upsertDesk(db, { ...desk, venueId: DEMO_VENUE.id });
    upsertProducts(db, DEMO_PRODUCTS);
    for (const lot of DEMO_LOTS) {
      insertLot(db, { venueId: DEMO_VENUE.id, productId: lot.productId, lotNumber: lot.lotNumber, expiry: addDays(today, lot.expiryDays), addedBy: null }, now);
    }
    for (const staff of Object.values(DEMO_STAFF)) createStaff(db, staff, now);
    writeDeviceSettings(db, {
      deviceId: 'device-test',
      venueId: DEMO_VENUE.id,
      deskId: DEMO_DESKS[0].id,
      defaultMunicipality: DEMO_MUNICIPALITY,
      servedMunicipalities: [DEMO_MUNICIPALITY],
    });
  })();
  importRosterCsv(db, demoRosterCsv(today), { today });
}

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

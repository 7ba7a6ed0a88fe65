import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from '../../../src/common/ids';
import { municipalityCheckDigit } from '../../../src/privacy/checkdigits';
import { openCentralDb } from '../../../server/db';
import { importProducts, importRoster } from '../../../server/roster';
import { addDesk, addMunicipality, addVenue } from '../../../server/setup';
import { demoProductsCsv } from '../../fixtures/demo';
import { syntheticRosterCsv } from '../../fixtures/roster';

/**
 * The bench's central database, made once and copied for every run
 * (CREATE DATABASE … TEMPLATE), so each run starts from the same state:
 * municipalities with venues, the roster of the people the uploading desks
 * vaccinate, and the devices (uploading desks and long-polling desks) with
 * credentials the bench knows.
 */
export interface Desk {
  readonly deviceId: string;
  readonly authorization: string;
}

export interface VenuePlan {
  readonly municipality: string;
  readonly venue: string;
  /** The desk uploading doses at this venue. */
  readonly uploader: Desk;
  /** Tickets of the people it vaccinates (a fresh ticket per dose within a run; every run uses the same ones: each starts from the template). */
  readonly tickets: readonly string[];
  readonly pollers: readonly Desk[];
}

export interface SeedPlan {
  readonly venues: readonly VenuePlan[];
  readonly people: number;
  readonly seconds: number;
}

function municipalityCode(i: number): string {
  const five = String(30_000 + i * 7).padStart(5, '0');
  return `${five}${municipalityCheckDigit(five)}`;
}

function newDesk(): Desk & { hash: string } {
  const deviceId = uuidv7();
  const secret = randomBytes(24).toString('base64url');
  return { deviceId, authorization: `Bearer ${deviceId}.${secret}`, hash: createHash('sha256').update(secret).digest('hex') };
}

export async function seedTemplate(
  url: string,
  options: { municipalities: number; venuesPerMunicipality: number; pollers: number; dosesPerUploader: number; today: string },
): Promise<SeedPlan> {
  const started = performance.now();
  const db = await openCentralDb({ dataDir: null, databaseUrl: url });
  try {
    const venues: VenuePlan[] = [];
    const devices: { id: string; municipality: string; venue: string; desk: string; hash: string }[] = [];
    const venueCount = options.municipalities * options.venuesPerMunicipality;
    let people = 0;
    for (let mi = 0; mi < options.municipalities; mi++) {
      const code = municipalityCode(mi);
      await addMunicipality(db, { code, name: `ベンチ市${mi + 1}` });
      await importProducts(db, { municipality: code, csv: demoProductsCsv() });
      for (let vi = 0; vi < options.venuesPerMunicipality; vi++) {
        const index = mi * options.venuesPerMunicipality + vi;
        const venue = `B${String(index).padStart(4, '0')}`;
        await addVenue(db, { municipality: code, id: venue, name: `会場${index + 1}` });
        await addDesk(db, { venueId: venue, id: 'R1', name: '受付1' });
        const first = 1 + vi * options.dosesPerUploader;
        const csv = [...syntheticRosterCsv({ count: options.dosesPerUploader, municipality: code, venue, date: options.today, product: 'PFZ-COMIRNATY', firstTicket: first })].join('');
        await importRoster(db, { municipality: code, csv, today: options.today });
        people += options.dosesPerUploader;
        const uploader = newDesk();
        devices.push({ id: uploader.deviceId, municipality: code, venue, desk: 'R1', hash: uploader.hash });
        // Pollers spread evenly over the venues.
        const pollers: Desk[] = [];
        for (let p = index; p < options.pollers; p += venueCount) {
          const desk = newDesk();
          devices.push({ id: desk.deviceId, municipality: code, venue, desk: 'R1', hash: desk.hash });
          pollers.push(desk);
        }
        const tickets = Array.from({ length: options.dosesPerUploader }, (_, i) => String(first + i).padStart(10, '0'));
        venues.push({ municipality: code, venue, uploader: { deviceId: uploader.deviceId, authorization: uploader.authorization }, tickets, pollers });
      }
    }
    await db.query(
      `INSERT INTO devices (id, municipality, venue_id, desk_id, credential_hash, enrolled_at)
       SELECT * , now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [devices.map((d) => d.id), devices.map((d) => d.municipality), devices.map((d) => d.venue), devices.map((d) => d.desk), devices.map((d) => d.hash)],
    );
    await db.exec('ANALYZE');
    return { venues, people, seconds: (performance.now() - started) / 1000 };
  } finally {
    await db.close();
  }
}

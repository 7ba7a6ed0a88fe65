import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideVerdict } from '../../src/checkin/verdict';
import { venueDate } from '../../src/common/time';
import { upsertProducts, upsertVenue } from '../../src/doses/catalog';
import { importRosterCsv } from '../../src/roster/import';
import { openVenueDatabase, type VenueDb } from '../../src/store/database';
import { DEMO_MUNICIPALITY, DEMO_PRODUCTS, DEMO_VENUE } from '../fixtures/demo';
import { syntheticRosterCsv } from '../fixtures/roster';
import { median, percentile, round, since } from './stats';

export interface StoreSide {
  importSeconds: number;
  /** Random tickets from the whole roster. */
  lookupP50Ms: number;
  lookupP99Ms: number;
  /** Random tickets from a day's few thousand bookings. */
  dayP50Ms: number;
  dayP99Ms: number;
}

export interface StoreBenchResult {
  people: number;
  encrypted: StoreSide;
  plain: StoreSide;
  importRatio: number;
  lookupP99Ratio: number;
}

interface Imported {
  readonly db: VenueDb;
  readonly dir: string;
  readonly importSeconds: number;
}

function importOne(csv: string, people: number, encrypted: boolean, now: Date): Imported {
  const dir = mkdtempSync(join(tmpdir(), 'venue-bench-'));
  const db = openVenueDatabase({ path: join(dir, 'venue.db'), key: encrypted ? randomBytes(32) : null });
  upsertVenue(db, DEMO_VENUE);
  upsertProducts(db, DEMO_PRODUCTS);
  const start = performance.now();
  const summary = importRosterCsv(db, csv, { today: venueDate(now) });
  const importSeconds = since(start) / 1000;
  if (summary.tickets !== people) throw new Error(`imported ${summary.tickets} of ${people}`);
  return { db, dir, importSeconds };
}

function dispose(imported: Imported): void {
  if (imported.db.open) imported.db.close();
  rmSync(imported.dir, { recursive: true, force: true });
}

/**
 * Roster import and check-in lookup, encrypted and unencrypted, side by side
 * in one run. Imports: four, in ABBA order (drift on a noisy machine hits both
 * sides alike), the median of each side's two. Lookups: on the last database
 * of each side, both open at once, the same random tickets on both, taking
 * turns sample by sample (which side goes first alternates), so the two
 * distributions see the same moments of the machine.
 */
export function benchStore(people: number): StoreBenchResult {
  const now = new Date('2026-11-23T01:00:00Z');
  const csv = [...syntheticRosterCsv({ count: people, municipality: DEMO_MUNICIPALITY, venue: DEMO_VENUE.id, date: venueDate(now), product: 'PFZ-COMIRNATY' })].join('');
  const imports = { encrypted: [] as number[], plain: [] as number[] };
  const kept: { encrypted: Imported | null; plain: Imported | null } = { encrypted: null, plain: null };
  try {
    for (const [i, encrypted] of [true, false, false, true].entries()) {
      const side = encrypted ? 'encrypted' : 'plain';
      const imported = importOne(csv, people, encrypted, now);
      imports[side].push(imported.importSeconds);
      // The second of each side (runs 3 and 4) stays open for the lookups.
      if (i >= 2) kept[side] = imported;
      else dispose(imported);
    }
    const lookups = lookupSideBySide(kept.encrypted?.db, kept.plain?.db, people, now);
    const encrypted = { importSeconds: round(median(imports.encrypted), 2), ...lookups.encrypted };
    const plain = { importSeconds: round(median(imports.plain), 2), ...lookups.plain };
    return {
      people,
      encrypted,
      plain,
      importRatio: round(encrypted.importSeconds / plain.importSeconds, 2),
      lookupP99Ratio: round(encrypted.lookupP99Ms / plain.lookupP99Ms, 2),
    };
  } finally {
    for (const imported of [kept.encrypted, kept.plain]) if (imported) dispose(imported);
  }
}

const LOOKUPS = 20_000;

/** The whole check-in verdict (ticket, person, history, bookings, product) for random tickets, on both databases in turn. */
function lookupSideBySide(encryptedDb: VenueDb | undefined, plainDb: VenueDb | undefined, people: number, now: Date) {
  if (!encryptedDb || !plainDb) throw new Error('both databases must be open');
  const context = { venueId: DEMO_VENUE.id, now, servedMunicipalities: [DEMO_MUNICIPALITY] };
  const sides = [
    { db: encryptedDb, samples: [] as number[] },
    { db: plainDb, samples: [] as number[] },
  ];
  const lookUp = (side: (typeof sides)[number], number: string, keep: boolean) => {
    const t = performance.now();
    const verdict = decideVerdict(side.db, { municipality: DEMO_MUNICIPALITY, number }, context);
    if (keep) side.samples.push(since(t));
    if (verdict.code === 'UNKNOWN_TICKET') throw new Error('lookup missed');
  };
  const run = (pick: () => number, keep: boolean) => {
    for (const side of sides) side.samples.length = 0;
    for (let i = 0; i < LOOKUPS; i++) {
      const number = String(pick()).padStart(10, '0');
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) lookUp(side, number, keep);
    }
    const figures = (samples: readonly number[]) => ({ p50: round(percentile(samples, 50), 4), p99: round(percentile(samples, 99), 4) });
    return { encrypted: figures(sides[0]?.samples ?? []), plain: figures(sides[1]?.samples ?? []) };
  };
  for (let i = 0; i < 1_000; i++) for (const side of sides) lookUp(side, String(1 + i).padStart(10, '0'), false);
  // Anyone of the whole roster: most pages are not in the page cache and are read (and decrypted) again.
  const anyone = run(() => 1 + Math.floor(Math.random() * people), true);
  // A day at a large venue: the same few thousand people come back to the desks (the cache holds their pages).
  const day = Array.from({ length: Math.min(people, DAY_PEOPLE) }, () => 1 + Math.floor(Math.random() * people));
  run(() => day[Math.floor(Math.random() * day.length)] ?? 1, false);
  const today = run(() => day[Math.floor(Math.random() * day.length)] ?? 1, true);
  const side = (key: 'encrypted' | 'plain') => ({ lookupP50Ms: anyone[key].p50, lookupP99Ms: anyone[key].p99, dayP50Ms: today[key].p50, dayP99Ms: today[key].p99 });
  return { encrypted: side('encrypted'), plain: side('plain') };
}

/** People booked at one large venue on one day. */
const DAY_PEOPLE = 3_000;

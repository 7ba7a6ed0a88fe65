import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideVerdict } from '../../src/checkin/verdict';
import { venueDate } from '../../src/common/time';
import { upsertProducts, upsertVenue } from '../../src/doses/catalog';
import { importRosterCsv } from '../../src/roster/import';
import { openVenueDatabase } from '../../src/store/database';
import { DEMO_MUNICIPALITY, DEMO_PRODUCTS, DEMO_VENUE } from '../fixtures/demo';
import { syntheticRosterCsv } from '../fixtures/roster';
import { median, percentile, round, since } from './stats';

export interface StoreBenchResult {
  people: number;
  encrypted: { importSeconds: number; lookupP50Ms: number; lookupP99Ms: number };
  plain: { importSeconds: number; lookupP50Ms: number; lookupP99Ms: number };
  importRatio: number;
  lookupP99Ratio: number;
}

type Run = ReturnType<typeof runOne>;

function middle(runs: readonly Run[]): Run {
  const pick = (f: (r: Run) => number) => round(median(runs.map(f)), 4);
  return { importSeconds: pick((r) => r.importSeconds), lookupP50Ms: pick((r) => r.lookupP50Ms), lookupP99Ms: pick((r) => r.lookupP99Ms) };
}

function runOne(csv: string, people: number, encrypted: boolean, now: Date) {
  const dir = mkdtempSync(join(tmpdir(), 'venue-bench-'));
  try {
    const db = openVenueDatabase({ path: join(dir, 'venue.db'), key: encrypted ? randomBytes(32) : null });
    upsertVenue(db, DEMO_VENUE);
    upsertProducts(db, DEMO_PRODUCTS);
    const start = performance.now();
    const summary = importRosterCsv(db, csv, { today: venueDate(now) });
    const importSeconds = since(start) / 1000;
    if (summary.tickets !== people) throw new Error(`imported ${summary.tickets} of ${people}`);

    // Check-in lookups: the whole verdict (ticket, person, history, bookings, product), random tickets.
    const context = { venueId: DEMO_VENUE.id, now, servedMunicipalities: [DEMO_MUNICIPALITY] };
    const samples: number[] = [];
    for (let i = 0; i < 1_000; i++) decideVerdict(db, { municipality: DEMO_MUNICIPALITY, number: String(1 + i).padStart(10, '0') }, context);
    for (let i = 0; i < 20_000; i++) {
      const number = String(1 + Math.floor(Math.random() * people)).padStart(10, '0');
      const t = performance.now();
      const verdict = decideVerdict(db, { municipality: DEMO_MUNICIPALITY, number }, context);
      samples.push(since(t));
      if (verdict.code === 'UNKNOWN_TICKET') throw new Error('lookup missed');
    }
    db.close();
    return { importSeconds: round(importSeconds, 2), lookupP50Ms: round(percentile(samples, 50), 4), lookupP99Ms: round(percentile(samples, 99), 4) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Roster import and check-in lookup, encrypted and unencrypted, side by side in one run. */
export function benchStore(people: number): StoreBenchResult {
  const now = new Date('2026-11-23T01:00:00Z');
  const csv = [...syntheticRosterCsv({ count: people, municipality: DEMO_MUNICIPALITY, venue: DEMO_VENUE.id, date: venueDate(now), product: 'PFZ-COMIRNATY' })].join('');
  // ABBA order, so drift on a noisy machine hits both sides alike; medians over the two runs of each.
  const runs = { encrypted: [] as Run[], plain: [] as Run[] };
  for (const encrypted of [true, false, false, true]) (encrypted ? runs.encrypted : runs.plain).push(runOne(csv, people, encrypted, now));
  const encrypted = middle(runs.encrypted);
  const plain = middle(runs.plain);
  return {
    people,
    encrypted,
    plain,
    importRatio: round(encrypted.importSeconds / plain.importSeconds, 2),
    lookupP99Ratio: round(encrypted.lookupP99Ms / plain.lookupP99Ms, 2),
  };
}

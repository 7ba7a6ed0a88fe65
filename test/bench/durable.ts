/**
 * What durability costs a dose: recording through the runtime as it ships
 * (after each answered call the acknowledged mark is written and fsynced,
 * store/ack-mark.ts, and the log's size is looked at) against the same calls
 * through the bare dispatcher on a twin database (no mark), alternating call
 * by call so both sides see the same moments of the machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '../../src/api/connection';
import { operations } from '../../src/api/contract';
import { Dispatcher } from '../../src/api/dispatcher';
import { VenueRuntime } from '../../src/api/runtime';
import { ManualClock, venueDate } from '../../src/common/time';
import { importRosterCsv } from '../../src/roster/import';
import { openVenueDatabase } from '../../src/store/database';
import { seedDemoVenue } from '../../src/training/demo-venue';
import { DEMO_MUNICIPALITY, DEMO_VENUE } from '../fixtures/demo';
import { syntheticRosterCsv } from '../fixtures/roster';
import { median, percentile, round } from './stats';
import { testAuditKey } from '../support/keys';

export interface DurableResult {
  readonly doses: number;
  readonly shipped: { readonly p50Ms: number; readonly p95Ms: number };
  readonly bare: { readonly p50Ms: number; readonly p95Ms: number };
  readonly p50Ratio: number;
}

export function benchDurable(doses = 1_000): DurableResult {
  const root = mkdtempSync(join(tmpdir(), 'venue-bench-durable-'));
  const clock = new ManualClock('2026-11-23T09:00:00+09:00');
  const today = venueDate(clock.now());
  const prepare = (dir: string) => {
    const key = randomBytes(32);
    const db = openVenueDatabase({ path: join(dir, 'venue.db'), key });
    seedDemoVenue(db, clock.now());
    importRosterCsv(db, [...syntheticRosterCsv({ count: doses, municipality: DEMO_MUNICIPALITY, venue: DEMO_VENUE.id, date: today, product: 'PFZ-COMIRNATY', firstTicket: 9_000_000_000 })].join(''), { today });
    db.close();
    return key;
  };
  const shippedDir = join(root, 'shipped');
  const bareDir = join(root, 'bare');
  mkdirSync(shippedDir);
  mkdirSync(bareDir);
  const shippedKey = prepare(shippedDir);
  const runtime = VenueRuntime.start({ dataDir: shippedDir, key: shippedKey, auditKey: testAuditKey(shippedKey), clock });
  const bareKey = prepare(bareDir);
  const bareDb = openVenueDatabase({ path: join(bareDir, 'venue.db'), key: bareKey });
  const dispatcher = new Dispatcher({ db: bareDb, operations, clock });
  const sides = [new Connection(runtime), new Connection(dispatcher)] as const;
  const lots: string[] = [];
  for (const [i, side] of sides.entries()) {
    const signedIn = side.call('signIn', { login: 'kango', password: 'kango-pass-1' });
    if (!signedIn.ok) throw new Error(signedIn.error.message.en);
    const db = i === 0 ? runtime.database : bareDb;
    lots.push((db?.prepare(`SELECT id FROM lots WHERE lot_number = 'FB5678'`).get() as { id: string }).id);
  }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < doses; i++) {
    // Which side goes first alternates.
    for (const s of i % 2 ? ([1, 0] as const) : ([0, 1] as const)) {
      const started = performance.now();
      const reply = sides[s].call('recordDose', { municipality: DEMO_MUNICIPALITY, ticketNumber: String(9_000_000_000 + i), doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lots[s] ?? '' });
      times[s].push(performance.now() - started);
      if (!reply.ok) throw new Error(`dose refused: ${reply.error.code}`);
    }
  }
  runtime.close();
  bareDb.close();
  rmSync(root, { recursive: true, force: true });
  const side = (samples: number[]) => ({ p50Ms: round(median(samples), 3), p95Ms: round(percentile(samples, 95), 3) });
  const shipped = side(times[0]);
  const bare = side(times[1]);
  return { doses, shipped, bare, p50Ratio: round(shipped.p50Ms / bare.p50Ms, 2) };
}

export function durableSection(r: DurableResult): string {
  return [
    `## Durability: what the acknowledged mark costs a dose (${r.doses.toLocaleString()} doses a side)`,
    '',
    'recordDose through the runtime as it ships (after each answered call the newest audit entry and outbox row are written to `venue.db.ack` and fsynced, and the log\'s size is looked at) against the bare dispatcher on a twin database, alternating call by call.',
    '',
    '| measure | shipped | bare dispatcher | ratio |',
    '|---|---|---|---|',
    `| recordDose p50 | ${r.shipped.p50Ms} ms | ${r.bare.p50Ms} ms | ${r.p50Ratio} |`,
    `| recordDose p95 | ${r.shipped.p95Ms} ms | ${r.bare.p95Ms} ms | ${round(r.shipped.p95Ms / r.bare.p95Ms, 2)} |`,
  ].join('\n');
}

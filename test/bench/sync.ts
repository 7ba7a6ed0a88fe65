import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVenueApp, type VenueApp } from '../../src/app/venue-app';
import { ManualClock, addDays, venueDate } from '../../src/common/time';
import { insertLot } from '../../src/doses/catalog';
import { recordDose } from '../../src/doses/record';
import { outboxSink } from '../../src/records/outbox';
import type { VenueDb } from '../../src/store/database';
import { openOutboxCount } from '../../src/sync';
import { openCentralDb } from '../../server/db';
import { issueEnrollmentCode } from '../../server/enrollment';
import { importProducts, importRoster } from '../../server/roster';
import { addDesk, addMunicipality, addVenue } from '../../server/setup';
import { createStaff } from '../../server/staff';
import { DEMO_MUNICIPALITY, DEMO_VENUE, demoProductsCsv } from '../fixtures/demo';
import { syntheticRosterCsv } from '../fixtures/roster';
import { startServerProcess } from '../sync/support/server-process';
import { percentile, round, since } from './stats';

export interface SyncBenchResult {
  readonly people: number;
  readonly database: 'pglite' | 'postgres';
  /** Loading the roster CSV into the central service (not a target; for context). */
  readonly centralImportSeconds: number;
  /** Enrollment to the last roster change applied on the device. */
  readonly downloadSeconds: number;
  readonly downloadPeoplePerSecond: number;
  /** Longest single page-apply transaction on the device during the download. */
  readonly longestApplyMs: number;
  readonly applyP50Ms: number;
  readonly applyP99Ms: number;
  /** The machine's 1-minute load average when the download started (other work on the same cores skews the figures). */
  readonly loadAverage: number;
  readonly doses: number;
  readonly uploadSeconds: number;
  readonly uploadDosesPerSecond: number;
}

const NOW = '2026-11-23T09:00:00+09:00';

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Seeds the central service in this process, then closes it so the server process can own the data folder. */
async function seedCentral(dataDir: string, databaseUrl: string | null, people: number, today: string): Promise<{ importSeconds: number; code: string }> {
  const db = await openCentralDb({ dataDir, databaseUrl });
  try {
    await addMunicipality(db, { code: DEMO_MUNICIPALITY, name: '千代田区' });
    await addVenue(db, { municipality: DEMO_MUNICIPALITY, id: DEMO_VENUE.id, name: DEMO_VENUE.name });
    await addDesk(db, { venueId: DEMO_VENUE.id, id: 'R1', name: '受付1' });
    await importProducts(db, { municipality: DEMO_MUNICIPALITY, csv: demoProductsCsv() });
    await createStaff(db, { municipality: DEMO_MUNICIPALITY, login: 'kango', displayName: '看護 次郎', role: 'nurse', password: 'kango-pass-1' }, new Date());
    const csv = [...syntheticRosterCsv({ count: people, municipality: DEMO_MUNICIPALITY, venue: DEMO_VENUE.id, date: today, product: 'PFZ-COMIRNATY' })].join('');
    const started = performance.now();
    const summary = await importRoster(db, { municipality: DEMO_MUNICIPALITY, csv, today });
    const importSeconds = since(started) / 1000;
    if (summary.people !== people) throw new Error(`imported ${summary.people} of ${people}`);
    const { code } = await issueEnrollmentCode(db, { venueId: DEMO_VENUE.id, deskId: 'R1' }, new Date());
    return { importSeconds, code };
  } finally {
    await db.close();
  }
}

/** Records `count` doses offline, straight through the core (a day's backlog at a desk that lost the network). */
function recordBacklog(db: VenueDb, count: number, clock: ManualClock): void {
  const now = clock.now();
  const lot = db.transaction(() => insertLot(db, { venueId: DEMO_VENUE.id, productId: 'PFZ-COMIRNATY', lotNumber: 'BENCH01', expiry: addDays(venueDate(now), 90), addedBy: null }, now, outboxSink(db, now)))();
  const nurse = (db.prepare(`SELECT id FROM staff WHERE login = 'kango'`).get() as { id: string }).id;
  for (let start = 0; start < count; start += 500) {
    db.transaction(() => {
      for (let i = start; i < Math.min(count, start + 500); i++) {
        const ticketNumber = String(1 + i).padStart(10, '0');
        recordDose(db, { municipality: DEMO_MUNICIPALITY, ticketNumber, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', givenAt: NOW, lotId: lot.id }, {
          venueId: DEMO_VENUE.id,
          deskId: 'R1',
          nurseId: nurse,
          now,
        }, outboxSink(db, now));
      }
    })();
  }
}

/**
 * The initial download of a roster to a new venue device through the real
 * HTTP server on loopback (server in its own process, as it would be), then
 * the upload of an offline backlog of doses.
 */
export async function benchSync(options: { people: number; doses: number; databaseUrl?: string | null; log?: (line: string) => void }): Promise<SyncBenchResult> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'venue-bench-sync-'));
  const clock = new ManualClock(NOW);
  const today = venueDate(clock.now());
  const databaseUrl = options.databaseUrl ?? null;
  let app: VenueApp | null = null;
  const server: { stop?: () => Promise<void> } = {};
  try {
    log(`seeding the central service with ${options.people.toLocaleString()} people…`);
    const { importSeconds, code } = await seedCentral(join(dir, 'central'), databaseUrl, options.people, today);
    const running = await startServerProcess({ dataDir: join(dir, 'central'), databaseUrl });
    server.stop = running.stop;

    // The venue app as it ships (the composition root), on a new encrypted database.
    app = startVenueApp({ dataDir: join(dir, 'device'), key: randomBytes(32), auditKey: randomBytes(32), clock, backupCheckMs: null });
    const device: VenueDb | null = app.runtime.database;
    if (!device) throw new Error('the device database did not open');
    let longestApplyMs = 0;
    let durations: number[] = [];
    const originalTransaction = device.transaction.bind(device);
    // Measure every transaction the sync service runs (they must stay short: recording waits for them).
    device.transaction = ((fn: (...args: never[]) => unknown) => {
      const wrapped = originalTransaction(fn);
      return ((...args: never[]) => {
        const t = performance.now();
        try {
          return wrapped(...args);
        } finally {
          const took = performance.now() - t;
          longestApplyMs = Math.max(longestApplyMs, took);
          durations.push(took);
        }
      }) as typeof wrapped;
    }) as typeof device.transaction;

    log('downloading to a new device…');
    const loadAverage = loadavg()[0] ?? 0;
    const started = performance.now();
    const reply = app.connect().call('requestEnrollment', { serverUrl: running.url, code });
    if (!reply.ok) throw new Error(`enrollment refused: ${reply.error.code}`);
    let lastReport = Date.now();
    await waitFor(
      () => {
        const state = device.prepare(`SELECT download_active, download_done, download_total FROM sync_state`).get() as { download_active: number; download_done: number; download_total: number | null };
        if (Date.now() - lastReport > 5_000) {
          lastReport = Date.now();
          log(`  ${state.download_done.toLocaleString()} of ${state.download_total?.toLocaleString() ?? '?'} changes`);
        }
        return state.download_active === 0 && state.download_done >= options.people;
      },
      600_000,
      'the roster download',
    );
    const downloadSeconds = since(started) / 1000;
    const people = (device.prepare(`SELECT count(*) AS n FROM people`).get() as { n: number }).n;
    if (people !== options.people) throw new Error(`the device holds ${people} of ${options.people} people`);
    await app.sync.stop();
    const downloadLongest = longestApplyMs;
    const downloadDurations = durations;
    durations = [];

    log(`recording ${options.doses.toLocaleString()} doses offline…`);
    recordBacklog(device, options.doses, clock);
    const backlog = openOutboxCount(device);
    log(`uploading a backlog of ${backlog.toLocaleString()} records…`);
    const uploadStarted = performance.now();
    app.sync.start();
    await waitFor(() => openOutboxCount(device) === 0, 600_000, 'the upload');
    const uploadSeconds = since(uploadStarted) / 1000;
    const stored = (device.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE kind = 'dose' AND state = 'confirmed' AND outcome = 'stored'`).get() as { n: number }).n;
    if (stored !== options.doses) throw new Error(`the server stored ${stored} of ${options.doses} doses`);
    await app.sync.stop();
    return {
      people: options.people,
      database: databaseUrl ? 'postgres' : 'pglite',
      centralImportSeconds: round(importSeconds, 1),
      downloadSeconds: round(downloadSeconds, 1),
      downloadPeoplePerSecond: Math.round(options.people / downloadSeconds),
      longestApplyMs: round(downloadLongest, 1),
      applyP50Ms: round(percentile(downloadDurations, 50), 1),
      applyP99Ms: round(percentile(downloadDurations, 99), 1),
      loadAverage: round(loadAverage, 1),
      doses: options.doses,
      uploadSeconds: round(uploadSeconds, 1),
      uploadDosesPerSecond: Math.round(options.doses / uploadSeconds),
    };
  } finally {
    await app?.close();
    await server.stop?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The section of docs/benchmarks.md. */
export function syncSection(r: SyncBenchResult): string {
  return [
    `## Sync: roster download and dose upload (${r.people.toLocaleString()} people, ${r.doses.toLocaleString()} doses)`,
    '',
    `The central service in its own process on loopback (${r.database === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}), a new encrypted venue device enrolling with a one-time code. ` +
      'Download: from the enrollment request until the last roster change is applied (feed pages of 5,000 prefetched while the previous page is applied, in transactions of about 25 ms). ' +
      'Upload: an offline backlog of doses (plus their lot and the audit head) until every record is confirmed by the server. ' +
      `Load average on the machine when the download started: ${r.loadAverage} (on ${cpus().length} cores; other work skews the timings).`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    `| initial download, ${r.people.toLocaleString()} people | ${r.downloadSeconds} s (${r.downloadPeoplePerSecond.toLocaleString()} people/s) | ≤ 60 s |`,
    `| device transactions during the download: p50 / p99 / longest | ${r.applyP50Ms} / ${r.applyP99Ms} / ${r.longestApplyMs} ms | ≤ 50 ms |`,
    `| upload of ${r.doses.toLocaleString()} offline doses | ${r.uploadSeconds} s (${r.uploadDosesPerSecond.toLocaleString()} doses/s) | ≤ 60 s |`,
    `| loading the roster CSV into the central service (setup, for context) | ${r.centralImportSeconds} s | |`,
  ].join('\n');
}

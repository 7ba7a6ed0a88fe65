import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedResponseSchema } from '../../src/sync/protocol';
import { openCentralDb, LISTEN_APPLICATION_NAME, type CentralDb } from '../../server/db';
import { readPage } from '../../server/feed';
import { importRoster } from '../../server/roster';
import { rosterCsv } from '../fixtures/roster';
import { startPgCluster, type PgCluster } from '../support/pg-cluster';
import { doseRecord, enrollDirect, manyPeople, seedMunicipality, serveCentral, type SeededMunicipality, type ServedCentral } from './support/central';
import { until } from './support/devices';

/**
 * PostgreSQL goes away under a running central service and comes back. The
 * service must listen for feed notices again by itself (with backoff, for as
 * long as it takes), long-polls meanwhile turn into short waits, and a dose
 * stored at one desk must reach another desk's waiting long-poll within 2 s
 * again within 10 s of PostgreSQL being back.
 *
 * Runs in the PostgreSQL pass of `.ci/run` (vitest.config.ts includes
 * *.postgres.test.ts only there) on a throwaway cluster of its own, which it
 * stops and starts (Debian's PostgreSQL: test/support/pg-cluster.ts).
 */
const PROPAGATION_MS = 2_000;
const BACK_WITHIN_MS = 10_000;
/** Longer than one reconnect attempt: a service that tried once and gave up stays deaf. */
const OUTAGE_MS = 3_000;

let cluster: PgCluster;
let db: CentralDb;
let served: ServedCentral;
let m: SeededMunicipality;
let deskA: { authorization: string };
let deskB: { authorization: string };
let cursorB = 0;
const tickets: string[] = [];

beforeAll(async () => {
  cluster = await startPgCluster({ settings: { fsync: 'off' } });
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE venue_central');
  await admin.end();
  db = await openCentralDb({ dataDir: null, databaseUrl: cluster.urlOf('venue_central') });
  m = await seedMunicipality(db, { today: '2026-11-23' });
  const people = manyPeople(m.code, m.venue, '2026-11-23', 200, 6_500_000_000);
  await importRoster(db, { municipality: m.code, csv: rosterCsv(people), today: '2026-11-23' });
  tickets.push(...people.map((p) => p.ticketNumber));
  served = await serveCentral(db);
  deskA = await enrollDirect(db, m.venue, 'R1');
  deskB = await enrollDirect(db, m.venue, 'N1');
  cursorB = (await readPage(db, { municipality: m.code, venueId: m.venue, after: 0, limit: 100_000, count: false })).next;
}, 120_000);

afterAll(async () => {
  await served?.close();
  await db?.close();
  cluster?.destroy();
});

/** Desk B catches up without waiting (its cursor after everything there is). */
async function catchUp(): Promise<void> {
  for (;;) {
    const response = await fetch(`${served.url}/v1/feed?after=${cursorB}&limit=5000`, { headers: { authorization: deskB.authorization } });
    if (response.status !== 200) throw new Error(`feed answered ${response.status}`);
    const page = feedResponseSchema.parse(await response.json());
    cursorB = page.next;
    if (!page.more) return;
  }
}

/**
 * Desk B long-polls; once it waits, desk A uploads a dose. The time from A's
 * upload being answered to B's long-poll bringing the dose, or null when it
 * takes longer than PROPAGATION_MS (or a call fails: the database is still away).
 */
async function propagation(): Promise<number | null> {
  try {
    await catchUp();
  } catch {
    return null;
  }
  const dose = doseRecord(m, tickets.shift() ?? '');
  const gone = new AbortController();
  const waiting = fetch(`${served.url}/v1/feed?after=${cursorB}&wait=20&limit=5000`, { headers: { authorization: deskB.authorization }, signal: gone.signal })
    .then(async (response) => (response.status === 200 ? feedResponseSchema.parse(await response.json()) : null))
    .catch(() => null);
  try {
    await until(() => served.watch.waiting >= 1, 5_000, 'desk B to wait').catch(() => null);
    if (served.watch.waiting < 1) return null;
    const upload = await fetch(`${served.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: deskA.authorization },
      body: JSON.stringify({ records: [dose] }),
    });
    if (upload.status !== 200) return null;
    const stored = performance.now();
    const timer = setTimeout(() => gone.abort(), PROPAGATION_MS);
    const page = await waiting;
    clearTimeout(timer);
    if (!page?.changes.some((c) => c.key === dose.data.id)) return null;
    cursorB = page.next;
    return performance.now() - stored;
  } finally {
    gone.abort();
    await until(() => served.watch.waiting === 0, 5_000, 'desk B’s long-poll to end').catch(() => null);
  }
}

/** Tries until a propagation under PROPAGATION_MS, then three more in a row; returns when it first succeeded (ms since `since`). */
async function backWithin(since: number, what: string): Promise<{ backAfterMs: number; figures: number[] }> {
  const figures: number[] = [];
  let backAfterMs: number | null = null;
  while (performance.now() - since < BACK_WITHIN_MS + 4 * PROPAGATION_MS) {
    const ms = await propagation();
    if (ms !== null) {
      backAfterMs ??= performance.now() - since;
      figures.push(ms);
      if (figures.length === 4) break;
    } else {
      figures.length = 0;
      backAfterMs = null;
    }
  }
  expect(backAfterMs, `${what}: propagation under ${PROPAGATION_MS} ms again`).not.toBeNull();
  expect(backAfterMs ?? Infinity).toBeLessThan(BACK_WITHIN_MS);
  expect(figures).toHaveLength(4);
  return { backAfterMs: backAfterMs ?? Infinity, figures };
}

describe('LISTEN after PostgreSQL goes away', () => {
  it('PostgreSQL restarted: another desk’s dose comes within 2 s again within 10 s, and LISTEN holds again', async () => {
    const before = await propagation();
    expect(before).not.toBeNull();
    cluster.stop('fast');
    await until(() => !served.watch.isListening, 10_000, 'the service to notice');
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    cluster.start();
    const back = performance.now();
    const result = await backWithin(back, 'after the restart');
    await until(() => served.watch.isListening, BACK_WITHIN_MS, 'LISTEN to hold again');
    const listeningAfterMs = performance.now() - back;
    // Heard through LISTEN again, not only through short waits.
    const settled = [await propagation(), await propagation(), await propagation()];
    for (const ms of settled) expect(ms).not.toBeNull();
    console.log(
      `PostgreSQL restart (down ${OUTAGE_MS} ms): propagation before ${before?.toFixed(0)} ms; under ${PROPAGATION_MS} ms again ${result.backAfterMs.toFixed(0)} ms after it was back ` +
        `(${result.figures.map((f) => f.toFixed(0)).join(', ')} ms); LISTEN again after ${listeningAfterMs.toFixed(0)} ms, then ${settled.map((f) => f?.toFixed(0)).join(', ')} ms`,
    );
  });

  it('while LISTEN cannot be made again, long-polls are short waits; once it can, it holds again', async () => {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    try {
      // The service's pool keeps its connections; new ones (the LISTEN connection's) are refused.
      await Promise.all(Array.from({ length: 4 }, () => db.query('SELECT pg_sleep(0.05)')));
      await admin.query('ALTER DATABASE venue_central ALLOW_CONNECTIONS false');
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [LISTEN_APPLICATION_NAME]);
      await until(() => !served.watch.isListening, 10_000, 'the service to notice');
      const meanwhile = [await propagation(), await propagation(), await propagation()];
      expect(served.watch.isListening).toBe(false);
      for (const ms of meanwhile) expect(ms, 'a short wait, not the 20 s deadline').not.toBeNull();
      await admin.query('ALTER DATABASE venue_central ALLOW_CONNECTIONS true');
      const allowed = performance.now();
      await until(() => served.watch.isListening, BACK_WITHIN_MS, 'LISTEN to hold again');
      const after = [await propagation(), await propagation()];
      for (const ms of after) expect(ms).not.toBeNull();
      console.log(
        `LISTEN refused: propagation by short waits ${meanwhile.map((f) => f?.toFixed(0)).join(', ')} ms; LISTEN again ${(performance.now() - allowed).toFixed(0)} ms after connections were allowed, then ${after.map((f) => f?.toFixed(0)).join(', ')} ms`,
      );
    } finally {
      await admin.query('ALTER DATABASE venue_central ALLOW_CONNECTIONS true').catch(() => {});
      await admin.end();
    }
  });
});

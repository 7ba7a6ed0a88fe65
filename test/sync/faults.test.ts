import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venueDate } from '../../src/common/time';
import { outboxDigest } from '../../src/sync/outbox';
import type { RecordDigest } from '../../src/sync/digest';
import { openCentralDb } from '../../server/db';
import { issueEnrollmentCode } from '../../server/enrollment';
import { importRoster } from '../../server/roster';
import { rosterCsv } from '../fixtures/roster';
import { DEMO_NOW } from '../support/venue';
import { adminRun } from './support/admin';
import { freshCentralDb, manyPeople, seedMunicipality, type FreshCentral, type SeededMunicipality } from './support/central';
import { until, useDevices, type TestDevice } from './support/devices';
import { FAULTS, FaultProxy, seeded, type Fault } from './support/fault-proxy';
import { startServerProcess, type ServerProcess } from './support/server-process';

/**
 * Fault injection: two desks of a venue sync through a proxy that drops,
 * delays, duplicates and reorders requests and answers, while the central
 * service is killed (SIGKILL) and restarted mid-sync now and then. Each
 * schedule ends with the network healed; then no record may be lost or
 * stored twice, each device's records and the server's records from it must
 * have equal digests, and the outbox must be empty within 10 s.
 *
 * VENUE_FAULT_SCHEDULES sets the number of schedules (default 120); a
 * failing schedule is replayed with VENUE_FAULT_SEED=<seed printed>.
 */
const SCHEDULES = Number(process.env.VENUE_FAULT_SCHEDULES ?? 120);
const FIRST_SEED = Number(process.env.VENUE_FAULT_SEED ?? 20_261_123);
const OPS_PER_LANE = 4;
const HEAL_DEADLINE_MS = 10_000;

const today = venueDate(new Date(DEMO_NOW));
const newDevice = useDevices();
let dir: string;
let central: FreshCentral | null = null;
let m: SeededMunicipality;
let server: ServerProcess;
let proxy: FaultProxy;
let proxyUrl: string;
const codes: string[] = [];

async function startServer(port?: number): Promise<ServerProcess> {
  return startServerProcess({ dataDir: join(dir, 'central'), databaseUrl: central?.url ?? null, port });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'venue-faults-'));
  // PGlite belongs to one process: seed it here, close it, then let the server process own it.
  central = process.env.VENUE_TEST_DATABASE_URL ? await freshCentralDb() : null;
  const db = central?.db ?? (await openCentralDb({ dataDir: join(dir, 'central') }));
  m = await seedMunicipality(db, { today });
  await importRoster(db, { municipality: m.code, csv: rosterCsv(manyPeople(m.code, m.venue, today, SCHEDULES * 2 * OPS_PER_LANE + 50)), today });
  for (const desk of ['R1', 'N1']) codes.push((await issueEnrollmentCode(db, { venueId: m.venue, deskId: desk }, new Date())).code);
  if (!central) await db.close();
  server = await startServer();
  proxy = new FaultProxy({ host: '127.0.0.1', port: server.port });
  proxyUrl = await proxy.listen();
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  await central?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One desk's work during a schedule: check people in, record their doses, now and then void one, add a lot. */
async function work(device: TestDevice, tickets: string[], random: () => number, lotNumber: () => string): Promise<void> {
  const reception = device.signIn('reception');
  const nurse = device.signIn('nurse');
  const supervisor = device.signIn('supervisor');
  const lots = nurse.ok('listLots', {});
  let lotId = lots[0]?.id;
  for (const ticket of tickets) {
    if (!lotId || random() < 0.1) lotId = supervisor.ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: lotNumber(), expiry: '2027-06-30' }).id;
    // Recording never waits for the network: every call answers at once, whatever the proxy does.
    const started = performance.now();
    expect(reception.ok('checkIn', { municipality: m.code, number: ticket }).checkedIn).toBe(true);
    const dose = nurse.ok('recordDose', { municipality: m.code, ticketNumber: ticket, doseNumber: 1, status: 'performed', lotId });
    if (random() < 0.2) {
      supervisor.ok('voidRecord', { recordId: dose.id, reason: 'ロット入力誤り' });
      nurse.ok('recordDose', { municipality: m.code, ticketNumber: ticket, doseNumber: 1, status: 'performed', lotId });
    }
    expect(performance.now() - started).toBeLessThan(1_000);
    await sleep(random() * 60);
  }
}

async function serverDigest(deviceId: string): Promise<RecordDigest> {
  const result = await adminRun(join(dir, 'central'), ['device', 'records', deviceId, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as RecordDigest;
}

/**
 * The device's records and the server's records from it have the same digest. The sync loop may
 * add an audit-chain head while the two are read, so a difference must outlast a few rereads.
 */
async function sameRecords(device: TestDevice, deviceId: string, seed: number): Promise<void> {
  let remote: RecordDigest | null = null;
  let local: RecordDigest | null = null;
  for (let attempt = 0; attempt < 20; attempt++) {
    remote = await serverDigest(deviceId);
    local = outboxDigest(device.db);
    if (device.open() === 0 && remote.digest === local.digest) return;
    await sleep(100);
  }
  expect(remote, `${device.name}: the server's records from it (seed ${seed})`).toEqual(local);
}

function weights(random: () => number): Record<Fault, number> {
  // Each schedule leans on a different mix; some faults are off entirely.
  return Object.fromEntries(FAULTS.map((fault) => [fault, random() < 0.25 ? 0 : random()])) as Record<Fault, number>;
}

describe('sync under injected faults', () => {
  it(`loses nothing, doubles nothing and drains the outbox within ${HEAL_DEADLINE_MS / 1000} s of healing, over ${SCHEDULES} random schedules`, { timeout: 900_000 }, async () => {
    const tuning = { requestTimeoutMs: 1_500, feedTimeoutMs: 1_500, backoffBaseMs: 50, backoffMaxMs: 400, longPollSeconds: 2, uploadBatch: 40, auditHeadIntervalMs: 2_000 };
    const desks = [newDevice({ name: 'R1', tuning }), newDevice({ name: 'N1', tuning })];
    for (const [i, device] of desks.entries()) await device.enroll(proxyUrl, codes[i] ?? '');
    const deviceIds = desks.map((d) => d.anonymous().ok('deviceStatus', {}).deviceId ?? '');

    let next = 5_000_000_000;
    let lots = 0;
    let kills = 0;
    const drains: number[] = [];
    for (let s = 0; s < SCHEDULES; s++) {
      const seed = FIRST_SEED + s;
      const random = seeded(seed);
      proxy.break({ random, rate: 0.15 + random() * 0.6, weights: weights(random) });
      const window = 200 + random() * 400;
      // Now and then the server is killed mid-sync and comes back on the same port.
      const killer =
        random() < 0.1
          ? (async () => {
              await sleep(random() * window);
              await server.kill();
              kills += 1;
              await sleep(100 + random() * 600);
              server = await startServer(server.port);
            })()
          : Promise.resolve();
      await Promise.all(
        desks.map((device) => {
          const tickets = Array.from({ length: OPS_PER_LANE }, () => String(next++).padStart(10, '0'));
          return work(device, tickets, random, () => `FT${String(lots++).padStart(5, '0')}`);
        }),
      );
      await sleep(Math.max(0, window - 150));
      await killer;

      proxy.heal();
      for (const device of desks) device.nudge();
      const drained = await until(() => desks.every((d) => d.open() === 0), HEAL_DEADLINE_MS, `the outboxes to empty after healing (seed ${seed})`, 5);
      drains.push(drained);
      for (const [i, device] of desks.entries()) await sameRecords(device, deviceIds[i] ?? '', seed);
    }

    // Same ticket and dose never stored twice: there is no conflict, because the desks never clashed.
    const conflicts = await adminRun(join(dir, 'central'), ['conflicts', 'list', '--all', '--json']);
    expect(JSON.parse(conflicts.stdout)).toEqual([]);
    // In the end both desks hold the same records of their venue (their own, and each other's from the feed).
    const records = (device: TestDevice) =>
      JSON.stringify(device.db.prepare(`SELECT id, voided_by FROM checkins UNION ALL SELECT id, voided_by FROM dose_records ORDER BY id`).all());
    await until(() => records(desks[0] as TestDevice) === records(desks[1] as TestDevice), 20_000, 'the two desks to hold the same records');
    const doses = (desks[0]?.db.prepare(`SELECT count(*) AS n FROM dose_records WHERE voided_by IS NULL`).get() as { n: number }).n;
    expect(doses).toBe(SCHEDULES * 2 * OPS_PER_LANE);

    drains.sort((a, b) => a - b);
    const byFault = FAULTS.map((f) => `${f} ${proxy.counts[f]}`).join(', ');
    console.log(
      `fault injection: ${SCHEDULES} schedules, ${proxy.injected + kills} faults injected over ${proxy.requests} requests ` +
        `(${byFault}, server kills ${kills}); outbox empty after healing: median ${(drains[drains.length >> 1] ?? 0).toFixed(0)} ms, worst ${(drains[drains.length - 1] ?? 0).toFixed(0)} ms`,
    );
    expect(proxy.injected).toBeGreaterThan(SCHEDULES);
    expect(kills).toBeGreaterThan(0);
    for (const fault of FAULTS) expect(proxy.counts[fault], fault).toBeGreaterThan(0);
  });
});

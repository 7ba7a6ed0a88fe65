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
import { DEMO_NOW, type Desk } from '../support/venue';
import { adminRun } from './support/admin';
import { freshCentralDb, manyPeople, seedMunicipality, type FreshCentral, type SeededMunicipality } from './support/central';
import { until, useDevices, type TestDevice } from './support/devices';
import { seeded, seedFrom } from '../support/random';
import { FAULTS, FaultProxy, type Fault } from './support/fault-proxy';
import { startServerProcess, type ServerProcess } from './support/server-process';

/**
 * Fault injection: two desks of a venue sync through a proxy that drops,
 * delays, duplicates and reorders requests and answers, while the central
 * service is killed (SIGKILL) and restarted mid-sync now and then. Each
 * schedule ends with the network healed; then no record may be lost or
 * stored twice, each device's records and the server's records from it must
 * have equal digests, and the outbox must be empty within 10 s. The records
 * include the supervisor's day (walk-ins asked at one desk and decided at the
 * other, observation referrals, vials, desk lots, explanations, closes of
 * past days); in the end both desks must hold the same state of it.
 *
 * VENUE_FAULT_SCHEDULES sets the number of schedules (default 120); a
 * failing schedule is replayed with VENUE_FAULT_SEED=<seed printed>.
 * VENUE_FAULT_PROCESSES=2 (PostgreSQL only: .ci/run's PostgreSQL pass) runs
 * two service processes on the one database behind the proxy, which sends
 * each request to the next in turn, as a load balancer would; a kill then
 * takes one of them down.
 */
const SCHEDULES = Number(process.env.VENUE_FAULT_SCHEDULES ?? 120);
const PROCESSES = Number(process.env.VENUE_FAULT_PROCESSES ?? 1);
if (PROCESSES > 1 && !process.env.VENUE_TEST_DATABASE_URL) {
  throw new Error('VENUE_FAULT_PROCESSES > 1 needs PostgreSQL (VENUE_TEST_DATABASE_URL): PGlite belongs to one process');
}
// Schedule s uses seed FIRST_SEED + s; a failure names its seed, and VENUE_FAULT_SEED=<seed> VENUE_FAULT_SCHEDULES=1 replays it.
const FIRST_SEED = seedFrom('VENUE_FAULT_SEED', 20_261_123);
const OPS_PER_LANE = 4;
const HEAL_DEADLINE_MS = 10_000;
const WALK_IN_FIRST = 7_000_000_000;

const today = venueDate(new Date(DEMO_NOW));
const newDevice = useDevices();
let dir: string;
let central: FreshCentral | null = null;
let m: SeededMunicipality;
const servers: ServerProcess[] = [];
let proxy: FaultProxy;
let proxyUrl: string;
const codes: string[] = [];

/** The data folder of service process i (the first one's is where admin commands go). */
const dataDirOf = (i: number) => join(dir, i === 0 ? 'central' : `central-${i}`);

async function startServer(i: number, port?: number): Promise<ServerProcess> {
  return startServerProcess({ dataDir: dataDirOf(i), databaseUrl: central?.url ?? null, port });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'venue-faults-'));
  // PGlite belongs to one process: seed it here, close it, then let the server process own it.
  central = process.env.VENUE_TEST_DATABASE_URL ? await freshCentralDb() : null;
  const db = central?.db ?? (await openCentralDb({ dataDir: join(dir, 'central') }));
  m = await seedMunicipality(db, { today });
  // Booked here (checked in and vaccinated), and booked at the other venue today (walk-ins here).
  const people = [...manyPeople(m.code, m.venue, today, SCHEDULES * 2 * OPS_PER_LANE + 50), ...manyPeople(m.code, m.otherVenue, today, SCHEDULES + 20, WALK_IN_FIRST)];
  await importRoster(db, { municipality: m.code, csv: rosterCsv(people), today });
  for (const desk of ['R1', 'N1']) codes.push((await issueEnrollmentCode(db, { venueId: m.venue, deskId: desk }, new Date())).code);
  if (!central) await db.close();
  for (let i = 0; i < PROCESSES; i++) servers.push(await startServer(i));
  proxy = new FaultProxy(servers.map((server) => ({ host: '127.0.0.1', port: server.port })));
  proxyUrl = await proxy.listen();
});

afterAll(async () => {
  await proxy?.close();
  for (const server of servers) await server.stop();
  await central?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Past days the supervisors close now and then (both desks may close the same one: the earliest close wins everywhere). */
const PAST_DAYS = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19'];

/** One desk's work during a schedule: check people in, record their doses, now and then void one, add a lot; and the supervisor's day. */
async function work(device: TestDevice, tickets: string[], random: () => number, lotNumber: () => string, day: DayWork): Promise<void> {
  const reception = device.signIn('reception');
  const nurse = device.signIn('nurse');
  const supervisor = device.signIn('supervisor');
  const lots = nurse.ok('listLots', {});
  let lotId = lots[0]?.id;
  for (const ticket of tickets) {
    if (!lotId || random() < 0.1) lotId = supervisor.ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: lotNumber(), expiry: '2027-06-30' }).id;
    if (random() < 0.3) nurse.ok('setDeskLot', { lotId });
    // Recording never waits for the network: each call below is synchronous (answered before this code could
    // yield to any request or timer), whatever the proxy does; no wall-clock bound, which load would break.
    expect(reception.ok('checkIn', { municipality: m.code, number: ticket }).checkedIn).toBe(true);
    let dose = nurse.ok('recordDose', { municipality: m.code, ticketNumber: ticket, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId });
    if (random() < 0.2) {
      supervisor.ok('voidRecord', { recordId: dose.id, reason: 'ロット入力誤り' });
      dose = nurse.ok('recordDose', { municipality: m.code, ticketNumber: ticket, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId });
    }
    // A referral may be made at any time (a release only after the observation time, which these clocks never reach).
    if (random() < 0.25) nurse.ok('endObservation', { doseId: dose.id, outcome: 'referred', note: '気分不良の訴え' });
    await sleep(random() * 60);
  }
  if (lotId && random() < 0.5) nurse.ok('recordVialsOpened', { lotId, vials: Math.floor(random() * 20) });
  supervisorsDay(device, { reception, supervisor }, random, day);
}

interface DayWork {
  /** People booked at the venue's other site today: walk-ins here. */
  readonly walkInTicket: () => string;
  readonly schedule: number;
  readonly lane: number;
}

/**
 * Walk-ins across the two desks (reception asks here; the supervisor at the
 * other desk decides once the request has arrived; reception checks in once
 * the approval has arrived), explanations, and closes of past days.
 */
function supervisorsDay(device: TestDevice, desks: { reception: Desk; supervisor: Desk }, random: () => number, day: DayWork): void {
  const { reception, supervisor } = desks;
  const ownDesk = device.name;
  if (random() < 0.35) reception.ok('requestWalkIn', { municipality: m.code, number: day.walkInTicket() });
  for (const request of supervisor.ok('listWalkIns', {})) {
    if (request.status === 'pending' && request.deskId !== ownDesk) {
      supervisor.ok('decideWalkIn', { requestId: request.id, approve: true, productId: 'PFZ-COMIRNATY', reason: '予約会場の変更希望' });
    } else if (request.status === 'approved' && request.deskId === ownDesk) {
      expect(reception.ok('checkIn', { municipality: request.municipality, number: request.ticketNumber }).checkedIn).toBe(true);
    }
  }
  if (day.schedule % 7 === day.lane) {
    const open = supervisor.ok('dayReport', {}).discrepancies.find((d) => !d.explanation && d.kind !== 'not-confirmed');
    if (open) supervisor.ok('explainDiscrepancy', { key: open.key, note: '確認済み（試験）' });
  }
  if (day.schedule % 11 === 3) {
    const date = PAST_DAYS[Math.floor(random() * PAST_DAYS.length)] ?? '2026-11-16';
    const report = supervisor.call('dayReport', { date, closing: true });
    const open = report.ok ? report.value.open : undefined;
    const closed = supervisor.call('closeDay', { date, note: '過去日の締め（試験）', confirmOpen: open });
    if (!closed.ok) expect(closed.error.code).toBe('ALREADY_CLOSED');
  }
}

/** What the supervisor's day looks like on a device: equal on both desks once everything has travelled. */
function dayState(device: TestDevice): string {
  const all = (sql: string) => device.db.prepare(sql).all();
  return JSON.stringify({
    walkIns: all(`SELECT id, status, product_id, decided_by, decided_at, checkin_id FROM walk_in_requests ORDER BY id`),
    decisions: all(`SELECT id, request_id FROM walk_in_decisions ORDER BY id`),
    observations: all(`SELECT dose_id, started_at, outcome, outcome_by, outcome_at, note FROM observations ORDER BY dose_id`),
    outcomes: all(`SELECT id FROM observation_outcomes ORDER BY id`),
    closes: all(`SELECT venue_date, id, note FROM day_closes ORDER BY venue_date`),
    notes: all(`SELECT id, key FROM discrepancy_notes ORDER BY id`),
    deskLots: all(`SELECT id, desk_id, lot_id FROM desk_lot_history ORDER BY id`),
    desks: all(`SELECT id, active_lot_id FROM desks ORDER BY id`),
    vials: all(`SELECT venue_date, lot_id, vials, record_id FROM lot_vials ORDER BY venue_date, lot_id`),
  });
}

async function serverDigest(deviceId: string): Promise<RecordDigest> {
  const result = await adminRun(dataDirOf(0), ['device', 'records', deviceId, '--json']);
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
  const same = async () => {
    remote = await serverDigest(deviceId);
    local = outboxDigest(device.db);
    return device.open() === 0 && remote.digest === local.digest;
  };
  if (await until(same, 2_000, 'the same records on both sides', 100).then(() => true, () => false)) return;
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
    let nextWalkIn = WALK_IN_FIRST;
    const walkInTicket = () => String(nextWalkIn++).padStart(10, '0');
    let lots = 0;
    let kills = 0;
    const drains: number[] = [];
    for (let s = 0; s < SCHEDULES; s++) {
      const seed = FIRST_SEED + s;
      const random = seeded(seed);
      proxy.break({ random, rate: 0.15 + random() * 0.6, weights: weights(random) });
      const window = 200 + random() * 400;
      // Now and then a service process is killed mid-sync and comes back on the same port.
      const victim = PROCESSES > 1 ? Math.floor(random() * PROCESSES) : 0;
      const killer =
        random() < 0.1
          ? (async () => {
              await sleep(random() * window);
              const server = servers[victim] as ServerProcess;
              await server.kill();
              kills += 1;
              await sleep(100 + random() * 600);
              servers[victim] = await startServer(victim, server.port);
            })()
          : Promise.resolve();
      await Promise.all(
        desks.map((device, lane) => {
          const tickets = Array.from({ length: OPS_PER_LANE }, () => String(next++).padStart(10, '0'));
          return work(device, tickets, random, () => `FT${String(lots++).padStart(5, '0')}`, { walkInTicket, schedule: s, lane });
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
    const conflicts = await adminRun(dataDirOf(0), ['conflicts', 'list', '--all', '--json']);
    expect(JSON.parse(conflicts.stdout)).toEqual([]);
    // In the end both desks hold the same records of their venue (their own, and each other's from the feed).
    const records = (device: TestDevice) =>
      JSON.stringify(device.db.prepare(`SELECT id, voided_by FROM checkins UNION ALL SELECT id, voided_by FROM dose_records ORDER BY id`).all());
    await until(() => records(desks[0] as TestDevice) === records(desks[1] as TestDevice), 20_000, 'the two desks to hold the same records');
    const doses = (desks[0]?.db.prepare(`SELECT count(*) AS n FROM dose_records WHERE voided_by IS NULL`).get() as { n: number }).n;
    expect(doses).toBe(SCHEDULES * 2 * OPS_PER_LANE);
    // And the same supervisor's day: walk-ins and their decisions, observations, closes, explanations, desk lots, vials.
    const [first, second] = desks as [TestDevice, TestDevice];
    await until(() => dayState(first) === dayState(second), 20_000, 'the two desks to hold the same supervisor’s day');
    const count = (sql: string) => (first.db.prepare(`SELECT count(*) AS n FROM ${sql}`).get() as { n: number }).n;
    const day = {
      walkInsUsed: count(`walk_in_requests WHERE status = 'used'`),
      decisions: count('walk_in_decisions'),
      referrals: count(`observations WHERE outcome = 'referred'`),
      closes: count('day_closes'),
      explanations: count('discrepancy_notes'),
      deskLots: count('desk_lot_history'),
      vials: count('lot_vials'),
    };
    for (const [what, n] of Object.entries(day)) expect(n, what).toBeGreaterThan(0);

    drains.sort((a, b) => a - b);
    const byFault = FAULTS.map((f) => `${f} ${proxy.counts[f]}`).join(', ');
    console.log(
      `fault injection: ${SCHEDULES} schedules, ${PROCESSES} service process(es), ${proxy.injected + kills} faults injected over ${proxy.requests} requests ` +
        `(${byFault}, server kills ${kills}); outbox empty after healing: median ${(drains[drains.length >> 1] ?? 0).toFixed(0)} ms, worst ${(drains[drains.length - 1] ?? 0).toFixed(0)} ms; ` +
        `supervisor's day: ${Object.entries(day).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
    expect(proxy.injected).toBeGreaterThan(SCHEDULES);
    expect(kills).toBeGreaterThan(0);
    for (const fault of FAULTS) expect(proxy.counts[fault], fault).toBeGreaterThan(0);
  });
});

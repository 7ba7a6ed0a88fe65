import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venueDate } from '../../src/common/time';
import { TransportError, type SyncTransport, type TransportRequest, type TransportResponse } from '../../src/sync';
import { buildCentralApp } from '../../server/app';
import { issueEnrollmentCode } from '../../server/enrollment';
import { FeedWatch } from '../../server/feed-watch';
import { DEMO_NOW } from '../support/venue';
import { DEMO_TICKETS as T, freshCentralDb, manyPeople, seedMunicipality, type FreshCentral, type SeededMunicipality } from './support/central';
import { importRoster } from '../../server/roster';
import { rosterCsv } from '../fixtures/roster';
import { until, useDevices } from './support/devices';

/**
 * The sync service with its transport injected: the real central app is
 * called in-process (fastify.inject), and each test decides what the
 * "network" does to a request — fail it, lose its answer, hold it, or answer
 * it differently.
 */
type Interception = 'fail' | 'lose-answer' | TransportResponse | Promise<void> | null;

function injected(app: FastifyInstance, intercept: (request: TransportRequest) => Interception = () => null): SyncTransport & { requests: { at: number; request: TransportRequest }[] } {
  const requests: { at: number; request: TransportRequest }[] = [];
  return {
    requests,
    async send(request) {
      requests.push({ at: performance.now(), request });
      if (request.signal?.aborted) throw new TransportError('ABORTED', 'stopped');
      const mode = intercept(request);
      if (mode === 'fail') throw new TransportError('UNREACHABLE', 'the test network is down');
      if (mode instanceof Promise) await mode;
      else if (mode && mode !== 'lose-answer') return mode;
      // Stopping the service cancels a held long-poll, as a real connection would be closed.
      const cancelled = new Promise<never>((_, reject) =>
        request.signal?.addEventListener('abort', () => reject(new TransportError('ABORTED', 'stopped')), { once: true }),
      );
      cancelled.catch(() => {});
      const answer = await Promise.race([
        app.inject({
          method: request.method,
          url: request.path,
          headers: { ...(request.authorization ? { authorization: request.authorization } : {}), ...(request.body ? { 'content-type': 'application/json' } : {}) },
          payload: request.body,
        }),
        cancelled,
      ]);
      if (mode === 'lose-answer') throw new TransportError('TIMEOUT', 'the answer was lost');
      const retryAfter = answer.headers['retry-after'];
      return { status: answer.statusCode, body: answer.body, fingerprint: null, ...(retryAfter ? { retryAfter: String(retryAfter) } : {}) };
    },
  };
}

const today = venueDate(new Date(DEMO_NOW));
const newDevice = useDevices();
let central: FreshCentral;
let watch: FeedWatch;
let app: FastifyInstance;
let m: SeededMunicipality;
const SERVER = 'http://127.0.0.1:1';

beforeAll(async () => {
  central = await freshCentralDb();
  watch = await FeedWatch.start(central.db);
  app = buildCentralApp({ db: central.db, watch });
  await app.ready();
  m = await seedMunicipality(central.db, { today });
});

afterAll(async () => {
  await watch.close();
  await app.close();
  await central.drop();
});

const code = async (desk = 'R1') => (await issueEnrollmentCode(central.db, { venueId: m.venue, deskId: desk }, new Date())).code;
const isRecords = (r: TransportRequest) => r.path === '/v1/records';

describe('the sync service', () => {
  it('enrolls once even when the answer is lost: the retry is the same enrollment', async () => {
    let lost = false;
    const transport = injected(app, (r) => (r.path === '/v1/enroll' && !lost ? ((lost = true), 'lose-answer') : null));
    const device = newDevice({ transport });
    await device.enroll(SERVER, await code());
    const enrolls = transport.requests.filter((r) => r.request.path === '/v1/enroll').map((r) => JSON.parse(r.request.body ?? '{}') as { credentialHash: string });
    expect(enrolls).toHaveLength(2);
    expect(enrolls[0]?.credentialHash).toBe(enrolls[1]?.credentialHash);
    const deviceId = device.anonymous().ok('deviceStatus', {}).deviceId;
    const rows = await central.db.query<{ id: string }>(`SELECT id FROM devices WHERE desk_id = 'R1' AND venue_id = $1`, [m.venue]);
    expect(rows.map((r) => r.id)).toContain(deviceId);
    expect(device.anonymous().ok('enrollmentStatus', {}).state).toBe('enrolled');
  });

  it('backs off with jitter while the server cannot be reached, confirms nothing meanwhile, and empties the outbox once it can', async () => {
    let down = false;
    const transport = injected(app, () => (down ? 'fail' : null));
    const device = newDevice({ transport, tuning: { backoffBaseMs: 40, backoffMaxMs: 400 } });
    await device.enroll(SERVER, await code());
    await until(() => device.open() === 0, 5_000, 'the first audit head to go');
    down = true;
    const wentDown = performance.now();
    device.signIn('reception').ok('checkIn', { municipality: m.code, number: T.ok });
    const tries = () => transport.requests.filter((r) => isRecords(r.request) && r.at >= wentDown);
    await until(() => tries().length >= 6, 10_000, 'several tries');
    const times = tries().map((r) => r.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    // Each wait at least half its ceiling (20, 40, 80, 160, 200 ms…), never a tight loop.
    gaps.forEach((gap, i) => expect(gap, `gap ${i}`).toBeGreaterThanOrEqual(Math.min(400, 40 * 2 ** i) / 2 - 5));
    expect(gaps[gaps.length - 1]).toBeGreaterThan(gaps[0] ?? 0);
    expect(device.signIn('reception').ok('syncStatus', {})).toMatchObject({ online: false, lastError: { code: 'UNREACHABLE' }, records: { sent: 1 } });
    expect(device.db.prepare(`SELECT state FROM sync_outbox WHERE kind = 'checkin'`).get()).toEqual({ state: 'sent' });
    down = false;
    await until(() => device.open() === 0, 5_000, 'the outbox to empty');
    expect(device.signIn('reception').ok('syncStatus', {})).toMatchObject({ online: true, lastError: null });
  });

  it('a busy server’s Retry-After is honoured: the next upload comes no sooner, even when the feed answers meanwhile', async () => {
    let busyAnswers = 0;
    const busy: TransportResponse = {
      status: 429,
      body: JSON.stringify({ error: { code: 'SERVER_BUSY', message: { ja: '混雑', en: 'busy' } } }),
      fingerprint: null,
      retryAfter: '2',
    };
    const transport = injected(app, (r) => (isRecords(r) && busyAnswers < 2 ? (busyAnswers++, busy) : null));
    // A person of its own: the other tests check in the fixture's people at other desks today.
    await importRoster(central.db, { municipality: m.code, csv: rosterCsv(manyPeople(m.code, m.venue, today, 1, 7_200_000_000)), today });
    const device = newDevice({ transport, tuning: { backoffBaseMs: 40, backoffMaxMs: 400, longPollSeconds: 1 } });
    await device.enroll(SERVER, await code());
    expect(device.signIn('reception').ok('checkIn', { municipality: m.code, number: '7200000000' }).checkedIn).toBe(true);
    await until(() => device.open() === 0, 15_000, 'the outbox to empty');
    const attempts = transport.requests.filter((r) => isRecords(r.request)).map((r) => r.at);
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    // Two busy answers, each followed by a wait of at least the 2 s asked for (the backoff alone is under 0.4 s).
    expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect((attempts[2] ?? 0) - (attempts[1] ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect(device.signIn('reception').ok('syncStatus', {})).toMatchObject({ online: true, lastError: null });
  });

  it('confirms a record only once the server has answered for it', async () => {
    let release = () => {};
    let holding = false;
    let held = 0;
    const transport = injected(app, (r) => (holding && isRecords(r) ? (held++, new Promise<void>((resolve) => (release = resolve))) : null));
    const device = newDevice({ transport });
    await device.enroll(SERVER, await code());
    await until(() => device.open() === 0, 5_000, 'the first audit head to go');
    holding = true;
    const checkin = device.signIn('reception').ok('checkIn', { municipality: m.code, number: T.okSecond });
    if (!checkin.checkedIn) throw new Error(`not checked in: ${JSON.stringify(checkin)}`);
    const state = () => (device.db.prepare(`SELECT state FROM sync_outbox WHERE record_id = ?`).get(checkin.checkinId) as { state: string }).state;
    await until(() => state() === 'sent', 5_000, 'the record to be sent');
    // The upload has reached the server and its answer is held there: the service is waiting on it, and
    // whatever it does without the answer it has done once this turn of the event loop is over.
    await until(() => held > 0, 5_000, 'the upload to reach the server');
    await new Promise((resolve) => setImmediate(resolve));
    expect(state()).toBe('sent');
    holding = false;
    release();
    await until(() => state() === 'confirmed', 5_000, 'the answer');
  });

  it('does not apply a page that answers another cursor (a stale or duplicated answer)', async () => {
    let stale: TransportResponse | null = null;
    let served = 0;
    const transport = injected(app, (r) => {
      if (!r.path.startsWith('/v1/feed') || !stale) return null;
      served += 1;
      return served <= 3 ? stale : null;
    });
    const device = newDevice({ transport, tuning: { longPollSeconds: 1 } });
    await device.enroll(SERVER, await code());
    const people = (device.db.prepare(`SELECT count(*) AS n FROM people`).get() as { n: number }).n;
    // An old answer: the first page, from cursor 0, with a person renamed since.
    const first = await app.inject({ method: 'GET', url: '/v1/feed?after=0&limit=1000', headers: { authorization: transport.requests.find((x) => x.request.authorization)?.request.authorization ?? '' } });
    const renamed = first.body.replace('ヤマダ タロウ', 'ニセモノ タロウ');
    stale = { status: 200, body: renamed, fingerprint: null };
    await until(() => served > 3, 10_000, 'the stale answers');
    expect(device.db.prepare(`SELECT count(*) AS n FROM people WHERE name_kana = 'ニセモノ タロウ'`).get()).toEqual({ n: 0 });
    expect((device.db.prepare(`SELECT count(*) AS n FROM people`).get() as { n: number }).n).toBe(people);
  });

  it('sends fewer records at a time when the server says the batch is too large', async () => {
    const sizes: number[] = [];
    const transport = injected(app, (r) => {
      if (!isRecords(r)) return null;
      const n = (JSON.parse(r.body ?? '{}') as { records: unknown[] }).records.length;
      sizes.push(n);
      return n > 10 ? { status: 413, body: JSON.stringify({ error: { code: 'BODY_TOO_LARGE', message: { ja: '大きすぎます', en: 'too large' } } }), fingerprint: null } : null;
    });
    await importRoster(central.db, { municipality: m.code, csv: rosterCsv(manyPeople(m.code, m.venue, today, 40, 7_000_000_000)), today });
    const device = newDevice({ transport, started: false });
    device.start();
    await device.enroll(SERVER, await code());
    await device.stop();
    const reception = device.signIn('reception');
    for (let i = 0; i < 40; i++) reception.ok('checkIn', { municipality: m.code, number: String(7_000_000_000 + i).padStart(10, '0') });
    device.start();
    await until(() => device.open() === 0, 10_000, 'the outbox to empty in smaller batches');
    expect(Math.max(...sizes)).toBeGreaterThan(10);
    expect(sizes[sizes.length - 1]).toBeLessThanOrEqual(10);
  });

  it('reads everything again when the server is behind it (restored from an older copy), and sends again only what it lacks', async () => {
    let restored = false;
    const transport = injected(app, (r) => {
      if (!restored || !r.path.startsWith('/v1/feed')) return null;
      restored = false;
      // What a server restored from last night's copy says: its newest seq is below this device's cursor.
      const after = Number(/after=(\d+)/.exec(r.path)?.[1] ?? 0);
      return { status: 200, body: JSON.stringify({ after, next: after, more: false, remaining: null, head: 3, changes: [] }), fingerprint: null };
    });
    await importRoster(central.db, { municipality: m.code, csv: rosterCsv(manyPeople(m.code, m.venue, today, 1, 7_100_000_000)), today });
    const device = newDevice({ transport, tuning: { longPollSeconds: 1 } });
    await device.enroll(SERVER, await code());
    expect(device.signIn('reception').ok('checkIn', { municipality: m.code, number: '7100000000' }).checkedIn).toBe(true);
    await until(() => device.open() === 0, 5_000, 'the check-in to be confirmed');
    const applied = device.applied.reduce((n, e) => n + e.changes, 0);
    const compared = () => transport.requests.filter((r) => r.request.path === '/v1/reconcile' && (JSON.parse(r.request.body ?? '{}') as { everything?: boolean }).everything === true).length;
    const comparedBefore = compared();
    restored = true;
    // The whole feed is read again from the start …
    await until(() => device.applied.reduce((n, e) => n + e.changes, 0) >= 2 * applied, 10_000, 'the feed to be read again');
    expect(device.errors.map(String).join()).toContain('restored from an older copy');
    // … everything confirmed is compared with what the server holds, and as it holds it all, nothing goes up again.
    await until(() => compared() > comparedBefore, 10_000, 'a full comparison');
    expect(device.open()).toBe(0);
    expect(device.db.prepare(`SELECT DISTINCT outcome FROM sync_outbox WHERE kind = 'checkin'`).all()).toEqual([{ outcome: 'stored' }]);
  });

  it('touches the database no more once stop() is called, so the host may close it right away', async () => {
    const transport = injected(app);
    const device = newDevice({ transport });
    await device.enroll(SERVER, await code());
    device.signIn('reception').ok('checkIn', { municipality: m.code, number: T.okNw7 });
    const stopped = device.stop();
    device.app.runtime.close();
    // stop() settles once the service's last piece of work has ended: anything it did to the closed database is in errors by then.
    await stopped;
    expect(device.errors).toEqual([]);
  });
});

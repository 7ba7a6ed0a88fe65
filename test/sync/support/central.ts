import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { addDays } from '../../../src/common/time';
import { buildCentralApp } from '../../../server/app';
import { openCentralDb, type CentralDb } from '../../../server/db';
import { enroll, issueEnrollmentCode } from '../../../server/enrollment';
import { FeedWatch, type FeedWatchOptions } from '../../../server/feed-watch';
import { importProducts, importRoster } from '../../../server/roster';
import { addDesk, addMunicipality, addVenue } from '../../../server/setup';
import { createStaff, setUpStaffTotp } from '../../../server/staff';
import { municipalityCheckDigit } from '../../../src/privacy/checkdigits';
import { DEMO_PRODUCTS, DEMO_RECOVERY_CODES, DEMO_STAFF, DEMO_TICKETS, DEMO_TOTP_SECRET, demoPeople, demoProductsCsv } from '../../fixtures/demo';
import { rosterCsv, type FixturePerson } from '../../fixtures/roster';
import type { CheckinData, DayKind, DoseData, UploadRecord } from '../../../src/sync/protocol';

/**
 * The central side of tests: real PGlite by default, real PostgreSQL when
 * VENUE_TEST_DATABASE_URL names a server (a new database per test file is
 * created there and dropped after). `.ci/run` runs the server suites both ways.
 */
export const TEST_DATABASE_URL = process.env.VENUE_TEST_DATABASE_URL || null;

export interface FreshCentral {
  readonly db: CentralDb;
  /** The database's own URL (PostgreSQL), for a server process; null for in-memory PGlite. */
  readonly url: string | null;
  drop(): Promise<void>;
}

/** A new, empty, migrated central database. */
export async function freshCentralDb(): Promise<FreshCentral> {
  if (!TEST_DATABASE_URL) {
    const db = await openCentralDb({ dataDir: null });
    return { db, url: null, drop: () => db.close() };
  }
  const name = `venue_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const db = await openCentralDb({ dataDir: null, databaseUrl: url.toString() });
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const again = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

/** One central database for the whole test file; tests keep apart by using municipalities of their own. */
export function useCentralDb(): () => CentralDb {
  let fresh: FreshCentral | null = null;
  beforeAll(async () => {
    fresh = await freshCentralDb();
  });
  afterAll(async () => {
    await fresh?.drop();
  });
  return () => {
    if (!fresh) throw new Error('the central database is not open yet');
    return fresh.db;
  };
}

export interface ServedCentral {
  readonly url: string;
  readonly watch: FeedWatch;
  close(): Promise<void>;
}

/** The HTTP app on 127.0.0.1 (random port) around an open database. */
export async function serveCentral(
  db: CentralDb,
  options: { https?: { cert: string; key: string }; now?: () => Date; port?: number; log?: (line: string) => void; watch?: FeedWatchOptions } = {},
): Promise<ServedCentral> {
  const watch = await FeedWatch.start(db, options.watch);
  const app = buildCentralApp({ db, watch, https: options.https ?? null, clock: options.now ? { now: options.now } : undefined, log: options.log });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    watch,
    async close() {
      await watch.close();
      await app.close();
    },
  };
}

/** A central database and the service around it, for the whole test file (tests keep apart by municipality). */
export interface ServedFixture {
  readonly db: CentralDb;
  readonly served: ServedCentral;
}

/**
 * Starts a fresh central database and its HTTP service before the file's
 * tests and closes both after: the one setup the sync tests share.
 */
export function useServedCentral(options: Parameters<typeof serveCentral>[1] = {}): ServedFixture {
  let fresh: FreshCentral | null = null;
  let served: ServedCentral | null = null;
  beforeAll(async () => {
    fresh = await freshCentralDb();
    served = await serveCentral(fresh.db, options);
  });
  afterAll(async () => {
    await served?.close();
    await fresh?.drop();
  });
  const started = <T>(value: T | null): T => {
    if (value === null) throw new Error('the central service is not started yet');
    return value;
  };
  return {
    get db() {
      return started(fresh).db;
    },
    get served() {
      return started(served);
    },
  };
}

let counter = 0;

/** A valid municipality code no other test in this run uses (check digit included). */
export function newMunicipalityCode(): string {
  counter += 1;
  const firstFive = String(50_000 + ((process.pid * 7 + counter * 13) % 40_000)).padStart(5, '0');
  return `${firstFive}${municipalityCheckDigit(firstFive)}`;
}

export interface SeededMunicipality {
  readonly code: string;
  readonly name: string;
  /** Two venues; desks R1, R2, N1 at the first, R1 at the second. */
  readonly venue: string;
  readonly otherVenue: string;
  readonly today: string;
  readonly staffIds: Readonly<Record<keyof typeof DEMO_STAFF, string>>;
}

/** The demo people of test/fixtures/demo.ts, moved to another municipality and venue. */
export function peopleOf(code: string, venue: string, otherVenue: string, today: string): FixturePerson[] {
  return demoPeople(today).map((p) => ({
    ...p,
    municipality: code,
    bookings: p.bookings?.map((b) => ({ ...b, venue: b.venue === 'V001' ? venue : otherVenue })),
  }));
}

/**
 * A municipality with everything a venue device needs: two venues and their
 * desks, the demo products, the demo staff (same logins and passwords as the
 * demo, the supervisor with the demo's second factor), and the demo roster
 * (bookings today at the first venue).
 */
export async function seedMunicipality(db: CentralDb, options: { today: string; extraPeople?: FixturePerson[] }): Promise<SeededMunicipality> {
  const code = newMunicipalityCode();
  const suffix = code.slice(0, 5);
  const venue = `V${suffix}`;
  const otherVenue = `W${suffix}`;
  await addMunicipality(db, { code, name: `テスト市${suffix}` });
  await addVenue(db, { municipality: code, id: venue, name: '区民会館ホール' });
  await addVenue(db, { municipality: code, id: otherVenue, name: 'スポーツセンター' });
  for (const [id, name] of [
    ['R1', '受付1'],
    ['R2', '受付2'],
    ['N1', '接種ブース1'],
  ] as const) {
    await addDesk(db, { venueId: venue, id, name });
  }
  await addDesk(db, { venueId: otherVenue, id: 'R1', name: '受付1' });
  await importProducts(db, { municipality: code, csv: demoProductsCsv() });
  const staffIds: Record<string, string> = {};
  for (const [role, staff] of Object.entries(DEMO_STAFF)) {
    staffIds[role] = (await createStaff(db, { municipality: code, ...staff }, new Date())).id;
  }
  // The supervisor's second factor as the demo's (the device kits read it back to sign in).
  await setUpStaffTotp(db, { municipality: code, login: DEMO_STAFF.supervisor.login }, { secret: DEMO_TOTP_SECRET, recoveryCodes: DEMO_RECOVERY_CODES });
  const people = [...peopleOf(code, venue, otherVenue, options.today), ...(options.extraPeople ?? [])];
  await importRoster(db, { municipality: code, csv: rosterCsv(people), today: options.today });
  return { code, name: `テスト市${suffix}`, venue, otherVenue, today: options.today, staffIds: staffIds as SeededMunicipality['staffIds'] };
}

/** People with a booking today at the venue, for tests that need many fresh tickets. */
export function manyPeople(code: string, venue: string, today: string, count: number, first = 5_000_000_000): FixturePerson[] {
  const people: FixturePerson[] = [];
  for (let i = 0; i < count; i++) {
    const number = String(first + i).padStart(10, '0');
    people.push({
      municipality: code,
      ticketNumber: number,
      personRef: `P${number}`,
      nameKana: 'テスト タロウ',
      nameKanji: '試験 太郎',
      birthDate: addDays('1960-01-01', i % 3650),
      sex: i % 2 ? 'F' : 'M',
      bookings: [{ id: `BK-${number}`, venue, date: today, slot: '10:00-10:30', dose: 1, product: DEMO_PRODUCTS[0]?.id ?? 'PFZ-COMIRNATY' }],
    });
  }
  return people;
}

export { DEMO_STAFF, DEMO_TICKETS };

/**
 * Everything in the central database as one hash (devices' last-seen times
 * aside: a call that is refused after authentication may still mark the
 * device as seen). Equal before and after: nothing was written.
 */
export async function centralSnapshot(db: CentralDb): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    const select = table === 'devices' ? `SELECT id, revoked_at, credential_hash FROM devices` : `SELECT * FROM "${table}"`;
    const [row] = await db.query<{ digest: string | null }>(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM (${select}) t`);
    parts.push(`${table}:${row?.digest ?? '-'}`);
  }
  const [seq] = await db.query<{ last_value: number }>(`SELECT last_value FROM feed_seq`);
  parts.push(`feed_seq:${seq?.last_value ?? 0}`);
  return parts.join('\n');
}

/** Enrolls a device straight through the server code (no HTTP), with a known secret. */
export async function enrollDirect(db: CentralDb, venueId: string, deskId: string): Promise<{ deviceId: string; secret: string; authorization: string }> {
  const secret = randomBytes(32).toString('base64url');
  const { code } = await issueEnrollmentCode(db, { venueId, deskId }, new Date());
  const answer = await enroll(db, { code, credentialHash: createHash('sha256').update(secret).digest('hex') }, new Date());
  return { deviceId: answer.deviceId, secret, authorization: `Bearer ${answer.deviceId}.${secret}` };
}

let recordCounter = 0;

/** A record id (UUIDv7-shaped) no other test uses. */
export function newRecordId(): string {
  recordCounter += 1;
  const hex = (process.pid * 1_000_000 + recordCounter).toString(16).padStart(12, '0').slice(-12);
  return `01a00000-0000-7000-8000-${hex}`;
}

/** A check-in as a device uploads it. */
export function checkinRecord(m: { code: string; venue: string }, ticketNumber: string, over: Partial<CheckinData> = {}): UploadRecord {
  return {
    kind: 'checkin',
    data: {
      id: newRecordId(), municipality: m.code, ticketNumber, bookingId: null, doseNumber: 1, venueId: m.venue, deskId: 'R1',
      staffId: 'staff-1', at: '2026-11-23T10:00:00.000+09:00', venueDate: '2026-11-23', walkInApprovedBy: null, ...over,
    },
  };
}

/** A performed dose as a device uploads it. */
export function doseRecord(m: { code: string; venue: string }, ticketNumber: string, over: Partial<DoseData> = {}): UploadRecord {
  return {
    kind: 'dose',
    data: {
      id: newRecordId(), municipality: m.code, ticketNumber, doseNumber: 1, status: 'performed', reason: null,
      givenAt: '2026-11-23T10:05:00.000+09:00', venueDate: '2026-11-23', venueId: m.venue, deskId: 'N1',
      productId: 'PFZ-COMIRNATY', productName: 'コミナティ筋注', maker: 'ファイザー', lotId: 'lot-1', lotNumber: 'FA1234', expiry: '2027-06-30',
      volumeMl: 0.3, site: 'left_arm', nurseId: 'nurse-1', doctor: '医師 一郎', checkinId: null, recordedAt: '2026-11-23T10:05:30.000+09:00', replaces: null,
      observationMinutes: 15, ...over,
    },
  };
}

type DayUpload<K extends DayKind> = Extract<UploadRecord, { kind: K }>;

/**
 * The supervisor's-day records as a device uploads them, for venue m
 * (municipality m.code): each with a fresh id, any field overridable.
 */
export const dayRecord = {
  walkInRequest(m: { code: string; venue: string }, ticketNumber: string, over: Partial<DayUpload<'walkin_request'>['data']> = {}): DayUpload<'walkin_request'> {
    return {
      kind: 'walkin_request',
      data: {
        id: newRecordId(), municipality: m.code, ticketNumber, venueId: m.venue, venueDate: '2026-11-23', deskId: 'R1', requestedBy: 'reception-1',
        requestedAt: '2026-11-23T10:00:00.000+09:00', verdictCode: 'WRONG_VENUE', ...over,
      },
    };
  },
  walkInDecision(request: DayUpload<'walkin_request'>, over: Partial<DayUpload<'walkin_decision'>['data']> = {}): DayUpload<'walkin_decision'> {
    const r = request.data;
    return {
      kind: 'walkin_decision',
      data: {
        id: newRecordId(), requestId: r.id, municipality: r.municipality, ticketNumber: r.ticketNumber, venueId: r.venueId, venueDate: r.venueDate,
        deskId: 'R2', outcome: 'approved', productId: 'PFZ-COMIRNATY', reason: '予約会場が遠いため', decidedBy: 'supervisor-1',
        decidedAt: '2026-11-23T10:02:00.000+09:00', ...over,
      },
    };
  },
  observationOutcome(m: { venue: string }, doseId: string, over: Partial<DayUpload<'observation_outcome'>['data']> = {}): DayUpload<'observation_outcome'> {
    return {
      kind: 'observation_outcome',
      data: { id: newRecordId(), doseId, venueId: m.venue, outcome: 'released', note: null, staffId: 'nurse-1', at: '2026-11-23T10:25:00.000+09:00', ...over },
    };
  },
  dayClose(m: { venue: string }, over: Partial<DayUpload<'day_close'>['data']> = {}): DayUpload<'day_close'> {
    return {
      kind: 'day_close',
      data: { id: newRecordId(), venueId: m.venue, venueDate: '2026-11-23', staffId: 'supervisor-1', at: '2026-11-23T18:00:00.000+09:00', note: '本日分の締め', summary: { checkedIn: 2, vaccinated: 2 }, ...over },
    };
  },
  discrepancyNote(m: { venue: string }, over: Partial<DayUpload<'discrepancy_note'>['data']> = {}): DayUpload<'discrepancy_note'> {
    return {
      kind: 'discrepancy_note',
      data: { id: newRecordId(), venueId: m.venue, venueDate: '2026-11-23', key: `dose-no-checkin:${newRecordId()}`, note: '受付漏れ、本人確認済み', staffId: 'supervisor-1', at: '2026-11-23T17:00:00.000+09:00', ...over },
    };
  },
  deskLot(m: { venue: string }, lotId: string, over: Partial<DayUpload<'desk_lot'>['data']> = {}): DayUpload<'desk_lot'> {
    return { kind: 'desk_lot', data: { id: newRecordId(), venueId: m.venue, deskId: 'N1', lotId, staffId: 'nurse-1', fromAt: '2026-11-23T09:00:00.000+09:00', ...over } };
  },
  lotVials(m: { venue: string }, lotId: string, over: Partial<DayUpload<'lot_vials'>['data']> = {}): DayUpload<'lot_vials'> {
    return { kind: 'lot_vials', data: { id: newRecordId(), venueId: m.venue, venueDate: '2026-11-23', lotId, vials: 4, staffId: 'nurse-1', at: '2026-11-23T12:00:00.000+09:00', ...over } };
  },
  dayReopen(m: { venue: string }, closeId: string, over: Partial<DayUpload<'day_reopen'>['data']> = {}): DayUpload<'day_reopen'> {
    return {
      kind: 'day_reopen',
      data: { id: newRecordId(), venueId: m.venue, venueDate: '2026-11-23', closeId, staffId: 'supervisor-1', at: '2026-11-23T18:10:00.000+09:00', reason: '待機中の方の接種を記録するため', ...over },
    };
  },
  deskDoctor(m: { venue: string }, over: Partial<DayUpload<'desk_doctor'>['data']> = {}): DayUpload<'desk_doctor'> {
    return { kind: 'desk_doctor', data: { id: newRecordId(), venueId: m.venue, deskId: 'N1', venueDate: '2026-11-23', doctor: '予診 医師', staffId: 'supervisor-1', at: '2026-11-23T09:00:00.000+09:00', ...over } };
  },
  lot(m: { venue: string }, over: Partial<Extract<UploadRecord, { kind: 'lot' }>['data']> = {}): Extract<UploadRecord, { kind: 'lot' }> {
    return {
      kind: 'lot',
      data: { id: `lot-${newRecordId().slice(-8)}`, venueId: m.venue, productId: 'PFZ-COMIRNATY', lotNumber: `L${newRecordId().slice(-6)}`, expiry: '2027-06-30', addedBy: null, addedAt: '2026-11-23T08:00:00.000+09:00', ...over },
    };
  },
};

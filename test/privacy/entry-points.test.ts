import { beforeAll, describe, expect, it } from 'vitest';
import type { InputOf, OperationName } from '../../src/api/contract';
import { writeCsv } from '../../src/roster/csv';
import { PRODUCT_COLUMNS, parseProductsCsv } from '../../src/roster/products-csv';
import { RosterImportError } from '../../src/roster/import-errors';
import { parseRosterCsv } from '../../src/roster/roster-csv';
import { ROSTER_COLUMNS } from '../../src/roster/roster-format';
import type { UploadRecord } from '../../src/sync/protocol';
import { runAdminCommand } from '../../server/cli/commands';
import { DEMO_MUNICIPALITY as M, DEMO_PRODUCTS, DEMO_TICKETS as T, demoPeople } from '../fixtures/demo';
import { rosterRows, type FixturePerson } from '../fixtures/roster';
import { databaseSnapshot } from '../support/snapshot';
import { useTestVenue, type Desk, type TestVenue } from '../support/venue';
import { centralSnapshot, checkinRecord, dayRecord, doseRecord, enrollDirect, newRecordId, seedMunicipality, useServedCentral, type SeededMunicipality } from '../sync/support/central';

/**
 * Issue 11, points 2 and 3: an individual number written with any separator,
 * or inside a name, a lot number or an e-mail address, is refused at every
 * way in — the device contract, the central service's uploads and
 * enrollment, the admin command line, the roster and product CSV imports —
 * with a refusal that never repeats it, and nothing is written.
 */

// 123456789018 carries a valid individual-number check digit.
const EXAMPLES: readonly (readonly [string, string])[] = [
  ['dots', '1234.5678.9018'],
  ['slashes', '1234/5678/9018'],
  ['underscores', '1234_5678_9018'],
  ['zero-width spaces', '1234\u200B5678\u200B9018'],
  ['a lot number', 'L123456789018'],
  ['a name', '山田 123456789018'],
  ['an e-mail address', '123456789018@example.jp'],
];

/** Nothing of the number comes back: not the value, not its digits, not its last group. */
function expectNoEcho(answer: unknown, value: string): void {
  const text = JSON.stringify(answer) + String(answer);
  expect(text).not.toContain(value);
  expect(text).not.toContain('123456789018');
  expect(text).not.toContain('9018');
}

// ---------------------------------------------------------------------------
// The device contract

const newVenue = useTestVenue();
const RECORD = '01900000-0000-7000-8000-000000000000';

type Call = { [N in OperationName]: readonly [N, InputOf<N>] }[OperationName];

/** The device's text fields that the value fits, each in an otherwise valid call. */
function contractCalls(value: string, lotId: string): Call[] {
  return [
    ['createStaff', { login: 'new.staff', displayName: value, role: 'reception', password: 'new-staff-pass' }],
    ['createStaff', { login: value, displayName: '新人 一郎', role: 'reception', password: 'new-staff-pass' }],
    ['addDesk', { id: 'R9', name: value }],
    ['addDesk', { id: value, name: '受付9' }],
    ['addLot', { productId: 'PFZ-COMIRNATY', lotNumber: value, expiry: '2027-06-30' }],
    ['voidRecord', { recordId: RECORD, reason: `取り違え ${value}` }],
    ['recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', lotId, doctor: value }],
    ['recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'not_performed', reason: value }],
    ['endObservation', { doseId: RECORD, outcome: 'referred', note: value }],
    ['closeDay', { note: `確認 ${value}` }],
    ['explainDiscrepancy', { key: `checked-in-no-dose:${RECORD}`, note: value }],
    ['decideWalkIn', { requestId: RECORD, approve: false, reason: value }],
    ['resolveConflict', { conflictId: RECORD, note: value }],
    ['requestEnrollment', { serverUrl: 'https://central.example.jp:8443', code: 'ABCDE-FGHJK-MNPQR-STVWX', deviceName: value }],
    ['setupDevice', { venue: { id: 'V9', name: value, municipality: M }, desk: { id: 'D9', name: '受付9' }, supervisor: { login: 'boss', displayName: '管理 者', password: 'boss-pass-123' } }],
  ];
}

function lotOf(venue: TestVenue): string {
  return (venue.db.prepare(`SELECT id FROM lots ORDER BY lot_number LIMIT 1`).get() as { id: string }).id;
}

function expectContractRefuses(venue: TestVenue, desk: Desk, calls: readonly Call[], value: string): void {
  const before = databaseSnapshot(venue.db);
  for (const [name, input] of calls) {
    const reply = desk.connection.call(name, input);
    expect(reply.ok, `${name} accepted ${JSON.stringify(input)}`).toBe(false);
    if (!reply.ok) expect(reply.error.code, `${name} ${JSON.stringify(input)}`).toBe('INDIVIDUAL_NUMBER');
    expectNoEcho(reply, value);
  }
  expect(databaseSnapshot(venue.db)).toBe(before);
}

// ---------------------------------------------------------------------------
// The central service

const central = useServedCentral();
let m: SeededMunicipality;
let device: { authorization: string };

beforeAll(async () => {
  m = await seedMunicipality(central.db, { today: '2026-11-23' });
  device = await enrollDirect(central.db, m.venue, 'N1');
  // Seen once, so a refusal afterwards writes nothing at all.
  await fetch(`${central.served.url}/v1/feed?after=0&limit=1`, { headers: { authorization: device.authorization } });
});

async function post(path: string, body: unknown, authorization?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${central.served.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Every text field of the records a device uploads, each in an otherwise valid record. */
function uploadRecords(value: string): UploadRecord[] {
  const request = dayRecord.walkInRequest(m, T.tooYoung);
  const dose = doseRecord(m, T.ok);
  return [
    doseRecord(m, T.ok, { lotNumber: value }),
    doseRecord(m, T.ok, { maker: value }),
    doseRecord(m, T.ok, { productName: value }),
    doseRecord(m, T.ok, { productId: value }),
    doseRecord(m, T.ok, { lotId: value }),
    doseRecord(m, T.ok, { doctor: value }),
    doseRecord(m, T.ok, { nurseId: value }),
    doseRecord(m, T.ok, { status: 'not_performed', reason: value, lotId: null }),
    checkinRecord(m, T.ok, { bookingId: value }),
    checkinRecord(m, T.ok, { staffId: value }),
    checkinRecord(m, T.ok, { walkInApprovedBy: value }),
    { kind: 'void', data: { id: newRecordId(), targetKind: 'dose', targetId: dose.data.id, reason: `取り違え ${value}`, staffId: 'supervisor-1', at: '2026-11-23T11:30:00.000+09:00' } },
    { kind: 'void', data: { id: newRecordId(), targetKind: 'dose', targetId: dose.data.id, reason: '取り違え', staffId: value, at: '2026-11-23T11:30:00.000+09:00' } },
    dayRecord.lot(m, { lotNumber: value }),
    dayRecord.lot(m, { addedBy: value }),
    { kind: 'resolution', data: { id: newRecordId(), conflictId: RECORD, staffId: 'supervisor-1', at: '2026-11-23T12:00:00.000+09:00', note: value } },
    { kind: 'resolution', data: { id: newRecordId(), conflictId: RECORD, staffId: value, at: '2026-11-23T12:00:00.000+09:00', note: '確認済み' } },
    dayRecord.walkInRequest(m, T.tooYoung, { requestedBy: value }),
    dayRecord.walkInDecision(request, { reason: value }),
    dayRecord.observationOutcome(m, dose.data.id, { outcome: 'referred', note: value }),
    dayRecord.dayClose(m, { note: `確認 ${value}` }),
    dayRecord.dayClose(m, { summary: { [value]: 1 } }),
    dayRecord.discrepancyNote(m, { note: value }),
  ];
}

async function expectUploadRefuses(records: readonly UploadRecord[], value: string): Promise<void> {
  const before = await centralSnapshot(central.db);
  for (const record of records) {
    const answer = await post('/v1/records', { records: [record] }, device.authorization);
    expect(answer.status, `${record.kind} ${JSON.stringify(record.data)}`).toBe(400);
    expect(answer.body, `${record.kind} ${JSON.stringify(record.data)}`).toMatchObject({ error: { code: 'INDIVIDUAL_NUMBER' } });
    expectNoEcho(answer.body, value);
  }
  expect(await centralSnapshot(central.db)).toBe(before);
}

// ---------------------------------------------------------------------------
// CSV imports

function rosterWith(change: (p: FixturePerson) => FixturePerson): Buffer {
  const people = demoPeople('2026-11-23');
  return writeCsv([...ROSTER_COLUMNS], rosterRows([people[2] as FixturePerson, change(people[1] as FixturePerson)]), { encoding: 'utf-8' });
}

function productsWith(column: string, value: string): Buffer {
  const rows = DEMO_PRODUCTS.map((p, i) => {
    const cells: Record<string, string> = {
      product_code: p.id, maker: p.maker, product_name: p.name, vaccine_type: p.vaccineType, gtins: p.gtins.join(';'), dose_volume_ml: String(p.doseVolumeMl),
      min_interval_days: String(p.minIntervalDays), min_age: String(p.minAge), max_age: '', observation_minutes: '', doses_per_vial: String(p.dosesPerVial),
    };
    if (i === 1) cells[column] = value;
    return PRODUCT_COLUMNS.map((c) => cells[c] ?? '');
  });
  return writeCsv([...PRODUCT_COLUMNS], rows, { encoding: 'utf-8' });
}

function expectImportRefuses(parse: () => unknown, value: string, column: string): void {
  let error: unknown = null;
  try {
    parse();
  } catch (e) {
    error = e;
  }
  expect(error, `${column} accepted`).toBeInstanceOf(RosterImportError);
  expect(error, column).toMatchObject({ code: 'INDIVIDUAL_NUMBER_VALUE', row: 3, column });
  expectNoEcho(error, value);
  expectNoEcho((error as RosterImportError).staffMessage, value);
}

function expectCsvRefuses(value: string): void {
  const roster = (change: (p: FixturePerson) => FixturePerson) => () => [...parseRosterCsv(rosterWith(change), { today: '2026-11-23' })];
  expectImportRefuses(roster((p) => ({ ...p, nameKanji: value })), value, 'name_kanji');
  expectImportRefuses(roster((p) => ({ ...p, email: value })), value, 'email');
  expectImportRefuses(roster((p) => ({ ...p, phone: value })), value, 'phone');
  expectImportRefuses(roster((p) => ({ ...p, personRef: value })), value, 'person_ref');
  expectImportRefuses(roster((p) => ({ ...p, priorDoses: [{ dose: 1, date: '2026-09-01', product: 'PFZ-COMIRNATY', place: value }] })), value, 'prior_doses');
  for (const column of ['maker', 'product_name', 'vaccine_type', 'product_code']) {
    expectImportRefuses(() => parseProductsCsv(productsWith(column, value)), value, column);
  }
}

// ---------------------------------------------------------------------------

describe('the issue’s examples are refused at the device, the central service and the CSV imports', () => {
  for (const [name, value] of EXAMPLES) {
    it(`${name}: ${JSON.stringify(value)}`, async () => {
      const venue = newVenue();
      expectContractRefuses(venue, venue.signIn('supervisor'), contractCalls(value, lotOf(venue)), value);
      await expectUploadRefuses(uploadRecords(value), value);
      const enrolled = await post('/v1/enroll', { code: 'ABCDE-FGHJK-MNPQR-STVWX', credentialHash: 'a'.repeat(64), deviceName: value });
      expect(enrolled).toMatchObject({ status: 400, body: { error: { code: 'INDIVIDUAL_NUMBER' } } });
      expectNoEcho(enrolled.body, value);
      expectCsvRefuses(value);
    });
  }
});

/** The admin command line as the administrator runs it; its whole output must not repeat the number. */
async function admin(argv: string[], value: string): Promise<string> {
  const result = await runAdminCommand({ db: central.db, clock: { now: () => new Date('2026-11-23T03:00:00Z') }, fingerprint: null }, argv, '');
  const output = `${result.stdout.toString('utf8')}${result.stderr.toString('utf8')}`;
  expect(result.code, `${argv.join(' ')} → ${output}`).not.toBe(0);
  expect(output).toContain('INDIVIDUAL_NUMBER');
  expectNoEcho(output, value);
  return output;
}

describe('fields that had no check at all (point 3)', () => {
  const spaced = '番号 1234 5678 9018 の方';
  const dotted = '1234.5678.9018';

  it('conflict resolution notes: on the device, in uploads, at the admin command line', async () => {
    const venue = newVenue();
    expectContractRefuses(venue, venue.signIn('supervisor'), [['resolveConflict', { conflictId: RECORD, note: spaced }]], spaced);
    await expectUploadRefuses([{ kind: 'resolution', data: { id: newRecordId(), conflictId: RECORD, staffId: 'supervisor-1', at: '2026-11-23T12:00:00.000+09:00', note: spaced } }], spaced);
    const before = await centralSnapshot(central.db);
    await admin(['conflicts', 'resolve', RECORD, '--note', spaced], spaced);
    await admin(['conflicts', 'resolve', RECORD, '--note', '確認済み', '--by', dotted], dotted);
    expect(await centralSnapshot(central.db)).toBe(before);
  });

  it('lot number, maker, product name, staff and booking ids in uploads', async () => {
    await expectUploadRefuses(
      [
        doseRecord(m, T.ok, { lotNumber: dotted }),
        doseRecord(m, T.ok, { maker: dotted }),
        doseRecord(m, T.ok, { productName: spaced }),
        doseRecord(m, T.ok, { nurseId: dotted }),
        checkinRecord(m, T.ok, { bookingId: dotted }),
        checkinRecord(m, T.ok, { staffId: dotted }),
        dayRecord.lot(m, { lotNumber: dotted }),
      ],
      dotted,
    );
  });

  it('staff login and display name: on the device and at the admin command line', async () => {
    const venue = newVenue();
    expectContractRefuses(
      venue,
      venue.signIn('supervisor'),
      [
        ['createStaff', { login: dotted, displayName: '新人', role: 'reception', password: 'new-staff-pass' }],
        ['createStaff', { login: 'new.staff', displayName: spaced, role: 'reception', password: 'new-staff-pass' }],
      ],
      dotted,
    );
    const before = await centralSnapshot(central.db);
    await admin(['staff', 'add', m.code, dotted, '新人', 'reception'], dotted);
    await admin(['staff', 'add', m.code, 'new.staff', spaced, 'reception'], spaced);
    expect(await centralSnapshot(central.db)).toBe(before);
  });

  it('desk and venue ids and names: on the device and at the admin command line', async () => {
    const venue = newVenue();
    expectContractRefuses(
      venue,
      venue.signIn('supervisor'),
      [
        ['addDesk', { id: dotted, name: '受付9' }],
        ['addDesk', { id: 'R9', name: spaced }],
      ],
      dotted,
    );
    const fresh = newVenue({ seed: false });
    const setup = (venueId: string, venueName: string, deskId: string, deskName: string): Call =>
      ['setupDevice', { venue: { id: venueId, name: venueName, municipality: M }, desk: { id: deskId, name: deskName }, supervisor: { login: 'boss', displayName: '管理 者', password: 'boss-pass-123' } }];
    expectContractRefuses(fresh, fresh.anonymous(), [setup(dotted, '会場', 'D1', '受付'), setup('V1', spaced, 'D1', '受付'), setup('V1', '会場', dotted, '受付'), setup('V1', '会場', 'D1', spaced)], dotted);
    const before = await centralSnapshot(central.db);
    await admin(['venue', 'add', m.code, '1234_5678_9018', '会場'], '1234_5678_9018');
    await admin(['venue', 'add', m.code, 'V9', spaced], spaced);
    await admin(['desk', 'add', m.venue, dotted, '受付'], dotted);
    await admin(['desk', 'add', m.venue, 'R9', spaced], spaced);
    await admin(['municipality', 'add', m.code, spaced], spaced);
    expect(await centralSnapshot(central.db)).toBe(before);
  });

  it('device names at enrollment: on the device and at the central service', async () => {
    const fresh = newVenue({ seed: false });
    expectContractRefuses(fresh, fresh.anonymous(), [['requestEnrollment', { serverUrl: 'https://central.example.jp:8443', code: 'ABCDE-FGHJK-MNPQR-STVWX', deviceName: `受付 ${dotted}` }]], dotted);
    const before = await centralSnapshot(central.db);
    const enrolled = await post('/v1/enroll', { code: 'ABCDE-FGHJK-MNPQR-STVWX', credentialHash: 'a'.repeat(64), deviceName: `受付 ${dotted}` });
    expect(enrolled).toMatchObject({ status: 400, body: { error: { code: 'INDIVIDUAL_NUMBER' } } });
    expectNoEcho(enrolled.body, dotted);
    expect(await centralSnapshot(central.db)).toBe(before);
  });

  it('observation notes: on the device and in uploads', async () => {
    const venue = newVenue();
    expectContractRefuses(venue, venue.signIn('nurse', 'N1'), [['endObservation', { doseId: RECORD, outcome: 'referred', note: `医師へ ${dotted}` }]], dotted);
    await expectUploadRefuses([dayRecord.observationOutcome(m, RECORD, { outcome: 'referred', note: `医師へ ${dotted}` })], dotted);
  });

  it('void reasons with separators: on the device and in uploads', async () => {
    const venue = newVenue();
    const supervisor = venue.signIn('supervisor');
    const slashed = '番号1234/5678/9018と取り違え';
    expectContractRefuses(venue, supervisor, [['voidRecord', { recordId: RECORD, reason: slashed }]], slashed);
    await expectUploadRefuses(
      [{ kind: 'void', data: { id: newRecordId(), targetKind: 'dose', targetId: RECORD, reason: slashed, staffId: 'supervisor-1', at: '2026-11-23T11:30:00.000+09:00' } }],
      slashed,
    );
  });
});

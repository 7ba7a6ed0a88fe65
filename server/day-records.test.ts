import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../src/sync/digest';
import { apiErrorSchema, conflictData, DAY_KINDS, type UploadRecord } from '../src/sync/protocol';
import { DEMO_TICKETS as T } from '../test/fixtures/demo';
import { centralSnapshot, dayRecord, doseRecord, enrollDirect, newRecordId, seedMunicipality, useServedCentral, type SeededMunicipality } from '../test/sync/support/central';
import type { DeviceRow } from './device-row';
import { readPage } from './feed';
import { deviceDigest, storeRecords } from './records';

/**
 * The supervisor's-day records at the central service: stored once per id,
 * on the feed of their venue only, a walk-in decided twice flagged as a
 * conflict, and every refusal a 4xx that writes nothing.
 */
const central = useServedCentral();
let m: SeededMunicipality;
let other: SeededMunicipality;
let reception: DeviceRow;
let supervisor: DeviceRow;
let http: { authorization: string };
let elsewhereHttp: { authorization: string };
/** The central service's time of receipt: after every record of the day (18:00 at the venue, the day's close). */
const now = new Date('2026-11-23T10:00:00Z');

async function deviceRow(id: string): Promise<DeviceRow> {
  const [row] = await central.db.query<DeviceRow>(`SELECT id, municipality, venue_id, desk_id, credential_hash, revoked_at, last_seen_at FROM devices WHERE id = $1`, [id]);
  if (!row) throw new Error('no device');
  return row;
}

beforeAll(async () => {
  m = await seedMunicipality(central.db, { today: '2026-11-23' });
  other = await seedMunicipality(central.db, { today: '2026-11-23' });
  reception = await deviceRow((await enrollDirect(central.db, m.venue, 'R1')).deviceId);
  supervisor = await deviceRow((await enrollDirect(central.db, m.venue, 'R2')).deviceId);
  http = await enrollDirect(central.db, m.venue, 'N1');
  elsewhereHttp = await enrollDirect(central.db, m.otherVenue, 'R1');
  // Mark the HTTP devices seen, so the refusals below write nothing at all.
  for (const device of [http, elsewhereHttp]) await fetch(`${central.served.url}/v1/feed?after=0&limit=1`, { headers: { authorization: device.authorization } });
});

async function feedAfter(venueId: string, after: number) {
  const page = await readPage(central.db, { municipality: m.code, venueId, after, limit: 10_000, count: false });
  return (JSON.parse(page.json) as { changes: { kind: string; key: string; data: unknown }[] }).changes;
}

async function head(): Promise<number> {
  const [row] = await central.db.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM feed`);
  return row?.seq ?? 0;
}

async function upload(records: readonly unknown[], authorization = http.authorization): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${central.served.url}/v1/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ records }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Refused with this status and code, in both languages, and the central database is exactly as it was. */
async function refused(records: readonly unknown[], status: number, code: string, authorization = http.authorization) {
  const before = await centralSnapshot(central.db);
  const answer = await upload(records, authorization);
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  const parsed = apiErrorSchema.parse(answer.body);
  expect(parsed.error.code).toBe(code);
  expect(parsed.error.message.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  expect(await centralSnapshot(central.db)).toBe(before);
  return parsed;
}

/** One record of every kind, for venue m, the walk-in and lot they name included. */
function oneOfEach(): UploadRecord[] {
  const lot = dayRecord.lot(m);
  const request = dayRecord.walkInRequest(m, T.otherVenue);
  const dose = doseRecord(m, T.okNw7);
  const close = dayRecord.dayClose(m);
  return [
    lot,
    request,
    dayRecord.walkInDecision(request),
    dose,
    dayRecord.observationOutcome(m, dose.data.id),
    close,
    dayRecord.dayReopen(m, close.data.id),
    dayRecord.deskDoctor(m),
    dayRecord.discrepancyNote(m),
    dayRecord.deskLot(m, lot.data.id),
    dayRecord.lotVials(m, lot.data.id),
  ];
}

describe('storing the supervisor’s day', () => {
  it('stores each record once, puts it on its venue’s feed only, and counts it in the device’s digest', async () => {
    const device = await deviceRow((await enrollDirect(central.db, m.venue, 'R1')).deviceId);
    const records = oneOfEach();
    const before = await head();
    expect((await storeRecords(central.db, device, records, now)).map((r) => r.status)).toEqual(records.map(() => 'stored'));
    expect((await storeRecords(central.db, device, records, now)).map((r) => r.status)).toEqual(records.map(() => 'duplicate'));
    const reused = { ...records[2], data: { ...records[2]?.data, reason: '別の理由で承認' } } as UploadRecord;
    expect((await storeRecords(central.db, device, [reused], now))[0]).toMatchObject({ status: 'rejected', error: { code: 'ID_REUSED' } });

    const here = await feedAfter(m.venue, before);
    expect(here.filter((c) => (DAY_KINDS as readonly string[]).includes(c.kind)).map((c) => c.kind).sort()).toEqual([...DAY_KINDS].sort());
    // Exactly as uploaded: the other desks apply what this desk recorded.
    const decision = here.find((c) => c.kind === 'walkin_decision');
    expect(decision?.data).toEqual(records[2]?.data);
    expect((await feedAfter(m.otherVenue, before)).filter((c) => c.kind !== 'person')).toEqual([]);

    const expected = digestOf(records.map((r) => ({ id: r.data.id, kind: r.kind, bodyHash: createHash('sha256').update(JSON.stringify(r.data)).digest('hex') })));
    expect(await deviceDigest(central.db, device.id)).toEqual(expected);
    // The central service knows the day is closed.
    const [closed] = await central.db.query<{ venue_date: string }>(`SELECT venue_date FROM day_closes WHERE venue_id = $1 AND device_id = $2`, [m.venue, device.id]);
    expect(closed?.venue_date).toBe('2026-11-23');
  });

  it('accepts a decision before its request (devices send again in any order after a central restore)', async () => {
    const request = dayRecord.walkInRequest(m, T.bookedOtherDay, { verdictCode: 'NOT_BOOKED_TODAY' });
    const decision = dayRecord.walkInDecision(request);
    expect((await storeRecords(central.db, supervisor, [decision], now))[0]?.status).toBe('stored');
    expect((await storeRecords(central.db, reception, [request], now))[0]?.status).toBe('stored');
  });

  it('flags a walk-in request decided on two devices as a conflict for the venue, keeps both, and a resolution closes it', async () => {
    const request = dayRecord.walkInRequest(m, T.tooSoon);
    const first = dayRecord.walkInDecision(request, { outcome: 'declined', productId: null, decidedAt: '2026-11-23T10:01:00.000+09:00' });
    const second = dayRecord.walkInDecision(request, { deskId: 'R1', decidedAt: '2026-11-23T10:03:00.000+09:00' });
    await storeRecords(central.db, reception, [request, first], now);
    const before = await head();
    const answer = await storeRecords(central.db, supervisor, [second], now);
    expect(answer[0]?.status).toBe('conflict');
    const conflict = conflictData.parse(answer[0]?.conflict);
    expect(conflict).toMatchObject({ kind: 'walkin', ticketNumber: T.tooSoon, doseNumber: null, venueDate: '2026-11-23', resolvedAt: null });
    expect(conflict.records.map((r) => [r.id, r.at])).toEqual([
      [first.data.id, first.data.decidedAt],
      [second.data.id, second.data.decidedAt],
    ]);
    expect((await feedAfter(m.venue, before)).map((c) => c.kind).sort()).toEqual(['conflict', 'walkin_decision']);
    const [kept] = await central.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM walkin_decisions WHERE request_id = $1`, [request.data.id]);
    expect(kept?.n).toBe(2);
    // A third decision joins the same conflict; another request's double decision is another conflict.
    const third = await storeRecords(central.db, reception, [dayRecord.walkInDecision(request, { decidedAt: '2026-11-23T10:04:00.000+09:00' })], now);
    expect(third[0]?.conflict?.id).toBe(conflict.id);
    expect(third[0]?.conflict?.records).toHaveLength(3);

    const resolution: UploadRecord = { kind: 'resolution', data: { id: newRecordId(), conflictId: conflict.id, staffId: m.staffIds.supervisor, at: '2026-11-23T10:10:00.000+09:00', note: '先の判断（辞退）を採用' } };
    expect((await storeRecords(central.db, supervisor, [resolution], now))[0]?.status).toBe('stored');
    const [row] = await central.db.query<{ resolved_by: string | null }>(`SELECT resolved_by FROM conflicts WHERE id = $1`, [conflict.id]);
    expect(row?.resolved_by).toBe(m.staffIds.supervisor);
  });
});

describe('refusals of the supervisor’s day', () => {
  it('any record of another venue or municipality refuses the whole batch', async () => {
    const good = dayRecord.dayClose(m, { venueDate: '2026-11-20' });
    const there = { code: m.code, venue: m.otherVenue };
    const lot = dayRecord.lot(m);
    const request = dayRecord.walkInRequest(m, T.otherVenue);
    for (const record of [
      dayRecord.walkInRequest(there, T.otherVenue),
      dayRecord.walkInRequest({ code: other.code, venue: m.venue }, T.otherVenue),
      dayRecord.walkInDecision(dayRecord.walkInRequest(there, T.otherVenue)),
      dayRecord.walkInDecision(request, { municipality: other.code }),
      dayRecord.observationOutcome(there, doseRecord(m, T.ok).data.id),
      dayRecord.dayClose(there),
      dayRecord.discrepancyNote(there),
      dayRecord.deskLot(there, lot.data.id, { deskId: 'R1' }),
      dayRecord.lotVials(there, lot.data.id),
    ]) {
      const answer = await refused([good, record], 403, 'RECORD_FOR_OTHER_VENUE');
      expect(answer.error).toMatchObject({ recordId: record.data.id });
    }
  });

  it('a record naming another venue’s request, dose or lot is refused, even though its own venue field is right', async () => {
    const theirLot = dayRecord.lot({ venue: m.otherVenue });
    const theirDose = doseRecord({ code: m.code, venue: m.otherVenue }, T.alreadyVaccinated);
    const theirRequest = dayRecord.walkInRequest({ code: m.code, venue: m.otherVenue }, T.otherVenue);
    expect((await upload([theirLot, theirDose, theirRequest], elsewhereHttp.authorization)).status).toBe(200);
    const decision = dayRecord.walkInDecision(theirRequest, { venueId: m.venue });
    await refused([decision], 403, 'RECORD_FOR_OTHER_VENUE');
    await refused([dayRecord.observationOutcome(m, theirDose.data.id)], 403, 'RECORD_FOR_OTHER_VENUE');
    await refused([dayRecord.deskLot(m, theirLot.data.id)], 403, 'RECORD_FOR_OTHER_VENUE');
    await refused([dayRecord.lotVials(m, theirLot.data.id)], 403, 'RECORD_FOR_OTHER_VENUE');
    // The same records naming the venue's own lot and dose are fine, also when those come earlier in the same batch.
    const lot = dayRecord.lot(m);
    const dose = doseRecord(m, T.outOfOrder, { doseNumber: 3 });
    const fine = await upload([lot, dose, dayRecord.deskLot(m, lot.data.id), dayRecord.lotVials(m, lot.data.id), dayRecord.observationOutcome(m, dose.data.id)]);
    expect(fine.status).toBe(200);
  });

  it('a desk the venue does not have, and a decision for another ticket or day than its request', async () => {
    const lot = dayRecord.lot(m);
    const answer = await refused([lot, dayRecord.deskLot(m, lot.data.id, { deskId: 'X9' })], 400, 'UNKNOWN_DESK');
    expect(answer.error.message.en).toContain('desk');
    const request = dayRecord.walkInRequest(m, T.tooYoung);
    expect((await upload([request])).status).toBe(200);
    await refused([dayRecord.walkInDecision(request, { ticketNumber: T.ok })], 400, 'REFERENCE_MISMATCH');
    await refused([dayRecord.walkInDecision(request, { venueDate: '2026-11-24' })], 400, 'REFERENCE_MISMATCH');
  });

  it('malformed records, and free text carrying an individual number (never echoed)', async () => {
    const request = dayRecord.walkInRequest(m, T.otherVenue);
    const lot = dayRecord.lot(m);
    const myNumber = '1234 5678 9018';
    for (const record of [
      dayRecord.walkInDecision(request, { reason: `番号は${myNumber}です` }),
      dayRecord.observationOutcome(m, doseRecord(m, T.ok).data.id, { outcome: 'referred', note: `カード ${myNumber.replaceAll(' ', '')}` }),
      dayRecord.dayClose(m, { note: `番号${myNumber}` }),
      dayRecord.discrepancyNote(m, { note: `１２３４５６７８９０１８` }),
      doseRecord(m, T.ok, { status: 'not_performed', reason: `本人申告 ${myNumber}`, lotId: null }),
      doseRecord(m, T.ok, { doctor: myNumber.replaceAll(' ', '') }),
      { kind: 'void', data: { id: newRecordId(), targetKind: 'dose', targetId: doseRecord(m, T.ok).data.id, reason: `番号${myNumber}と取り違え`, staffId: 's', at: '2026-11-23T11:30:00.000+09:00' } },
    ]) {
      const answer = await refused([record], 400, 'INDIVIDUAL_NUMBER');
      expect(JSON.stringify(answer)).not.toContain('9018');
      expect(JSON.stringify(answer)).not.toContain('９０１８');
    }
    for (const record of [
      dayRecord.walkInDecision(request, { productId: null }),
      { ...dayRecord.walkInDecision(request), data: { ...dayRecord.walkInDecision(request).data, outcome: 'maybe' } },
      dayRecord.discrepancyNote(m, { key: 'no key' }),
      dayRecord.lotVials(m, lot.data.id, { vials: -1 }),
      dayRecord.dayClose(m, { summary: { checkedIn: -3 } }),
      { ...dayRecord.deskLot(m, lot.data.id), data: { ...dayRecord.deskLot(m, lot.data.id).data, activeFrom: 'now' } },
      { ...request, data: { ...request.data, verdictCode: 'OK' } },
    ]) {
      await refused([record], 400, 'INVALID_REQUEST');
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, productData, uploadResponseSchema, type UploadRecord } from '../src/sync/protocol';
import { DEMO_TICKETS as T } from '../test/fixtures/demo';
import { centralSnapshot, checkinRecord, dayRecord, doseRecord, enrollDirect, newRecordId, seedMunicipality, useServedCentral, type SeededMunicipality } from '../test/sync/support/central';
import { readPage } from './feed';

/**
 * Times the venue could not have, at the central service, over real HTTP
 * (PGlite in npm test, PostgreSQL again in .ci/run): a record whose times are
 * after the service's own receipt time (a desk clock two days ahead) is
 * refused with the reason, record by record; impossible calendar dates and
 * NUL characters refuse the batch (400) and nothing is stored.
 */
/** The central service's clock: 2026-11-23 12:00 at the venue. */
const RECEIPT = new Date('2026-11-23T03:00:00Z');
const central = useServedCentral({ now: () => RECEIPT });
let m: SeededMunicipality;
let device: { deviceId: string; authorization: string };

beforeAll(async () => {
  m = await seedMunicipality(central.db, { today: '2026-11-23' });
  device = await enrollDirect(central.db, m.venue, 'R1');
  // Marks the device seen, so that refusals below write nothing at all.
  await fetch(`${central.served.url}/v1/feed?after=0&limit=1`, { headers: { authorization: device.authorization } });
});

async function post(records: unknown[]): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${central.served.url}/v1/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: device.authorization },
    body: JSON.stringify({ records }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function stored(table: string, id: string): Promise<number> {
  const [row] = await central.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE id = $1`, [id]);
  return row?.n ?? 0;
}

/** Refused whole with a 400 in both languages, and the database is exactly as it was. */
async function refusedWhole(records: unknown[]): Promise<{ path: string; message: string }[]> {
  const before = await centralSnapshot(central.db);
  const answer = await post(records);
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  const error = apiErrorSchema.parse(answer.body).error;
  expect(error.code).toBe('INVALID_REQUEST');
  expect(error.message.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  expect(await centralSnapshot(central.db)).toBe(before);
  return error.issues ?? [];
}

describe('times after the receipt', () => {
  it('refuses, per record and with the reason, a dose "given" two days from now; the rest of the batch is stored', async () => {
    const good = doseRecord(m, T.ok);
    const ahead = doseRecord(m, T.okSecond, { doseNumber: 2, givenAt: '2026-11-25T12:00:00.000+09:00', recordedAt: '2026-11-25T12:00:30.000+09:00', venueDate: '2026-11-25' });
    const answer = await post([good, ahead]);
    expect(answer.status).toBe(200);
    const results = uploadResponseSchema.parse(answer.body).results;
    expect(results[0]).toEqual({ id: good.data.id, status: 'stored' });
    expect(results[1]).toMatchObject({ id: ahead.data.id, status: 'rejected', error: { code: 'TIME_AFTER_RECEIPT' } });
    expect(results[1]?.error?.message.ja).toContain('時計');
    expect(results[1]?.error?.message.en).toContain('clock');
    expect(await stored('dose_records', ahead.data.id)).toBe(0);
    // Nothing of it reaches any device: no other desk refuses the person as already vaccinated.
    const page = await readPage(central.db, { municipality: m.code, venueId: m.otherVenue, after: 0, limit: 10_000, count: false });
    expect(page.json).not.toContain(ahead.data.id);
  });

  it('takes a desk a few minutes fast (drift), refuses one beyond the tolerance, and looks at every time of every kind', async () => {
    const drift = checkinRecord(m, T.okNw7, { at: '2026-11-23T12:04:00.000+09:00' });
    const beyond = checkinRecord(m, T.tooSoon, { at: '2026-11-23T12:06:00.000+09:00' });
    const tomorrow = dayRecord.lotVials(m, 'lot-x', { venueDate: '2026-11-24', at: '2026-11-23T11:00:00.000+09:00' });
    const close = dayRecord.dayClose(m, { at: '2026-11-23T18:00:00.000+09:00' });
    const results = uploadResponseSchema.parse((await post([drift, beyond, tomorrow, close])).body).results;
    expect(results.map((r) => [r.status, r.error?.code ?? null])).toEqual([
      ['stored', null],
      ['rejected', 'TIME_AFTER_RECEIPT'],
      ['rejected', 'TIME_AFTER_RECEIPT'],
      ['rejected', 'TIME_AFTER_RECEIPT'],
    ]);
    expect(results[2]?.error?.message.en).toContain('venueDate');
  });
});

describe('impossible dates and NUL characters', () => {
  it('refuse 2026-02-30T25:61:00Z, 2026-02-30 and hour 24 anywhere a time is, and store nothing', async () => {
    for (const givenAt of ['2026-02-30T25:61:00Z', '2026-02-30T10:00:00+09:00', '2026-11-23T24:00:00+09:00', '2026-11-23T10:60:00+09:00']) {
      const issues = await refusedWhole([checkinRecord(m, T.ok), doseRecord(m, T.ok, { givenAt })]);
      expect(issues.some((i) => i.path.endsWith('givenAt'))).toBe(true);
    }
    await refusedWhole([checkinRecord(m, T.ok, { venueDate: '2026-02-30' })]);
  });

  it('refuse an expiry of 2026-13-45 on a lot and on a dose', async () => {
    const issues = await refusedWhole([dayRecord.lot(m, { expiry: '2026-13-45' })]);
    expect(issues.some((i) => i.path.endsWith('expiry'))).toBe(true);
    await refusedWhole([doseRecord(m, T.ok, { expiry: '2026-13-45' })]);
  });

  it('refuse a NUL character in any text, free text included', async () => {
    await refusedWhole([doseRecord(m, T.ok, { doctor: '医師\u0000一郎' })]);
    await refusedWhole([dayRecord.discrepancyNote(m, { note: '確認\u0000済み' })]);
    await refusedWhole([checkinRecord(m, T.ok, { staffId: 'staff\u0000-1' })]);
  });
});

describe('the new records of the day', () => {
  it('stores a reopen and a desk doctor and puts them on the venue’s feed; a doctor for a desk the venue lacks is refused', async () => {
    const close = dayRecord.dayClose(m, { at: '2026-11-23T11:00:00.000+09:00' });
    const reopen = { kind: 'day_reopen', data: { id: newRecordId(), venueId: m.venue, venueDate: '2026-11-23', closeId: close.data.id, staffId: 'supervisor-1', at: '2026-11-23T11:30:00.000+09:00', reason: '待機中の方の接種を記録するため' } } satisfies UploadRecord;
    const doctor = { kind: 'desk_doctor', data: { id: newRecordId(), venueId: m.venue, deskId: 'N1', venueDate: '2026-11-23', doctor: '予診 医師', staffId: 'supervisor-1', at: '2026-11-23T09:00:00.000+09:00' } } satisfies UploadRecord;
    const results = uploadResponseSchema.parse((await post([close, reopen, doctor])).body).results;
    expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
    expect(await stored('day_reopens', reopen.data.id)).toBe(1);
    expect(await stored('desk_doctors', doctor.data.id)).toBe(1);
    const page = JSON.parse((await readPage(central.db, { municipality: m.code, venueId: m.venue, after: 0, limit: 10_000, count: false })).json) as { changes: { kind: string; key: string }[] };
    expect(page.changes.filter((c) => c.kind === 'day_reopen' || c.kind === 'desk_doctor').map((c) => c.key)).toEqual([reopen.data.id, doctor.data.id]);
    const before = await centralSnapshot(central.db);
    const nowhere = await post([{ ...doctor, data: { ...doctor.data, id: newRecordId(), deskId: 'Z9' } }]);
    expect(nowhere.status).toBe(400);
    expect(apiErrorSchema.parse(nowhere.body).error.code).toBe('UNKNOWN_DESK');
    expect(await centralSnapshot(central.db)).toBe(before);
  });

  it('sends the product master’s may_follow rule with the products', async () => {
    const page = JSON.parse((await readPage(central.db, { municipality: m.code, venueId: m.venue, after: 0, limit: 10_000, count: false })).json) as { changes: { kind: string; data: unknown }[] };
    const products = page.changes.filter((c) => c.kind === 'product').map((c) => productData.parse(c.data));
    expect(products.find((p) => p.id === 'MOD-SPIKEVAX')?.mayFollow).toEqual(['MOD-SPIKEVAX']);
  });
});

import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../src/sync/digest';
import { conflictData, personData, type UploadRecord } from '../src/sync/protocol';
import { DEMO_TICKETS as T } from '../test/fixtures/demo';
import { rosterCsv } from '../test/fixtures/roster';
import { checkinRecord, doseRecord, enrollDirect, manyPeople, newRecordId, seedMunicipality, useCentralDb, type SeededMunicipality } from '../test/sync/support/central';
import type { CentralDb } from './db';
import type { DeviceRow } from './device-row';
import { readPage } from './feed';
import { deviceDigest, storeRecords } from './records';
import { importRoster } from './roster';

const central = useCentralDb();
let db: CentralDb;
let m: SeededMunicipality;
let deskA: DeviceRow;
let deskB: DeviceRow;
let elsewhere: DeviceRow;
const now = new Date('2026-11-23T02:00:00Z');

async function deviceRow(venueId: string, deskId: string): Promise<DeviceRow> {
  const { deviceId } = await enrollDirect(db, venueId, deskId);
  const [row] = await db.query<DeviceRow>(`SELECT id, municipality, venue_id, desk_id, credential_hash, revoked_at, last_seen_at FROM devices WHERE id = $1`, [deviceId]);
  if (!row) throw new Error('no device');
  return row;
}

beforeAll(async () => {
  db = central();
  m = await seedMunicipality(db, { today: '2026-11-23' });
  deskA = await deviceRow(m.venue, 'R1');
  deskB = await deviceRow(m.venue, 'N1');
  elsewhere = await deviceRow(m.otherVenue, 'R1');
});

/** The feed as a device of a venue sees it after a cursor. */
async function feedAfter(venueId: string, after: number) {
  const page = await readPage(db, { municipality: m.code, venueId, after, limit: 10_000, count: false });
  return (JSON.parse(page.json) as { changes: { seq: number; kind: string; key: string; data: unknown }[] }).changes;
}

async function head(): Promise<number> {
  const [row] = await db.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM feed`);
  return row?.seq ?? 0;
}

describe('storing records', () => {
  it('stores each id once, however often it comes, and says so per record', async () => {
    const batch = [checkinRecord(m, T.ok), doseRecord(m, T.ok)];
    expect((await storeRecords(db, deskA, batch, now)).map((r) => r.status)).toEqual(['stored', 'stored']);
    expect((await storeRecords(db, deskA, batch, now)).map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    const reused = { ...batch[1], data: { ...batch[1]?.data, doctor: '別人' } } as UploadRecord;
    expect(await storeRecords(db, deskA, [reused], now)).toEqual([
      { id: reused.data.id, status: 'rejected', error: { code: 'ID_REUSED', message: { ja: expect.any(String), en: expect.any(String) } } },
    ]);
    const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dose_records WHERE id = $1`, [reused.data.id]);
    expect(count?.n).toBe(1);
  });

  it('puts new records on the feed of the venue only, and sends the person again to every venue with the dose', async () => {
    const before = await head();
    const dose = doseRecord(m, T.okSecond, { doseNumber: 2 });
    if (dose.kind !== 'dose') throw new Error('not a dose');
    await storeRecords(db, deskA, [dose], now);
    const here = await feedAfter(m.venue, before);
    expect(here.map((c) => c.kind).sort()).toEqual(['dose', 'person']);
    const there = await feedAfter(m.otherVenue, before);
    expect(there.map((c) => c.kind)).toEqual(['person']);
    const person = personData.parse(there[0]?.data);
    expect(person.doses).toEqual([[dose.data.id, m.venue, 2, '2026-11-23', dose.data.givenAt, 'PFZ-COMIRNATY', '区民会館ホール']]);
  });

  it('keeps both records of a clash between desks and venues and flags them for every venue involved', async () => {
    const ticket = T.okNw7;
    const a = doseRecord(m, ticket);
    const b = doseRecord(m, ticket);
    const c = doseRecord({ code: m.code, venue: m.otherVenue }, ticket);
    expect((await storeRecords(db, deskA, [a], now))[0]?.status).toBe('stored');
    const before = await head();
    const second = await storeRecords(db, deskB, [b], now);
    expect(second[0]?.status).toBe('conflict');
    const conflict = conflictData.parse(second[0]?.conflict);
    expect(conflict).toMatchObject({ kind: 'dose', ticketNumber: ticket, doseNumber: 1, resolvedAt: null });
    expect(conflict.records.map((r) => r.id).sort()).toEqual([a.data.id, b.data.id].sort());
    // Desk A (the first to record) hears of it through the feed.
    expect((await feedAfter(m.venue, before)).some((x) => x.kind === 'conflict' && x.key === `${conflict.id}@${m.venue}`)).toBe(true);

    const third = await storeRecords(db, elsewhere, [c], now);
    expect(third[0]?.status).toBe('conflict');
    expect(third[0]?.conflict?.id).toBe(conflict.id);
    expect(third[0]?.conflict?.records).toHaveLength(3);
    const [row] = await db.query<{ venue_ids: string[]; n: number }>(
      `SELECT venue_ids, (SELECT count(*)::int FROM dose_records WHERE ticket_number = $2 AND municipality = $3) AS n FROM conflicts WHERE id = $1`,
      [conflict.id, ticket, m.code],
    );
    expect(row?.n).toBe(3);
    expect(row?.venue_ids.sort()).toEqual([m.venue, m.otherVenue].sort());
    expect((await feedAfter(m.otherVenue, before)).some((x) => x.kind === 'conflict')).toBe(true);

    // Resolving it (from one venue) tells both.
    const mark = await head();
    const resolution: UploadRecord = { kind: 'resolution', data: { id: newRecordId(), conflictId: conflict.id, staffId: m.staffIds.supervisor, at: '2026-11-23T10:50:00.000+09:00', note: '別会場の記録を取り消し' } };
    expect((await storeRecords(db, elsewhere, [resolution], now))[0]?.status).toBe('stored');
    const resolved = (await feedAfter(m.venue, mark)).find((x) => x.kind === 'conflict');
    expect(conflictData.parse(resolved?.data)).toMatchObject({ resolvedBy: m.staffIds.supervisor, note: '別会場の記録を取り消し' });
    const unknown: UploadRecord = { kind: 'resolution', data: { ...resolution.data, id: newRecordId(), conflictId: 'no-such-conflict' } };
    expect((await storeRecords(db, deskA, [unknown], now))[0]).toMatchObject({ status: 'rejected', error: { code: 'UNKNOWN_CONFLICT' } });
  });

  it('flags two check-ins of one ticket on one day', async () => {
    const first = await storeRecords(db, deskA, [checkinRecord(m, T.tooSoon)], now);
    const second = await storeRecords(db, deskB, [checkinRecord(m, T.tooSoon, { deskId: 'R2' })], now);
    expect(first[0]?.status).toBe('stored');
    expect(second[0]).toMatchObject({ status: 'conflict', conflict: { kind: 'checkin', venueDate: '2026-11-23' } });
    // Another day is no clash.
    expect((await storeRecords(db, deskA, [checkinRecord(m, T.tooSoon, { venueDate: '2026-11-22', at: '2026-11-22T10:00:00.000+09:00' })], now))[0]?.status).toBe('stored');
  });

  it('applies voids, also to a record that arrives after its void, and a voided dose is no clash', async () => {
    const ticket = T.tooYoung;
    const dose = doseRecord(m, ticket);
    const voidIt: UploadRecord = { kind: 'void', data: { id: newRecordId(), targetKind: 'dose', targetId: dose.data.id, reason: '別人の券で記録', staffId: 's', at: '2026-11-23T10:10:00.000+09:00' } };
    // The void first (another desk may deliver it first), then the record.
    expect((await storeRecords(db, deskB, [voidIt], now))[0]?.status).toBe('stored');
    expect((await storeRecords(db, deskA, [dose], now))[0]?.status).toBe('stored');
    const [row] = await db.query<{ voided_by: string | null }>(`SELECT voided_by FROM dose_records WHERE id = $1`, [dose.data.id]);
    expect(row?.voided_by).toBe(voidIt.data.id);
    expect((await storeRecords(db, deskB, [doseRecord(m, ticket)], now))[0]?.status).toBe('stored');

    // Voiding a dose already here takes it out of the person's history everywhere.
    const again = doseRecord(m, T.outOfOrder, { doseNumber: 3 });
    await storeRecords(db, deskA, [again], now);
    const before = await head();
    await storeRecords(db, deskA, [{ kind: 'void', data: { id: newRecordId(), targetKind: 'dose', targetId: again.data.id, reason: '誤入力', staffId: 's', at: '2026-11-23T10:20:00.000+09:00' } }], now);
    const person = (await feedAfter(m.otherVenue, before)).find((x) => x.kind === 'person');
    expect(personData.parse(person?.data).doses).toEqual([]);
  });

  it('keeps the device’s audit chain heads, and its digest matches what it sent', async () => {
    const device = await deviceRow(m.venue, 'R2');
    const records: UploadRecord[] = [
      checkinRecord(m, T.alreadyVaccinated),
      { kind: 'audit_head', data: { id: newRecordId(), seq: 42, hash: 'a'.repeat(64), at: '2026-11-23T10:00:00.000+09:00' } },
      { kind: 'lot', data: { id: 'lot-digest', venueId: m.venue, productId: 'PFZ-COMIRNATY', lotNumber: 'DG0001', expiry: '2027-01-31', addedBy: null, addedAt: '2026-11-23T09:00:00.000+09:00' } },
    ];
    await storeRecords(db, device, records, now);
    const expected = digestOf(records.map((r) => ({ id: r.data.id, kind: r.kind, bodyHash: createHash('sha256').update(JSON.stringify(r.data)).digest('hex') })));
    expect(await deviceDigest(db, device.id)).toEqual(expected);
    expect(expected.counts).toEqual({ checkin: 1, audit_head: 1, lot: 1 });
    const [headRow] = await db.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM audit_heads WHERE device_id = $1`, [device.id]);
    expect(headRow).toEqual({ seq: 42, hash: 'a'.repeat(64) });
  });
});

/** The database, counting the statements run inside transactions. */
function counting(inner: CentralDb): { db: CentralDb; statements: () => number } {
  let n = 0;
  const db: CentralDb = {
    ...inner,
    transaction: (fn) =>
      inner.transaction((tx) =>
        fn({
          query: (sql, params) => {
            n += 1;
            return tx.query(sql, params);
          },
          exec: (sql) => {
            n += 1;
            return tx.exec(sql);
          },
        }),
      ),
  };
  return { db, statements: () => n };
}

describe('storing a batch', () => {
  it('takes the same five statements for 200 doses as for one: no round trip per record', async () => {
    const people = manyPeople(m.code, m.venue, '2026-11-23', 201, 6_100_000_000);
    await importRoster(db, { municipality: m.code, csv: rosterCsv(people), today: '2026-11-23' });
    const one = counting(db);
    expect((await storeRecords(one.db, deskA, [doseRecord(m, people[0]?.ticketNumber ?? '')], now))[0]?.status).toBe('stored');
    const many = counting(db);
    const batch = people.slice(1).map((p) => doseRecord(m, p.ticketNumber));
    const answers = await storeRecords(many.db, deskA, batch, now);
    expect(answers.map((a) => a.status)).toEqual(batch.map(() => 'stored'));
    expect(many.statements()).toBe(one.statements());
    // Read what it names, insert, the feed lock, voids and clashes, the feed: five, with BEGIN and COMMIT seven round trips.
    expect(many.statements()).toBe(5);
    const [stored] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dose_records WHERE id = ANY($1::text[])`, [batch.map((r) => r.data.id)]);
    expect(stored?.n).toBe(200);
  });

  it('answers within a batch as if stored one by one: a repeat is a duplicate, a clash with an earlier record a conflict, a void applies either way round', async () => {
    const first = doseRecord(m, T.bookedOtherDay);
    const second = doseRecord(m, T.bookedOtherDay);
    const reused = { ...first, data: { ...first.data, doctor: '別人' } } as UploadRecord;
    const checkin = checkinRecord(m, T.bookedOtherDay);
    const voidFirst: UploadRecord = { kind: 'void', data: { id: newRecordId(), targetKind: 'checkin', targetId: checkin.data.id, reason: '誤登録', staffId: 's', at: '2026-11-23T10:30:00.000+09:00' } };
    const answers = await storeRecords(db, deskA, [first, first, reused, second, voidFirst, checkin], now);
    expect(answers.map((a) => a.status)).toEqual(['stored', 'duplicate', 'rejected', 'conflict', 'stored', 'stored']);
    expect(answers[3]?.conflict?.records.map((r) => r.id).sort()).toEqual([first.data.id, second.data.id].sort());
    const [row] = await db.query<{ voided_by: string | null }>(`SELECT voided_by FROM checkins WHERE id = $1`, [checkin.data.id]);
    expect(row?.voided_by).toBe(voidFirst.data.id);
  });

  it('a correction in one batch (the wrong record voided, the right one recorded) is no clash, whichever comes first in the batch', async () => {
    const voidOf = (target: UploadRecord, minute: number): UploadRecord => ({
      kind: 'void',
      data: { id: newRecordId(), targetKind: target.kind === 'dose' ? 'dose' : 'checkin', targetId: target.data.id, reason: '誤入力', staffId: 's', at: `2026-11-23T10:${minute}:00.000+09:00` },
    });
    const wrongDose = doseRecord(m, T.moved);
    const wrongCheckin = checkinRecord(m, T.moved);
    expect((await storeRecords(db, deskA, [wrongCheckin, wrongDose], now)).map((a) => a.status)).toEqual(['stored', 'stored']);
    const rightDose = doseRecord(m, T.moved);
    const rightCheckin = checkinRecord(m, T.moved);
    const answers = await storeRecords(db, deskA, [voidOf(wrongDose, 40), rightDose, rightCheckin, voidOf(wrongCheckin, 41)], now);
    expect(answers.map((a) => a.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
    const live = await db.query<{ id: string }>(
      `SELECT id FROM dose_records WHERE ticket_number = $1 AND voided_by IS NULL UNION ALL SELECT id FROM checkins WHERE ticket_number = $1 AND voided_by IS NULL`,
      [T.moved],
    );
    expect(live.map((r) => r.id).sort()).toEqual([rightDose.data.id, rightCheckin.data.id].sort());
    const [open] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM conflicts WHERE ticket_number = $1`, [T.moved]);
    expect(open?.n).toBe(0);

    // A batch of nothing but a check-in's void (the statement then has no clash to look for) still applies it.
    const alone = voidOf(rightCheckin, 42);
    expect((await storeRecords(db, deskA, [alone], now))[0]?.status).toBe('stored');
    const [checkin] = await db.query<{ voided_by: string | null }>(`SELECT voided_by FROM checkins WHERE id = $1`, [rightCheckin.data.id]);
    expect(checkin?.voided_by).toBe(alone.data.id);
  });

  it('two uploads at once: the same batch twice (a retry overtaking its first try) is stored once; two desks clashing flag one conflict', async () => {
    const people = manyPeople(m.code, m.venue, '2026-11-23', 40, 6_200_000_000);
    await importRoster(db, { municipality: m.code, csv: rosterCsv(people), today: '2026-11-23' });
    const batch = people.slice(0, 30).map((p) => doseRecord(m, p.ticketNumber));
    const [a, b] = await Promise.all([storeRecords(db, deskA, batch, now), storeRecords(db, deskA, batch, now)]);
    const statuses = [...(a ?? []), ...(b ?? [])].map((r) => r.status).sort();
    expect(statuses).toEqual([...batch.map(() => 'duplicate'), ...batch.map(() => 'stored')]);
    const clashing = people.slice(30).map((p) => doseRecord(m, p.ticketNumber));
    const again = people.slice(30).map((p) => doseRecord(m, p.ticketNumber, { deskId: 'R1' }));
    const [x, y] = await Promise.all([storeRecords(db, deskA, clashing, now), storeRecords(db, deskB, again, now)]);
    // Whichever committed first is stored; the other clashes with it, record by record.
    for (let i = 0; i < clashing.length; i++) expect([x?.[i]?.status, y?.[i]?.status].sort()).toEqual(['conflict', 'stored']);
    const [open] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM conflicts WHERE municipality = $1 AND ticket_number = ANY($2::text[])`, [
      m.code,
      people.slice(30).map((p) => p.ticketNumber),
    ]);
    expect(open?.n).toBe(10);
  });
});

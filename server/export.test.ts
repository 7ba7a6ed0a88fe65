import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCsvBytes, readCsvRecords } from '../src/roster/csv';
import type { UploadRecord } from '../src/sync/protocol';
import { DEMO_TICKETS as T } from '../test/fixtures/demo';
import { fakeMyNumber } from '../test/fixtures/roster';
import { doseRecord, enrollDirect, newRecordId, seedMunicipality, useCentralDb, type SeededMunicipality } from '../test/sync/support/central';
import type { CentralDb } from './db';
import type { DeviceRow } from './device-row';
import { exportDoses, VRS_COLUMNS } from './export';
import { storeRecords } from './records';

const central = useCentralDb();
let db: CentralDb;
let m: SeededMunicipality;
let device: DeviceRow;

async function deviceRow(venueId: string): Promise<DeviceRow> {
  const { deviceId } = await enrollDirect(db, venueId, 'R1');
  const [row] = await db.query<DeviceRow>(`SELECT id, municipality, venue_id, desk_id, credential_hash, revoked_at, last_seen_at FROM devices WHERE id = $1`, [deviceId]);
  if (!row) throw new Error('no device');
  return row;
}

beforeAll(async () => {
  db = central();
  m = await seedMunicipality(db, { today: '2026-11-23' });
  device = await deviceRow(m.venue);
  const voided = doseRecord(m, T.okNw7, { recordedAt: '2026-11-23T11:00:00.000+09:00' });
  const records: UploadRecord[] = [
    doseRecord(m, T.ok, { recordedAt: '2026-11-23T10:05:30.000+09:00', doctor: '医師 一郎', lotNumber: 'FA1234' }),
    doseRecord(m, T.okSecond, { doseNumber: 2, recordedAt: '2026-11-23T09:15:00.500+09:00', doctor: null, maker: 'モデルナ', lotNumber: 'MS0001' }),
    doseRecord(m, T.tooSoon, { status: 'not_performed', reason: '発熱', lotId: null, lotNumber: null, productId: null, productName: null, maker: null, expiry: null, volumeMl: null, site: null }),
    doseRecord(m, T.bookedOtherDay, { venueDate: '2026-11-24', givenAt: '2026-11-24T10:00:00.000+09:00', recordedAt: '2026-11-24T10:00:00.000+09:00' }),
    voided,
    { kind: 'void', data: { id: newRecordId(), targetKind: 'dose', targetId: voided.data.id, reason: '別人の券', staffId: 's', at: '2026-11-23T11:30:00.000+09:00' } },
  ];
  await storeRecords(db, device, records, new Date());
});

function rows(csv: Buffer, encoding: 'utf-8' | 'shift_jis'): string[][] {
  const decoded = decodeCsvBytes(csv, encoding);
  return [...readCsvRecords(decoded.text)].map((r) => r.fields);
}

describe('the VRS export of a day’s doses', () => {
  it('writes the VRS fields of each performed, unvoided dose of that day, in UTF-8 with a BOM', async () => {
    const { csv, rows: count } = await exportDoses(db, { municipality: m.code, date: '2026-11-23', encoding: 'utf-8' });
    expect(count).toBe(2);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(rows(csv, 'utf-8')).toEqual([
      [...VRS_COLUMNS],
      ['20261123091500', '20261123', T.okSecond, m.code, '区民会館ホール', '', 'モデルナ', 'MS0001'],
      ['20261123100530', '20261123', T.ok, m.code, '区民会館ホール', '医師 一郎', 'ファイザー', 'FA1234'],
    ]);
  });

  it('writes Shift_JIS for Excel on Japanese Windows', async () => {
    const { csv } = await exportDoses(db, { municipality: m.code, date: '2026-11-23', encoding: 'shift_jis' });
    expect(csv.includes(Buffer.from('区民会館ホール', 'utf8'))).toBe(false);
    const read = rows(csv, 'shift_jis');
    expect(read[0]).toEqual([...VRS_COLUMNS]);
    expect(read[2]?.[5]).toBe('医師 一郎');
  });

  it('exports only the municipality asked for, and an empty day as just the header', async () => {
    const other = await seedMunicipality(db, { today: '2026-11-23' });
    expect(rows((await exportDoses(db, { municipality: other.code, date: '2026-11-23', encoding: 'utf-8' })).csv, 'utf-8')).toEqual([[...VRS_COLUMNS]]);
    expect((await exportDoses(db, { municipality: m.code, date: '2026-11-24', encoding: 'utf-8' })).rows).toBe(1);
  });

  it('never writes an individual number: a record holding one is left out and named, and the rest of the day is exported', async () => {
    const leaky = await seedMunicipality(db, { today: '2026-11-23' });
    const leakyDevice = await deviceRow(leaky.venue);
    const myNumber = fakeMyNumber(3);
    const record = doseRecord(leaky, T.ok, { lotNumber: `L${myNumber}` });
    const fine = doseRecord(leaky, T.okSecond, { doseNumber: 2, lotNumber: 'FA1234' });
    // Stored as a record from before uploads were checked (storeRecords takes records already validated).
    await storeRecords(db, leakyDevice, [record, fine], new Date());
    const result = await exportDoses(db, { municipality: leaky.code, date: '2026-11-23', encoding: 'utf-8' });
    expect(result.rows).toBe(1);
    expect(result.withheld).toEqual([{ recordId: record.data.id, column: 'ロット番号' }]);
    expect(rows(result.csv, 'utf-8').map((r) => r[2])).toEqual(['券番号', T.okSecond]);
    expect(result.csv.toString('utf8')).not.toContain(myNumber);
  });

  it('refuses Shift_JIS when a name has no Shift_JIS character, and a date that is not a date', async () => {
    const odd = await seedMunicipality(db, { today: '2026-11-23' });
    await storeRecords(db, await deviceRow(odd.venue), [doseRecord(odd, T.ok, { doctor: '医師 😀' })], new Date());
    await expect(exportDoses(db, { municipality: odd.code, date: '2026-11-23', encoding: 'shift_jis' })).rejects.toMatchObject({ code: 'NOT_SHIFT_JIS' });
    expect((await exportDoses(db, { municipality: odd.code, date: '2026-11-23', encoding: 'utf-8' })).rows).toBe(1);
    await expect(exportDoses(db, { municipality: odd.code, date: '2026-02-30', encoding: 'utf-8' })).rejects.toMatchObject({ code: 'INVALID_DATE' });
  });
});

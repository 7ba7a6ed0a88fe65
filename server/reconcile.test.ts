import { beforeAll, describe, expect, it } from 'vitest';
import { feedResponseSchema } from '../src/sync/protocol';
import { bucketOf, compareResponseSchema, listResponseSchema, xorOfIds } from '../src/sync/reconcile-protocol';
import { DEMO_TICKETS as T } from '../test/fixtures/demo';
import { centralSnapshot, checkinRecord, dayRecord, doseRecord, enrollDirect, seedMunicipality, useServedCentral, type SeededMunicipality } from '../test/sync/support/central';
import type { DeviceRow } from './device-row';
import { storeRecords } from './records';

const central = useServedCentral();
let m: SeededMunicipality;

beforeAll(async () => {
  m = await seedMunicipality(central.db, { today: '2026-11-23' });
});

async function deviceRow(id: string): Promise<DeviceRow> {
  const [row] = await central.db.query<DeviceRow>(`SELECT id, municipality, venue_id, desk_id, credential_hash, revoked_at, last_seen_at FROM devices WHERE id = $1`, [id]);
  if (!row) throw new Error('no device');
  return row;
}

async function post(authorization: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${central.served.url}/v1/reconcile`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

describe('reconciliation at the central service', () => {
  it('sums up what it holds from a device exactly as the device does, bucket by bucket, and lists the ids', async () => {
    const device = await enrollDirect(central.db, m.venue, 'R1');
    const elsewhere = await enrollDirect(central.db, m.venue, 'R2');
    const records = [
      checkinRecord(m, T.ok),
      doseRecord(m, T.ok),
      dayRecord.lot(m),
      dayRecord.walkInRequest(m, T.bookedOtherDay),
      // Another bucket: ids that begin otherwise.
      doseRecord(m, T.okSecond, { id: '01b00000-0000-7000-8000-000000000001' }),
    ];
    await storeRecords(central.db, await deviceRow(device.deviceId), records, new Date());
    await storeRecords(central.db, await deviceRow(elsewhere.deviceId), [checkinRecord(m, T.okNw7)], new Date());
    const ids = records.map((r) => r.data.id);
    const buckets = [...new Set(ids.map(bucketOf))].sort();
    const expected = buckets.map((b) => ({ b, n: ids.filter((id) => bucketOf(id) === b).length, x: xorOfIds(ids.filter((id) => bucketOf(id) === b)) }));

    const all = await post(device.authorization, { compare: [], everything: true });
    expect(all.status).toBe(200);
    expect(compareResponseSchema.parse(all.body).buckets).toEqual(expected);
    const one = await post(device.authorization, { compare: [{ b: '01b000', n: 9, x: '1' }], everything: false });
    expect(compareResponseSchema.parse(one.body).buckets).toEqual(expected.filter((s) => s.b === '01b000'));
    const listed = listResponseSchema.parse((await post(device.authorization, { list: buckets })).body);
    expect(listed.ids.flatMap((entry) => entry.ids).sort()).toEqual([...ids].sort());
  });

  it('refuses malformed requests with a 400 and writes nothing', async () => {
    const device = await enrollDirect(central.db, m.venue, 'R1');
    const before = await centralSnapshot(central.db);
    for (const body of [{}, { compare: [{ b: 'x', n: -1, x: 'zz' }], everything: true }, { list: [] }, { list: ['a'], compare: [] }, { list: Array(21).fill('ab') }]) {
      const answer = await post(device.authorization, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect((await post('Bearer nobody.nothing', { list: ['ab'] })).status).toBe(401);
    expect(await centralSnapshot(central.db)).toBe(before);
  });
});

describe('the feed cursor handed to each device', () => {
  it('tells a device asking from beyond it (the database was rewound) to read everything again, and no other', async () => {
    const device = await enrollDirect(central.db, m.venue, 'N1');
    const feed = async (after: number) => {
      const response = await fetch(`${central.served.url}/v1/feed?after=${after}&limit=10000`, { headers: { authorization: device.authorization } });
      return feedResponseSchema.parse(await response.json());
    };
    const first = await feed(0);
    expect(first.changes.length).toBeGreaterThan(0);
    // Asking again from what it was handed: an ordinary page.
    const again = await feed(first.next);
    expect(again.head).toBeGreaterThanOrEqual(first.next);
    // What a restore does to this table: the mark goes back to an older value.
    await central.db.query(`UPDATE device_feed_marks SET served = $2 WHERE device_id = $1`, [device.deviceId, first.next - 5]);
    const rewound = await feed(first.next);
    expect(rewound).toMatchObject({ after: first.next, next: first.next, more: false, changes: [] });
    expect(rewound.head).toBeLessThan(first.next);
    // Reading from the start again is an ordinary page.
    expect((await feed(0)).changes.length).toBe(first.changes.length);
  });
});

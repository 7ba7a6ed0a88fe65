import { beforeAll, describe, expect, it } from 'vitest';
import { feedResponseSchema } from '../src/sync/protocol';
import { DEMO_TICKETS as T } from '../test/fixtures/demo';
import { checkinRecord, enrollDirect, seedMunicipality, useServedCentral, type SeededMunicipality } from '../test/sync/support/central';
import { until } from '../test/support/wait';
import type { DeviceRow } from './device-row';
import { readPage } from './feed';
import { storeRecords } from './records';
import { addVenue } from './setup';

const central = useServedCentral();
let m: SeededMunicipality;
let other: SeededMunicipality;
let here: { deviceId: string; authorization: string };

beforeAll(async () => {
  m = await seedMunicipality(central.db, { today: '2026-11-23' });
  other = await seedMunicipality(central.db, { today: '2026-11-23' });
  here = await enrollDirect(central.db, m.venue, 'R1');
});

async function page(query: string, authorization = here.authorization) {
  const started = performance.now();
  const response = await fetch(`${central.served.url}/v1/feed?${query}`, { headers: { authorization } });
  expect(response.status).toBe(200);
  return { ...feedResponseSchema.parse(await response.json()), ms: performance.now() - started };
}

async function deviceRow(id: string): Promise<DeviceRow> {
  const [row] = await central.db.query<DeviceRow>(`SELECT id, municipality, venue_id, desk_id, credential_hash, revoked_at, last_seen_at FROM devices WHERE id = $1`, [id]);
  if (!row) throw new Error('no device');
  return row;
}

describe('the change feed', () => {
  it('pages through the municipality in seq order; each page answers its cursor and says what is left', async () => {
    const first = await page('after=0&limit=7&count=1');
    expect(first.after).toBe(0);
    expect(first.changes).toHaveLength(7);
    expect(first.more).toBe(true);
    const total = first.changes.length + (first.remaining ?? 0);
    const seen = [...first.changes];
    let cursor = first.next;
    for (;;) {
      const next = await page(`after=${cursor}&limit=7`);
      expect(next.after).toBe(cursor);
      seen.push(...next.changes);
      if (!next.more) break;
      cursor = next.next;
    }
    expect(seen).toHaveLength(total);
    const seqs = seen.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    // venues, desks, products, staff, people: the municipality's, never another's.
    expect(new Set(seen.map((c) => c.kind))).toEqual(new Set(['venue', 'desk', 'product', 'staff', 'person']));
    expect(seen.filter((c) => c.kind === 'person')).toHaveLength(10);
    expect(seen.some((c) => c.kind === 'venue' && (c.data as { municipality: string }).municipality !== m.code)).toBe(false);
    const desks = seen.filter((c) => c.kind === 'desk').map((c) => (c.data as { venueId: string }).venueId);
    expect(new Set(desks)).toEqual(new Set([m.venue]));
  });

  it('shows a device its own venue’s records, not another venue’s, and not another municipality’s anything', async () => {
    const { next: start } = await page('after=0&limit=10000');
    const elsewhere = await enrollDirect(central.db, m.otherVenue, 'R1');
    const mine = checkinRecord(m, T.ok);
    const theirs = checkinRecord({ code: m.code, venue: m.otherVenue }, T.otherVenue);
    await storeRecords(central.db, await deviceRow(here.deviceId), [mine], new Date());
    await storeRecords(central.db, await deviceRow(elsewhere.deviceId), [theirs], new Date());
    const otherTown = await enrollDirect(central.db, other.venue, 'R1');
    await storeRecords(central.db, await deviceRow(otherTown.deviceId), [checkinRecord(other, T.ok)], new Date());
    await addVenue(central.db, { municipality: other.code, id: `X${other.code.slice(0, 5)}`, name: '別の市の会場' });
    const after = await page(`after=${start}&limit=10000`);
    expect(after.changes.map((c) => c.key)).toEqual([mine.data.id]);
  });

  it('always carries an entity’s latest state, at a seq after every cursor that saw an older one', async () => {
    const { next: start } = await page('after=0&limit=10000');
    await addVenue(central.db, { municipality: m.code, id: m.otherVenue, name: '新スポーツセンター' });
    const after = await page(`after=${start}&limit=10000`);
    expect(after.changes).toEqual([expect.objectContaining({ kind: 'venue', key: m.otherVenue, data: expect.objectContaining({ name: '新スポーツセンター' }) })]);
    const everything = await page('after=0&limit=10000');
    expect(everything.changes.filter((c) => c.key === m.otherVenue)).toHaveLength(1);
  });

  it('long-polls: answers as soon as something changes, and empty at the deadline when nothing does', async () => {
    const { next: start } = await page('after=0&limit=10000');
    const quiet = await page(`after=${start}&wait=1`);
    expect(quiet.changes).toEqual([]);
    expect(quiet.ms).toBeGreaterThanOrEqual(900);
    const parked = central.served.watch.waiting;
    const waiting = page(`after=${start}&wait=20`);
    // The long-poll is parked at the server (one more waiter), so the change below has to wake it.
    await until(() => central.served.watch.waiting > parked, 5_000, 'the long-poll to be parked');
    const changedAt = performance.now();
    await addVenue(central.db, { municipality: m.code, id: `L${m.code.slice(0, 5)}`, name: '臨時会場' });
    const woke = await waiting;
    const latency = performance.now() - changedAt;
    expect(woke.changes.map((c) => c.kind)).toEqual(['venue']);
    expect(latency).toBeLessThan(1_000);
    // A change in another municipality does not answer this one's long-poll early.
    const { next: now } = await page('after=0&limit=10000');
    const still = page(`after=${now}&wait=1`);
    await addVenue(central.db, { municipality: other.code, id: `Q${other.code.slice(0, 5)}`, name: '他市の会場' });
    expect((await still).changes).toEqual([]);
  });

  it('reads a page straight from the database as well', async () => {
    const direct = await readPage(central.db, { municipality: m.code, venueId: m.venue, after: 0, limit: 3, count: true });
    const parsed = feedResponseSchema.parse(JSON.parse(direct.json));
    expect(parsed).toMatchObject({ after: 0, more: true });
    expect(parsed.changes).toHaveLength(3);
    expect(direct.changes).toBe(3);
  });
});

import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedResponseSchema, type FeedResponse, type UploadRecord } from '../src/sync/protocol';
import { rosterCsv } from '../test/fixtures/roster';
import { seeded, seedFrom } from '../test/support/random';
import {
  checkinRecord,
  doseRecord,
  enrollDirect,
  manyPeople,
  seedMunicipality,
  serveCentral,
  useCentralDb,
  type SeededMunicipality,
  type ServedCentral,
} from '../test/sync/support/central';
import { until } from '../test/sync/support/devices';
import type { CentralDb } from './db';
import type { DeviceRow } from './device-row';
import { revokeDevice } from './enrollment';
import { readPage } from './feed';
import { storeRecords } from './records';
import { importRoster } from './roster';
import { addVenue } from './setup';

/**
 * Long-polls at scale: when a municipality's feed moves, its waiting
 * long-polls are answered from one read (not one query each), devices coming
 * back are answered from memory, a wake holds a bounded number of entries,
 * and nobody ever misses or gets twice an entry it may see.
 */
const central = useCentralDb();
let db: CentralDb;
/** The same database for the served app, counting the statements that read the feed (uploads below go through `db`). */
let counted: CentralDb;
let feedReads = 0;
const now = new Date('2026-11-23T03:00:00Z');

beforeAll(() => {
  db = central();
  counted = {
    ...db,
    query: (sql, params) => {
      if (/FROM feed\b/.test(sql) && !/^\s*INSERT/i.test(sql)) feedReads += 1;
      return db.query(sql, params);
    },
  };
});

async function deviceRow(id: string): Promise<DeviceRow> {
  const [row] = await db.query<DeviceRow>(`SELECT id, municipality, venue_id, desk_id, credential_hash, revoked_at, last_seen_at FROM devices WHERE id = $1`, [id]);
  if (!row) throw new Error('no device');
  return row;
}

async function poll(served: ServedCentral, authorization: string, after: number, wait = 20): Promise<{ status: number; page: FeedResponse | null }> {
  const response = await fetch(`${served.url}/v1/feed?after=${after}&wait=${wait}&limit=5000`, { headers: { authorization } });
  const body = (await response.json()) as unknown;
  return { status: response.status, page: response.status === 200 ? feedResponseSchema.parse(body) : null };
}

async function cursorOf(m: { code: string }, venueId: string): Promise<number> {
  const page = await readPage(db, { municipality: m.code, venueId, after: 0, limit: 100_000, count: false });
  return page.next;
}

describe('long-polls answered together', () => {
  let served: ServedCentral;
  let m: SeededMunicipality;
  const pollers: { authorization: string; venueId: string; cursor: number }[] = [];

  beforeAll(async () => {
    served = await serveCentral(counted);
    m = await seedMunicipality(db, { today: '2026-11-23' });
    for (let i = 0; i < 200; i++) {
      const venueId = i < 120 ? m.venue : m.otherVenue;
      pollers.push({ authorization: (await enrollDirect(db, venueId, 'R1')).authorization, venueId, cursor: 0 });
    }
    const cursors = { [m.venue]: await cursorOf(m, m.venue), [m.otherVenue]: await cursorOf(m, m.otherVenue) };
    for (const p of pollers) p.cursor = cursors[p.venueId] ?? 0;
  });

  afterAll(async () => {
    await served.close();
  });

  it('200 waiting long-polls of a municipality: one feed read answers them all when a dose is stored, and their next polls read nothing', async () => {
    const device = await deviceRow((await enrollDirect(db, m.venue, 'N1')).deviceId);
    const tickets = ['0000100001', '0000100002', '0000100003'];
    served.watch.takeDeliveryTimes();
    for (const ticket of tickets) {
      const waiting = pollers.map((p) => poll(served, p.authorization, p.cursor));
      await until(() => served.watch.waiting === pollers.length, 10_000, 'every long-poll to wait');
      feedReads = 0;
      const dose = doseRecord(m, ticket);
      await storeRecords(db, device, [dose], now);
      const answers = await Promise.all(waiting);
      for (const [i, answer] of answers.entries()) {
        const p = pollers[i] as (typeof pollers)[number];
        const kinds = answer.page?.changes.map((c) => c.kind).sort();
        // The venue's desks get the dose and the person; the other venue's, the person only.
        expect(kinds).toEqual(p.venueId === m.venue ? ['dose', 'person'] : ['person']);
        p.cursor = answer.page?.next ?? p.cursor;
      }
      // Back again at once, as devices do: answered from memory, or waiting, without a read of their own.
      const again = pollers.map((p) => poll(served, p.authorization, p.cursor, 1));
      await until(() => served.watch.waiting === pollers.length, 10_000, 'every long-poll to wait again');
      expect(feedReads, `feed reads for one dose and ${pollers.length} long-polls, answered and back`).toBeLessThanOrEqual(2);
      for (const answer of await Promise.all(again)) expect(answer.page?.changes).toEqual([]);
    }
    // Every answer that carried a change was timed from the later of its notice and the long-poll (the service's part of propagation), then the count starts again.
    const delivery = served.watch.takeDeliveryTimes();
    expect(delivery.samples).toBe(tickets.length * pollers.length);
    expect(delivery.p50Ms).toBeGreaterThanOrEqual(0);
    expect(delivery.p95Ms).toBeGreaterThanOrEqual(delivery.p50Ms);
    expect(served.watch.takeDeliveryTimes().samples).toBe(0);
  });

  it('a device revoked while it waits is refused when the feed moves', async () => {
    const waiter = await enrollDirect(db, m.venue, 'R2');
    const cursor = await cursorOf(m, m.venue);
    const waiting = poll(served, waiter.authorization, cursor);
    await until(() => served.watch.waiting === 1, 10_000, 'the long-poll to wait');
    await revokeDevice(db, waiter.deviceId, new Date());
    await addVenue(db, { municipality: m.code, id: `R${m.code.slice(0, 5)}`, name: '臨時会場' });
    expect((await waiting).status).toBe(403);
  });
});

/** A long-poll through node:http, to see the encoding on the wire. */
function rawPoll(served: ServedCentral, authorization: string, after: number, acceptGzip: boolean): Promise<{ encoding: string | undefined; page: FeedResponse }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${served.url}/v1/feed?after=${after}&wait=20&limit=5000`);
    const headers = { authorization, ...(acceptGzip ? { 'accept-encoding': 'gzip' } : {}) };
    http.get({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const raw = Buffer.concat(chunks);
        const encoding = response.headers['content-encoding'];
        const text = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        resolve({ encoding, page: feedResponseSchema.parse(JSON.parse(text)) });
      });
    }).on('error', reject);
  });
}

describe('answers on the wire', () => {
  it('a large answer goes gzipped to a device that accepts it, and as plain JSON to one that does not', async () => {
    const served = await serveCentral(counted);
    try {
      const m = await seedMunicipality(db, { today: '2026-11-23' });
      const [packed, plain] = [await enrollDirect(db, m.venue, 'R1'), await enrollDirect(db, m.venue, 'N1')];
      const cursor = await cursorOf(m, m.venue);
      const waiting = [rawPoll(served, packed.authorization, cursor, true), rawPoll(served, plain.authorization, cursor, false)];
      await until(() => served.watch.waiting === 2, 10_000, 'both long-polls to wait');
      await importRoster(db, { municipality: m.code, csv: rosterCsv(manyPeople(m.code, m.venue, '2026-11-23', 40, 6_700_000_000)), today: '2026-11-23' });
      const [a, b] = await Promise.all(waiting);
      expect(a?.encoding).toBe('gzip');
      expect(b?.encoding).toBeUndefined();
      expect(a?.page.changes.length).toBeGreaterThan(0);
      expect(a?.page).toEqual(b?.page);
    } finally {
      await served.close();
    }
  });
});

describe('a wake holds a bounded number of entries', () => {
  it('300 new people at once reach a waiting device in reads of at most 50, the ring never above 120, each exactly once', async () => {
    const served = await serveCentral(counted, { watch: { readRows: 50, ring: { maxEntries: 120, maxBytes: 1024 * 1024 } } });
    try {
      const m = await seedMunicipality(db, { today: '2026-11-23' });
      const device = await enrollDirect(db, m.venue, 'R1');
      let cursor = await cursorOf(m, m.venue);
      const first = poll(served, device.authorization, cursor);
      await until(() => served.watch.waiting === 1, 10_000, 'the long-poll to wait');
      const people = manyPeople(m.code, m.venue, '2026-11-23', 300, 6_300_000_000);
      await importRoster(db, { municipality: m.code, csv: rosterCsv([...people]), today: '2026-11-23' });
      const seen: string[] = [];
      let next: Promise<{ status: number; page: FeedResponse | null }> = first;
      while (seen.filter((k) => k.startsWith('P63')).length < 300) {
        const answer = await next;
        const changes = answer.page?.changes ?? [];
        expect(changes.length).toBeLessThanOrEqual(50);
        expect(served.watch.stats.ringEntries).toBeLessThanOrEqual(120);
        seen.push(...changes.filter((c) => c.kind === 'person').map((c) => c.key));
        cursor = answer.page?.next ?? cursor;
        next = poll(served, device.authorization, cursor, 5);
      }
      await next;
      expect(new Set(seen).size).toBe(seen.length);
    } finally {
      await served.close();
    }
  });
});

describe('an answer holds a bounded number of bytes', () => {
  it('a long-poll far behind (its own read) gets at most a page of bytes, `more`, and reading on gets every change once', async () => {
    const pageBytes = 4_096;
    const served = await serveCentral(counted, { watch: { pageBytes } });
    try {
      const m = await seedMunicipality(db, { today: '2026-11-23' });
      const device = await enrollDirect(db, m.venue, 'R1');
      let cursor = await cursorOf(m, m.venue);
      await importRoster(db, { municipality: m.code, csv: rosterCsv(manyPeople(m.code, m.venue, '2026-11-23', 40, 6_500_000_000)), today: '2026-11-23' });
      const seen: string[] = [];
      let pages = 0;
      for (;;) {
        // No wake has read these entries: each poll reads for itself.
        const response = await fetch(`${served.url}/v1/feed?after=${cursor}&wait=1&limit=5000`, { headers: { authorization: device.authorization } });
        const text = await response.text();
        const page = feedResponseSchema.parse(JSON.parse(text));
        if (page.changes.length === 0) break;
        pages += 1;
        // A page's changes stay within the budget, give or take the one that crosses it.
        const changes = page.changes.map((c) => Buffer.byteLength(JSON.stringify(c)));
        expect(changes.slice(0, -1).reduce((a, b) => a + b, 0), `page ${pages}: ${changes.length} changes`).toBeLessThanOrEqual(pageBytes);
        expect(page.more, `page ${pages}`).toBe(page.next < (await cursorOf(m, m.venue)));
        seen.push(...page.changes.filter((c) => c.kind === 'person').map((c) => c.key));
        expect(page.next).toBe(page.changes[page.changes.length - 1]?.seq);
        cursor = page.next;
      }
      expect(pages).toBeGreaterThan(2);
      expect(seen.filter((k) => k.startsWith('P65')).length).toBe(40);
      expect(new Set(seen).size).toBe(seen.length);
    } finally {
      await served.close();
    }
  });
});

describe('nobody misses or doubles an entry', () => {
  it('pollers at three venues of two municipalities, random uploads: each collects exactly what a full read shows it', async () => {
    const seed = seedFrom('VENUE_FEED_SEED', 20_261_124);
    const random = seeded(seed);
    const served = await serveCentral(counted, { watch: { minReadIntervalMs: 30, readRows: 7, ring: { maxEntries: 20, maxBytes: 1024 * 1024 } } });
    try {
      const towns = [await seedMunicipality(db, { today: '2026-11-23' }), await seedMunicipality(db, { today: '2026-11-23' })];
      const places = towns.flatMap((t) => [
        { town: t, venueId: t.venue },
        { town: t, venueId: t.otherVenue },
      ]).slice(0, 3);
      const uploaders = await Promise.all(places.map(async (p) => deviceRow((await enrollDirect(db, p.venueId, 'R1')).deviceId)));
      const people = towns.map((t, i) => manyPeople(t.code, t.venue, '2026-11-23', 60, 6_400_000_000 + i * 1000));
      for (const [i, t] of towns.entries()) await importRoster(db, { municipality: t.code, csv: rosterCsv(people[i] ?? []), today: '2026-11-23' });
      const pollers = await Promise.all(
        places.flatMap((p) => [0, 1, 2].map(async () => ({ place: p, authorization: (await enrollDirect(db, p.venueId, 'R1')).authorization }))),
      );
      const starts = await Promise.all(pollers.map((p) => cursorOf(p.place.town, p.place.venueId)));
      let stopping = false;
      const collected = pollers.map(() => [] as { seq: number; key: string }[]);
      const loops = pollers.map(async (p, i) => {
        let cursor = starts[i] ?? 0;
        while (!stopping) {
          const answer = await poll(served, p.authorization, cursor, 1);
          for (const change of answer.page?.changes ?? []) collected[i]?.push({ seq: change.seq, key: `${change.kind}:${change.key}` });
          cursor = answer.page?.next ?? cursor;
        }
        // Catch up with what is left (the last changes may have come after the final poll began).
        for (;;) {
          const answer = await poll(served, p.authorization, cursor, 0);
          for (const change of answer.page?.changes ?? []) collected[i]?.push({ seq: change.seq, key: `${change.kind}:${change.key}` });
          if (!answer.page?.more) return cursor;
          cursor = answer.page.next;
        }
      });
      const used = towns.map(() => 0);
      for (let step = 0; step < 60; step++) {
        const at = Math.floor(random() * places.length);
        const place = places[at] as (typeof places)[number];
        const t = towns.indexOf(place.town);
        const person = people[t]?.[(used[t] = (used[t] ?? 0) + 1) % 60];
        const record: UploadRecord = random() < 0.5 ? doseRecord({ code: place.town.code, venue: place.venueId }, person?.ticketNumber ?? '', { deskId: 'R1' }) : checkinRecord({ code: place.town.code, venue: place.venueId }, person?.ticketNumber ?? '');
        await storeRecords(db, uploaders[at] as DeviceRow, [record], now);
        if (random() < 0.5) await new Promise((resolve) => setTimeout(resolve, random() * 40));
      }
      stopping = true;
      await Promise.all(loops);
      for (const [i, p] of pollers.entries()) {
        const mine = collected[i] ?? [];
        const seqs = mine.map((c) => c.seq);
        expect(seqs, `poller ${i}: seqs rise, none twice`).toEqual([...new Set(seqs)].sort((a, b) => a - b));
        const full = await readPage(db, { municipality: p.place.town.code, venueId: p.place.venueId, after: starts[i] ?? 0, limit: 100_000, count: false });
        const expected = feedResponseSchema.parse(JSON.parse(full.json)).changes.map((c) => `${c.kind}:${c.key}`);
        expect(new Set(mine.map((c) => c.key)), `poller ${i} (seed ${seed})`).toEqual(new Set(expected));
      }
    } finally {
      await served.close();
    }
  });
});

import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, uploadResponseSchema, type UploadRecord } from '../src/sync/protocol';
import { rosterCsv } from '../test/fixtures/roster';
import { doseRecord, enrollDirect, manyPeople, seedMunicipality, useCentralDb, type SeededMunicipality } from '../test/sync/support/central';
import { buildCentralApp } from './app';
import type { CentralDb } from './db';
import { FeedWatch } from './feed-watch';
import { importRoster } from './roster';
import { UploadGate } from './upload-gate';
import { until } from '../test/sync/support/devices';

/**
 * Back-pressure: more uploads than a process lets wait are turned away at
 * once with 429, SERVER_BUSY in both languages and a Retry-After, having
 * stored nothing; sent again later they are stored. Nothing is lost.
 */
const central = useCentralDb();
let db: CentralDb;
let m: SeededMunicipality;
let url: string;
let close: () => Promise<void>;
// One upload at a time; one that would wait more than about two uploads' time is turned away.
const gate = new UploadGate({ concurrency: 1, maxWaitMs: 5_000, maxQueue: 2 });

beforeAll(async () => {
  db = central();
  m = await seedMunicipality(db, { today: '2026-11-23' });
  const watch = await FeedWatch.start(db);
  const app = buildCentralApp({ db, watch, uploads: gate });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  close = async () => {
    await watch.close();
    await app.close();
  };
});

afterAll(async () => {
  await close();
});

async function upload(authorization: string, records: readonly UploadRecord[]) {
  const response = await fetch(`${url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ records }) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as unknown };
}

describe('uploads under back-pressure', () => {
  it('twenty desks at once against one upload at a time: the excess is refused with Retry-After, stores nothing, and goes through when sent again', async () => {
    const people = manyPeople(m.code, m.venue, '2026-11-23', 20 * 40, 6_600_000_000);
    await importRoster(db, { municipality: m.code, csv: rosterCsv(people), today: '2026-11-23' });
    const desks = await Promise.all(Array.from({ length: 20 }, () => enrollDirect(db, m.venue, 'N1')));
    const batches = desks.map((_, i) => people.slice(i * 40, (i + 1) * 40).map((p) => doseRecord(m, p.ticketNumber)));
    // The one slot is taken (a long upload of another desk) while the twenty arrive.
    let release = () => {};
    const blocker = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
    const sending = Promise.all(desks.map((desk, i) => upload(desk.authorization, batches[i] ?? [])));
    await until(() => gate.stats.turnedAway + gate.stats.queued === desks.length, 10_000, 'every upload to be queued or turned away');
    expect(gate.stats.queued).toBeGreaterThan(0);
    release();
    await blocker;
    const answers = await sending;
    const refused = answers.flatMap((a, i) => (a.status === 429 ? [i] : []));
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    for (const i of refused) {
      const answer = answers[i];
      expect(Number(answer?.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(apiErrorSchema.parse(answer?.body).error).toMatchObject({ code: 'SERVER_BUSY', message: { ja: expect.stringContaining('混み合'), en: expect.stringContaining('busy') } });
    }
    const count = async (records: readonly UploadRecord[]) =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dose_records WHERE id = ANY($1::text[])`, [records.map((r) => r.data.id)]))[0]?.n;
    for (const [i, answer] of answers.entries()) {
      if (answer.status === 200) expect(uploadResponseSchema.parse(answer.body).results.every((r) => r.status === 'stored')).toBe(true);
      expect(await count(batches[i] ?? [])).toBe(answer.status === 200 ? 40 : 0);
    }
    expect(gate.stats.turnedAway).toBe(refused.length);
    // Sent again one after the other (as each device would after its Retry-After): all stored.
    for (const i of refused) expect((await upload(desks[i]?.authorization ?? '', batches[i] ?? [])).status).toBe(200);
    expect(await count(batches.flat())).toBe(20 * 40);
  });
});

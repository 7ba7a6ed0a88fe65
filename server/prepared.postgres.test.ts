import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCentralDb, type CentralDb } from './db';
import { FEW_ITEMS, prepared } from './queryable';
import { startPgCluster, type PgCluster } from '../test/support/pg-cluster';

/**
 * Statements marked with prepared() are named statements on PostgreSQL while
 * their arrays are small (parsed once per connection, a plan PostgreSQL may
 * keep), and plain ones when a batch is large (planned for itself: a kept
 * plan made for one row can be ruinous for two hundred). Seen in
 * pg_prepared_statements of the connection that ran them.
 *
 * Runs in the PostgreSQL pass of `.ci/run` on a cluster of its own.
 */
let cluster: PgCluster;
let db: CentralDb;

beforeAll(async () => {
  cluster = await startPgCluster({ settings: { fsync: 'off' } });
  db = await openCentralDb({ dataDir: null, databaseUrl: cluster.url, poolSize: 1 });
});

afterAll(async () => {
  await db?.close();
  cluster?.destroy();
});

const MARKED = prepared(`SELECT count(*)::int AS n FROM unnest($1::text[]) AS u(id) WHERE u.id LIKE 'x%'`);
const PLAIN = `SELECT count(*)::int AS n FROM unnest($1::text[]) AS u(id) WHERE u.id LIKE 'y%'`;

async function preparedHere(): Promise<{ statement: string; calls: number }[]> {
  // One connection in the pool: the statements it holds are the ones this process prepared.
  const rows = await db.query<{ statement: string; generic_plans: number; custom_plans: number }>(`SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements`);
  return rows.map((r) => ({ statement: r.statement, calls: Number(r.generic_plans) + Number(r.custom_plans) }));
}

describe('statements kept prepared on PostgreSQL', () => {
  it('a marked statement with few items is prepared once and reused; with many, or unmarked, it is not', async () => {
    const few = ['x1', 'y1'];
    const many = Array.from({ length: FEW_ITEMS * 25 }, (_, i) => `x${i}`);
    for (let i = 0; i < 7; i++) expect((await db.query<{ n: number }>(MARKED, [few]))[0]?.n).toBe(1);
    expect((await db.query<{ n: number }>(MARKED, [many]))[0]?.n).toBe(many.length);
    expect((await db.query<{ n: number }>(PLAIN, [few]))[0]?.n).toBe(1);
    const held = await preparedHere();
    expect(held.filter((s) => s.statement === MARKED)).toEqual([{ statement: MARKED, calls: 7 }]);
    expect(held.some((s) => s.statement === PLAIN)).toBe(false);
  });

  it('inside a transaction as outside', async () => {
    const before = (await preparedHere()).find((s) => s.statement === MARKED)?.calls ?? 0;
    await db.transaction(async (tx) => {
      expect((await tx.query<{ n: number }>(MARKED, [['x2']]))[0]?.n).toBe(1);
    });
    expect((await preparedHere()).find((s) => s.statement === MARKED)?.calls).toBe(before + 1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCentralDb, type CentralDb } from './db';
import { prepared } from './queryable';
import { startPgCluster, type PgCluster } from '../test/support/pg-cluster';

/**
 * Statements marked with prepared() are named statements on PostgreSQL
 * (parsed once per connection), planned anew at every run: never a plan kept
 * from other rows (one kept from single doses on a fresh database made the
 * clash check take 45 ms a call instead of under 1 as the tables grew). Seen
 * in pg_prepared_statements of the connection that ran them.
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

async function preparedHere(): Promise<{ statement: string; generic: number; custom: number }[]> {
  // One connection in the pool: the statements it holds are the ones this process prepared.
  const rows = await db.query<{ statement: string; generic_plans: number; custom_plans: number }>(`SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements`);
  return rows.map((r) => ({ statement: r.statement, generic: Number(r.generic_plans), custom: Number(r.custom_plans) }));
}

describe('statements kept prepared on PostgreSQL', () => {
  it('a marked statement is prepared once, reused, and planned at every run (PostgreSQL would keep a generic plan after five); an unmarked one is not prepared', async () => {
    const few = ['x1', 'y1'];
    const many = Array.from({ length: 200 }, (_, i) => `x${i}`);
    for (let i = 0; i < 7; i++) expect((await db.query<{ n: number }>(MARKED, [few]))[0]?.n).toBe(1);
    expect((await db.query<{ n: number }>(MARKED, [many]))[0]?.n).toBe(many.length);
    expect((await db.query<{ n: number }>(PLAIN, [few]))[0]?.n).toBe(1);
    const held = await preparedHere();
    expect(held.filter((s) => s.statement === MARKED)).toEqual([{ statement: MARKED, generic: 0, custom: 8 }]);
    expect(held.some((s) => s.statement === PLAIN)).toBe(false);
  });

  it('inside a transaction as outside', async () => {
    const before = (await preparedHere()).find((s) => s.statement === MARKED)?.custom ?? 0;
    await db.transaction(async (tx) => {
      expect((await tx.query<{ n: number }>(MARKED, [['x2']]))[0]?.n).toBe(1);
    });
    expect((await preparedHere()).find((s) => s.statement === MARKED)?.custom).toBe(before + 1);
  });
});

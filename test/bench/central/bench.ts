import pg from 'pg';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startPgCluster, type PgCluster } from '../../support/pg-cluster';
import { percentile, round } from '../stats';
import { cpuMeter, type CpuShares } from './cpu';
import { uploadPhase, type UploadPhase } from './load';
import { startPollers, type PollersProcess, type PollersReport } from './pollers-process';
import { CURRENT, extractCommit, startService, type CodeTree, type ServiceProcess } from './processes';
import { seedTemplate, type SeedPlan } from './seed';

/**
 * The central service under load, on PostgreSQL from Debian in a throwaway
 * cluster: N simulated desks long-polling, and one uploading desk per venue
 * sending single doses, then 200-dose backlogs, all at once; one and two
 * service processes against one database; this checkout's code and an
 * earlier commit's, in one run. Every run starts from a copy of the same
 * seeded database. See docs/benchmarks.md for what each figure means.
 */
/** The commit before the fan-out, bulk uploads and back-pressure: the old code the bench measures beside the new by default. */
export const CENTRAL_BASELINE = '935382d';

export interface CentralBenchOptions {
  readonly pollers: number;
  readonly municipalities: number;
  readonly venuesPerMunicipality: number;
  /** Single-dose uploads per desk, then the backlog per desk (sent 200 at a time). */
  readonly singlePerDesk: number;
  readonly backlogPerDesk: number;
  /** An earlier commit to measure side by side (null: none). */
  readonly baseline: string | null;
  /** Only this code, one process, with and without the long-polling desks (a quick look). */
  readonly quick?: boolean;
  readonly log: (line: string) => void;
}

export interface RunResult {
  readonly code: string;
  readonly processes: number;
  readonly pollers: number;
  readonly single: Omit<UploadPhase, 'sentAt' | 'ids'>;
  readonly backlog: Omit<UploadPhase, 'sentAt' | 'ids'>;
  /** Tracked dose → each desk of its venue: p50/p95 ms from the upload being sent; per phase. */
  readonly propagation: { readonly single: Percentiles | null; readonly backlog: Percentiles | null };
  /** Peak resident memory of each service process, MB. */
  readonly peakMb: readonly number[];
  /** Statements reading the feed ÷ feed notices sent (each upload commit sends one). */
  readonly feedQueriesPerWake: number | null;
  readonly feedQueries: number;
  readonly notices: number;
  readonly stored: number;
  readonly expected: number;
  /** Tracked doses some desk of their venue never received, and arrivals of one twice. */
  readonly lostAtDesks: number;
  readonly duplicatesAtDesks: number;
  readonly polls: number;
  readonly serverStats: unknown;
  /** Where the cores went during each upload phase. */
  readonly cpu: { readonly single: CpuShares; readonly backlog: CpuShares };
  /** PostgreSQL's time per kind of statement over the run, planning and execution (pg_stat_statements; a lock's wait counts as its time). */
  readonly statements: readonly StatementCost[];
  /** Each service process's part of cross-desk propagation over both upload phases: how long it held a change for a waiting desk, from the later of the change's notice and the desk's long-poll to the answer leaving (null from code without the counter). */
  readonly delivery: readonly ({ samples: number; p50Ms: number; p95Ms: number } | null)[];
  /** Each service process's event-loop delay over both upload phases (what a request or a query's answer waits for inside the process). */
  readonly eventLoop: readonly { meanMs: number; p99Ms: number; maxMs: number }[];
}

export interface StatementCost {
  readonly label: string;
  readonly calls: number;
  readonly meanMs: number;
  readonly totalMs: number;
}

/** The statements of an upload and of a long-poll, told apart by their text (this code's and the old code's). */
const STATEMENT_KINDS: readonly [string, RegExp][] = [
  ['upload: read what the batch names', /^\s*SELECT \$\d+::text AS t, r\.id/i],
  ['upload: insert the records', /^\s*INSERT INTO (dose_records|checkins|voids)\b/i],
  ['upload: the feed lock (its wait)', /pg_advisory_xact_lock/i],
  ['upload: voids and clashes', /UPDATE dose_records t SET voided_by|JOIN dose_records o ON/i],
  ['upload: feed entries and people', /INSERT INTO feed/i],
  ['long-poll: device lookup', /^\s*SELECT d\.id, d\.municipality/i],
  ['long-poll: cursor marks', /device_feed_marks/i],
  ['long-poll: wake read (once for many)', /^\s*WITH h AS/i],
  ['long-poll: own read', /^\s*WITH visible AS/i],
  ['BEGIN / COMMIT / SET', /^\s*(BEGIN|COMMIT|SET LOCAL)\b/i],
];

function statementCosts(rows: readonly { query: string; calls: string; total: number }[]): StatementCost[] {
  const costs = new Map<string, { calls: number; totalMs: number }>();
  for (const row of rows) {
    const label = STATEMENT_KINDS.find(([, match]) => match.test(row.query))?.[0] ?? 'other';
    const cost = costs.get(label) ?? { calls: 0, totalMs: 0 };
    cost.calls += Number(row.calls);
    cost.totalMs += row.total;
    costs.set(label, cost);
  }
  return [...STATEMENT_KINDS.map(([label]) => label), 'other']
    .filter((label) => costs.has(label))
    .map((label) => {
      const { calls, totalMs } = costs.get(label) as { calls: number; totalMs: number };
      return { label, calls, totalMs: Math.round(totalMs), meanMs: round(totalMs / Math.max(1, calls), 2) };
    });
}

export interface CopyReference {
  readonly doses: number;
  /** Median of three loads. */
  readonly seconds: number;
  readonly dosesPerSecond: number;
  readonly allSeconds: readonly number[];
}

export interface Percentiles {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

export interface CentralBenchResult {
  readonly options: Omit<CentralBenchOptions, 'log'>;
  readonly machine: string;
  readonly loadAverage: number;
  readonly seed: Pick<SeedPlan, 'people' | 'seconds'> & { venues: number };
  readonly runs: readonly RunResult[];
  readonly baselineNote: string | null;
  /** The same rows loaded with COPY into a copy of the seeded database: every row the uploads wrote (doses, their feed entries, the people's); and the doses and their entries only. */
  readonly copy: CopyReference;
  readonly copyDosesOnly: CopyReference;
  readonly wallSeconds: number;
}

async function admin<T>(cluster: PgCluster, database: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: cluster.urlOf(database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function propagationOf(phase: UploadPhase, desks: readonly { venue: string }[], report: PollersReport | null): { stats: Percentiles | null; lost: number } {
  if (!report) return { stats: null, lost: 0 };
  const samples: number[] = [];
  let lost = 0;
  const byVenue = new Map<string, number[]>();
  desks.forEach((desk, i) => byVenue.set(desk.venue, [...(byVenue.get(desk.venue) ?? []), i]));
  const seen = report.seen.map((entries) => new Map(entries));
  for (const [id, sent] of phase.sentAt) {
    for (const i of byVenue.get(sent.venue) ?? []) {
      const at = seen[i]?.get(id);
      if (at === undefined) lost += 1;
      else samples.push(Math.max(0, at - sent.at));
    }
  }
  return { stats: samples.length ? { samples: samples.length, p50Ms: round(percentile(samples, 50), 1), p95Ms: round(percentile(samples, 95), 1) } : null, lost };
}

async function waitForDesks(pollers: PollersProcess, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await pollers.count()).seen < expected) await sleep(250);
}

async function runOnce(cluster: PgCluster, plan: SeedPlan, tree: CodeTree, processes: number, pollerCount: number, options: CentralBenchOptions, keep: boolean): Promise<{ result: RunResult; database: string }> {
  const database = `run_${tree.label.replace(/\W/g, '')}_${processes}_${pollerCount}`;
  await admin(cluster, 'postgres', (c) => c.query(`CREATE DATABASE ${database} TEMPLATE venue_seed`));
  const url = cluster.urlOf(database);
  await admin(cluster, database, (c) => c.query('SELECT pg_stat_statements_reset()'));
  if (tree.schemaVersion !== undefined) await admin(cluster, database, (c) => c.query('DELETE FROM schema_migrations WHERE version > $1', [tree.schemaVersion]));
  const services: ServiceProcess[] = [];
  let pollers: PollersProcess | null = null;
  try {
    for (let p = 0; p < processes; p++) services.push(await startService(tree, url));
    const urls = services.map((s) => s.url);
    const desks = plan.venues.flatMap((v) => v.pollers.map((d) => ({ venue: v.venue, authorization: d.authorization }))).slice(0, pollerCount);
    const head = await admin(cluster, database, async (c) => Number((await c.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM feed')).rows[0]?.seq ?? 0));
    if (desks.length > 0) {
      pollers = await startPollers(desks.map((d, i) => ({ url: urls[i % urls.length] as string, authorization: d.authorization, cursor: head })));
      // Let every long-poll reach the server and wait (counted by the new code; the old has no counter).
      const deadline = Date.now() + 30_000;
      for (;;) {
        const stats = (await Promise.all(services.map((s) => s.stats()))) as { service: { feed: { waiting: number } } | null }[];
        if (stats.some((s) => s.service === null)) {
          await sleep(3_000);
          break;
        }
        if (stats.reduce((n, s) => n + (s.service?.feed.waiting ?? 0), 0) >= desks.length || Date.now() > deadline) break;
        await sleep(200);
      }
    }
    const expectedAt = (phase: UploadPhase) => [...phase.sentAt.values()].reduce((n, s) => n + desks.filter((d) => d.venue === s.venue).length, 0);
    options.log(`  ${tree.label}, ${processes} process(es), ${desks.length} long-polling desks: single doses…`);
    // Each process's event-loop delay is counted from here (serve.ts starts it again at each ask).
    await Promise.all(services.map((s) => s.stats()));
    const meter = () => cpuMeter({ service: () => services.map((s) => s.child.pid ?? 0), pollers: () => pollers?.pid ?? null, postgresData: join(cluster.dir, 'data') });
    let measure = meter();
    const single = await uploadPhase(plan.venues, urls, { batchSize: 1, perDesk: options.singlePerDesk, first: 0 });
    const cpuSingle = measure();
    if (pollers) await waitForDesks(pollers, expectedAt(single), 30_000);
    options.log(`    ${single.dosesPerSecond} doses/s, p99 ${single.p99Ms} ms; backlogs of ${options.backlogPerDesk}, 200 at a time…`);
    measure = meter();
    const backlog = await uploadPhase(plan.venues, urls, { batchSize: 200, perDesk: options.backlogPerDesk, first: options.singlePerDesk });
    const cpuBacklog = measure();
    if (pollers) await waitForDesks(pollers, expectedAt(single) + expectedAt(backlog), 60_000);
    options.log(`    ${backlog.dosesPerSecond} doses/s, p99 ${backlog.p99Ms} ms`);
    const report = pollers ? await pollers.report() : null;
    const serverStats = await Promise.all(services.map((s) => s.stats()));
    const statements = await admin(cluster, database, async (c) => {
      const rows = (
        await c.query<{ query: string; calls: string; total: number }>(
          `SELECT query, calls, total_plan_time + total_exec_time AS total FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE 'ANALYZE%'`,
        )
      ).rows;
      const sum = (match: (q: string) => boolean) => rows.filter((r) => match(r.query)).reduce((n, r) => n + Number(r.calls), 0);
      return { feed: sum((q) => /\bFROM feed\b/i.test(q) && !/^\s*INSERT/i.test(q)), notices: sum((q) => /pg_notify/i.test(q)), costs: statementCosts(rows) };
    });
    const ids = [...single.ids, ...backlog.ids];
    const stored = await admin(cluster, database, async (c) => Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM dose_records WHERE id = ANY($1::text[])', [ids])).rows[0]?.n ?? 0));
    const a = propagationOf(single, desks, report);
    const b = propagationOf(backlog, desks, report);
    const strip = ({ sentAt: _s, ids: _i, ...rest }: UploadPhase) => rest;
    return {
      database,
      result: {
        code: tree.label,
        processes,
        pollers: desks.length,
        single: strip(single),
        backlog: strip(backlog),
        propagation: { single: a.stats, backlog: b.stats },
        peakMb: services.map((s) => Math.round(s.peakRss() / 2 ** 20)),
        feedQueriesPerWake: desks.length > 0 && statements.notices > 0 ? round(statements.feed / statements.notices, 2) : null,
        feedQueries: statements.feed,
        notices: statements.notices,
        stored,
        expected: ids.length,
        lostAtDesks: a.lost + b.lost,
        duplicatesAtDesks: report?.counts.duplicates ?? 0,
        polls: report?.counts.polls ?? 0,
        serverStats,
        cpu: { single: cpuSingle, backlog: cpuBacklog },
        statements: statements.costs,
        eventLoop: serverStats.map((s) => (s as { lag: { meanMs: number; p99Ms: number; maxMs: number } }).lag),
        delivery: serverStats.map((s) => (s as { service: { delivery?: { samples: number; p50Ms: number; p95Ms: number } } | null }).service?.delivery ?? null),
      },
    };
  } finally {
    await pollers?.stop();
    for (const s of services) await s.stop();
    if (!keep) await admin(cluster, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}

/** One reference load, three times into fresh copies of the seed (one load of half a second is at the mercy of the machine; the median less so). */
async function copyThrice(cluster: PgCluster, files: { doses: string; feed: string; replaced: string | null }): Promise<CopyReference> {
  const runs: { n: number; seconds: number }[] = [];
  for (let i = 0; i < 3; i++) {
    await admin(cluster, 'postgres', (c) => c.query('CREATE DATABASE copy_target TEMPLATE venue_seed'));
    try {
      if (files.replaced) {
        // The people's entries the run replaced go first, outside the timing (COPY cannot replace a row), and their dead rows are vacuumed away.
        await admin(cluster, 'copy_target', async (c) => {
          await c.query('CREATE TABLE replaced (municipality text, kind text, key text)');
          await c.query(`COPY replaced FROM '${files.replaced}'`);
          await c.query('DELETE FROM feed f USING replaced r WHERE f.municipality = r.municipality AND f.kind = r.kind AND f.key = r.key');
          await c.query('DROP TABLE replaced');
          await c.query('VACUUM feed');
        });
      }
      runs.push(
        await admin(cluster, 'copy_target', async (c) => {
          const started = performance.now();
          await c.query('BEGIN');
          const loaded = await c.query(`COPY dose_records FROM '${files.doses}'`);
          await c.query(`COPY feed FROM '${files.feed}'`);
          await c.query('COMMIT');
          return { n: loaded.rowCount ?? 0, seconds: (performance.now() - started) / 1000 };
        }),
      );
    } finally {
      await admin(cluster, 'postgres', (c) => c.query('DROP DATABASE IF EXISTS copy_target WITH (FORCE)'));
    }
  }
  const { n, seconds } = [...runs].sort((a, b) => a.seconds - b.seconds)[1] as { n: number; seconds: number };
  return { doses: n, seconds: round(seconds, 3), dosesPerSecond: Math.round(n / seconds), allSeconds: runs.map((r) => round(r.seconds, 3)) };
}

/**
 * The rows a run stored, loaded again with COPY into a fresh copy of the
 * seed: the database's own limit for them. `copy`: every row an upload
 * writes (the doses, their feed entries, and the people's feed entries sent
 * again); `dosesOnly`: the doses and their feed entries (the reference of
 * the earlier runs).
 */
async function rawCopy(cluster: PgCluster, from: string, seedHead: number): Promise<{ copy: CopyReference; dosesOnly: CopyReference }> {
  const doses = join(cluster.dir, 'doses.copy');
  const entries = join(cluster.dir, 'entries.copy');
  const all = join(cluster.dir, 'feed.copy');
  const replaced = join(cluster.dir, 'replaced.copy');
  await admin(cluster, from, async (c) => {
    await c.query(`COPY dose_records TO '${doses}'`);
    await c.query(`COPY (SELECT * FROM feed WHERE kind = 'dose') TO '${entries}'`);
    await c.query(`COPY (SELECT * FROM feed WHERE seq > ${seedHead}) TO '${all}'`);
    await c.query(`COPY (SELECT municipality, kind, key FROM feed WHERE seq > ${seedHead} AND kind <> 'dose') TO '${replaced}'`);
  });
  return {
    copy: await copyThrice(cluster, { doses, feed: all, replaced }),
    dosesOnly: await copyThrice(cluster, { doses, feed: entries, replaced: null }),
  };
}

export async function benchCentral(options: CentralBenchOptions): Promise<CentralBenchResult> {
  const started = performance.now();
  const loadAverage = loadavg()[0] ?? 0;
  const cluster = await startPgCluster({ settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on', max_connections: '200' } });
  const baseline = options.baseline ? extractCommit(options.baseline) : null;
  try {
    await admin(cluster, 'postgres', (c) => c.query('CREATE DATABASE venue_seed'));
    await admin(cluster, 'venue_seed', (c) => c.query('CREATE EXTENSION pg_stat_statements'));
    options.log(`seeding: ${options.municipalities} municipalities × ${options.venuesPerMunicipality} venues, ${options.pollers} long-polling desks…`);
    const plan = await seedTemplate(cluster.urlOf('venue_seed'), {
      municipalities: options.municipalities,
      venuesPerMunicipality: options.venuesPerMunicipality,
      pollers: options.pollers,
      dosesPerUploader: options.singlePerDesk + options.backlogPerDesk,
      today: '2026-11-23',
    });
    const runs: RunResult[] = [];
    let copies: { copy: CopyReference; dosesOnly: CopyReference } | null = null;
    const seedHead = await admin(cluster, 'venue_seed', async (c) => Number((await c.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM feed')).rows[0]?.seq ?? 0));
    const plans: [CodeTree, number, number][] = [
      [CURRENT, 1, 0],
      [CURRENT, 1, options.pollers],
    ];
    if (!options.quick) plans.push([CURRENT, 2, options.pollers], [CURRENT, 2, 0]);
    if (baseline?.tree && !options.quick) plans.push([baseline.tree, 1, options.pollers], [baseline.tree, 1, 0]);
    for (const [i, [tree, processes, pollers]] of plans.entries()) {
      const { result, database } = await runOnce(cluster, plan, tree, processes, pollers, options, i === 0);
      runs.push(result);
      if (i === 0) {
        copies = await rawCopy(cluster, database, seedHead);
        await admin(cluster, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
      }
    }
    return {
      options: {
        pollers: options.pollers,
        municipalities: options.municipalities,
        venuesPerMunicipality: options.venuesPerMunicipality,
        singlePerDesk: options.singlePerDesk,
        backlogPerDesk: options.backlogPerDesk,
        baseline: options.baseline,
        quick: options.quick ?? false,
      },
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
      loadAverage: round(loadAverage, 2),
      seed: { people: plan.people, seconds: round(plan.seconds, 1), venues: plan.venues.length },
      runs,
      baselineNote: baseline && !baseline.tree ? baseline.reason : null,
      copy: copies?.copy ?? { doses: 0, seconds: 0, dosesPerSecond: 0, allSeconds: [] },
      copyDosesOnly: copies?.dosesOnly ?? { doses: 0, seconds: 0, dosesPerSecond: 0, allSeconds: [] },
      wallSeconds: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    if (baseline?.tree) baseline.remove();
    cluster.destroy();
  }
}

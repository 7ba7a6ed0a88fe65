import { round } from '../stats';
import type { CentralBenchResult, Percentiles, RunResult } from './bench';

/** The central bench's section of docs/benchmarks.md. */
export function centralSection(r: CentralBenchResult): string {
  const o = r.options;
  const find = (code: string, processes: number, pollers: boolean) => r.runs.find((run) => run.code === code && run.processes === processes && run.pollers > 0 === pollers);
  const oldLabel = r.runs.find((run) => run.code !== 'new')?.code ?? null;
  const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : `${v} ms`);
  const prop = (p: Percentiles | null) => (p ? `${p.p50Ms} / ${p.p95Ms} ms` : '–');
  const row = (run: RunResult) =>
    `| ${run.code} | ${run.processes} | ${run.pollers.toLocaleString()} | ${run.single.dosesPerSecond} | ${run.single.p50Ms} / ${run.single.p95Ms} / ${run.single.p99Ms} | ` +
    `${run.backlog.dosesPerSecond} | ${run.backlog.p50Ms} / ${run.backlog.p95Ms} / ${run.backlog.p99Ms} | ${run.single.turnedAway + run.backlog.turnedAway} | ` +
    `${run.single.overDeviceTimeout + run.backlog.overDeviceTimeout} | ${prop(run.propagation.single)} | ${prop(run.propagation.backlog)} | ${run.feedQueriesPerWake ?? '–'} | ` +
    `${run.peakMb.join(' + ')} | ${run.stored.toLocaleString()} / ${run.expected.toLocaleString()} | ${run.lostAtDesks} / ${run.duplicatesAtDesks} |`;
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '–' : String(round(a / b, 2)));
  const targets: string[] = [];
  for (const processes of [1, 2]) {
    const none = find('new', processes, false);
    const many = find('new', processes, true);
    if (!none || !many) continue;
    targets.push(
      `| upload p99 with ${many.pollers.toLocaleString()} desks ÷ with none, single doses (${processes} process${processes > 1 ? 'es' : ''}) | ${many.single.p99Ms} ÷ ${none.single.p99Ms} = ${ratio(many.single.p99Ms, none.single.p99Ms)} | ≤ 1.5 |`,
      `| upload p99 with ${many.pollers.toLocaleString()} desks ÷ with none, 200-dose batches (${processes}) | ${many.backlog.p99Ms} ÷ ${none.backlog.p99Ms} = ${ratio(many.backlog.p99Ms, none.backlog.p99Ms)} | ≤ 1.5 |`,
      `| ingest with ${many.pollers.toLocaleString()} desks ÷ with none, doses/s (${processes}) | ${many.backlog.dosesPerSecond} ÷ ${none.backlog.dosesPerSecond} = ${ratio(many.backlog.dosesPerSecond, none.backlog.dosesPerSecond)} | ≥ 0.8 |`,
      `| ingest ÷ raw COPY of the same rows (doses, their entries, the people's), doses/s (${processes}, no desks polling) | ${none.backlog.dosesPerSecond} ÷ ${r.copy.dosesPerSecond} = ${ratio(none.backlog.dosesPerSecond, r.copy.dosesPerSecond)} | ≥ 0.25 |`,
      `| the same against COPY of the doses and their entries only (earlier runs' reference) (${processes}) | ${none.backlog.dosesPerSecond} ÷ ${r.copyDosesOnly.dosesPerSecond} = ${ratio(none.backlog.dosesPerSecond, r.copyDosesOnly.dosesPerSecond)} | – |`,
      `| single-dose upload p99, with desks polling (${processes}) | ${ms(many.single.p99Ms)} | ≤ 500 ms |`,
      `| 200-dose batch p99, with desks polling (${processes}) | ${ms(many.backlog.p99Ms)} | ≤ 3 s |`,
      `| sustained ingest, backlogs, with desks polling (${processes}) | ${many.backlog.dosesPerSecond} doses/s | ≥ 1,000 |`,
      `| cross-desk propagation p95, single doses, with desks polling (${processes}) | ${ms(many.propagation.single?.p95Ms)} | ≤ 1 s |`,
      `| server memory peak per process, with desks polling (${processes}) | ${many.peakMb.map((m) => `${m} MB`).join(', ')} | ≤ 512 MB |`,
    );
  }
  const firstsLine = r.runs
    .filter((run) => run.code === 'new' && Number.isFinite(run.single.restP99Ms))
    .map((run) => `${run.processes} process${run.processes > 1 ? 'es' : ''}, ${run.pollers.toLocaleString()} desks: slowest first ${run.single.firstMaxMs} ms, p99 of the rest ${run.single.restP99Ms} ms`)
    .join('; ');
  const lost = r.runs.filter((run) => run.code === 'new').reduce((n, run) => n + (run.expected - run.stored) + run.lostAtDesks, 0);
  const doubled = r.runs.filter((run) => run.code === 'new').reduce((n, run) => n + run.duplicatesAtDesks, 0);
  targets.push(`| doses lost or doubled (stored vs sent; tracked doses at every desk of their venue), this code, all runs | ${lost} lost, ${doubled} doubled | 0 |`);
  const oldMany = oldLabel ? find(oldLabel, 1, true) : undefined;
  const newMany = find('new', 1, true);
  const versus =
    oldMany && newMany
      ? [
          '',
          `Against ${oldLabel} with the same ${newMany.pollers.toLocaleString()} desks polling, one process: single-dose p99 ${newMany.single.p99Ms} vs ${oldMany.single.p99Ms} ms (${ratio(newMany.single.p99Ms, oldMany.single.p99Ms)}×), ` +
            `200-dose batch p99 ${newMany.backlog.p99Ms} vs ${oldMany.backlog.p99Ms} ms (${ratio(newMany.backlog.p99Ms, oldMany.backlog.p99Ms)}×), ingest ${newMany.backlog.dosesPerSecond} vs ${oldMany.backlog.dosesPerSecond} doses/s ` +
            `(${ratio(newMany.backlog.dosesPerSecond, oldMany.backlog.dosesPerSecond)}×), feed queries per wake ${newMany.feedQueriesPerWake ?? '–'} vs ${oldMany.feedQueriesPerWake ?? '–'}, memory ${newMany.peakMb[0]} vs ${oldMany.peakMb[0]} MB.`,
        ]
      : [];
  return [
    `## Central: long-polls, uploads under load, one and two processes (PostgreSQL, ${o.pollers.toLocaleString()} desks polling)`,
    '',
    `PostgreSQL from Debian in a throwaway cluster started by the bench (default settings, pg_stat_statements loaded, planning counted); ${o.municipalities} municipalities × ${o.venuesPerMunicipality} venues; ` +
      `${r.seed.people.toLocaleString()} people on the roster. One uploading desk per venue (${r.seed.venues}), all at once, each sending ${o.singlePerDesk} single doses one request after the other, then a backlog of ${o.backlogPerDesk} doses 200 to a request, as the device's sync service does (a 429 waited out for its Retry-After). ` +
      `The long-polling desks (spread evenly over the venues) do what a caught-up device does: GET /v1/feed?wait=20, and again at once with the new cursor. With two processes each desk keeps to one of them (as behind a load balancer), so a dose stored through one process must wake desks on the other through LISTEN/NOTIFY. ` +
      `Every run starts from a copy of the same seeded database and fresh service processes. Propagation: from the upload request being sent to the dose's arrival at each long-polling desk of its venue (one dose in sixteen tracked). ` +
      `Feed queries per wake: statements reading the feed ÷ feed notices (one per upload commit), from pg_stat_statements. Memory: each service process's peak resident set (VmHWM). ` +
      (oldLabel ? `The old code is that commit's server/ and src/, extracted with git archive into a temp folder and run the same way in the same run (--central-baseline).` : (r.baselineNote ?? 'No old code measured (--central-baseline none).')),
    '',
    `Machine: ${r.machine}; load average when it started ${r.loadAverage} (other work on the cores skews the figures: read the ratios). Seeding took ${r.seed.seconds} s; the whole bench ${r.wallSeconds} s. ` +
      `Raw COPY of every row the first run's uploads wrote (the ${r.copy.doses.toLocaleString()} doses, their feed entries and the people's entries sent again, those people's old entries deleted beforehand, untimed) into a copy of the seeded database, three times: median ${r.copy.seconds} s (${r.copy.allSeconds.join(', ')} s; ${r.copy.dosesPerSecond.toLocaleString()} doses/s). ` +
        `The doses and their feed entries only (the reference of earlier runs): median ${r.copyDosesOnly.seconds} s (${r.copyDosesOnly.allSeconds.join(', ')} s; ${r.copyDosesOnly.dosesPerSecond.toLocaleString()} doses/s).`,
    '',
    '| code | processes | desks polling | single: doses/s | single p50 / p95 / p99 ms | backlog: doses/s | 200-batch p50 / p95 / p99 ms | 429s | over 5 s | propagation p50 / p95, single | propagation p50 / p95, backlog | feed queries per wake | peak MB per process | stored / sent | lost / doubled at desks |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map(row),
    ...versus,
    '',
    `Single doses, each desk's first request (the ${r.seed.venues} sent at the same instant, as the phase starts) apart from the rest: ${firstsLine}.`,
    '',
    'Where the two cores went during each upload phase (cores busy on average: service processes, PostgreSQL, the simulated long-polling desks, the uploading desks and the bench itself):',
    '',
    '| code | processes | desks polling | phase | seconds | service | PostgreSQL | simulated desks | uploaders |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.runs.flatMap((run) =>
      (['single', 'backlog'] as const).map((phase) => {
        const c = run.cpu[phase];
        return `| ${run.code} | ${run.processes} | ${run.pollers.toLocaleString()} | ${phase === 'single' ? 'single doses' : '200-dose backlogs'} | ${c.wallSeconds} | ${c.service} | ${c.postgres} | ${c.desks} | ${c.uploaders} |`;
      }),
    ),
    '',
    'Where PostgreSQL\'s time went, by kind of statement (pg_stat_statements over the whole run: calls × mean ms a call, planning and execution; the feed lock\'s figure is the wait for it, one upload of a municipality at a time), how long each service process\'s event loop was held over the two upload phases (mean / p99 / max delay, ms), and, with desks polling, the service\'s part of cross-desk propagation: how long a process held a change for a desk waiting for it, from the later of the change\'s notice and the desk\'s long-poll to the answer carrying it being handed to the connection:',
    '',
    `| statement | ${r.runs.map((run) => `${run.code}, ${run.processes} proc., ${run.pollers.toLocaleString()} desks`).join(' | ')} |`,
    `|---|${r.runs.map(() => '---').join('|')}|`,
    ...[...new Set(r.runs.flatMap((run) => run.statements.map((st) => st.label)))].map(
      (label) =>
        `| ${label} | ${r.runs
          .map((run) => {
            const st = run.statements.find((x) => x.label === label);
            return st ? `${st.calls.toLocaleString()} × ${st.meanMs}` : '–';
          })
          .join(' | ')} |`,
    ),
    `| event loop delay, per process | ${r.runs.map((run) => run.eventLoop.map((l) => `${l.meanMs} / ${l.p99Ms} / ${l.maxMs}`).join(' + ')).join(' | ')} |`,
    `| change held for a waiting desk, p50 / p95 ms, per process (the service's part of propagation) | ${r.runs.map((run) => (run.pollers > 0 ? run.delivery.map((d) => (d && d.samples > 0 ? `${d.p50Ms} / ${d.p95Ms}` : '–')).join(' + ') : '–')).join(' | ')} |`,
    '',
    '| target (this code) | result | target |',
    '|---|---|---|',
    ...targets,
  ].join('\n');
}

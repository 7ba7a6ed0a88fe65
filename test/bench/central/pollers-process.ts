import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { bundleEnv, bundleProgram } from './processes';

/** The simulated long-polling desks (pollers.ts) in their own process, driven over IPC. */
export interface PollersProcess {
  readonly pid: number;
  /** Tracked doses arrived so far, over all desks, and polls answered. */
  count(): Promise<{ seen: number; polls: number }>;
  report(): Promise<PollersReport>;
  stop(): Promise<void>;
}

export interface PollersReport {
  readonly counts: { polls: number; errors: number; empty: number; gzipped: number; statuses: Record<string, number>; duplicates: number };
  /** Per desk (in the order given): [dose id, first arrival ms since the epoch]. */
  readonly seen: [string, number][][];
}

let script: Promise<string> | null = null;

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    child.send({ type });
  });
}

export async function startPollers(desks: readonly { url: string; authorization: string; cursor: number }[], waitSeconds = 20): Promise<PollersProcess> {
  script ??= bundleProgram('test/bench/central/pollers.ts');
  const child = fork(await script, [], { execArgv: process.env.VENUE_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.VENUE_BENCH_CPU_PROF}`] : [], env: bundleEnv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // Real desks are machines of their own: here they share the two cores, so they yield them to the service and PostgreSQL first.
  if (child.pid) setPriority(child.pid, 10);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve) => {
    child.once('message', () => resolve());
    child.send({ type: 'start', desks, waitSeconds });
  });
  return {
    pid: child.pid ?? 0,
    count: () => ask(child, 'count'),
    report: () => ask(child, 'report'),
    async stop() {
      child.send({ type: 'stop' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

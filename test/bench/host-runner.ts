/**
 * The browser host in a process of its own, for the benchmarks. host-process.ts
 * bundles this file with esbuild and runs it with `node --expose-gc`, so the
 * process measured is the venue runtime, the sync service and the host's
 * server and socket, and nothing else: no tsx loader thread, no bench, no
 * Playwright. It is the stand-in for the Electron app's database utility
 * process (the "core process").
 *
 * It talks to the bench over the IPC channel only (HostRequest/HostAnswer in
 * host-protocol.ts): memory figures, a forced GC, moving its clock on, the
 * number of people in its database. Nothing of this exists in the host itself.
 */
import { getHeapStatistics } from 'node:v8';
import { parseArgs } from 'node:util';
import { startHost, type RunningHost } from '../../host/server';
import type { HostAnswer, HostMemory, HostMessage, HostRequest } from './host-protocol';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    demo: { type: 'boolean', default: false },
    renderer: { type: 'string' },
  },
});

/** A cheap scrypt for the key vault, as the end-to-end host uses: the vault is the host's, not the app's. */
const BENCH_SCRYPT = { N: 2 ** 14, r: 8, p: 1 };

/** The host's clock: the real one plus whatever simulated time the bench has added. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

let host: RunningHost | null = null;
let logLines = 0;

/**
 * startHost keeps every log line in `host.logs` for the tests to read, for as
 * long as it runs: about one line per call. The Electron core process keeps no
 * such list, so it is emptied here and only counted (the report says how many).
 */
function log(line: string): void {
  logLines += 1;
  if (host) (host.logs as string[]).length = 0;
  if (process.env.BENCH_HOST_LOG) console.log(line);
}

function memory(): HostMemory {
  const usage = process.memoryUsage();
  const heap = getHeapStatistics();
  return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers, mallocedMemory: heap.malloced_memory, logLines };
}

function peopleInDatabase(): number {
  return host ? (host.db.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n : 0;
}

async function answer(request: HostRequest): Promise<HostAnswer> {
  switch (request.type) {
    case 'stats':
      return { id: request.id, type: 'stats', memory: memory() };
    case 'gc':
      // Twice: the first full GC runs finalizers that free more for the second.
      globalThis.gc?.();
      globalThis.gc?.();
      return { id: request.id, type: 'stats', memory: memory() };
    case 'advance':
      offsetMs += request.ms;
      return { id: request.id, type: 'clock', offsetMs };
    case 'people':
      return { id: request.id, type: 'people', people: peopleInDatabase() };
    case 'stop':
      await host?.close();
      host = null;
      return { id: request.id, type: 'stopped' };
  }
}

function send(message: HostMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  if (!values.data) throw new Error('--data is required');
  process.on('message', (request: HostRequest) => {
    void answer(request).then(send, (error: unknown) => send({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) }));
  });
  // The bench going away (killed, crashed) takes the host with it.
  process.on('disconnect', () => process.exit(0));
  host = await startHost({
    dataDir: values.data,
    port: 0,
    passphrase: 'bench-host-passphrase',
    scryptCost: BENCH_SCRYPT,
    demo: values.demo,
    rendererDir: values.renderer,
    clock,
    log,
  });
  send({ type: 'ready', url: host.url });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

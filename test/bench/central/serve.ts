/**
 * One central service process for the central bench: started (bundled) by
 * test/bench/central/processes.ts against the code of this checkout, or of
 * an earlier commit (the import of ../../../server/server is redirected to
 * that tree's file when bundled). Prints READY <url>; answers "stats" over
 * IPC (the service's counters, null from code that has none, and the
 * process's memory use); stops on SIGTERM.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startCentralServer, type RunningServer } from '../../../server/server';

const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, 'pool-size': { type: 'string' }, 'upload-slots': { type: 'string' } } });

async function main(): Promise<void> {
  const server: RunningServer = await startCentralServer({
    dataDir: null,
    databaseUrl: values['database-url'] ?? null,
    port: 0,
    poolSize: values['pool-size'] ? Number(values['pool-size']) : undefined,
    uploadSlots: values['upload-slots'] ? Number(values['upload-slots']) : undefined,
  });
  // How long the event loop was held, since the last ask (what an upload's next query waits for besides PostgreSQL).
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  process.on('message', (message) => {
    if (message !== 'stats') return;
    const held = { meanMs: Math.round(lag.mean / 1e5) / 10, p99Ms: Math.round(lag.percentile(99) / 1e5) / 10, maxMs: Math.round(lag.max / 1e5) / 10 };
    lag.reset();
    // An earlier commit's server has no counters.
    const stats = typeof (server as Partial<RunningServer>).stats === 'function' ? server.stats() : null;
    // What is still held, not garbage waiting for a collection (the bench starts the process with --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ stats: { service: stats, memory: process.memoryUsage(), lag: held } });
  });
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.stdout.write(`READY ${server.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

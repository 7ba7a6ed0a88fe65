import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { testAuditKey } from '../support/keys';
import { onLines } from '../support/lines';

/** Bundles record-doses-child.ts into `dir` (the native modules stay outside); returns the script's path. */
export async function buildDoseChild(dir: string): Promise<string> {
  const script = join(dir, 'child.cjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'record-doses-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: script,
    external: ['better-sqlite3-multiple-ciphers', '@node-rs/argon2', 'pdfkit'],
    logLevel: 'error',
  });
  return script;
}

/**
 * Runs the child on the database until it has recorded `count` doses and holds
 * them in the log, then kills it with SIGKILL. Resolves with the ids it acknowledged.
 */
export function recordThenKill(script: string, databasePath: string, key: Buffer, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: process.cwd(),
      env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules'), CRASH_DB: databasePath, CRASH_KEY: key.toString('hex'), CRASH_AUDIT_KEY: testAuditKey(key).toString('hex'), CRASH_STOP_AFTER: String(count) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let stderr = '';
    let killed = false;
    onLines(child.stdout, (line) => {
      if (line.startsWith('ACK ')) acked.push(line.slice(4));
      else if (line === 'HELD') {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!killed) reject(new Error(`child ended before holding its doses (${code ?? signal}): ${stderr}`));
      else resolve(acked);
    });
  });
}

/**
 * npm run admin -- --data <folder> [--database-url postgres://…] <command> …
 *
 * The administrator's command line (see USAGE in commands.ts). When the
 * central service is running on the data folder, the command is run inside
 * it (PGlite is one process's database; with PostgreSQL this also means the
 * devices' long-polls hear of the change at once); otherwise the command
 * opens the database itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { resolve } from 'node:path';
import { systemClock } from '../../src/common/time';
import { maskIndividualNumbers } from '../../src/privacy/individual-number';
import { openCentralDb } from '../db';
import { adminFile, type AdminEndpoint } from '../server';
import { absolutePaths, runAdminCommand, USAGE, type CommandResult } from './commands';

function takeOption(argv: string[], name: string): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === name) {
      const value = argv[i + 1] ?? null;
      argv.splice(i, 2);
      return value;
    }
    if (arg.startsWith(`${name}=`)) {
      argv.splice(i, 1);
      return arg.slice(name.length + 1);
    }
  }
  return null;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function runningServer(dataDir: string): AdminEndpoint | null {
  const file = adminFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const endpoint = JSON.parse(readFileSync(file, 'utf8')) as AdminEndpoint;
    process.kill(endpoint.pid, 0);
    return endpoint;
  } catch {
    // Left by a server that was killed: open the database directly.
    return null;
  }
}

function viaServer(endpoint: AdminEndpoint, argv: string[], stdin: string): Promise<CommandResult> {
  const body = JSON.stringify({ argv, stdin });
  return new Promise((resolvePromise, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: endpoint.port, method: 'POST', path: '/admin/run', headers: { 'content-type': 'application/json', 'x-admin-token': endpoint.token } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code: number; stdout: string; stderr: string };
            resolvePromise({ code: answer.code, stdout: Buffer.from(answer.stdout, 'base64'), stderr: Buffer.from(answer.stderr, 'base64') });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const dataDir = takeOption(argv, '--data');
  const databaseUrl = takeOption(argv, '--database-url') ?? process.env.VENUE_DATABASE_URL ?? null;
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  if (!dataDir && !databaseUrl) {
    process.stderr.write(`error: give --data <folder> (or --database-url)\n\n${USAGE}`);
    return 2;
  }
  const args = absolutePaths(argv, process.cwd(), resolve);
  const stdin = args.includes('--password-stdin') ? await readStdin() : '';
  const endpoint = dataDir ? runningServer(resolve(dataDir)) : null;
  let result: CommandResult;
  if (endpoint) {
    result = await viaServer(endpoint, args, stdin);
  } else {
    const db = await openCentralDb({ dataDir: dataDir ? resolve(dataDir) : null, databaseUrl });
    try {
      result = await runAdminCommand({ db, clock: systemClock, fingerprint: null }, args, stdin);
    } finally {
      await db.close();
    }
  }
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(maskIndividualNumbers(`error: ${error instanceof Error ? error.message : String(error)}\n`));
    process.exitCode = 1;
  },
);

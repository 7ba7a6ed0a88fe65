import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCsvBytes, readCsvRecords } from '../src/roster/csv';
import { demoProductsCsv, demoRosterCsv } from '../test/fixtures/demo';
import { freshCentralDb, TEST_DATABASE_URL, type FreshCentral } from '../test/sync/support/central';
import { bundle, bundleEnv, startServerProcess } from '../test/sync/support/server-process';

/**
 * The admin command line as the administrator runs it (bundled, spawned):
 * on the data folder directly, and through the running server that owns it.
 */
let dir: string;
let postgres: FreshCentral | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'venue-cli-'));
  // With PostgreSQL, a database of its own; the data folder then only tells where a running server listens.
  if (TEST_DATABASE_URL) postgres = await freshCentralDb();
  writeFileSync(join(dir, 'products.csv'), demoProductsCsv());
  writeFileSync(join(dir, 'roster.csv'), demoRosterCsv('2026-11-23', 'shift_jis'));
});

afterAll(async () => {
  await postgres?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function admin(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = await bundle('server/cli/admin.ts');
  const database = postgres?.url ? ['--database-url', postgres.url] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, '--data', join(dir, 'central'), ...database, ...args], { cwd: dir, env: bundleEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('the admin command line', () => {
  it('sets up a municipality on the data folder, with clear errors in English and Japanese', { timeout: 120_000 }, async () => {
    if (postgres) await postgres.db.close();
    expect(await admin(['municipality', 'add', '131016', '千代田区'])).toMatchObject({ code: 0, stdout: expect.stringContaining('千代田区') });
    expect((await admin(['venue', 'add', '131016', 'V001', '区民会館ホール'])).code).toBe(0);
    expect((await admin(['venue', 'add', '131016', 'V002', 'スポーツセンター'])).code).toBe(0);
    expect((await admin(['desk', 'add', 'V001', 'R1', '受付1'])).code).toBe(0);
    expect((await admin(['products', 'load', '131016', 'products.csv'])).stdout).toContain('2 products');
    expect((await admin(['roster', 'import', '131016', 'roster.csv', '--today', '2026-11-23'])).stdout).toContain('10 people');
    const staff = await admin(['staff', 'add', '131016', 'kanri', '管理 花子', 'supervisor', '--password-stdin'], 'kanri-pass-1\n');
    expect(staff.code).toBe(0);
    expect(staff.stdout).not.toContain('kanri-pass-1');
    const generated = await admin(['staff', 'add', '131016', 'uketsuke', '受付 太郎', 'reception']);
    expect(generated.stdout).toMatch(/First password .*: [a-z2-9]{14}/);
    expect((await admin(['staff', 'list', '131016'])).stdout).toMatch(/kanri\s+管理 花子\s+supervisor\s+active/);
    const reset = await admin(['staff', 'password', '131016', 'uketsuke']);
    expect(reset).toMatchObject({ code: 0, stdout: expect.stringMatching(/New password .*: [a-z2-9]{14}/) });
    const chosen = await admin(['staff', 'password', '131016', 'kanri', '--password-stdin'], 'kanri-pass-2\n');
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).not.toContain('kanri-pass-2');
    expect((await admin(['staff', 'password', '131016', 'nobody'])).stderr).toContain('error (UNKNOWN_STAFF)');

    const bad = await admin(['municipality', 'add', '131017', 'どこか']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error (INVALID_MUNICIPALITY_CODE)');
    expect(bad.stderr).toContain('エラー（INVALID_MUNICIPALITY_CODE）');
    const refused = await admin(['roster', 'import', '131016', 'products.csv']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error \((MISSING_HEADER|MISSING_COLUMN|UNKNOWN_COLUMN)\)/);
    const usage = await admin(['frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run admin');
  });

  it('runs inside the running server, which owns the database', { timeout: 120_000 }, async () => {
    const server = await startServerProcess({ dataDir: join(dir, 'central'), databaseUrl: postgres?.url ?? null });
    try {
      expect(existsSync(join(dir, 'central', 'admin.json'))).toBe(true);
      const code = await admin(['enroll-code', 'V001', 'R1', '--hours', '2']);
      expect(code.code).toBe(0);
      expect(code.stdout).toMatch(/^\s+[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/m);
      const out = join(dir, 'doses.csv');
      const exported = await admin(['export', 'doses', '131016', '2026-11-23', '--encoding', 'shift_jis', '--out', 'doses.csv']);
      expect(exported).toMatchObject({ code: 0, stdout: expect.stringContaining('0 doses') });
      expect([...readCsvRecords(decodeCsvBytes(readFileSync(out), 'shift_jis').text)][0]?.fields[0]).toBe('登録日時');
      expect((await admin(['device', 'list'])).stdout).toContain('device');
      expect(JSON.parse((await admin(['conflicts', 'list', '--json'])).stdout)).toEqual([]);
    } finally {
      await server.stop();
    }
    expect(existsSync(join(dir, 'central', 'admin.json'))).toBe(false);
  });
});

/** A browser host on a free port over a fresh demo venue in a temp folder, for one test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, type HostOptions, type RunningHost } from '../../../host/server';

export interface TestHost extends RunningHost {
  readonly dataDir: string;
  /** Closes the host and removes its folder. */
  dispose(): Promise<void>;
}

/** A cheap scrypt for tests: the vault's strength is tested in src/store. */
const TEST_SCRYPT = { N: 2 ** 14, r: 8, p: 1 };
export const TEST_PASSPHRASE = 'e2e-test-passphrase';

export async function startTestHost(options: Partial<HostOptions> = {}): Promise<TestHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'venue-e2e-'));
  const lines: string[] = [];
  const host = await startHost({
    dataDir,
    port: 0,
    passphrase: TEST_PASSPHRASE,
    demo: true,
    scryptCost: TEST_SCRYPT,
    log: (line) => {
      lines.push(line);
      if (process.env.E2E_HOST_LOG) console.log(line);
    },
    ...options,
  });
  // The host's getters (db, sync) stay live: the test host inherits them rather than copying.
  const extra = {
    dataDir,
    async dispose() {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return Object.assign(Object.create(host) as RunningHost, extra);
}

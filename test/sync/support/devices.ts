import { randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';
import { startVenueApp, type VenueApp } from '../../../src/app/venue-app';
import { ManualClock } from '../../../src/common/time';
import type { VenueDb } from '../../../src/store/database';
import { type SyncAppliedEvent, type SyncTransport, type SyncTuning } from '../../../src/sync';
import { openOutboxCount } from '../../../src/sync/outbox';
import { DEMO_STAFF } from '../../fixtures/demo';
import { secondFactorCode } from '../../support/second-factor';
import { useTempDir } from '../../support/temp';
import { DEMO_NOW, Desk } from '../../support/venue';
import { until } from '../../support/wait';

/**
 * Venue devices for sync tests: each the venue app as it ships (the
 * composition root, src/app: a real encrypted database, the dispatcher, the
 * sync service nudged by every committed change), talking HTTP to a real server.
 */
export interface TestDevice {
  readonly name: string;
  readonly app: VenueApp;
  /** The open database (it changes after a restore). */
  readonly db: VenueDb;
  readonly auditKey: Buffer;
  readonly clock: ManualClock;
  readonly applied: SyncAppliedEvent[];
  readonly errors: unknown[];
  /** Starts the sync service (done by the app unless started: false); a desk coming back online. */
  start(): void;
  /** Stops the sync service: a desk going offline. */
  stop(): Promise<void>;
  nudge(): void;
  anonymous(): Desk;
  /** Signed in as the demo staff member of that role (central staff use the same logins). */
  signIn(role: keyof typeof DEMO_STAFF): Desk;
  /** requestEnrollment, then wait until enrolled and the first download is done. */
  enroll(serverUrl: string, code: string, options?: { fingerprint?: string; timeoutMs?: number }): Promise<void>;
  /** Pending + sent rows of the outbox. */
  open(): number;
}

// Waiting on a state (test/support/wait.ts), here too for the sync tests that import it with the devices.
export { until };

export interface DeviceOptions {
  readonly name?: string;
  readonly transport?: SyncTransport;
  readonly tuning?: Partial<SyncTuning>;
  readonly started?: boolean;
  readonly now?: string;
}

/** Quick retries for tests: the network heals, sending resumes within a second. */
export const TEST_TUNING: Partial<SyncTuning> = { backoffBaseMs: 50, backoffMaxMs: 500, requestTimeoutMs: 5_000, feedTimeoutMs: 5_000, longPollSeconds: 5, idleCheckMs: 50 };

export function useDevices(): (options?: DeviceOptions) => TestDevice {
  const newDir = useTempDir('venue-sync-');
  const made: VenueApp[] = [];
  afterEach(async () => {
    for (const app of made.splice(0)) await app.close();
  });
  return (options = {}) => {
    const clock = new ManualClock(options.now ?? DEMO_NOW);
    const applied: SyncAppliedEvent[] = [];
    const errors: unknown[] = [];
    const auditKey = randomBytes(32);
    const app = startVenueApp({
      dataDir: newDir(),
      key: randomBytes(32),
      auditKey,
      clock,
      transport: options.transport,
      syncTuning: { ...TEST_TUNING, ...options.tuning },
      // The daily backup is made at start, as in the app; the hourly check is left out of short tests.
      backupCheckMs: null,
      onSyncApplied: (event) => applied.push(event),
      onError: (where, error) => errors.push(where === 'sync' ? error : { operation: where, error }),
    });
    made.push(app);
    if (!(options.started ?? true)) void app.sync.stop();
    const connect = () => new Desk(app.connect());
    const device: TestDevice = {
      name: options.name ?? 'device',
      app,
      auditKey,
      get db(): VenueDb {
        const db = app.runtime.database;
        if (!db) throw new Error('the database is not open (recovery mode)');
        return db;
      },
      clock,
      applied,
      errors,
      start: () => app.sync.start(),
      stop: () => app.sync.stop(),
      nudge: () => app.sync.nudge(),
      anonymous: connect,
      signIn(role) {
        const desk = connect();
        const code = secondFactorCode(device.db, DEMO_STAFF[role].login, clock.now().getTime());
        desk.ok('signIn', { login: DEMO_STAFF[role].login, password: DEMO_STAFF[role].password, ...(code ? { code } : {}) });
        return desk;
      },
      async enroll(serverUrl, code, enrollOptions = {}) {
        device.anonymous().ok('requestEnrollment', { serverUrl, code, ...(enrollOptions.fingerprint ? { fingerprint: enrollOptions.fingerprint } : {}) });
        await until(
          () => {
            const status = device.anonymous().ok('enrollmentStatus', {});
            if (status.state === 'failed') throw new Error(`enrollment failed: ${status.error?.code ?? '?'}`);
            return status.state === 'enrolled' && status.download.done > 0 && !status.download.active;
          },
          enrollOptions.timeoutMs ?? 30_000,
          `${device.name} to enroll and download`,
        );
      },
      open: () => openOutboxCount(device.db),
    };
    return device;
  };
}

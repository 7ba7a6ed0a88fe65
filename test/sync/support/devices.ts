import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Connection } from '../../../src/api/connection';
import { operations } from '../../../src/api/contract';
import { Dispatcher } from '../../../src/api/dispatcher';
import { useAuditKey } from '../../../src/audit/log';
import { ManualClock } from '../../../src/common/time';
import { openVenueDatabase, type VenueDb } from '../../../src/store/database';
import { createHttpTransport, startSyncService, type SyncAppliedEvent, type SyncService, type SyncTransport, type SyncTuning } from '../../../src/sync';
import { openOutboxCount } from '../../../src/sync/outbox';
import { DEMO_STAFF } from '../../fixtures/demo';
import { useTempDir } from '../../support/temp';
import { DEMO_NOW, Desk } from '../../support/venue';

/**
 * Venue devices for sync tests: each a real encrypted database with the real
 * dispatcher and the real sync service, talking HTTP to a real server. Like
 * the host will run them: the dispatcher's events nudge the sync service.
 */
export interface TestDevice {
  readonly name: string;
  readonly db: VenueDb;
  readonly auditKey: Buffer;
  readonly clock: ManualClock;
  readonly dispatcher: Dispatcher;
  readonly applied: SyncAppliedEvent[];
  readonly errors: unknown[];
  /** Starts the sync service (done by the factory unless started: false). */
  start(): SyncService;
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

export async function until(check: () => boolean, timeoutMs: number, what: string, stepMs = 10): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return performance.now() - started;
}

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
  const made: { device: TestDevice; db: VenueDb }[] = [];
  afterEach(async () => {
    for (const { device, db } of made.splice(0)) {
      await device.stop();
      if (db.open) db.close();
    }
  });
  return (options = {}) => {
    const db = openVenueDatabase({ path: join(newDir(), 'venue.db'), key: randomBytes(32) });
    // Keyed like the runtime's connection: the audit chain the central service compares is the real one.
    const auditKey = randomBytes(32);
    useAuditKey(db, auditKey);
    const clock = new ManualClock(options.now ?? DEMO_NOW);
    const applied: SyncAppliedEvent[] = [];
    const errors: unknown[] = [];
    let sync: SyncService | null = null;
    const transport = options.transport ?? createHttpTransport();
    const dispatcher = new Dispatcher({
      db,
      operations,
      clock,
      onEvent: () => sync?.nudge(),
      onInternalError: (operation, error) => errors.push({ operation, error }),
    });
    const device: TestDevice = {
      name: options.name ?? 'device',
      db,
      auditKey,
      clock,
      dispatcher,
      applied,
      errors,
      start() {
        sync ??= startSyncService({
          db,
          transport,
          clock,
          tuning: { ...TEST_TUNING, ...options.tuning },
          onApplied: (event) => applied.push(event),
          onError: (error) => errors.push(error),
        });
        return sync;
      },
      async stop() {
        const running = sync;
        sync = null;
        await running?.stop();
      },
      nudge: () => sync?.nudge(),
      anonymous: () => new Desk(new Connection(dispatcher)),
      signIn(role) {
        const desk = new Desk(new Connection(dispatcher));
        desk.ok('signIn', { login: DEMO_STAFF[role].login, password: DEMO_STAFF[role].password });
        return desk;
      },
      async enroll(serverUrl, code, enrollOptions = {}) {
        device.anonymous().ok('requestEnrollment', { serverUrl, code, ...(enrollOptions.fingerprint ? { fingerprint: enrollOptions.fingerprint } : {}) });
        sync?.nudge();
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
      open: () => openOutboxCount(db),
    };
    made.push({ device, db });
    if (options.started ?? true) device.start();
    return device;
  };
}

import { systemClock, type Clock } from '../common/time';
import type { VenueDb } from '../store/database';
import { AuditHeadKeeper } from './audit-check';
import { downloadLoop, type SyncAppliedEvent } from './download';
import { enroll } from './enroll';
import { ServerAnswer, SyncLink } from './link';
import { ReconcileTask } from './reconcile';
import { readEnrollment, readSyncIdentity } from './state';
import type { SyncTransport } from './transport';
import { DEFAULT_TUNING, type SyncTuning } from './tuning';
import { uploadLoop } from './upload';

export { DEFAULT_TUNING, type SyncTuning } from './tuning';
export type { SyncAppliedEvent } from './download';

export interface SyncServiceOptions {
  readonly db: VenueDb;
  readonly transport: SyncTransport;
  readonly clock?: Clock;
  readonly onApplied?: (event: SyncAppliedEvent) => void;
  /** Unexpected errors (bugs), for the log. Network trouble is not reported here: it is normal. */
  readonly onError?: (error: unknown) => void;
  readonly tuning?: Partial<SyncTuning>;
}

export interface SyncService {
  /**
   * Stops both loops and cancels requests in flight; resolves when they have
   * ended. From the moment it is called the service no longer touches the
   * database, so a host may close the database right after calling it.
   */
  stop(): Promise<void>;
  /** Something was recorded (or an enrollment requested): send it now. */
  nudge(): void;
}

/**
 * Starts syncing this device with the central service. See index.ts for the
 * whole picture. Runs until stop(); never throws; every database write is a
 * short synchronous transaction on the caller's connection, so recording at
 * this desk goes on whatever the network does. The parts: enroll.ts (until the
 * device has an identity), then download.ts, upload.ts and the comparison of
 * confirmed records (reconcile.ts) side by side, sharing a SyncLink (link.ts).
 */
export function startSyncService(options: SyncServiceOptions): SyncService {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const tuning: SyncTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const link = new SyncLink(db, options.transport, clock, tuning, options.onError);

  // What this device holds as confirmed, compared with what the service holds at every sync (reconcile.ts).
  const reconciliation = new ReconcileTask({
    db,
    clock,
    intervalMs: tuning.reconcileIntervalMs,
    minGapMs: tuning.reconcileMinGapMs,
    onResend: (records) => {
      link.report(new Error(`the central service lacks ${records} record(s) it had confirmed (restored from an older copy?): sending them again`));
      link.uploadWork.wake();
      link.uploadRetry.wake();
    },
    unsupported: (error) => error instanceof ServerAnswer && error.status === 404,
  });
  // The audit chain's head goes up, and is compared with the central copy at every feed page (audit-check.ts).
  const auditHeads = new AuditHeadKeeper(db, clock, tuning.auditHeadIntervalMs, () => link.uploadWork.wake());

  async function main(): Promise<void> {
    let identity = readSyncIdentity(db);
    while (!identity && !link.stopped) {
      const request = readEnrollment(db);
      if (request && (request.state === 'requested' || request.state === 'working')) await enroll(link, request);
      else await link.enrollWaker.wait(tuning.idleCheckMs);
      if (link.stopped) return;
      identity = readSyncIdentity(db);
    }
    if (!identity || link.stopped) return;
    const reconcile = (request: unknown) => link.call(identity, 'POST', '/v1/reconcile', JSON.stringify(request), tuning.requestTimeoutMs);
    await Promise.all([
      downloadLoop({ link, auditHeads, reconciliation, onApplied: options.onApplied }, identity),
      uploadLoop({ link, auditHeads, reconciliation }, identity),
      reconciliation.run(reconcile),
    ]);
  }

  const running = main().catch((error: unknown) => link.report(error));

  return {
    async stop() {
      link.stopped = true;
      link.controller.abort();
      link.enrollWaker.wake();
      link.uploadWork.wake();
      link.uploadRetry.wake();
      link.downloadRetry.wake();
      reconciliation.stop();
      await running;
    },
    nudge() {
      link.enrollWaker.wake();
      link.uploadWork.wake();
    },
  };
}

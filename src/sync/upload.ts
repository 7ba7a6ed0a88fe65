// Up: the outbox, sent in batches; the answers confirm (or reject) each record, and conflicts are kept.
import type { VenueDb } from '../store/database';
import type { AuditHeadKeeper } from './audit-check';
import { Backoff } from './backoff';
import { storeConflict } from './conflicts';
import { ServerAnswer, type SyncLink } from './link';
import { recordAnswers, takeBatch, toUploadRecords } from './outbox';
import { LIMITS, uploadResponseSchema } from './protocol';
import type { ReconcileTask } from './reconcile';
import type { SyncIdentity } from './state';

/** What the upload shares with the rest of the service. */
export interface UploadParts {
  readonly link: SyncLink;
  readonly auditHeads: AuditHeadKeeper;
  readonly reconciliation: ReconcileTask;
}

/** Sends the outbox, oldest first, and records what the server answered, until the service stops (never throws). */
export async function uploadLoop(parts: UploadParts, identity: SyncIdentity): Promise<void> {
  const { link, auditHeads, reconciliation } = parts;
  const { db } = link;
  const backoff = new Backoff(link.tuning.backoffBaseMs, link.tuning.backoffMaxMs);
  let batchSize = link.tuning.uploadBatch;
  while (!link.stopped) {
    let batch: ReturnType<typeof takeBatch>;
    try {
      auditHeads.maybeEnqueue();
      batch = takeBatch(db, batchSize, LIMITS.uploadBodyBytes - 64 * 1024, link.clock.now());
    } catch (error) {
      // The database took no write (a full disk): wait and try again, as for the network.
      link.failure(error);
      await link.uploadRetry.wait(backoff.next());
      continue;
    }
    if (batch.length === 0) {
      await link.uploadWork.wait(link.tuning.auditHeadIntervalMs);
      continue;
    }
    if (link.stopped) break;
    try {
      const body = JSON.stringify({ records: toUploadRecords(batch) });
      const answer = uploadResponseSchema.safeParse(await link.call(identity, 'POST', '/v1/records', body, link.tuning.requestTimeoutMs));
      if (link.stopped) break;
      if (!answer.success) throw new ServerAnswer(200, 'PROTOCOL');
      const sent = new Set(batch.map((row) => row.recordId));
      const now = link.clock.now();
      db.transaction(() => {
        recordAnswers(db, sent, answer.data.results, now);
        storeConflicts(db, answer.data.results);
      })();
      // A sync: what is confirmed now is compared with what the service holds.
      if (batch.length < batchSize) reconciliation.wake();
      link.success();
      backoff.reset();
      link.uploadFailing = false;
      batchSize = link.tuning.uploadBatch;
    } catch (error) {
      if (link.stopped) break;
      // Too large for the server: send fewer at a time.
      if (error instanceof ServerAnswer && error.status === 413) batchSize = Math.max(1, Math.floor(batch.length / 2));
      link.failure(error);
      link.uploadFailing = true;
      // A busy server says when to come back: not before then (plus jitter, so desks do not return together).
      // Measured on the monotonic clock the waits run on (setTimeout), not the wall clock: a desk clock set
      // forward or back neither cuts the wait short nor stretches it. (Not the injected Clock: a test's
      // ManualClock only moves when told, while these waits are real timers.)
      const busy = error instanceof ServerAnswer ? error.retryAfterMs : 0;
      const until = performance.now() + Math.max(backoff.next(), busy + (busy > 0 ? Math.random() * 1_000 : 0));
      await link.uploadRetry.wait(until - performance.now());
      // Woken early because the feed came back: a busy server's time still holds.
      while (busy > 0 && !link.stopped && performance.now() < until) await link.uploadRetry.wait(until - performance.now());
    }
  }
}

/** Conflicts the server reported in its answer, kept for supervisors (the feed brings them too). */
function storeConflicts(db: VenueDb, results: ReturnType<typeof uploadResponseSchema.parse>['results']): void {
  for (const result of results) if (result.conflict) storeConflict(db, result.conflict);
}

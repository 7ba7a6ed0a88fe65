// How the sync service paces itself (service.ts); tests shorten the waits.
export interface SyncTuning {
  /** Changes asked for per feed page. */
  readonly pageSize: number;
  /** How long the server may hold a feed request when there is nothing new. */
  readonly longPollSeconds: number;
  /** Records per upload. */
  readonly uploadBatch: number;
  /** Time allowed for the answer to an upload or an enrollment. Short: a hung request delays sending after the network heals. */
  readonly requestTimeoutMs: number;
  /** Time allowed for a feed page (a long-poll gets its wait on top): pages are larger, links may be slow. */
  readonly feedTimeoutMs: number;
  readonly backoffBaseMs: number;
  /** Ceiling of the wait between retries; also bounds how long after the network heals sending resumes. */
  readonly backoffMaxMs: number;
  /** Longest a single page-apply transaction may run, so recording at this desk is never held up for long. */
  readonly applyBudgetMs: number;
  /** Before enrollment: how often to look for an enrollment request without a nudge. */
  readonly idleCheckMs: number;
  /** How often the audit chain head is sent up (when it moved). */
  readonly auditHeadIntervalMs: number;
  /**
   * Longest time between two comparisons of the device's audit chain with the
   * head the central service holds. Only pages read for this device alone
   * carry that head (a long-poll's answer is shared by the desks of a venue),
   * so a caught-up device asks one plain page when this much has passed.
   */
  readonly auditCheckMs: number;
  /** Tries at enrolling while the server cannot be reached, before giving up. */
  readonly enrollAttempts: number;
  /** Longest time between two comparisons of the confirmed records with the central service's (reconcile.ts). */
  readonly reconcileIntervalMs: number;
  /** Shortest time between two comparisons (each sync wakes one). */
  readonly reconcileMinGapMs: number;
}

export const DEFAULT_TUNING: SyncTuning = {
  pageSize: 5_000,
  longPollSeconds: 20,
  uploadBatch: 200,
  // With the backoff ceiling: the outbox drains within about 10 s of the network healing.
  requestTimeoutMs: 5_000,
  feedTimeoutMs: 30_000,
  backoffBaseMs: 250,
  backoffMaxMs: 4_000,
  applyBudgetMs: 25,
  idleCheckMs: 1_000,
  auditHeadIntervalMs: 60_000,
  auditCheckMs: 20_000,
  enrollAttempts: 5,
  reconcileIntervalMs: 30_000,
  reconcileMinGapMs: 2_000,
};

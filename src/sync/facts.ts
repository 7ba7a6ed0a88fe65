import type { SyncFacts } from '../day/reconcile';
import type { VenueDb } from '../store/database';
import type { ConflictData } from './protocol';
import { readSyncIdentity } from './state';

/**
 * What the day's reconciliation (src/day) needs from sync, per venue and
 * day: records the central service has not confirmed yet, how many it has,
 * and open conflicts. A device
 * that is not enrolled has nothing to confirm: stand-alone venues are not
 * told that every record is "unconfirmed".
 */
const OF_THE_DAY = `kind IN ('checkin', 'dose') AND json_extract(body, '$.venueId') = ? AND json_extract(body, '$.venueDate') = ?`;

export function daySyncFacts(db: VenueDb): SyncFacts {
  const enrolled = () => readSyncIdentity(db) !== null;
  return {
    unconfirmed(venueId, date) {
      if (!enrolled()) return [];
      return (db.prepare(`SELECT record_id FROM sync_outbox WHERE state <> 'confirmed' AND ${OF_THE_DAY} ORDER BY seq`).all(venueId, date) as { record_id: string }[]).map(
        (r) => r.record_id,
      );
    },
    confirmedCount(venueId, date) {
      if (!enrolled()) return 0;
      return (db.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE state = 'confirmed' AND ${OF_THE_DAY}`).get(venueId, date) as { n: number }).n;
    },
    conflicts(venueId, date) {
      const rows = db.prepare(`SELECT id, kind, records FROM sync_conflicts WHERE resolved_at IS NULL AND venue_date = ? ORDER BY detected_at`).all(date) as {
        id: string;
        kind: ConflictData['kind'];
        records: string;
      }[];
      return rows
        .map((row) => ({ id: row.id, kind: row.kind, records: JSON.parse(row.records) as { id: string; venueId: string }[] }))
        .filter((c) => c.records.some((r) => r.venueId === venueId))
        .map((c) => ({ id: c.id, kind: c.kind, recordIds: c.records.map((r) => r.id) }));
    },
  };
}

import { uuidv7 } from '../common/ids';
import { NO_INDIVIDUAL_NUMBER } from '../common/messages';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import { containsIndividualNumber } from '../privacy/individual-number';
import type { RecordSink } from '../records/sink';
import { DoseRefusal } from './record';

export interface VoidRecord {
  readonly id: string;
  readonly targetKind: 'checkin' | 'dose';
  readonly targetId: string;
  readonly reason: string;
  readonly staffId: string;
  readonly at: string;
}

/**
 * Voids a check-in or a dose record. Nothing is deleted: the void is a record
 * of its own, and the target only gains a pointer to it.
 */
export function voidRecord(db: VenueDb, input: { targetId: string; reason: string }, staffId: string, now: Date, records: RecordSink): VoidRecord {
  const reason = input.reason.trim();
  if (reason.length < 2) {
    throw new DoseRefusal('REASON_REQUIRED', { ja: '取り消しの理由を入力してください。', en: 'Enter the reason for voiding.' });
  }
  if (containsIndividualNumber(reason)) throw new DoseRefusal('INDIVIDUAL_NUMBER', NO_INDIVIDUAL_NUMBER);
  const dose = db.prepare(`SELECT voided_by FROM dose_records WHERE id = ?`).get(input.targetId) as { voided_by: string | null } | undefined;
  const checkin = dose ? undefined : (db.prepare(`SELECT voided_by FROM checkins WHERE id = ?`).get(input.targetId) as { voided_by: string | null } | undefined);
  const target = dose ?? checkin;
  if (!target) throw new DoseRefusal('UNKNOWN_RECORD', { ja: '取り消す記録が見つかりません。', en: 'No such record to void.' });
  if (target.voided_by) throw new DoseRefusal('ALREADY_VOIDED', { ja: 'この記録は既に取り消されています。', en: 'This record is already void.' });

  const record: VoidRecord = {
    id: uuidv7(now.getTime()),
    targetKind: dose ? 'dose' : 'checkin',
    targetId: input.targetId,
    reason,
    staffId,
    at: venueIso(now),
  };
  db.prepare(`INSERT INTO voids (id, target_kind, target_id, reason, staff_id, at) VALUES (@id, @targetKind, @targetId, @reason, @staffId, @at)`).run(record);
  const table = dose ? 'dose_records' : 'checkins';
  db.prepare(`UPDATE ${table} SET voided_by = ? WHERE id = ?`).run(record.id, input.targetId);
  records.add('void', { id: record.id, targetKind: record.targetKind, targetId: record.targetId, reason: record.reason, staffId: record.staffId, at: record.at });
  return record;
}

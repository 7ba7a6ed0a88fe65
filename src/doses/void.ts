import { uuidv7 } from '../common/ids';
import { NO_INDIVIDUAL_NUMBER } from '../common/messages';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import { containsIndividualNumber } from '../privacy/individual-number';
import type { VoidData } from '../records/schemas';
import type { RecordSink } from '../records/sink';
import { DoseRefusal } from './record';

/** A void: a record of its own, exactly as it travels. */
export type VoidRecord = Readonly<VoidData>;

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

  // The record as it travels, in schema order.
  const record: VoidData = { id: uuidv7(now.getTime()), targetKind: dose ? 'dose' : 'checkin', targetId: input.targetId, reason, staffId, at: venueIso(now) };
  storeVoid(db, record);
  records.add('void', record);
  return record;
}

/**
 * The voids table's one writer, for a void made here and one from the feed: keeps the void once by
 * id and points its target at it. A target not here yet finds its void when it arrives (the feed
 * writes voided_by from the voids table). False when the void was already here.
 */
export function storeVoid(db: VenueDb, record: VoidData): boolean {
  if (db.prepare(`INSERT OR IGNORE INTO voids (id, target_kind, target_id, reason, staff_id, at) VALUES (@id, @targetKind, @targetId, @reason, @staffId, @at)`).run(record).changes === 0) {
    return false;
  }
  const table = record.targetKind === 'dose' ? 'dose_records' : 'checkins';
  db.prepare(`UPDATE ${table} SET voided_by = ? WHERE id = ? AND voided_by IS NULL`).run(record.id, record.targetId);
  return true;
}

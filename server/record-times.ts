/**
 * Times the venue could not have: a record whose times are later than the
 * central service's own receipt time (beyond a few minutes of clock drift)
 * was made at a desk whose clock is wrong. Stored, it would say a dose was
 * "given" days from now, and other desks would refuse the person as already
 * vaccinated; so it is refused, record by record, with the reason, and
 * nothing of it is stored. (Impossible calendar dates and NUL characters
 * never get this far: the shared schemas refuse the whole batch.)
 */
import { refusalBody } from '../src/common/refusal';
import { isCalendarInstant, venueDate } from '../src/common/time';
import type { UploadRecord, UploadResult } from '../src/sync/protocol';

/** How far ahead of the receipt time a record's time may be: desks' clocks drift a little. */
export const RECEIPT_TOLERANCE_MS = 5 * 60_000;

type Refused = NonNullable<UploadResult['error']>;

/**
 * Every instant in the record (check-in, dose, record, void, decision times…)
 * and its venue date, against the receipt time. Null when all are possible.
 */
export function timeAfterReceipt(record: UploadRecord, receivedAt: Date): Refused | null {
  const latest = receivedAt.getTime() + RECEIPT_TOLERANCE_MS;
  for (const [field, value] of Object.entries(record.data)) {
    if (typeof value !== 'string') continue;
    const late = field === 'venueDate' ? value > venueDate(new Date(latest)) : isCalendarInstant(value) && Date.parse(value) > latest;
    if (late) {
      return refusalBody('TIME_AFTER_RECEIPT', {
        ja: `${field} が中央システムの受信時刻より後になっています（${RECEIPT_TOLERANCE_MS / 60_000}分を超えて）。端末の時計がずれています。時計を直してから記録し直してください。`,
        en: `${field} is later than the central service's time of receipt (by more than ${RECEIPT_TOLERANCE_MS / 60_000} minutes): the desk's clock is wrong. Set the desk's clock right, then record it again.`,
      });
    }
  }
  return null;
}

/**
 * What the nurse must see before a dose is saved: the product booked for the
 * person, the doses they had before (product, date), and where the lot in
 * hand goes against them — a product other than booked, a product the
 * product master does not allow after the previous one, too soon after the
 * previous dose for this product, an age outside the product's range. Each
 * of these stops the save until the nurse confirms it with a reason (in
 * recordDose); the record keeps the confirmation and the day report lists it.
 * The rules are data of the product master (may_follow, min_interval_days,
 * min_age, max_age), never code.
 */
import { text, type StaffText } from '../common/messages';
import { dateText, personDateText } from '../common/dates';
import { addDays, ageOn } from '../common/time';
import { bookingsForPerson, doseHistory, type DoseHistoryEntry } from '../roster/repo';
import type { VenueDb } from '../store/database';
import { getProduct, type Product } from './catalog';
import type { DoseCheckCode } from '../records/vocabulary';

export interface DoseCheck {
  readonly code: DoseCheckCode;
  readonly message: StaffText;
}

export interface BookedProduct {
  readonly productId: string;
  readonly productName: string | null;
  /** 'booking' or a supervisor's approved walk-in (which names the product too). */
  readonly source: 'booking' | 'walk-in';
  readonly slotStart: string | null;
  readonly slotEnd: string | null;
}

export interface PreviousDose {
  readonly dose: number;
  readonly date: string;
  readonly productId: string;
  readonly productName: string | null;
  readonly place: string;
}

export interface DoseSubject {
  readonly personId: number;
  readonly municipality: string;
  readonly ticketNumber: string;
  readonly birthDate: string;
  readonly doseNumber: number;
  readonly venueId: string;
  /** The venue date the dose is given on. */
  readonly date: string;
}

/** The product the person is booked for here on that day (that dose first), or an approved walk-in's product. */
export function bookedProduct(db: VenueDb, subject: DoseSubject): BookedProduct | null {
  const here = bookingsForPerson(db, subject.personId).filter((b) => b.date === subject.date && b.venueId === subject.venueId);
  const booking = here.find((b) => b.dose === subject.doseNumber) ?? here[0];
  if (booking) {
    return { productId: booking.productId, productName: getProduct(db, booking.productId)?.name ?? null, source: 'booking', slotStart: booking.slotStart, slotEnd: booking.slotEnd };
  }
  const walkIn = db
    .prepare(
      `SELECT product_id FROM walk_in_requests WHERE municipality = ? AND ticket_number = ? AND venue_id = ? AND venue_date = ?
         AND status IN ('approved', 'used') AND product_id IS NOT NULL ORDER BY requested_at DESC, id DESC LIMIT 1`,
    )
    .pluck()
    .get(subject.municipality, subject.ticketNumber, subject.venueId, subject.date) as string | undefined;
  return walkIn ? { productId: walkIn, productName: getProduct(db, walkIn)?.name ?? null, source: 'walk-in', slotStart: null, slotEnd: null } : null;
}

/** The doses before this one, oldest first, with their products' names. */
export function previousDoses(db: VenueDb, subject: DoseSubject): PreviousDose[] {
  return doseHistory(db, subject.personId)
    .filter((h) => h.dose < subject.doseNumber)
    .map((h) => ({ dose: h.dose, date: h.date, productId: h.productId, productName: getProduct(db, h.productId)?.name ?? null, place: h.place }));
}

const nameOf = (db: VenueDb, id: string) => getProduct(db, id)?.name ?? id;

function latestBefore(history: readonly DoseHistoryEntry[], dose: number): DoseHistoryEntry | null {
  return history.filter((h) => h.dose < dose).reduce<DoseHistoryEntry | null>((top, h) => (top === null || h.dose > top.dose ? h : top), null);
}

/** Where giving `product` to the subject goes against the booking or the product master. Empty: nothing to confirm. */
export function doseChecks(db: VenueDb, subject: DoseSubject, product: Product): DoseCheck[] {
  const checks: DoseCheck[] = [];
  const booked = bookedProduct(db, subject);
  if (booked && booked.productId !== product.id) {
    const b = booked.productName ?? booked.productId;
    checks.push({
      code: 'PRODUCT_NOT_BOOKED',
      message: text(`ロットの製品（${product.name}）が予約の製品（${b}）と違います。`, `The lot's product (${product.name}) is not the booked product (${b}).`),
    });
  }
  const previous = latestBefore(doseHistory(db, subject.personId), subject.doseNumber);
  if (previous) {
    if (product.mayFollow.length > 0 && !product.mayFollow.includes(previous.productId)) {
      const before = nameOf(db, previous.productId);
      const allowed = product.mayFollow.map((id) => nameOf(db, id)).join('・');
      checks.push({
        code: 'PRODUCT_AFTER_PREVIOUS',
        message: text(
          `前回（${previous.dose}回目、${personDateText(previous.date).ja}）は${before}です。製品マスタでは${product.name}は${allowed}の後にだけ接種できます。`,
          `The previous dose (dose ${previous.dose}, ${personDateText(previous.date).en}) was ${before}. The product master allows ${product.name} only after ${allowed}.`,
        ),
      });
    }
    const earliest = addDays(previous.date, product.minIntervalDays);
    if (subject.date < earliest) {
      checks.push({
        code: 'INTERVAL_TOO_SHORT',
        message: text(
          `前回（${personDateText(previous.date).ja}）から間隔が足りません。${product.name}は前回から${product.minIntervalDays}日以上あけます（${dateText(earliest).ja}以降）。`,
          `Too soon after the previous dose (${personDateText(previous.date).en}): ${product.name} needs ${product.minIntervalDays} days (from ${dateText(earliest).en}).`,
        ),
      });
    }
  }
  const age = ageOn(subject.birthDate, subject.date);
  if (age < product.minAge || (product.maxAge !== null && age > product.maxAge)) {
    const range = product.maxAge === null ? { ja: `${product.minAge}歳以上`, en: `${product.minAge} and over` } : { ja: `${product.minAge}〜${product.maxAge}歳`, en: `${product.minAge}–${product.maxAge}` };
    checks.push({
      code: 'AGE_OUT_OF_RANGE',
      message: text(`${age}歳です。${product.name}の対象は${range.ja}です。`, `Age ${age}: ${product.name} is for ages ${range.en}.`),
    });
  }
  return checks;
}

/** What to do about the checks, said once after them. */
export const CHECK_ADVICE = text(
  '正しいロットを選ぶか、医師に確認のうえ理由を入力して記録してください。',
  'Choose the right lot, or confirm with the doctor and record with a reason.',
);

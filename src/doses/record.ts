import { uuidv7 } from '../common/ids';
import { dateText, personDateText } from '../common/dates';
import { NO_INDIVIDUAL_NUMBER, text, type StaffText } from '../common/messages';
import { parseInstant, venueDate, venueIso } from '../common/time';
import { doseHistory, findTicket, highestDose } from '../roster/repo';
import type { VenueDb } from '../store/database';
import type { RecordSink } from '../records/sink';
import { assertDayOpen } from '../day/close';
import { startObservation, type ObservationMinutes } from '../day/observation';
import { containsIndividualNumber } from '../privacy/individual-number';
import { getLot, getProduct } from './catalog';
import { DOSE_CHECK_CODES, type DoseCheckCode, type InjectionSite } from '../records/vocabulary';
import { DOSE_SELECT, insertDoseRow, toDoseRecord, type ConfirmedChecks, type DoseData, type DoseRecord, type DoseRow } from './dose-row';

export type { ConfirmedChecks, DoseRecord } from './dose-row';
import { CHECK_ADVICE, doseChecks } from './checks';
import { StaffRefusal } from '../common/refusal';

/** A refusal to record, with words for the nurse. Thrown inside the transaction, so nothing is written. */
export class DoseRefusal extends StaffRefusal {}


/** A clock running a little fast at one desk should not block a real dose. */
export const FUTURE_TOLERANCE_MS = 2 * 60_000;

export interface DoseInput {
  readonly municipality: string;
  readonly ticketNumber: string;
  readonly doseNumber: number;
  readonly status: 'performed' | 'not_performed';
  /** Why not performed (pre-screening); required then, optional otherwise. */
  readonly reason?: string | null;
  readonly givenAt: string;
  readonly lotId?: string | null;
  readonly volumeMl?: number | null;
  readonly site?: InjectionSite | null;
  readonly doctor?: string | null;
  /** 30 when the person's history calls for it; otherwise the product's own (15 or 30). */
  readonly observationMinutes?: ObservationMinutes | null;
  /** The nurse's confirmation of the product checks the lot raised (src/doses/checks.ts), with the reason. */
  readonly confirmChecks?: ConfirmedChecks | null;
}

export interface DoseContext {
  readonly venueId: string;
  readonly deskId: string;
  readonly nurseId: string;
  readonly now: Date;
  /** Set when a supervisor re-records after voiding. */
  readonly replaces?: string | null;
}

function refuse(code: string, ja: string, en: string): never {
  throw new DoseRefusal(code, text(ja, en));
}

/**
 * Records a dose (or a dose not given after pre-screening). Every rule that
 * went wrong in 2021 is checked here, before anything is written: the ticket
 * is live, the lot is known and in date, the dose number follows the
 * person's history, the same dose is not recorded twice, and the time is
 * neither in the future nor before the previous dose.
 */
export function recordDose(db: VenueDb, input: DoseInput, context: DoseContext, records: RecordSink): DoseRecord {
  // Typed text never carries an individual number (refused, not echoed).
  for (const typed of [input.reason, input.doctor]) {
    if (typed && containsIndividualNumber(typed)) throw new DoseRefusal('INDIVIDUAL_NUMBER', NO_INDIVIDUAL_NUMBER);
  }
  const ticket = findTicket(db, input.municipality, input.ticketNumber);
  if (!ticket) refuse('UNKNOWN_TICKET', '名簿にない接種券です。', 'This ticket is not in the roster.');
  if (ticket.status !== 'active') refuse('TICKET_VOID', 'この接種券は無効です（転出・死亡・再発行）。', 'This ticket is void (moved out, deceased or reissued).');

  const given = parseInstant(input.givenAt);
  if (!given) refuse('BAD_TIME', '接種日時の形式が正しくありません。', 'The time given is not a valid time with a time zone.');
  if (given.getTime() > context.now.getTime() + FUTURE_TOLERANCE_MS) {
    refuse('TIME_IN_FUTURE', '接種日時が未来になっています。時刻を確認してください。', 'The time given is in the future. Check the time.');
  }
  const givenDate = venueDate(given);
  // A closed day changes only by a supervisor's void and re-record.
  if (!context.replaces) assertDayOpen(db, context.venueId, givenDate);

  const history = doseHistory(db, ticket.person.id);
  const duplicate = history.find((h) => h.dose === input.doseNumber);
  if (duplicate && input.status === 'performed') {
    refuse(
      'DUPLICATE_DOSE',
      `${input.doseNumber}回目は既に記録されています（${personDateText(duplicate.date).ja}）。誤りなら管理者が元の記録を取り消してから記録し直してください。`,
      `Dose ${input.doseNumber} is already recorded (${personDateText(duplicate.date).en}). If that record is wrong, a supervisor must void it first.`,
    );
  }
  const latest = highestDose(history);
  const expected = (latest?.dose ?? 0) + 1;
  if (input.doseNumber !== expected) {
    refuse(
      'DOSE_OUT_OF_ORDER',
      `接種回数が記録と合いません。記録上の次の接種は${expected}回目です。`,
      `The dose number does not follow the records: the next dose is dose ${expected}.`,
    );
  }
  if (latest) {
    const before = latest.givenAt ? given.getTime() < new Date(latest.givenAt).getTime() : givenDate < latest.date;
    if (before) {
      refuse('BEFORE_PREVIOUS_DOSE', `接種日時が前回（${personDateText(latest.date).ja}）より前になっています。`, `The time given is before the previous dose (${personDateText(latest.date).en}).`);
    }
  }

  let lot = null;
  let product = null;
  let checks: ConfirmedChecks | null = null;
  if (input.status === 'performed') {
    requireSiteAndDoctor(input);
    if (!input.lotId) refuse('LOT_REQUIRED', 'ロットを選んでください（バイアルか箱のバーコードを読み取ってください）。', 'Choose the lot: scan the vial or the box.');
    lot = getLot(db, input.lotId);
    if (!lot || lot.venueId !== context.venueId) refuse('UNKNOWN_LOT', 'この会場に登録されていないロットです。管理者にロットの追加を依頼してください。', 'This lot is not registered at this venue. Ask the supervisor to add it.');
    if (lot.expiry < givenDate) {
      refuse('EXPIRED_LOT', `このロットは有効期限（${dateText(lot.expiry).ja}）が切れています。使用しないでください。`, `This lot expired on ${dateText(lot.expiry).en}. Do not use it.`);
    }
    product = getProduct(db, lot.productId);
    if (product) {
      const subject = { personId: ticket.person.id, municipality: input.municipality, ticketNumber: input.ticketNumber, birthDate: ticket.person.birthDate };
      const found = doseChecks(db, { ...subject, doseNumber: input.doseNumber, venueId: context.venueId, date: givenDate }, product);
      checks = confirmed(found, input.confirmChecks ?? null);
    }
  } else if (!input.reason?.trim()) {
    refuse('REASON_REQUIRED', '接種しなかった理由を入力してください。', 'Enter why the dose was not given.');
  }

  const checkin = db
    .prepare(
      `SELECT id FROM checkins WHERE municipality = ? AND ticket_number = ? AND venue_date = ? AND venue_id = ? AND voided_by IS NULL ORDER BY at DESC LIMIT 1`,
    )
    .get(input.municipality, input.ticketNumber, givenDate, context.venueId) as { id: string } | undefined;

  // The record as it travels, in schema order: what is queued is exactly what the server stores and hashes.
  const data: DoseData = {
    id: uuidv7(context.now.getTime()),
    municipality: input.municipality,
    ticketNumber: input.ticketNumber,
    doseNumber: input.doseNumber,
    status: input.status,
    reason: input.reason?.trim() || null,
    givenAt: venueIso(given),
    venueDate: givenDate,
    venueId: context.venueId,
    deskId: context.deskId,
    productId: product?.id ?? null,
    productName: product?.name ?? null,
    maker: product?.maker ?? null,
    lotId: lot?.id ?? null,
    lotNumber: lot?.lotNumber ?? null,
    expiry: lot?.expiry ?? null,
    volumeMl: input.status === 'performed' ? (input.volumeMl ?? product?.doseVolumeMl ?? null) : null,
    site: input.site ?? null,
    nurseId: context.nurseId,
    doctor: input.doctor?.trim() || null,
    checkinId: checkin?.id ?? null,
    recordedAt: venueIso(context.now),
    replaces: context.replaces ?? null,
    observationMinutes: input.status === 'performed' ? Math.max(input.observationMinutes ?? 15, product?.observationMinutes ?? 15) : null,
    // Only when the nurse confirmed a product check: every other dose keeps the body it always had.
    ...(checks ? { checks: { codes: [...checks.codes], reason: checks.reason } } : {}),
  };
  insertDoseRow(db, data, { personId: ticket.person.id, voidedBy: null });
  // With the row, in the call's transaction: it reaches the central service or stays queued, never neither.
  records.add('dose', data);
  const record: DoseRecord = { ...data, observationMinutes: data.observationMinutes ?? null, voidedBy: null, checks };
  if (record.observationMinutes === 15 || record.observationMinutes === 30) {
    startObservation(db, { doseId: record.id, venueId: record.venueId, venueDate: record.venueDate, startedAt: record.givenAt, minutes: record.observationMinutes });
  }
  return record;
}

/**
 * A dose given needs where it went and which doctor cleared the
 * pre-screening (the VRS export's 医師名): both are named when missing.
 */
function requireSiteAndDoctor(input: DoseInput): void {
  const site = !input.site;
  const doctor = !input.doctor?.trim();
  if (!site && !doctor) return;
  const missing = [site ? { ja: '接種部位', en: 'the injection site' } : null, doctor ? { ja: '予診医', en: 'the doctor who cleared the pre-screening (予診医)' } : null].filter(
    (m): m is StaffText => m !== null,
  );
  refuse(
    'MISSING_FIELDS',
    `${missing.map((m) => m.ja).join('と')}が入力されていません。入力してから記録してください（接種しなかった場合は「接種せず」を選んでください）。`,
    `${missing.map((m) => m.en).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing. Enter ${missing.length > 1 ? 'them' : 'it'}, then record (if the dose was not given, choose "Not given").`,
  );
}

/**
 * The checks the lot raised must each be confirmed, with a reason of two
 * characters or more; until then nothing is saved. The refusal lists every
 * check and what to do.
 */
function confirmed(found: readonly { code: DoseCheckCode; message: StaffText }[], confirmation: ConfirmedChecks | null): ConfirmedChecks | null {
  if (found.length === 0) return null;
  const reason = confirmation?.reason.trim() ?? '';
  if (confirmation && found.every((c) => confirmation.codes.includes(c.code)) && reason.length >= 2) {
    if (containsIndividualNumber(reason.normalize('NFKC'))) throw new DoseRefusal('INDIVIDUAL_NUMBER', NO_INDIVIDUAL_NUMBER);
    return { codes: DOSE_CHECK_CODES.filter((code) => found.some((c) => c.code === code)), reason };
  }
  throw new DoseRefusal(
    'CHECK_CONFIRMATION_REQUIRED',
    text(`${found.map((c) => c.message.ja).join('')}${CHECK_ADVICE.ja}`, `${found.map((c) => c.message.en).join(' ')} ${CHECK_ADVICE.en}`),
  );
}

export function getDoseRecord(db: VenueDb, id: string): DoseRecord | null {
  const row = db.prepare(`${DOSE_SELECT} WHERE d.id = ?`).get(id) as DoseRow | undefined;
  return row ? toDoseRecord(row) : null;
}

export function listDosesForDay(db: VenueDb, venueId: string, date: string): DoseRecord[] {
  return (db.prepare(`${DOSE_SELECT} WHERE d.venue_id = ? AND d.venue_date = ? ORDER BY d.given_at`).all(venueId, date) as DoseRow[]).map(toDoseRecord);
}

import { text, type StaffText } from '../common/messages';
import { dateText } from '../common/dates';
import { venueDate, venueTime } from '../common/time';
import type { VenueDb } from '../store/database';
import { CHECK_LABELS, DOSE_CHECK_CODES } from '../records/vocabulary';
import { dayClose, dayCloseHistory, discrepancyNotes, type DayClose, type DiscrepancyNote, type OpenCounts } from './close';

/**
 * The day's reconciliation for a venue: what the supervisor must be able to
 * say at the end of the day — everyone who came is accounted for, every dose
 * is recorded once with the right lot, and the central service has it all.
 * Pure reads; the same figures feed the screen, the printed report and the
 * sign-off.
 */

export type DiscrepancyKind =
  | 'checked-in-no-dose'
  | 'dose-no-checkin'
  | 'product-check'
  | 'dose-history'
  | 'lot-expired'
  | 'lot-outside-desk'
  | 'lot-gap'
  | 'not-confirmed'
  | 'conflict'
  | 'after-close';

export interface Discrepancy {
  /** Stable across reloads: the kind and the record it is about. Explanations attach to it. */
  readonly key: string;
  readonly kind: DiscrepancyKind;
  /** The records behind it, for the drill-down. */
  readonly recordIds: string[];
  readonly message: StaffText;
  readonly explanation: DiscrepancyNote | null;
}

export interface LotLine {
  readonly lotId: string;
  readonly lotNumber: string;
  readonly productName: string;
  readonly expiry: string;
  readonly doses: number;
  readonly vialsOpened: number | null;
  readonly dosesPerVial: number;
  /** vials × doses per vial − doses: above zero is waste, below zero a gap to explain. */
  readonly difference: number | null;
}

export interface HourLine {
  readonly hour: string;
  readonly deskId: string;
  readonly checkIns: number;
  readonly doses: number;
}

export interface DayReport {
  readonly venueId: string;
  readonly date: string;
  readonly counts: {
    readonly booked: number;
    readonly checkedIn: number;
    /** Booked, not checked in, and the slot is over. */
    readonly noShows: number;
    /** Booked, not checked in, and the slot has not ended yet (still to come). */
    readonly notYetCome: number;
    readonly vaccinated: number;
    readonly notVaccinated: number;
    readonly walkIns: number;
    readonly voided: number;
    readonly pendingSync: number;
    readonly confirmed: number;
    readonly conflicts: number;
  };
  readonly byDose: { dose: number; count: number }[];
  readonly byProduct: { productId: string; productName: string; count: number }[];
  readonly lots: LotLine[];
  readonly notVaccinatedReasons: { reason: string; count: number }[];
  readonly hourly: HourLine[];
  readonly medianSecondsToDose: number | null;
  readonly medianSecondsToDoseByDesk: { deskId: string; seconds: number }[];
  readonly discrepancies: Discrepancy[];
  readonly closed: DayClose | null;
  /** Whether the report is made for closing the day (then people still waiting are discrepancies too). */
  readonly closing: boolean;
  /** What is still open: what a close must name and have confirmed. */
  readonly open: OpenItems;
  /** Every close and reopen of the day, oldest first. */
  readonly closeHistory: { kind: 'close' | 'reopen'; id: string; staffId: string; at: string; text: string }[];
}

/**
 * What is still open: people checked in and neither vaccinated nor recorded
 * as not vaccinated, people still under observation, bookings whose slot has
 * not ended yet and who have not come, the day's records the central service
 * has not confirmed yet.
 */
export type OpenItems = OpenCounts;

export interface ReconcileOptions {
  /** The venue's time now: which slots are over. */
  readonly now: Date;
  /** The supervisor is closing the day: people waiting are discrepancies to explain. */
  readonly closing?: boolean;
}

/** What the sync layer knows about records; absent until the device syncs. */
export interface SyncFacts {
  /** Ids of this day's records not yet confirmed by the central service. */
  unconfirmed(venueId: string, date: string): readonly string[];
  confirmedCount(venueId: string, date: string): number;
  /** Conflicts touching this day: an id and the records involved (kind walkin: the decisions on one walk-in request). */
  conflicts(venueId: string, date: string): readonly { id: string; kind?: 'dose' | 'checkin' | 'walkin'; recordIds: readonly string[] }[];
}

export const NO_SYNC: SyncFacts = { unconfirmed: () => [], confirmedCount: () => 0, conflicts: () => [] };

interface DoseRow {
  id: string;
  municipality: string;
  ticket_number: string;
  person_id: number;
  checkin_id: string | null;
  dose_number: number;
  status: 'performed' | 'not_performed';
  reason: string | null;
  given_at: string;
  desk_id: string;
  product_id: string | null;
  lot_id: string | null;
  expiry: string | null;
  voided_by: string | null;
  check_codes: string | null;
  check_reason: string | null;
}

interface CheckinRow {
  id: string;
  municipality: string;
  ticket_number: string;
  at: string;
  desk_id: string;
  walk_in_approved_by: string | null;
  voided_by: string | null;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? null) : Math.round((((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2) * 10) / 10;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

const ticketKey = (r: { municipality: string; ticket_number: string }) => `${r.municipality}-${r.ticket_number}`;

/** Hour of a +09:00 instant, e.g. "09". */
const hourOf = (instant: string) => instant.slice(11, 13);

export function reconcileDay(db: VenueDb, venueId: string, date: string, sync: SyncFacts = NO_SYNC, options?: ReconcileOptions): DayReport {
  const doses = db.prepare(`SELECT * FROM dose_records WHERE venue_id = ? AND venue_date = ? ORDER BY given_at`).all(venueId, date) as DoseRow[];
  const checkins = db.prepare(`SELECT * FROM checkins WHERE venue_id = ? AND venue_date = ? ORDER BY at`).all(venueId, date) as CheckinRow[];
  const bookings = db.prepare(`SELECT municipality, ticket_number, slot_end FROM bookings WHERE venue_id = ? AND date = ?`).all(venueId, date) as {
    municipality: string;
    ticket_number: string;
    slot_end: string;
  }[];
  // Without a time (an older caller), the day is taken as over: every booking not checked in is a no-show.
  const today = options ? venueDate(options.now) : null;
  const timeNow = options ? venueTime(options.now) : '24:00';
  const slotAhead = (slotEnd: string) => today !== null && (date > today || (date === today && slotEnd > timeNow));
  // A past day is being looked at after the fact: whoever was waiting is to be explained.
  const closing = options?.closing === true || today === null || date < today;
  const liveDoses = doses.filter((d) => !d.voided_by);
  const performed = liveDoses.filter((d) => d.status === 'performed');
  const notPerformed = liveDoses.filter((d) => d.status === 'not_performed');
  const liveCheckins = checkins.filter((c) => !c.voided_by);
  const checkedInTickets = new Set(liveCheckins.map(ticketKey));
  const dosedTickets = new Set(liveDoses.map(ticketKey));
  const products = new Map(
    (db.prepare(`SELECT id, name, doses_per_vial FROM products`).all() as { id: string; name: string; doses_per_vial: number }[]).map((p) => [p.id, p]),
  );

  const discrepancies: Omit<Discrepancy, 'explanation'>[] = [];
  const waiting = liveCheckins.filter((c) => !dosedTickets.has(ticketKey(c)));
  // During the day someone checked in and not yet vaccinated is simply waiting; at the close they must be accounted for.
  for (const c of closing ? waiting : []) {
    discrepancies.push({
      key: `checked-in-no-dose:${c.id}`,
      kind: 'checked-in-no-dose',
      recordIds: [c.id],
      message: text(`受付済み（${c.at.slice(11, 16)}、${c.desk_id}）ですが、接種の記録も接種しなかった理由もありません。`, `Checked in (${c.at.slice(11, 16)}, ${c.desk_id}) but no dose and no reason recorded.`),
    });
  }
  for (const d of liveDoses) {
    if (!d.checkin_id && !checkedInTickets.has(ticketKey(d))) {
      discrepancies.push({
        key: `dose-no-checkin:${d.id}`,
        kind: 'dose-no-checkin',
        recordIds: [d.id],
        message: text(`受付の記録がない接種記録です（${d.given_at.slice(11, 16)}、${d.desk_id}）。`, `A dose with no check-in (${d.given_at.slice(11, 16)}, ${d.desk_id}).`),
      });
    }
  }
  discrepancies.push(...historyBreaks(db, performed));
  for (const d of performed) {
    if (!d.check_codes) continue;
    const labels = d.check_codes.split(',').filter((c): c is (typeof DOSE_CHECK_CODES)[number] => (DOSE_CHECK_CODES as readonly string[]).includes(c)).map((c) => CHECK_LABELS[c]);
    discrepancies.push({
      key: `product-check:${d.id}`,
      kind: 'product-check',
      recordIds: [d.id],
      message: text(
        `確認のうえ記録された接種です（${labels.map((l) => l.ja).join('・')}、${d.given_at.slice(11, 16)}、${d.desk_id}）。理由：${d.check_reason ?? ''}`,
        `Recorded after confirming a product check (${labels.map((l) => l.en).join(', ')}; ${d.given_at.slice(11, 16)}, ${d.desk_id}). Reason: ${d.check_reason ?? ''}`,
      ),
    });
  }
  for (const d of performed) {
    if (d.expiry && d.expiry < date) {
      discrepancies.push({
        key: `lot-expired:${d.id}`,
        kind: 'lot-expired',
        recordIds: [d.id],
        message: text(`有効期限（${dateText(d.expiry).ja}）を過ぎたロットで記録されています。`, `Recorded with a lot past its expiry (${dateText(d.expiry).en}).`),
      });
    }
    if (d.lot_id) {
      const active = activeLotAt(db, d.desk_id, d.given_at);
      if (active !== d.lot_id) {
        discrepancies.push({
          key: `lot-outside-desk:${d.id}`,
          kind: 'lot-outside-desk',
          recordIds: [d.id],
          message: text(`${d.desk_id} でその時使用中でないロットで記録されています。`, `Recorded at ${d.desk_id} with a lot that was not the desk's active lot at the time.`),
        });
      }
    }
  }

  const lots = lotLines(db, venueId, date, performed, products);
  for (const lot of lots) {
    if (lot.difference !== null && lot.difference < 0) {
      discrepancies.push({
        key: `lot-gap:${lot.lotId}`,
        kind: 'lot-gap',
        recordIds: performed.filter((d) => d.lot_id === lot.lotId).map((d) => d.id),
        message: text(
          `ロット ${lot.lotNumber}：開封バイアル分（${(lot.vialsOpened ?? 0) * lot.dosesPerVial}回分）より接種記録（${lot.doses}件）が多くなっています。`,
          `Lot ${lot.lotNumber}: ${lot.doses} doses recorded but the opened vials hold only ${(lot.vialsOpened ?? 0) * lot.dosesPerVial}.`,
        ),
      });
    }
  }

  const unconfirmed = sync.unconfirmed(venueId, date);
  for (const id of unconfirmed) {
    discrepancies.push({
      key: `not-confirmed:${id}`,
      kind: 'not-confirmed',
      recordIds: [id],
      message: text('まだ本部（中央システム）で確認されていない記録です。ネットワークにつないで同期してください。', 'Not yet confirmed by the central service. Connect and sync.'),
    });
  }
  const conflicts = sync.conflicts(venueId, date);
  for (const conflict of conflicts) {
    discrepancies.push({
      key: `conflict:${conflict.id}`,
      kind: 'conflict',
      recordIds: [...conflict.recordIds],
      message:
        conflict.kind === 'walkin'
          ? text(
              '同じ当日受付の依頼に、管理者の判断が二つあります（別の端末で）。先に出た判断が有効です。もう一方を確認してください。',
              'One walk-in request was decided twice (on two devices). The earlier decision stands; check the other one.',
            )
          : text('同じ接種券・同じ回数の記録が二重にあります（別の台または会場）。どちらが正しいか確認してください。', 'The same ticket and dose were recorded twice (another desk or venue). Check which is right.'),
    });
  }

  // Made at a desk that was offline when the day was closed: the close's figures did not count them.
  const late = db
    .prepare(`SELECT record_id, kind, arrived_at FROM late_records WHERE venue_id = ? AND venue_date = ? ORDER BY arrived_at, record_id`)
    .all(venueId, date) as { record_id: string; kind: 'checkin' | 'dose'; arrived_at: string }[];
  const liveIds = new Set([...liveCheckins.map((c) => c.id), ...liveDoses.map((d) => d.id)]);
  for (const record of late.filter((r) => liveIds.has(r.record_id))) {
    const what = record.kind === 'dose' ? { ja: '接種記録', en: 'dose record' } : { ja: '受付記録', en: 'check-in' };
    discrepancies.push({
      key: `after-close:${record.record_id}`,
      kind: 'after-close',
      recordIds: [record.record_id],
      message: text(
        `締めた後に届いた${what.ja}です（${record.arrived_at.slice(11, 16)}着。締めの時に通信できなかった台の記録）。締めの集計に入っていません。確認して説明を入れてください。`,
        `A ${what.en} that arrived after the day was closed (at ${record.arrived_at.slice(11, 16)}; made at a desk that was offline at the close). The close's figures do not include it. Check it and explain.`,
      ),
    });
  }

  const notes = discrepancyNotes(db, venueId, date);
  const minutesToDose = performed.flatMap((d) => {
    const checkin = liveCheckins.find((c) => c.id === d.checkin_id) ?? liveCheckins.find((c) => ticketKey(c) === ticketKey(d));
    return checkin ? [{ deskId: d.desk_id, seconds: (new Date(d.given_at).getTime() - new Date(checkin.at).getTime()) / 1000 }] : [];
  });
  const desks = [...new Set(minutesToDose.map((m) => m.deskId))].sort();

  const notCome = bookings.filter((b) => !checkedInTickets.has(ticketKey(b)));
  const notYetCome = notCome.filter((b) => slotAhead(b.slot_end)).length;
  const observing = (db.prepare(`SELECT count(*) AS n FROM observations WHERE venue_id = ? AND venue_date = ? AND outcome = 'observing'`).get(venueId, date) as { n: number }).n;

  return {
    venueId,
    date,
    closing,
    open: { waiting: waiting.length, observing, notYetCome, unsent: unconfirmed.length },
    closeHistory: dayCloseHistory(db, venueId, date),
    counts: {
      booked: bookings.length,
      checkedIn: liveCheckins.length,
      noShows: notCome.length - notYetCome,
      notYetCome,
      vaccinated: performed.length,
      notVaccinated: notPerformed.length,
      walkIns: liveCheckins.filter((c) => c.walk_in_approved_by).length,
      voided: doses.length - liveDoses.length + checkins.length - liveCheckins.length,
      pendingSync: unconfirmed.length,
      confirmed: sync.confirmedCount(venueId, date),
      conflicts: conflicts.length,
    },
    byDose: [...countBy(performed, (d) => String(d.dose_number))].map(([dose, count]) => ({ dose: Number(dose), count })).sort((a, b) => a.dose - b.dose),
    byProduct: [...countBy(performed, (d) => d.product_id ?? '')].map(([productId, count]) => ({
      productId,
      productName: products.get(productId)?.name ?? productId,
      count,
    })),
    lots,
    notVaccinatedReasons: [...countBy(notPerformed, (d) => d.reason ?? '')].map(([reason, count]) => ({ reason, count })),
    hourly: hourLines(liveCheckins, performed),
    medianSecondsToDose: median(minutesToDose.map((m) => m.seconds)),
    medianSecondsToDoseByDesk: desks.map((deskId) => ({ deskId, seconds: median(minutesToDose.filter((m) => m.deskId === deskId).map((m) => m.seconds)) ?? 0 })),
    discrepancies: discrepancies.map((d) => ({ ...d, explanation: notes.get(d.key) ?? null })),
    closed: dayClose(db, venueId, date),
  };
}

/** Doses whose number does not follow the person's history (gaps, repeats, out of date order). */
function historyBreaks(db: VenueDb, performed: readonly DoseRow[]): Omit<Discrepancy, 'explanation'>[] {
  const found: Omit<Discrepancy, 'explanation'>[] = [];
  const prior = db.prepare(`SELECT dose_number AS dose, date FROM prior_doses WHERE person_id = ?`);
  const recorded = db.prepare(`SELECT id, dose_number AS dose, venue_date AS date FROM dose_records WHERE person_id = ? AND status = 'performed' AND voided_by IS NULL`);
  for (const d of performed) {
    const history = [
      ...(prior.all(d.person_id) as { dose: number; date: string }[]).map((h) => ({ ...h, id: null as string | null })),
      ...(recorded.all(d.person_id) as { id: string; dose: number; date: string }[]),
    ].sort((a, b) => a.dose - b.dose);
    const position = history.findIndex((h) => h.id === d.id);
    const before = history[position - 1];
    const sameNumber = history.filter((h) => h.dose === d.dose_number).length;
    const broken = d.dose_number !== position + 1 || sameNumber > 1 || (before !== undefined && before.date > (history[position]?.date ?? ''));
    if (broken) {
      found.push({
        key: `dose-history:${d.id}`,
        kind: 'dose-history',
        recordIds: [d.id, ...history.filter((h) => h.id && h.id !== d.id).map((h) => h.id as string)],
        message: text(`${d.dose_number}回目の記録が、この方の接種歴と合いません。`, `Dose ${d.dose_number} does not follow this person's history.`),
      });
    }
  }
  return found;
}

function lotLines(
  db: VenueDb,
  venueId: string,
  date: string,
  performed: readonly DoseRow[],
  products: ReadonlyMap<string, { name: string; doses_per_vial: number }>,
): LotLine[] {
  const vials = new Map(
    (db.prepare(`SELECT lot_id, vials FROM lot_vials WHERE venue_id = ? AND venue_date = ?`).all(venueId, date) as { lot_id: string; vials: number }[]).map((v) => [v.lot_id, v.vials]),
  );
  const used = countBy(performed.filter((d) => d.lot_id), (d) => d.lot_id ?? '');
  const lotIds = [...new Set([...used.keys(), ...vials.keys()])];
  const lotRow = db.prepare(`SELECT lot_number, product_id, expiry FROM lots WHERE id = ?`);
  return lotIds
    .map((lotId) => {
      const lot = lotRow.get(lotId) as { lot_number: string; product_id: string; expiry: string } | undefined;
      const product = lot ? products.get(lot.product_id) : undefined;
      const dosesPerVial = product?.doses_per_vial ?? 1;
      const doses = used.get(lotId) ?? 0;
      const opened = vials.get(lotId) ?? null;
      return {
        lotId,
        lotNumber: lot?.lot_number ?? lotId,
        productName: product?.name ?? '',
        expiry: lot?.expiry ?? '',
        doses,
        vialsOpened: opened,
        dosesPerVial,
        difference: opened === null ? null : opened * dosesPerVial - doses,
      };
    })
    .sort((a, b) => a.lotNumber.localeCompare(b.lotNumber));
}

function hourLines(checkins: readonly CheckinRow[], doses: readonly DoseRow[]): HourLine[] {
  const lines = new Map<string, { hour: string; deskId: string; checkIns: number; doses: number }>();
  const line = (hour: string, deskId: string) => {
    const key = `${hour}|${deskId}`;
    let entry = lines.get(key);
    if (!entry) {
      entry = { hour, deskId, checkIns: 0, doses: 0 };
      lines.set(key, entry);
    }
    return entry;
  };
  for (const c of checkins) line(hourOf(c.at), c.desk_id).checkIns += 1;
  for (const d of doses) line(hourOf(d.given_at), d.desk_id).doses += 1;
  return [...lines.values()].sort((a, b) => a.hour.localeCompare(b.hour) || a.deskId.localeCompare(b.deskId));
}

/** Discrepancy keys still without an explanation: what blocks the sign-off. */
export function unexplained(report: DayReport): string[] {
  return report.discrepancies.filter((d) => !d.explanation).map((d) => d.key);
}

/** The lot active at a desk at an instant, by its history (desk_lot_history, written by src/doses/catalog.ts). */
function activeLotAt(db: VenueDb, deskId: string, at: string): string | null {
  const row = db
    .prepare(`SELECT lot_id FROM desk_lot_history WHERE desk_id = ? AND from_at <= ? ORDER BY from_at DESC, id DESC LIMIT 1`)
    .get(deskId, at) as { lot_id: string } | undefined;
  return row?.lot_id ?? null;
}

import { text, type StaffText } from '../common/messages';
import { addDays, venueDate, venueTime } from '../common/time';
import { dayClose } from '../day/close';
import { getProduct } from '../doses/catalog';
import {
  bookingsForPerson,
  doseHistory,
  findTicket,
  highestDose,
  identitySummary,
  venueName,
  type BookingRecord,
  type DoseHistoryEntry,
} from '../roster/repo';
import type { VenueDb } from '../store/database';
import type { BookingSummary, Verdict, VerdictCode } from './schema';

export interface TicketRef {
  readonly municipality: string;
  readonly number: string;
  readonly kind?: string | null;
  readonly dose?: string | null;
}

export interface VerdictContext {
  readonly venueId: string;
  readonly now: Date;
  readonly servedMunicipalities: readonly string[];
}

const STATUS_WORDS = {
  moved_out: text('転出', 'moved out'),
  deceased: text('死亡', 'deceased'),
  reissued: text('再発行済み（古い券）', 'reissued (this is the old ticket)'),
  active: text('有効', 'active'),
} as const;

/** A booking as reception and the nurse see it: with the venue's and the product's names. */
export function summarize(db: VenueDb, booking: BookingRecord): BookingSummary {
  return {
    id: booking.id,
    venueId: booking.venueId,
    venueName: venueName(db, booking.venueId),
    date: booking.date,
    slotStart: booking.slotStart,
    slotEnd: booking.slotEnd,
    dose: booking.dose,
    productId: booking.productId,
    productName: getProduct(db, booking.productId)?.name ?? null,
  };
}

function doseSummary(db: VenueDb, entry: DoseHistoryEntry) {
  return { dose: entry.dose, date: entry.date, place: entry.place, productName: getProduct(db, entry.productId)?.name ?? entry.productId, givenAt: entry.givenAt };
}

/** A dose recorded at this venue today: the person is here for their slip or their observation, not to be refused. */
function givenHereToday(db: VenueDb, entry: DoseHistoryEntry, venueId: string, today: string): boolean {
  if (entry.source !== 'venue' || entry.date !== today || !entry.recordId) return false;
  return db.prepare(`SELECT 1 FROM dose_records WHERE id = ? AND venue_id = ?`).pluck().get(entry.recordId, venueId) !== undefined;
}

/** The booking nearest to today: the next one to come, else the latest past one. */
function nearestBooking(bookings: readonly BookingRecord[], today: string): BookingRecord | null {
  const upcoming = bookings.filter((b) => b.date >= today);
  return upcoming[0] ?? bookings[bookings.length - 1] ?? null;
}

function todaysWalkIn(db: VenueDb, ticket: TicketRef, venueId: string, today: string) {
  const row = db
    .prepare(
      `SELECT id, status, reason, product_id FROM walk_in_requests
       WHERE municipality = ? AND ticket_number = ? AND venue_id = ? AND venue_date = ? AND status != 'used'
       ORDER BY requested_at DESC, id DESC LIMIT 1`,
    )
    .get(ticket.municipality, ticket.number, venueId, today) as
    | { id: string; status: 'pending' | 'approved' | 'declined'; reason: string | null; product_id: string | null }
    | undefined;
  return row ? { id: row.id, status: row.status, reason: row.reason, productId: row.product_id } : null;
}

function todaysCheckIn(db: VenueDb, ticket: TicketRef, venueId: string, today: string) {
  return (
    (db
      .prepare(
        `SELECT id, at, desk_id FROM checkins
         WHERE municipality = ? AND ticket_number = ? AND venue_date = ? AND venue_id = ? AND voided_by IS NULL
         ORDER BY at LIMIT 1`,
      )
      .get(ticket.municipality, ticket.number, today, venueId) as { id: string; at: string; desk_id: string } | undefined) ?? null
  );
}

type Draft = Omit<Verdict, 'headline' | 'advice' | 'admit'>;

function walkInWords(v: Draft): { headline: StaffText; advice: StaffText } | null {
  if (v.walkIn?.status === 'pending') {
    return {
      headline: text('当日受付を管理者に依頼中です', 'Walk-in requested: waiting for the supervisor'),
      advice: text('管理者の承認をお待ちください。承認されるとこの画面で受付できます。', 'Wait for the supervisor. Once approved, check the person in from this screen.'),
    };
  }
  if (v.walkIn?.status === 'declined') {
    return {
      headline: text('当日受付は承認されませんでした', 'Walk-in declined'),
      advice: text(`理由：${v.walkIn.reason ?? ''}`, `Reason: ${v.walkIn.reason ?? ''}`),
    };
  }
  return null;
}

function words(code: VerdictCode, v: Draft): { headline: StaffText; advice: StaffText } {
  const b = v.booking;
  const walkIn = code === 'NOT_BOOKED_TODAY' || code === 'WRONG_VENUE' ? walkInWords(v) : null;
  if (walkIn) return walkIn;
  switch (code) {
    case 'OK':
      if (v.walkIn?.status === 'approved') {
        return {
          headline: text(`受付できます：当日受付（承認済み）${v.dose} 回目`, `Admit: walk-in approved, dose ${v.dose}`),
          advice: text('お名前と生年月日を確認し、受付してください。', 'Confirm the name and date of birth, then check the person in.'),
        };
      }
      return {
        headline: text(`受付できます：本日 ${v.dose} 回目の予約があります`, `Admit: booked here today for dose ${v.dose}`),
        advice: text('お名前と生年月日を確認し、受付してください。', 'Confirm the name and date of birth, then check the person in.'),
      };
    case 'ALREADY_CHECKED_IN': {
      const at = v.checkedIn ? venueTime(new Date(v.checkedIn.at)) : '';
      return {
        headline: text(`${at} に受付済みです`, `Already checked in at ${at}`),
        advice: text('この方は本日すでに受付されています。二重受付はできません。接種の列へご案内ください。', 'This person was already checked in today. Do not check in again; send them to the vaccination queue.'),
      };
    }
    case 'VACCINATED_TODAY': {
      const p = v.previousDose;
      const at = p?.givenAt ? venueTime(new Date(p.givenAt)) : '';
      return {
        headline: text(`本日 ${at} にこの会場で接種済みです（${p?.dose ?? ''}回目）`, `Vaccinated here today at ${at} (dose ${p?.dose ?? ''})`),
        advice: text(
          '接種済証のシールや次回の予約の控えが必要なら、「本日の接種の控え」を印刷してお渡しください。経過観察中なら観察の場所へご案内ください。',
          'If the person needs the certificate label or a note of the next booking, print "today’s dose slip" and hand it over. If they are under observation, show them back to the observation area.',
        ),
      };
    }
    case 'NOT_BOOKED_TODAY':
      return {
        headline: text('本日の予約がありません', 'Not booked today'),
        advice: b
          ? // Words to staff; the booking's date is in the card's facts, written as the screens write dates.
            text(`予約は別の日です（${b.venueName ?? b.venueId}、日時は下の「予約」）。予約の日に来るよう本人に伝えるか、管理者に当日受付の可否を確認してください。`, `The booking is for another day (${b.venueName ?? b.venueId}; the date is under Booking below). Tell the person to come on that day, or ask the supervisor about a walk-in.`)
          : text('予約が見つかりません。管理者に当日受付の可否を確認してください。', 'No booking was found. Ask the supervisor whether a walk-in is possible.'),
      };
    case 'WRONG_VENUE':
      return {
        headline: text('別の会場の予約です', 'Booked at another venue'),
        advice: b
          ? text(`本日の予約は「${b.venueName ?? b.venueId}」${b.slotStart}〜${b.slotEnd} です。予約の会場をご案内してください。`, `Today's booking is at ${b.venueName ?? b.venueId}, ${b.slotStart}–${b.slotEnd}. Direct the person to that venue.`)
          : text('予約の会場をご案内してください。', 'Direct the person to the booked venue.'),
      };
    case 'ALREADY_VACCINATED': {
      const p = v.previousDose;
      return {
        headline: text(`${p?.dose ?? ''}回目は接種済みです`, `Dose ${p?.dose ?? ''} already given`),
        advice: p
          ? text(`「${p.place}」で接種済みです（日付は下の「前回の接種」）。接種はできません。記録に疑問があれば管理者に連絡してください。`, `Given at ${p.place} (the date is under Previous dose below). Do not vaccinate. If the record looks wrong, call the supervisor.`)
          : text('接種はできません。管理者に連絡してください。', 'Do not vaccinate. Call the supervisor.'),
      };
    }
    case 'INTERVAL_NOT_MET':
      return {
        headline: text('接種間隔が足りません', 'Too soon after the previous dose'),
        advice: text('前回の接種から間隔が足りません。下の「接種できる日」以降に予約を取り直すよう本人に伝えてください。', 'Too soon after the previous dose. Ask the person to book again on or after the earliest date below.'),
      };
    case 'AGE_NOT_ELIGIBLE':
      return {
        headline: text('対象年齢ではありません', 'Not eligible at this age'),
        advice: text(
          `${v.person?.age ?? ''}歳です。このワクチンの対象は ${v.ageLimits?.min ?? ''}歳${(v.ageLimits?.max ?? null) !== null ? `〜${v.ageLimits?.max}歳` : '以上'}です。管理者に連絡してください。`,
          `Age ${v.person?.age ?? ''}. This vaccine is for ages ${v.ageLimits?.min ?? ''}${(v.ageLimits?.max ?? null) !== null ? `–${v.ageLimits?.max}` : ' and over'}. Call the supervisor.`,
        ),
      };
    case 'TICKET_VOID': {
      const status = STATUS_WORDS[v.ticketStatus ?? 'active'];
      return {
        headline: text(`この接種券は使えません（${status.ja}）`, `This ticket is void (${status.en})`),
        advice: text('新しい接種券をお持ちか確認してください。なければ市町村の窓口をご案内してください。', 'Ask for a newer ticket. If there is none, refer the person to the municipal office.'),
      };
    }
    case 'OTHER_MUNICIPALITY':
      return {
        headline: text('他の市町村の接種券です', 'Ticket from another municipality'),
        advice: text(`市町村コード ${v.ticket.municipality} はこの会場の対象外です。住民票のある市町村の会場をご案内するか、管理者に連絡してください。`, `Municipality ${v.ticket.municipality} is not served here. Refer the person to their own municipality's venues, or call the supervisor.`),
      };
    case 'UNKNOWN_TICKET':
      return {
        headline: text('名簿にない接種券です', 'Ticket not in the roster'),
        advice: text('番号を読み直してください。それでも見つからなければ管理者に連絡してください（名簿の更新が必要な場合があります）。', 'Scan again. If it is still not found, call the supervisor: the roster may need an update.'),
      };
    case 'DAY_CLOSED':
      return {
        headline: text('本日の受付は締め切りました', 'Today is closed'),
        advice: text('管理者が本日の締めを行いました。受付や接種はできません。管理者に連絡してください。', 'A supervisor has closed today: no more check-ins or doses. Call the supervisor.'),
      };
    case 'DOSE_OUT_OF_ORDER':
      return {
        headline: text('接種回数が記録と合いません', 'Dose number does not match the records'),
        advice: text(
          `予約は${v.dose ?? ''}回目ですが、記録上の直前の接種は${v.previousDose?.dose ?? 0}回目です。接種せず、管理者に連絡してください。`,
          `The booking is for dose ${v.dose ?? ''}, but the records show dose ${v.previousDose?.dose ?? 0} as the latest. Do not vaccinate; call the supervisor.`,
        ),
      };
  }
}

function finish(code: VerdictCode, draft: Omit<Draft, 'code'>): Verdict {
  const full: Draft = { code, ...draft };
  return { ...full, admit: code === 'OK', ...words(code, full) };
}

/**
 * The booking for the dose after this one, preferring the same set booking:
 * shown when dose 1 of a set is recorded, and printed on the person's slip.
 */
export function followingBooking(db: VenueDb, personId: number, dose: number, today: string): BookingSummary | null {
  const bookings = bookingsForPerson(db, personId);
  const current = bookings.find((b) => b.dose === dose && b.date === today);
  const next =
    (current?.setId ? bookings.find((b) => b.setId === current.setId && b.dose === dose + 1) : undefined) ??
    bookings.find((b) => b.dose === dose + 1 && b.date > today);
  return next ? summarize(db, next) : null;
}

/**
 * The one answer reception needs on a scanned ticket. Checks run from the
 * most basic (is this our ticket at all?) to the most specific (is it too
 * soon?), and the first that fails is the verdict.
 */
export function decideVerdict(db: VenueDb, ticketRef: TicketRef, context: VerdictContext): Verdict {
  const today = venueDate(context.now);
  const blank: Omit<Draft, 'code'> = {
    ticket: { municipality: ticketRef.municipality, number: ticketRef.number, kind: ticketRef.kind ?? null, dose: ticketRef.dose ?? null },
    person: null,
    booking: null,
    nextBooking: null,
    dose: null,
    previousDose: null,
    earliestDate: null,
    ticketStatus: null,
    checkedIn: null,
    ageLimits: null,
    walkIn: null,
  };
  if (!context.servedMunicipalities.includes(ticketRef.municipality)) return finish('OTHER_MUNICIPALITY', blank);

  const ticket = findTicket(db, ticketRef.municipality, ticketRef.number);
  if (!ticket) return finish('UNKNOWN_TICKET', blank);
  const base = {
    ...blank,
    ticket: { ...blank.ticket, kind: ticketRef.kind ?? ticket.kind },
    person: identitySummary(ticket.person, today),
    ticketStatus: ticket.status,
  };
  if (ticket.status !== 'active') return finish('TICKET_VOID', base);

  const history = doseHistory(db, ticket.person.id);
  const latest = highestDose(history);
  const bookings = bookingsForPerson(db, ticket.person.id);
  const todays = bookings.filter((b) => b.date === today);
  const here = todays.find((b) => b.venueId === context.venueId) ?? null;
  const dose = here?.dose ?? (ticketRef.dose ? Number(ticketRef.dose) : (latest?.dose ?? 0) + 1);
  const withDose = { ...base, dose, booking: here ? summarize(db, here) : null };

  const given = history.filter((h) => h.dose >= dose);
  const same = given.find((h) => h.dose === dose) ?? given[given.length - 1];
  const latestHere = latest && givenHereToday(db, latest, context.venueId, today) ? latest : null;
  if (latestHere && (same || !here)) return finish('VACCINATED_TODAY', { ...withDose, previousDose: doseSummary(db, latestHere) });
  if (same) return finish('ALREADY_VACCINATED', { ...withDose, previousDose: doseSummary(db, same) });

  const checkedIn = todaysCheckIn(db, ticketRef, context.venueId, today);
  if (checkedIn) return finish('ALREADY_CHECKED_IN', { ...withDose, checkedIn: { id: checkedIn.id, at: checkedIn.at, deskId: checkedIn.desk_id } });

  const walkIn = here ? null : todaysWalkIn(db, ticketRef, context.venueId, today);
  if (!here && walkIn?.status !== 'approved') {
    const withWalkIn = { ...withDose, walkIn };
    const elsewhere = todays[0];
    if (elsewhere) return finish('WRONG_VENUE', { ...withWalkIn, booking: summarize(db, elsewhere) });
    const nearest = nearestBooking(bookings, today);
    return finish('NOT_BOOKED_TODAY', { ...withWalkIn, booking: nearest ? summarize(db, nearest) : null });
  }

  const partner = here?.setId ? bookings.find((b) => b.setId === here.setId && b.id !== here.id && b.dose === here.dose + 1) : undefined;
  const ready = { ...withDose, walkIn, nextBooking: partner ? summarize(db, partner) : null, previousDose: latest ? doseSummary(db, latest) : null };

  if (dose !== (latest?.dose ?? 0) + 1) return finish('DOSE_OUT_OF_ORDER', ready);

  // A walk-in approved by a supervisor stands in for the booking; its product is the one approved.
  const productId = here?.productId ?? walkIn?.productId ?? null;
  const product = productId ? getProduct(db, productId) : null;
  if (product) {
    const age = ready.person.age;
    if (age < product.minAge || (product.maxAge !== null && age > product.maxAge)) {
      return finish('AGE_NOT_ELIGIBLE', { ...ready, ageLimits: { min: product.minAge, max: product.maxAge } });
    }
    if (latest) {
      const earliest = addDays(latest.date, product.minIntervalDays);
      if (today < earliest) return finish('INTERVAL_NOT_MET', { ...ready, earliestDate: earliest });
    }
  }
  // Everything is in order, but the day has been signed off: nobody more is admitted.
  if (dayClose(db, context.venueId, today)) return finish('DAY_CLOSED', ready);
  return finish('OK', ready);
}

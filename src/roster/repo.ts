import { ageOn } from '../common/time';
import type { VenueDb } from '../store/database';

/** Read side of the roster: what check-in and dose recording look up. */

export type TicketStatus = 'active' | 'moved_out' | 'deceased' | 'reissued';
export type Sex = 'M' | 'F' | 'U';

export interface PersonRecord {
  readonly id: number;
  readonly municipality: string;
  readonly personRef: string;
  readonly nameKana: string;
  readonly nameKanji: string;
  readonly birthDate: string;
  readonly sex: Sex;
}

export interface TicketRecord {
  readonly municipality: string;
  readonly number: string;
  readonly kind: string;
  readonly status: TicketStatus;
  readonly person: PersonRecord;
}

interface TicketRow {
  municipality: string;
  number: string;
  kind: string;
  status: TicketStatus;
  person_id: number;
  person_ref: string;
  name_kana: string;
  name_kanji: string;
  birth_date: string;
  sex: Sex;
}

export function findTicket(db: VenueDb, municipality: string, number: string): TicketRecord | null {
  const row = db
    .prepare(
      `SELECT t.municipality, t.number, t.kind, t.status, t.person_id, p.person_ref, p.name_kana, p.name_kanji, p.birth_date, p.sex
       FROM tickets t JOIN people p ON p.id = t.person_id WHERE t.municipality = ? AND t.number = ?`,
    )
    .get(municipality, number) as TicketRow | undefined;
  if (!row) return null;
  return {
    municipality: row.municipality,
    number: row.number,
    kind: row.kind,
    status: row.status,
    person: {
      id: row.person_id,
      municipality: row.municipality,
      personRef: row.person_ref,
      nameKana: row.name_kana,
      nameKanji: row.name_kanji,
      birthDate: row.birth_date,
      sex: row.sex,
    },
  };
}

/** What reception may see to confirm who is in front of them, and nothing more. */
export interface IdentitySummary {
  readonly nameKana: string;
  readonly nameKanji: string;
  readonly birthDate: string;
  readonly age: number;
  readonly sex: Sex;
}

export function identitySummary(person: PersonRecord, onDate: string): IdentitySummary {
  return {
    nameKana: person.nameKana,
    nameKanji: person.nameKanji,
    birthDate: person.birthDate,
    age: ageOn(person.birthDate, onDate),
    sex: person.sex,
  };
}

export interface DoseHistoryEntry {
  readonly dose: number;
  readonly date: string;
  /** Full instant for doses recorded by venues of this app; null for roster history. */
  readonly givenAt: string | null;
  readonly productId: string;
  readonly place: string;
  readonly source: 'roster' | 'venue';
  readonly recordId: string | null;
}

/**
 * Every dose the person is known to have had, oldest first: earlier doses from
 * the roster plus performed, unvoided dose records.
 */
export function doseHistory(db: VenueDb, personId: number): DoseHistoryEntry[] {
  const prior = db
    .prepare(`SELECT dose_number, date, product_id, place FROM prior_doses WHERE person_id = ?`)
    .all(personId) as { dose_number: number; date: string; product_id: string; place: string }[];
  const recorded = db
    .prepare(
      `SELECT d.id, d.dose_number, d.venue_date, d.given_at, d.product_id, COALESCE(v.name, d.venue_id) AS place
       FROM dose_records d LEFT JOIN venues v ON v.id = d.venue_id
       WHERE d.person_id = ? AND d.status = 'performed' AND d.voided_by IS NULL`,
    )
    .all(personId) as { id: string; dose_number: number; venue_date: string; given_at: string; product_id: string; place: string }[];
  const entries: DoseHistoryEntry[] = [
    ...prior.map((p) => ({ dose: p.dose_number, date: p.date, givenAt: null, productId: p.product_id, place: p.place, source: 'roster' as const, recordId: null })),
    ...recorded.map((r) => ({ dose: r.dose_number, date: r.venue_date, givenAt: r.given_at, productId: r.product_id, place: r.place, source: 'venue' as const, recordId: r.id })),
  ];
  return entries.sort((a, b) => a.dose - b.dose || a.date.localeCompare(b.date));
}

export function highestDose(history: readonly DoseHistoryEntry[]): DoseHistoryEntry | null {
  return history.reduce<DoseHistoryEntry | null>((top, entry) => (top === null || entry.dose > top.dose ? entry : top), null);
}

export interface BookingRecord {
  readonly id: string;
  readonly municipality: string;
  readonly ticketNumber: string;
  readonly venueId: string;
  readonly date: string;
  readonly slotStart: string;
  readonly slotEnd: string;
  readonly dose: number;
  readonly productId: string;
  readonly setId: string | null;
}

interface BookingRow {
  id: string;
  municipality: string;
  ticket_number: string;
  venue_id: string;
  date: string;
  slot_start: string;
  slot_end: string;
  dose_number: number;
  product_id: string;
  set_id: string | null;
}

function booking(row: BookingRow): BookingRecord {
  return {
    id: row.id,
    municipality: row.municipality,
    ticketNumber: row.ticket_number,
    venueId: row.venue_id,
    date: row.date,
    slotStart: row.slot_start,
    slotEnd: row.slot_end,
    dose: row.dose_number,
    productId: row.product_id,
    setId: row.set_id,
  };
}

export function bookingsForPerson(db: VenueDb, personId: number): BookingRecord[] {
  const rows = db.prepare(`SELECT * FROM bookings WHERE person_id = ? ORDER BY date, slot_start`).all(personId) as BookingRow[];
  return rows.map(booking);
}

export function findBooking(db: VenueDb, id: string): BookingRecord | null {
  const row = db.prepare(`SELECT * FROM bookings WHERE id = ?`).get(id) as BookingRow | undefined;
  return row ? booking(row) : null;
}

export function venueName(db: VenueDb, venueId: string): string | null {
  const row = db.prepare(`SELECT name FROM venues WHERE id = ?`).get(venueId) as { name: string } | undefined;
  return row?.name ?? null;
}

import { z } from 'zod';
import { venueIso } from '../common/time';
import { insertCheckinRow } from '../checkin/checkin-row';
import { settleWalkIn } from '../checkin/walkin';
import { OBSERVATION_MINUTES, settleObservation, startObservation, type ObservationMinutes } from '../day/observation';
import { insertDoseRow } from '../doses/dose-row';
import { aliasLot, canonicalLotId, productStore, refreshActiveLot, storeLot, upsertDesk, upsertVenue } from '../doses/catalog';
import { storeVoid } from '../doses/void';
import { passwordReplaced, setStaffDisabled } from '../staff/accounts';
import { replaceSecondFactor } from '../staff/two-factor';
import type { VenueDb } from '../store/database';
import { storeConflict } from './conflicts';
import { dayFeedSchemas, dayRecordWriter, ORDERED_DAY_KINDS, type ApplyOutcome } from './apply-day';
import {
  checkinData,
  conflictData,
  deskData,
  doseData,
  lotData,
  personData,
  productData,
  staffData,
  venueData,
  voidData,
  type DayKind,
  type FeedChange,
  isDayKind,
  type PersonData,
} from './protocol';

/**
 * Applies feed changes to the venue database. Every change is the latest
 * state of one entity, so applying is an upsert (or a delete for a
 * tombstone) and applying the same change twice changes nothing. Records of
 * this venue made at other desks are written straight into their tables,
 * never into the outbox, so they are not sent back up. The caller runs this
 * inside its transaction, together with the cursor.
 */

export type { ApplyOutcome } from './apply-day';

// Records of other desks arrive as their devices uploaded them. Uploads are checked strictly;
// here unknown fields are dropped, so a desk on a newer app version cannot stall this one's feed.
const checkinFeed = z.object(checkinData.shape);
const doseFeed = z.object(doseData.shape);
const voidFeed = z.object(voidData.shape);
const lotFeed = z.object(lotData.shape);

export class FeedDataError extends Error {
  constructor(
    readonly change: { seq: number; kind: string; key: string },
    readonly issues: string,
  ) {
    super(`feed change ${change.seq} (${change.kind}) is not valid: ${issues}`);
    this.name = 'FeedDataError';
  }
}

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, change: FeedChange): T {
  const result = schema.safeParse(change.data);
  if (!result.success) {
    throw new FeedDataError(change, result.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; '));
  }
  return result.data;
}

export interface FeedApplier {
  /** Applies one change; 'parked' when it refers to something not here yet. */
  apply(change: FeedChange): ApplyOutcome;
  /** Tries the parked changes again; how many went in. */
  retryParked(): number;
  parkedCount(): number;
}

export function createFeedApplier(db: VenueDb, scope: { municipality: string; venueId: string; now: () => Date }): FeedApplier {
  const person = personWriter(db, scope.municipality);
  const records = recordWriter(db, scope.now);
  const day = dayRecordWriter(db);
  const staff = staffWriter(db, scope.now);
  const products = productStore(db);
  const park = db.prepare(`INSERT INTO sync_parked (kind, key, data) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data`);
  const unpark = db.prepare(`DELETE FROM sync_parked WHERE kind = ? AND key = ?`);
  let parked = (db.prepare(`SELECT count(*) AS n FROM sync_parked`).get() as { n: number }).n;

  const ownVenue = (venueId: string) => venueId === scope.venueId;

  function applyKind(change: FeedChange): ApplyOutcome {
    switch (change.kind) {
      case 'venue': {
        if (change.deleted) return 'skipped';
        const venue = parse(venueData, change);
        upsertVenue(db, venue);
        return 'applied';
      }
      case 'desk': {
        // A desk is never removed here: its lot history and sessions refer to it.
        if (change.deleted) return 'skipped';
        const desk = parse(deskData, change);
        if (!ownVenue(desk.venueId)) return 'skipped';
        upsertDesk(db, desk);
        // Its lot history may have come first.
        refreshActiveLot(db, desk.id);
        return 'applied';
      }
      case 'product':
        if (change.deleted) products.remove(change.key);
        else products.upsert(parse(productData, change));
        return 'applied';
      case 'staff':
        if (change.deleted) return 'skipped';
        staff.upsert(parse(staffData, change));
        return 'applied';
      case 'person':
        if (change.deleted) person.remove(change.key);
        else person.upsert(parse(personData, change), scope.venueId);
        return 'applied';
      case 'checkin': {
        if (change.deleted) return 'skipped';
        const data = parse(checkinFeed, change);
        if (!ownVenue(data.venueId)) return 'skipped';
        return records.checkin(data);
      }
      case 'dose': {
        if (change.deleted) return 'skipped';
        const data = parse(doseFeed, change);
        if (!ownVenue(data.venueId)) return 'skipped';
        return records.dose(data);
      }
      case 'void':
        if (change.deleted) return 'skipped';
        return records.voidRecord(parse(voidFeed, change));
      case 'lot': {
        if (change.deleted) return 'skipped';
        const data = parse(lotFeed, change);
        if (!ownVenue(data.venueId)) return 'skipped';
        return records.lot(data);
      }
      case 'conflict': {
        if (change.deleted) return 'skipped';
        const c = parse(conflictData, change);
        storeConflict(db, c);
        return 'applied';
      }
      default:
        if (isDayKind(change.kind)) return applyDayKind(change, change.kind);
        // A kind from a newer central service: kept aside until an update of the app knows it.
        if (change.deleted) {
          if (unpark.run(change.kind, change.key).changes > 0) parked -= 1;
          return 'skipped';
        }
        return 'parked';
    }
  }

  /** The supervisor's-day records (apply-day.ts): this venue's only, never tombstoned. */
  function applyDayKind(change: FeedChange, kind: DayKind): ApplyOutcome {
    if (change.deleted) return 'skipped';
    switch (kind) {
      case 'walkin_request': {
        const data = parse(dayFeedSchemas.walkin_request, change);
        return ownVenue(data.venueId) ? day.walkInRequest(data) : 'skipped';
      }
      case 'walkin_decision': {
        const data = parse(dayFeedSchemas.walkin_decision, change);
        return ownVenue(data.venueId) ? day.walkInDecision(data) : 'skipped';
      }
      case 'observation_outcome': {
        const data = parse(dayFeedSchemas.observation_outcome, change);
        return ownVenue(data.venueId) ? day.observationOutcome(data) : 'skipped';
      }
      case 'day_close': {
        const data = parse(dayFeedSchemas.day_close, change);
        return ownVenue(data.venueId) ? day.dayClose(data) : 'skipped';
      }
      case 'discrepancy_note': {
        const data = parse(dayFeedSchemas.discrepancy_note, change);
        return ownVenue(data.venueId) ? day.discrepancyNote(data) : 'skipped';
      }
      case 'desk_lot': {
        const data = parse(dayFeedSchemas.desk_lot, change);
        return ownVenue(data.venueId) ? day.deskLot(data) : 'skipped';
      }
      case 'lot_vials': {
        const data = parse(dayFeedSchemas.lot_vials, change);
        return ownVenue(data.venueId) ? day.lotVials(data) : 'skipped';
      }
      case 'day_reopen': {
        const data = parse(dayFeedSchemas.day_reopen, change);
        return ownVenue(data.venueId) ? day.dayReopen(data) : 'skipped';
      }
      case 'desk_doctor': {
        const data = parse(dayFeedSchemas.desk_doctor, change);
        return ownVenue(data.venueId) ? day.deskDoctor(data) : 'skipped';
      }
    }
  }

  // The central service's order of the records whose latest decides a state (see apply-day.ts).
  const noteOrder = db.prepare(`INSERT INTO record_order (record_id, seq) VALUES (?, ?) ON CONFLICT (record_id) DO UPDATE SET seq = excluded.seq`);

  return {
    apply(change) {
      if (!change.deleted && isDayKind(change.kind) && ORDERED_DAY_KINDS.has(change.kind)) noteOrder.run(change.key, change.seq);
      const outcome = applyKind(change);
      if (outcome === 'parked') {
        park.run(change.kind, change.key, JSON.stringify(change.data));
        parked += 1;
      }
      return outcome;
    },
    retryParked() {
      if (parked === 0) return 0;
      const rows = db.prepare(`SELECT seq, kind, key, data FROM sync_parked ORDER BY seq`).all() as { seq: number; kind: string; key: string; data: string }[];
      let applied = 0;
      for (const row of rows) {
        const outcome = applyKind({ seq: row.seq, kind: row.kind, key: row.key, deleted: false, data: JSON.parse(row.data) as unknown });
        if (outcome !== 'parked') {
          unpark.run(row.kind, row.key);
          applied += 1;
        }
      }
      parked = rows.length - applied;
      return applied;
    },
    parkedCount: () => parked,
  };
}

/** A person with tickets, earlier doses, bookings and doses from other venues, replacing what was here. */
function personWriter(db: VenueDb, municipality: string) {
  const find = db.prepare(`SELECT id FROM people WHERE municipality = ? AND person_ref = ?`).pluck();
  // Insert first: in a first download everyone is new, and this saves a lookup per person.
  const insert = db.prepare(
    `INSERT INTO people (municipality, person_ref, name_kana, name_kanji, birth_date, sex, phone, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (municipality, person_ref) DO NOTHING RETURNING id`,
  ).pluck();
  const update = db.prepare(`UPDATE people SET name_kana = ?, name_kanji = ?, birth_date = ?, sex = ?, phone = ?, email = ? WHERE id = ?`);
  const upsertTicket = db.prepare(
    `INSERT INTO tickets (municipality, number, kind, status, person_id) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (municipality, number) DO UPDATE SET kind = excluded.kind, status = excluded.status, person_id = excluded.person_id`,
  );
  const dropTickets = db.prepare(`DELETE FROM tickets WHERE person_id = ? AND number NOT IN (SELECT value FROM json_each(?))`);
  const clearPrior = db.prepare(`DELETE FROM prior_doses WHERE person_id = ?`);
  // OR IGNORE: a dose number already in the roster's history keeps the roster's entry.
  const addPrior = db.prepare(`INSERT OR IGNORE INTO prior_doses (person_id, dose_number, date, product_id, place) VALUES (?, ?, ?, ?, ?)`);
  const dropBookings = db.prepare(`DELETE FROM bookings WHERE person_id = ? AND id NOT IN (SELECT value FROM json_each(?))`);
  const upsertBooking = db.prepare(
    `INSERT INTO bookings (id, person_id, municipality, ticket_number, venue_id, date, slot_start, slot_end, dose_number, product_id, set_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id, municipality = excluded.municipality, ticket_number = excluded.ticket_number,
       venue_id = excluded.venue_id, date = excluded.date, slot_start = excluded.slot_start, slot_end = excluded.slot_end,
       dose_number = excluded.dose_number, product_id = excluded.product_id, set_id = excluded.set_id`,
  );
  const hasRecords = db.prepare(`SELECT 1 FROM checkins WHERE person_id = ? UNION ALL SELECT 1 FROM dose_records WHERE person_id = ? LIMIT 1`).pluck();
  const deletePerson = db.prepare(`DELETE FROM people WHERE id = ?`);

  function clear(id: number): void {
    dropTickets.run(id, '[]');
    clearPrior.run(id);
    dropBookings.run(id, '[]');
  }

  return {
    upsert(p: PersonData, ownVenue: string): void {
      let id = insert.get(municipality, p.ref, p.kana, p.kanji, p.birth, p.sex, p.phone, p.email) as number | undefined;
      if (id === undefined) {
        id = find.get(municipality, p.ref) as number;
        update.run(p.kana, p.kanji, p.birth, p.sex, p.phone, p.email, id);
        // Only someone already here can have tickets, doses or bookings that are gone now.
        dropTickets.run(id, JSON.stringify(p.tickets.map((t) => t[0])));
        clearPrior.run(id);
        dropBookings.run(id, JSON.stringify(p.bookings.map((b) => b[0])));
      }
      for (const [number, kind, status] of p.tickets) upsertTicket.run(municipality, number, kind, status, id);
      for (const [dose, date, product, place] of p.prior) addPrior.run(id, dose, date, product, place);
      // Doses given at other venues count as history here; this venue's own come as records.
      for (const [, venueId, dose, date, , product, place] of p.doses) {
        if (venueId !== ownVenue) addPrior.run(id, dose, date, product, place);
      }
      for (const [bookingId, ticket, venue, date, start, end, dose, product, setId] of p.bookings) {
        upsertBooking.run(bookingId, id, municipality, ticket, venue, date, start, end, dose, product, setId);
      }
    },
    remove(ref: string): void {
      const id = find.get(municipality, ref) as number | undefined;
      if (id === undefined) return;
      clear(id);
      // People with records here stay (the records must keep pointing at someone); they just lose tickets and bookings.
      if (!hasRecords.get(id, id)) deletePerson.run(id);
    },
  };
}

function staffWriter(db: VenueDb, now: () => Date) {
  const current = db.prepare(`SELECT disabled, password_hash AS passwordHash FROM staff WHERE id = ?`);
  const sameLogin = db.prepare(`SELECT id FROM staff WHERE login = ? AND id <> ?`).pluck();
  const retireLogin = db.prepare(`UPDATE staff SET login = ? WHERE id = ?`);
  const upsert = db.prepare(
    `INSERT INTO staff (id, login, display_name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET login = excluded.login, display_name = excluded.display_name, role = excluded.role,
       password_hash = excluded.password_hash, disabled = excluded.disabled`,
  );
  return {
    upsert(s: ReturnType<typeof staffData.parse>): void {
      // A local account with the same login (made before enrollment) gives way to the central one, and is closed.
      const clash = sameLogin.get(s.login, s.id) as string | undefined;
      if (clash !== undefined) {
        retireLogin.run(`${s.login}~local-${clash.slice(0, 8)}`, clash);
        setStaffDisabled(db, clash, true, now());
      }
      const was = current.get(s.id) as { disabled: 0 | 1; passwordHash: string } | undefined;
      upsert.run(s.id, s.login, s.displayName, s.role, s.passwordHash, s.disabled ? 1 : 0, venueIso(now()));
      // Disabling ends the account's sessions at once; re-enabling clears a lock-out.
      if (was !== undefined && (was.disabled === 1) !== s.disabled) setStaffDisabled(db, s.id, s.disabled, now());
      // A new password set centrally: the old one opens no session here any more.
      if (was !== undefined && was.passwordHash !== s.passwordHash) passwordReplaced(db, s.id, now());
      // A second factor set, replaced or reset centrally: the person's sessions here end when it changed.
      if (s.totp !== undefined) replaceSecondFactor(db, s.id, s.totp, now());
    },
  };
}

function isObservationMinutes(minutes: number | null | undefined): minutes is ObservationMinutes {
  return (OBSERVATION_MINUTES as readonly (number | null | undefined)[]).includes(minutes);
}

/** Records of this venue made at its other desks. */
function recordWriter(db: VenueDb, now: () => Date) {
  const personOf = db.prepare(`SELECT person_id FROM tickets WHERE municipality = ? AND number = ?`).pluck();
  const voidOf = db.prepare(`SELECT id FROM voids WHERE target_id = ?`).pluck();
  const checkinExists = db.prepare(`SELECT 1 FROM checkins WHERE id = ?`).pluck();
  const doseExists = db.prepare(`SELECT 1 FROM dose_records WHERE id = ?`).pluck();
  const productExists = db.prepare(`SELECT 1 FROM products WHERE id = ?`).pluck();
  const lotExists = db.prepare(`SELECT 1 FROM lots WHERE id = ?`).pluck();
  const lotByNumber = db.prepare(`SELECT id FROM lots WHERE venue_id = ? AND product_id = ? AND lot_number = ?`).pluck();
  const closed = db.prepare(`SELECT 1 FROM day_closes WHERE venue_id = ? AND venue_date = ?`).pluck();
  const insertLate = db.prepare(`INSERT OR IGNORE INTO late_records (record_id, kind, venue_id, venue_date, arrived_at) VALUES (?, ?, ?, ?, ?)`);
  /** A record for a day already closed here was made offline before the close reached its desk: the close did not count it. */
  const noteIfLate = (kind: 'checkin' | 'dose', data: { id: string; venueId: string; venueDate: string }) => {
    if (closed.get(data.venueId, data.venueDate)) insertLate.run(data.id, kind, data.venueId, data.venueDate, venueIso(now()));
  };

  return {
    checkin(data: z.output<typeof checkinFeed>): ApplyOutcome {
      if (checkinExists.get(data.id)) return 'skipped';
      const personId = personOf.get(data.municipality, data.ticketNumber) as number | undefined;
      if (personId === undefined) return 'parked';
      insertCheckinRow(db, data, { personId, voidedBy: (voidOf.get(data.id) as string | undefined) ?? null });
      noteIfLate('checkin', data);
      // The walk-in it used is "used" here too.
      if (data.walkInId) settleWalkIn(db, data.walkInId);
      return 'applied';
    },
    dose(data: z.output<typeof doseFeed>): ApplyOutcome {
      if (doseExists.get(data.id)) return 'skipped';
      const personId = personOf.get(data.municipality, data.ticketNumber) as number | undefined;
      if (personId === undefined) return 'parked';
      // The lot as it is known here (another desk's id for the same lot is an alias).
      insertDoseRow(db, { ...data, lotId: data.lotId ? canonicalLotId(db, data.lotId) : null }, { personId, voidedBy: (voidOf.get(data.id) as string | undefined) ?? null });
      // A supervisor's re-record is allowed on a closed day: it is a correction, not a record the close missed.
      if (!data.replaces) noteIfLate('dose', data);
      // A dose given at another desk starts its observation here too: the board may be on this device.
      if (data.status === 'performed' && isObservationMinutes(data.observationMinutes)) {
        startObservation(db, { doseId: data.id, venueId: data.venueId, venueDate: data.venueDate, startedAt: data.givenAt, minutes: data.observationMinutes });
        settleObservation(db, data.id);
      }
      return 'applied';
    },
    voidRecord(data: z.output<typeof voidFeed>): ApplyOutcome {
      // A target that is not here yet finds its void when it arrives (see above).
      return storeVoid(db, data) ? 'applied' : 'skipped';
    },
    lot(data: z.output<typeof lotFeed>): ApplyOutcome {
      if (!productExists.get(data.productId)) return 'parked';
      if (storeLot(db, data)) return 'applied';
      if (lotExists.get(data.id)) return 'skipped';
      // Two desks added the same lot offline, each with its own id: the other desk's id becomes an alias of the lot here.
      const here = lotByNumber.get(data.venueId, data.productId, data.lotNumber) as string | undefined;
      if (!here || canonicalLotId(db, data.id) === here) return 'skipped';
      aliasLot(db, data.id, here);
      return 'applied';
    },
  };
}

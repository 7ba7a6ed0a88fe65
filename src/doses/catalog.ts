import { productFacts, type ProductColumns, type ProductFacts } from '../common/product-columns';
import { uuidv7 } from '../common/ids';
import { venueIso } from '../common/time';
import type { VenueDb } from '../store/database';
import type { DeskLotData, LotData } from '../records/schemas';
import type { RecordSink } from '../records/sink';

/** The product master and the venue's lots and desks. */

export interface Product extends ProductFacts {
  readonly gtins: readonly string[];
  /** Products that may come before this one (the previous dose's); empty: any. From the product master. */
  readonly mayFollow: readonly string[];
}

interface ProductRow extends ProductColumns {
  may_follow: string | null;
}

/** may_follow as stored: a JSON array of product codes, or NULL (any). */
export function mayFollowColumn(codes: readonly string[] | undefined): string | null {
  return codes && codes.length > 0 ? JSON.stringify(codes) : null;
}

function mayFollowOf(stored: string | null): string[] {
  if (!stored) return [];
  const parsed: unknown = JSON.parse(stored);
  return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [];
}

function product(row: ProductRow, gtins: string[]): Product {
  return { ...productFacts(row), gtins, mayFollow: mayFollowOf(row.may_follow) };
}

function gtinsOf(db: VenueDb, productId: string): string[] {
  return (db.prepare(`SELECT gtin FROM product_gtins WHERE product_id = ? ORDER BY gtin`).all(productId) as { gtin: string }[]).map((r) => r.gtin);
}

export function getProduct(db: VenueDb, id: string): Product | null {
  const row = db.prepare(`SELECT * FROM products WHERE id = ?`).get(id) as ProductRow | undefined;
  return row ? product(row, gtinsOf(db, id)) : null;
}

export function listProducts(db: VenueDb): Product[] {
  const rows = db.prepare(`SELECT * FROM products ORDER BY maker, name`).all() as ProductRow[];
  return rows.map((row) => product(row, gtinsOf(db, row.id)));
}

/** A product as the master lists it (the device's catalog or the central service's feed); mayFollow absent: any. */
export type ProductInput = Omit<Product, 'mayFollow'> & { readonly mayFollow?: readonly string[] };

/**
 * The products table's one writer, for the device's own catalog (upsertProducts) and the feed
 * (src/sync/apply.ts) alike: adds or replaces a product by id, its GTINs replaced with the given
 * ones (GTIN-14; a GTIN that moved to this product leaves the one that had it), or removes one.
 */
export function productStore(db: VenueDb) {
  const upsert = db.prepare(
    `INSERT INTO products (id, maker, name, vaccine_type, dose_volume_ml, min_interval_days, min_age, max_age, observation_minutes, doses_per_vial, may_follow)
     VALUES (@id, @maker, @name, @vaccineType, @doseVolumeMl, @minIntervalDays, @minAge, @maxAge, @observationMinutes, @dosesPerVial, @mayFollow)
     ON CONFLICT (id) DO UPDATE SET maker = excluded.maker, name = excluded.name, vaccine_type = excluded.vaccine_type,
       dose_volume_ml = excluded.dose_volume_ml, min_interval_days = excluded.min_interval_days, min_age = excluded.min_age,
       max_age = excluded.max_age, observation_minutes = excluded.observation_minutes, doses_per_vial = excluded.doses_per_vial,
       may_follow = excluded.may_follow`,
  );
  const clearGtins = db.prepare(`DELETE FROM product_gtins WHERE product_id = ?`);
  const takeGtin = db.prepare(`DELETE FROM product_gtins WHERE gtin = ?`);
  const addGtin = db.prepare(`INSERT INTO product_gtins (gtin, product_id) VALUES (?, ?)`);
  const inUse = db.prepare(`SELECT 1 FROM lots WHERE product_id = ? LIMIT 1`).pluck();
  const remove = db.prepare(`DELETE FROM products WHERE id = ?`);
  return {
    upsert(p: ProductInput): void {
      const { gtins, mayFollow, ...fields } = p;
      upsert.run({ ...fields, mayFollow: mayFollowColumn(mayFollow) });
      clearGtins.run(p.id);
      for (const gtin of gtins) {
        takeGtin.run(gtin);
        addGtin.run(gtin, p.id);
      }
    },
    remove(id: string): void {
      clearGtins.run(id);
      // A product with lots here stays (the lots and their doses refer to it); it can no longer be scanned.
      if (!inUse.get(id)) remove.run(id);
    },
  };
}

/** Adds or replaces products by id (see productStore). */
export function upsertProducts(db: VenueDb, products: readonly ProductInput[]): void {
  const store = productStore(db);
  for (const p of products) store.upsert(p);
}

export interface Lot {
  readonly id: string;
  readonly venueId: string;
  readonly productId: string;
  readonly lotNumber: string;
  readonly expiry: string;
  readonly vialsOpened: number;
}

interface LotRow {
  id: string;
  venue_id: string;
  product_id: string;
  lot_number: string;
  expiry: string;
  vials_opened: number;
}

function lot(row: LotRow): Lot {
  return { id: row.id, venueId: row.venue_id, productId: row.product_id, lotNumber: row.lot_number, expiry: row.expiry, vialsOpened: row.vials_opened };
}

export function getLot(db: VenueDb, id: string): Lot | null {
  const row = db.prepare(`SELECT * FROM lots WHERE id = ?`).get(id) as LotRow | undefined;
  return row ? lot(row) : null;
}

export function listLots(db: VenueDb, venueId: string): Lot[] {
  return (db.prepare(`SELECT * FROM lots WHERE venue_id = ? ORDER BY expiry, lot_number`).all(venueId) as LotRow[]).map(lot);
}

export function findLot(db: VenueDb, venueId: string, productId: string, lotNumber: string): Lot | null {
  const row = db.prepare(`SELECT * FROM lots WHERE venue_id = ? AND product_id = ? AND lot_number = ?`).get(venueId, productId, lotNumber) as LotRow | undefined;
  return row ? lot(row) : null;
}

export function insertLot(
  db: VenueDb,
  input: { venueId: string; productId: string; lotNumber: string; expiry: string; addedBy: string | null; id?: string },
  now: Date,
  records: RecordSink,
): Lot {
  const data: LotData = { id: input.id ?? uuidv7(now.getTime()), venueId: input.venueId, productId: input.productId, lotNumber: input.lotNumber, expiry: input.expiry, addedBy: input.addedBy, addedAt: venueIso(now) };
  // The caller has checked the lot is new here (addLot refuses LOT_EXISTS): a lot already here is a bug, not a refusal.
  if (!storeLot(db, data)) throw new Error(`lot ${data.lotNumber} of ${data.productId} is already here`);
  // The venue's other desks learn of the lot through the central service.
  records.add('lot', data);
  return { id: data.id, venueId: data.venueId, productId: data.productId, lotNumber: data.lotNumber, expiry: data.expiry, vialsOpened: 0 };
}

/**
 * The lots table's one insert, for a lot added here and one from the feed: false when the id, or the
 * same lot number of the product at the venue, is already here (the feed's caller then aliases it).
 */
export function storeLot(db: VenueDb, data: LotData): boolean {
  return (
    db
      .prepare(`INSERT OR IGNORE INTO lots (id, venue_id, product_id, lot_number, expiry, added_by, added_at) VALUES (@id, @venueId, @productId, @lotNumber, @expiry, @addedBy, @addedAt)`)
      .run(data).changes > 0
  );
}

export function setVialsOpened(db: VenueDb, lotId: string, vials: number): void {
  db.prepare(`UPDATE lots SET vials_opened = ? WHERE id = ?`).run(vials, lotId);
}

export interface Desk {
  readonly id: string;
  readonly venueId: string;
  readonly name: string;
  readonly activeLotId: string | null;
}

interface DeskRow {
  id: string;
  venue_id: string;
  name: string;
  active_lot_id: string | null;
}

function desk(row: DeskRow): Desk {
  return { id: row.id, venueId: row.venue_id, name: row.name, activeLotId: row.active_lot_id };
}

export function getDesk(db: VenueDb, id: string): Desk | null {
  const row = db.prepare(`SELECT * FROM desks WHERE id = ?`).get(id) as DeskRow | undefined;
  return row ? desk(row) : null;
}

export function listDesks(db: VenueDb, venueId: string): Desk[] {
  return (db.prepare(`SELECT * FROM desks WHERE venue_id = ? ORDER BY name`).all(venueId) as DeskRow[]).map(desk);
}

export function upsertDesk(db: VenueDb, input: { id: string; venueId: string; name: string }): void {
  db.prepare(
    `INSERT INTO desks (id, venue_id, name) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET venue_id = excluded.venue_id, name = excluded.name`,
  ).run(input.id, input.venueId, input.name);
}

/** Makes a lot the desk's active lot, and remembers from when (the day's reconciliation checks lots against desks). */
export function setActiveLot(db: VenueDb, input: { deskId: string; lotId: string; venueId: string; staffId: string }, now: Date, records: RecordSink): void {
  const entry: DeskLotData = { id: uuidv7(now.getTime()), venueId: input.venueId, deskId: input.deskId, lotId: input.lotId, staffId: input.staffId, fromAt: venueIso(now) };
  // Made here: not yet in the central service's order (the feed gives it its seq when it comes back).
  storeDeskLot(db, entry, null);
  // Same transaction: the supervisor's device shows the desk's lot, and its reconciliation checks doses against it.
  records.add('desk_lot', entry);
}

/**
 * The desk_lot_history table's one insert, for a desk's lot set here (serverSeq null) and one from
 * the feed (its seq in the central service's order); the desk's active lot follows from it. The
 * lot must be here (desks.active_lot_id refers to lots). False when it was already here.
 */
export function storeDeskLot(db: VenueDb, entry: DeskLotData, serverSeq: number | null): boolean {
  const inserted =
    db
      .prepare(
        `INSERT OR IGNORE INTO desk_lot_history (id, desk_id, lot_id, venue_id, staff_id, from_at, server_seq) VALUES (@id, @deskId, @lotId, @venueId, @staffId, @fromAt, @serverSeq)`,
      )
      .run({ ...entry, serverSeq }).changes > 0;
  if (inserted) refreshActiveLot(db, entry.deskId);
  return inserted;
}

/** The lot here that an id from another desk stands for (itself, unless it is an alias: see migration 8). */
export function canonicalLotId(db: VenueDb, lotId: string): string {
  return (db.prepare(`SELECT lot_id FROM lot_aliases WHERE alias_id = ?`).pluck().get(lotId) as string | undefined) ?? lotId;
}

/**
 * Another desk's id for a lot that is here under `lotId` (the same lot number
 * of the same product, added at both while offline) becomes an alias of it,
 * and what was already stored against the alias moves to the lot here: doses,
 * desk lot history (and so the desks' active lots), vials opened (the latest
 * count wins, as always).
 */
export function aliasLot(db: VenueDb, aliasId: string, lotId: string): void {
  if (aliasId === lotId) return;
  db.prepare(`INSERT OR IGNORE INTO lot_aliases (alias_id, lot_id) VALUES (?, ?)`).run(aliasId, lotId);
  db.prepare(`UPDATE dose_records SET lot_id = ? WHERE lot_id = ?`).run(lotId, aliasId);
  db.prepare(`UPDATE desk_lot_history SET lot_id = ? WHERE lot_id = ?`).run(lotId, aliasId);
  const vials = db
    .prepare(`SELECT venue_id AS venueId, venue_date AS venueDate, vials, staff_id AS staffId, at, record_id AS id, server_seq AS serverSeq FROM lot_vials WHERE lot_id = ?`)
    .all(aliasId) as { venueId: string; venueDate: string; vials: number; staffId: string; at: string; id: string | null; serverSeq: number | null }[];
  db.prepare(`DELETE FROM lot_vials WHERE lot_id = ?`).run(aliasId);
  for (const v of vials) storeLotVials(db, { ...v, lotId });
  for (const deskId of db.prepare(`SELECT id FROM desks`).pluck().all() as string[]) refreshActiveLot(db, deskId);
}

/**
 * "The latest" between desks, in SQL: by the central service's order of the
 * records (their feed seq, server_seq), never by the desks' clocks, which may
 * be set wrong. A record made here and not yet ordered (server_seq NULL) is
 * later than every ordered one: the feed hands out seqs in order, so any
 * record ordered before it has already reached this device. Among those,
 * the order they were stored here (rowid).
 */
export const LATEST_FIRST = (alias: string) => `${alias}.server_seq IS NULL DESC, ${alias}.server_seq DESC, ${alias}.rowid DESC`;

/**
 * A desk's active lot is the lot of its latest history entry (in the central
 * service's order), whichever device set it: every device of the venue
 * agrees on it once the records have come back through the feed.
 */
export function refreshActiveLot(db: VenueDb, deskId: string): void {
  db.prepare(
    `UPDATE desks SET active_lot_id = (SELECT h.lot_id FROM desk_lot_history h JOIN lots l ON l.id = h.lot_id
                                       WHERE h.desk_id = desks.id ORDER BY ${LATEST_FIRST('h')} LIMIT 1)
     WHERE id = ?`,
  ).run(deskId);
}

/** The central service's order of a desk-lot record that came back through the feed (made here or at another desk). */
export function orderDeskLot(db: VenueDb, recordId: string, serverSeq: number): void {
  db.prepare(`UPDATE desk_lot_history SET server_seq = ? WHERE id = ? AND server_seq IS NULL`).run(serverSeq, recordId);
}

export function recordVialsOpened(db: VenueDb, input: { venueId: string; date: string; lotId: string; vials: number; staffId: string }, now: Date, records: RecordSink): void {
  const entry = { id: uuidv7(now.getTime()), venueId: input.venueId, venueDate: input.date, lotId: input.lotId, vials: input.vials, staffId: input.staffId, at: venueIso(now) };
  storeLotVials(db, entry);
  // Same transaction: every device of the venue ends up with the latest count.
  records.add('lot_vials', entry);
}

/**
 * Keeps a vials count unless the one here is later in the central service's
 * order (see LATEST_FIRST): a count made here (serverSeq null) is the latest
 * until the feed orders it; a count from the feed replaces an ordered one
 * with a smaller seq, and gives the count made here its seq when it is that
 * very record coming back. The latest count wins on every device, whatever
 * the desks' clocks say.
 */
export function storeLotVials(
  db: VenueDb,
  entry: { id: string | null; venueId: string; venueDate: string; lotId: string; vials: number; staffId: string; at: string; serverSeq?: number | null },
): void {
  db.prepare(
    `INSERT INTO lot_vials (venue_id, venue_date, lot_id, vials, staff_id, at, record_id, server_seq) VALUES (@venueId, @venueDate, @lotId, @vials, @staffId, @at, @id, @serverSeq)
     ON CONFLICT (venue_id, venue_date, lot_id) DO UPDATE SET vials = excluded.vials, staff_id = excluded.staff_id, at = excluded.at, record_id = excluded.record_id,
       server_seq = excluded.server_seq
     WHERE excluded.server_seq IS NULL OR lot_vials.record_id = excluded.record_id OR (lot_vials.server_seq IS NOT NULL AND lot_vials.server_seq < excluded.server_seq)`,
  ).run({ ...entry, serverSeq: entry.serverSeq ?? null });
}

export function upsertVenue(db: VenueDb, input: { id: string; municipality: string; name: string }): void {
  db.prepare(
    `INSERT INTO venues (id, municipality, name) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET municipality = excluded.municipality, name = excluded.name`,
  ).run(input.id, input.municipality, input.name);
}

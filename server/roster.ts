import { productFacts, type ProductColumns } from '../src/common/product-columns';
import type { CsvEncodingOption } from '../src/roster/csv';
import { parseProductsCsv, type ProductRow } from '../src/roster/products-csv';
import { RosterImportError } from '../src/roster/import-errors';
import { parseRosterCsv } from '../src/roster/roster-csv';
import type { RosterRow } from '../src/roster/roster-format';
import type { ProductData } from '../src/sync/protocol';
import type { CentralDb, Queryable } from './db';
import { emit, emitPeople, lockFeed, notifyFeed } from './feed';
import { Problem } from './problems';
import { requireMunicipality } from './setup';

/**
 * The roster, bookings and product master of a municipality, loaded from the
 * same CSV files as the venue app reads (docs/roster-csv.md), with the same
 * parser: all or nothing, individual numbers refused. Everything happens in
 * one transaction, so a bad row anywhere leaves the database and the feed as
 * they were.
 */

/** A refused file, as a Problem carrying the parser's words (row and column, never the value). */
function refused(error: RosterImportError): Problem {
  return new Problem(400, error.code, error.staffMessage.en, error.staffMessage.ja);
}

const BATCH = 5_000;

export interface RosterImportOptions {
  readonly municipality: string;
  readonly csv: Uint8Array | string;
  readonly encoding?: CsvEncodingOption;
  /** The file is the whole roster: people, tickets and bookings not in it are removed (tombstones go down the feed). */
  readonly replace?: boolean;
  /** YYYY-MM-DD: birth dates and earlier doses may not be after it. */
  readonly today: string;
}

export interface RosterImportSummary {
  readonly rows: number;
  readonly people: number;
  readonly tickets: number;
  readonly bookings: number;
  readonly removedPeople: number;
  readonly removedTickets: number;
  readonly removedBookings: number;
}

async function writeBatch(tx: Queryable, municipality: string, rows: readonly RosterRow[], replace: boolean): Promise<void> {
  const people = new Map<string, RosterRow>();
  const tickets = new Map<string, RosterRow>();
  const bookings = new Map<string, RosterRow>();
  for (const row of rows) {
    people.set(row.personRef, row);
    tickets.set(row.ticketNumber, row);
    if (row.booking) bookings.set(row.booking.id, row);
  }
  // A ticket or booking may move to another person: the one who had it is sent again without it.
  const previous = await tx.query<{ person_ref: string; owner: string }>(
    `SELECT person_ref, number AS owner FROM tickets WHERE municipality = $1 AND number = ANY($2::text[])
     UNION ALL SELECT person_ref, id FROM bookings WHERE municipality = $1 AND id = ANY($3::text[])`,
    [municipality, [...tickets.keys()], [...bookings.keys()]],
  );
  const moved = previous.filter((p) => !people.has(p.person_ref)).map((p) => p.person_ref);

  const p = [...people.values()];
  await tx.query(
    `INSERT INTO people (municipality, person_ref, name_kana, name_kanji, birth_date, sex, phone, email, prior_doses)
     SELECT $1, r, k, n, b, s, ph, e, pd::jsonb FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS u(r, k, n, b, s, ph, e, pd)
     ON CONFLICT (municipality, person_ref) DO UPDATE SET name_kana = EXCLUDED.name_kana, name_kanji = EXCLUDED.name_kanji, birth_date = EXCLUDED.birth_date,
       sex = EXCLUDED.sex, phone = EXCLUDED.phone, email = EXCLUDED.email, prior_doses = EXCLUDED.prior_doses`,
    [
      municipality,
      p.map((r) => r.personRef),
      p.map((r) => r.nameKana),
      p.map((r) => r.nameKanji),
      p.map((r) => r.birthDate),
      p.map((r) => r.sex),
      p.map((r) => r.phone),
      p.map((r) => r.email),
      p.map((r) => JSON.stringify(r.priorDoses.map((d) => [d.dose, d.date, d.product, d.place]))),
    ],
  );
  const t = [...tickets.values()];
  await tx.query(
    `INSERT INTO tickets (municipality, number, kind, status, person_ref)
     SELECT $1, n, k, s, r FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(n, k, s, r)
     ON CONFLICT (municipality, number) DO UPDATE SET kind = EXCLUDED.kind, status = EXCLUDED.status, person_ref = EXCLUDED.person_ref`,
    [municipality, t.map((r) => r.ticketNumber), t.map((r) => r.ticketKind), t.map((r) => r.ticketStatus), t.map((r) => r.personRef)],
  );
  const b = [...bookings.values()].flatMap((r) => (r.booking ? [{ ...r.booking, ref: r.personRef, ticket: r.ticketNumber }] : []));
  if (b.length > 0) {
    await tx.query(
      `INSERT INTO bookings (municipality, id, person_ref, ticket_number, venue_id, date, slot_start, slot_end, dose_number, product_id, set_id)
       SELECT $1, i, r, t, v, d, ss, se, n, pr, st FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::text[])
         AS u(i, r, t, v, d, ss, se, n, pr, st)
       ON CONFLICT (municipality, id) DO UPDATE SET person_ref = EXCLUDED.person_ref, ticket_number = EXCLUDED.ticket_number, venue_id = EXCLUDED.venue_id,
         date = EXCLUDED.date, slot_start = EXCLUDED.slot_start, slot_end = EXCLUDED.slot_end, dose_number = EXCLUDED.dose_number,
         product_id = EXCLUDED.product_id, set_id = EXCLUDED.set_id`,
      [
        municipality,
        b.map((x) => x.id),
        b.map((x) => x.ref),
        b.map((x) => x.ticket),
        b.map((x) => x.venue),
        b.map((x) => x.date),
        b.map((x) => x.slotStart),
        b.map((x) => x.slotEnd),
        b.map((x) => x.dose),
        b.map((x) => x.product),
        b.map((x) => x.setId),
      ],
    );
  }
  if (replace) {
    await tx.query(`INSERT INTO roster_seen_people SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [[...people.keys()]]);
    await tx.query(`INSERT INTO roster_seen_tickets SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [[...tickets.keys()]]);
    await tx.query(`INSERT INTO roster_seen_bookings SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [[...bookings.keys()]]);
  }
  await emitPeople(tx, municipality, [...people.keys(), ...moved]);
}

/** With replace: what the file no longer holds goes, and devices hear of it. */
async function removeUnseen(tx: Queryable, municipality: string): Promise<{ people: number; tickets: number; bookings: number }> {
  const bookings = await tx.query<{ person_ref: string }>(
    `DELETE FROM bookings b WHERE municipality = $1 AND NOT EXISTS (SELECT 1 FROM roster_seen_bookings s WHERE s.id = b.id) RETURNING person_ref`,
    [municipality],
  );
  const tickets = await tx.query<{ person_ref: string }>(
    `DELETE FROM tickets t WHERE municipality = $1 AND NOT EXISTS (SELECT 1 FROM roster_seen_tickets s WHERE s.number = t.number) RETURNING person_ref`,
    [municipality],
  );
  const people = await tx.query<{ person_ref: string }>(
    `DELETE FROM people p WHERE municipality = $1 AND NOT EXISTS (SELECT 1 FROM roster_seen_people s WHERE s.person_ref = p.person_ref) RETURNING person_ref`,
    [municipality],
  );
  const gone = new Set(people.map((r) => r.person_ref));
  // People who stay but lost a ticket or booking are sent again; people who went leave a tombstone.
  await emitPeople(tx, municipality, [...bookings, ...tickets].map((r) => r.person_ref).filter((ref) => !gone.has(ref)));
  await emit(
    tx,
    municipality,
    [...gone].map((ref) => ({ venueId: null, kind: 'person' as const, key: ref, body: null, deleted: true })),
  );
  return { people: gone.size, tickets: tickets.length, bookings: bookings.length };
}

export async function importRoster(db: CentralDb, options: RosterImportOptions): Promise<RosterImportSummary> {
  const { municipality } = options;
  const replace = options.replace ?? false;
  const summary = await db.transaction(async (tx) => {
    await requireMunicipality(tx, municipality);
    await lockFeed(tx, municipality);
    const knownProducts = new Set((await tx.query<{ id: string }>(`SELECT id FROM products WHERE municipality = $1`, [municipality])).map((r) => r.id));
    const knownVenues = new Set((await tx.query<{ id: string }>(`SELECT id FROM venues WHERE municipality = $1`, [municipality])).map((r) => r.id));
    if (replace) {
      await tx.exec(`CREATE TEMP TABLE roster_seen_people (person_ref text PRIMARY KEY) ON COMMIT DROP;
        CREATE TEMP TABLE roster_seen_tickets (number text PRIMARY KEY) ON COMMIT DROP;
        CREATE TEMP TABLE roster_seen_bookings (id text PRIMARY KEY) ON COMMIT DROP;`);
    }
    let rows = 0;
    let bookings = 0;
    const people = new Set<string>();
    const tickets = new Set<string>();
    let batch: RosterRow[] = [];
    try {
      for (const row of parseRosterCsv(options.csv, { encoding: options.encoding, today: options.today, knownProducts, knownVenues })) {
        if (row.municipality !== municipality) {
          throw new Problem(
            400,
            'OTHER_MUNICIPALITY',
            `Row ${row.row}, column municipality_code: this row belongs to municipality ${row.municipality}, not ${municipality}. Each municipality's roster is imported on its own.`,
            `${row.row}行目の municipality_code 列: この行は市区町村 ${row.municipality} のもので、${municipality} のものではありません。名簿は市区町村ごとに取り込んでください。`,
          );
        }
        rows += 1;
        people.add(row.personRef);
        tickets.add(row.ticketNumber);
        if (row.booking) bookings += 1;
        batch.push(row);
        if (batch.length >= BATCH) {
          await writeBatch(tx, municipality, batch, replace);
          batch = [];
        }
      }
    } catch (error) {
      if (error instanceof RosterImportError) throw refused(error);
      throw error;
    }
    await writeBatch(tx, municipality, batch, replace);
    const removed = replace ? await removeUnseen(tx, municipality) : { people: 0, tickets: 0, bookings: 0 };
    await notifyFeed(tx, municipality);
    return {
      rows,
      people: people.size,
      tickets: tickets.size,
      bookings,
      removedPeople: removed.people,
      removedTickets: removed.tickets,
      removedBookings: removed.bookings,
    };
  });
  // Fresh statistics after a big load: without them the planner reads each feed page by
  // sorting everything after the cursor (PGlite has no autovacuum to do it later).
  if (summary.rows >= 1_000) await analyze(db);
  return summary;
}

export async function analyze(db: CentralDb): Promise<void> {
  await db.exec('ANALYZE feed; ANALYZE people; ANALYZE tickets; ANALYZE bookings;');
}

function productDoc(row: ProductColumns & { gtins: string[]; may_follow: string[] | null }): ProductData {
  return {
    ...productFacts(row),
    gtins: row.gtins,
    // Only when the master says: a product without the rule keeps the body it always had.
    ...(row.may_follow && row.may_follow.length > 0 ? { mayFollow: row.may_follow } : {}),
  };
}

export async function importProducts(
  db: CentralDb,
  options: { municipality: string; csv: Uint8Array | string; encoding?: CsvEncodingOption; replace?: boolean },
): Promise<{ products: number; removed: number }> {
  let parsed: ProductRow[];
  const known = new Set((await db.query<{ id: string }>(`SELECT id FROM products WHERE municipality = $1`, [options.municipality])).map((r) => r.id));
  try {
    parsed = parseProductsCsv(options.csv, { encoding: options.encoding, knownProducts: known });
  } catch (error) {
    if (error instanceof RosterImportError) throw refused(error);
    throw error;
  }
  const { municipality } = options;
  return db.transaction(async (tx) => {
    await requireMunicipality(tx, municipality);
    await lockFeed(tx, municipality);
    for (const p of parsed) {
      await tx.query(
        `INSERT INTO products (municipality, id, maker, name, vaccine_type, dose_volume_ml, min_interval_days, min_age, max_age, observation_minutes, doses_per_vial, gtins, may_follow)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text[], $13::text[])
         ON CONFLICT (municipality, id) DO UPDATE SET maker = EXCLUDED.maker, name = EXCLUDED.name, vaccine_type = EXCLUDED.vaccine_type,
           dose_volume_ml = EXCLUDED.dose_volume_ml, min_interval_days = EXCLUDED.min_interval_days, min_age = EXCLUDED.min_age, max_age = EXCLUDED.max_age,
           observation_minutes = EXCLUDED.observation_minutes, doses_per_vial = EXCLUDED.doses_per_vial, gtins = EXCLUDED.gtins, may_follow = EXCLUDED.may_follow`,
        [
          municipality, p.code, p.maker, p.name, p.vaccineType, p.doseVolumeMl, p.minIntervalDays, p.minAge, p.maxAge, p.observationMinutes, p.dosesPerVial, p.gtins,
          p.mayFollow.length > 0 ? p.mayFollow : null,
        ],
      );
    }
    const removed = options.replace
      ? await tx.query<{ id: string }>(`DELETE FROM products WHERE municipality = $1 AND NOT (id = ANY($2::text[])) RETURNING id`, [municipality, parsed.map((p) => p.code)])
      : [];
    // One GTIN, one product, across loads too: a scanned pack must find exactly one product.
    const [clash] = await tx.query<{ gtin: string; ids: string[] }>(
      `SELECT g AS gtin, array_agg(id ORDER BY id) AS ids FROM products, unnest(gtins) AS g WHERE municipality = $1 GROUP BY g HAVING count(*) > 1 LIMIT 1`,
      [municipality],
    );
    if (clash) {
      throw new Problem(
        400,
        'DUPLICATE_GTIN',
        `GTIN ${clash.gtin} would belong to two products (${clash.ids.join(', ')}). A GTIN may belong to one product only.`,
        `GTIN ${clash.gtin} が2つの製品（${clash.ids.join('、')}）に登録されることになります。1つの GTIN は1つの製品にだけ登録してください。`,
      );
    }
    const rows = await tx.query<Parameters<typeof productDoc>[0]>(
      `SELECT id, maker, name, vaccine_type, dose_volume_ml, min_interval_days, min_age, max_age, observation_minutes, doses_per_vial, gtins, may_follow
       FROM products WHERE municipality = $1 AND id = ANY($2::text[])`,
      [municipality, parsed.map((p) => p.code)],
    );
    await emit(tx, municipality, [
      ...rows.map((row) => ({ venueId: null, kind: 'product' as const, key: row.id, body: JSON.stringify(productDoc(row)) })),
      ...removed.map((r) => ({ venueId: null, kind: 'product' as const, key: r.id, body: null, deleted: true })),
    ]);
    await notifyFeed(tx, municipality);
    return { products: parsed.length, removed: removed.length };
  });
}

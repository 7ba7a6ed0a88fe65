import { beforeAll, describe, expect, it } from 'vitest';
import { writeCsv } from '../src/roster/csv';
import { PRODUCT_COLUMNS } from '../src/roster/products-csv';
import { ROSTER_COLUMNS } from '../src/roster/roster-format';
import { personData, productData } from '../src/sync/protocol';
import { DEMO_PRODUCTS, DEMO_TICKETS as T, productCsvRows } from '../test/fixtures/demo';
import { fakeMyNumber, rosterCsv, rosterRows } from '../test/fixtures/roster';
import { centralSnapshot, peopleOf, seedMunicipality, useCentralDb, type SeededMunicipality } from '../test/sync/support/central';
import type { CentralDb } from './db';
import { readPage } from './feed';
import { Problem } from './problems';
import { importProducts, importRoster } from './roster';
import { addMunicipality } from './setup';

const central = useCentralDb();
const today = '2026-11-23';
let db: CentralDb;

beforeAll(() => {
  db = central();
});

async function changes(m: SeededMunicipality, after = 0) {
  const page = await readPage(db, { municipality: m.code, venueId: m.venue, after, limit: 10_000, count: false });
  return (JSON.parse(page.json) as { changes: { seq: number; kind: string; key: string; deleted: boolean; data: unknown }[] }).changes;
}

async function head(): Promise<number> {
  const [row] = await db.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM feed`);
  return row?.seq ?? 0;
}

/** Expects a refusal with this code, and that nothing at all was written. */
async function refusedWhole(action: () => Promise<unknown>, code: string): Promise<Problem> {
  const before = await centralSnapshot(db);
  const error = await action().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Problem);
  const problem = error as Problem;
  expect(problem.code).toBe(code);
  expect(problem.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  expect(await centralSnapshot(db)).toBe(before);
  return problem;
}

describe('the roster import', () => {
  it('stores the file and puts one change per person on the feed: person, tickets, earlier doses, bookings', async () => {
    const m = await seedMunicipality(db, { today });
    const people = (await changes(m)).filter((c) => c.kind === 'person');
    expect(people).toHaveLength(10);
    const second = people.map((c) => personData.parse(c.data)).find((p) => p.tickets[0]?.[0] === T.okSecond);
    expect(second).toMatchObject({ kana: 'スズキ ハナコ', kanji: '鈴木 花子', sex: 'F', phone: `0901234${T.okSecond.slice(-4)}` });
    expect(second?.prior).toEqual([[1, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), 'PFZ-COMIRNATY', '区民会館ホール']]);
    expect(second?.bookings).toEqual([[`BK-${T.okSecond}`, T.okSecond, m.venue, today, '10:30', '11:00', 2, 'PFZ-COMIRNATY', null]]);
    const first = people.map((c) => personData.parse(c.data)).find((p) => p.tickets[0]?.[0] === T.ok);
    expect(first?.bookings.map((b) => b[8])).toEqual([`SET-${T.ok}`, `SET-${T.ok}`]);
  });

  it('is all or nothing: a bad last row leaves the database and the feed as they were', async () => {
    const m = await seedMunicipality(db, { today });
    const rows = rosterRows(peopleOf(m.code, m.venue, m.otherVenue, today));
    rows[rows.length - 1]?.splice(7, 1, '1990-02-30');
    const problem = await refusedWhole(() => importRoster(db, { municipality: m.code, csv: writeCsv([...ROSTER_COLUMNS], rows, { encoding: 'utf-8' }), today }), 'INVALID');
    expect(problem.en).toContain(`Row ${rows.length + 1}, column birth_date`);
  });

  it('refuses individual numbers, by column or by value, without repeating the value', async () => {
    const m = await seedMunicipality(db, { today });
    const rows = rosterRows(peopleOf(m.code, m.venue, m.otherVenue, today));
    const withColumn = writeCsv([...ROSTER_COLUMNS, '個人番号'], rows.map((r) => [...r, '']), { encoding: 'utf-8' });
    await refusedWhole(() => importRoster(db, { municipality: m.code, csv: withColumn, today }), 'INDIVIDUAL_NUMBER_COLUMN');
    const myNumber = fakeMyNumber(7);
    rows[3]?.splice(9, 1, myNumber);
    const problem = await refusedWhole(() => importRoster(db, { municipality: m.code, csv: writeCsv([...ROSTER_COLUMNS], rows, { encoding: 'utf-8' }), today }), 'INDIVIDUAL_NUMBER_VALUE');
    expect(`${problem.en} ${problem.ja}`).not.toContain(myNumber);
  });

  it('refuses rows of another municipality, unknown products and venues not of this municipality', async () => {
    const m = await seedMunicipality(db, { today });
    const other = await seedMunicipality(db, { today });
    const mixed = [...peopleOf(m.code, m.venue, m.otherVenue, today), ...peopleOf(other.code, other.venue, other.otherVenue, today).slice(0, 1).map((p) => ({ ...p, bookings: [] }))];
    await refusedWhole(() => importRoster(db, { municipality: m.code, csv: rosterCsv(mixed), today }), 'OTHER_MUNICIPALITY');
    const unknownProduct = peopleOf(m.code, m.venue, m.otherVenue, today).map((p) => ({ ...p, bookings: p.bookings?.map((b) => ({ ...b, product: 'NO-SUCH' })) }));
    await refusedWhole(() => importRoster(db, { municipality: m.code, csv: rosterCsv(unknownProduct), today }), 'UNKNOWN_PRODUCT');
    const foreignVenue = peopleOf(m.code, other.venue, other.otherVenue, today);
    await refusedWhole(() => importRoster(db, { municipality: m.code, csv: rosterCsv(foreignVenue), today }), 'UNKNOWN_VENUE');
    await refusedWhole(() => importRoster(db, { municipality: '131016', csv: rosterCsv(mixed), today }), 'UNKNOWN_MUNICIPALITY');
  });

  it('reads Shift_JIS files as the venue app does', async () => {
    const m = await seedMunicipality(db, { today });
    const summary = await importRoster(db, { municipality: m.code, csv: rosterCsv(peopleOf(m.code, m.venue, m.otherVenue, today), 'shift_jis'), today });
    expect(summary).toMatchObject({ rows: 11, people: 10, tickets: 10, bookings: 10 });
    const [row] = await db.query<{ name_kanji: string }>(`SELECT name_kanji FROM people WHERE municipality = $1 AND person_ref = $2`, [m.code, `A${T.ok.slice(-6)}`]);
    expect(row?.name_kanji).toBe('山田 太郎');
  });

  it('with --replace removes what the file no longer holds, and devices get tombstones and updated people', async () => {
    const m = await seedMunicipality(db, { today });
    const before = await head();
    const people = peopleOf(m.code, m.venue, m.otherVenue, today)
      .filter((p) => p.ticketNumber !== T.moved)
      .map((p) => (p.ticketNumber === T.ok ? { ...p, bookings: p.bookings?.slice(0, 1).map((b) => ({ ...b, set: undefined })) } : p));
    const summary = await importRoster(db, { municipality: m.code, csv: rosterCsv(people), today, replace: true });
    expect(summary).toMatchObject({ people: 9, removedPeople: 1, removedTickets: 1, removedBookings: 1 });
    const after = await changes(m, before);
    expect(after.filter((c) => c.deleted)).toEqual([expect.objectContaining({ kind: 'person', key: `A${T.moved.slice(-6)}`, data: null })]);
    const yamada = after.filter((c) => c.kind === 'person' && !c.deleted).map((c) => personData.parse(c.data)).find((p) => p.tickets[0]?.[0] === T.ok);
    expect(yamada?.bookings).toHaveLength(1);
    // The latest state only: every person appears once in the feed, at its newest seq.
    const all = (await changes(m)).filter((c) => c.kind === 'person');
    expect(new Set(all.map((c) => c.key)).size).toBe(all.length);
  });

  it('a ticket moving to another person sends the person who had it again, without it', async () => {
    const m = await seedMunicipality(db, { today });
    const base = peopleOf(m.code, m.venue, m.otherVenue, today);
    const giver = base.find((p) => p.ticketNumber === T.bookedOtherDay);
    const taker = base.find((p) => p.ticketNumber === T.moved);
    if (!giver || !taker) throw new Error('fixture changed');
    const before = await head();
    // The ticket is now the taker's (a reissue); the giver keeps a new ticket.
    await importRoster(db, {
      municipality: m.code,
      csv: rosterCsv([
        { ...taker, ticketNumber: giver.ticketNumber, bookings: [] },
        { ...giver, ticketNumber: '0000200001', bookings: [] },
      ]),
      today,
    });
    const sent = (await changes(m, before)).filter((c) => c.kind === 'person').map((c) => personData.parse(c.data));
    expect(sent.find((p) => p.ref === taker.personRef)?.tickets.map((t) => t[0]).sort()).toEqual([giver.ticketNumber, taker.ticketNumber].sort());
    expect(sent.find((p) => p.ref === giver.personRef)?.tickets.map((t) => t[0])).toEqual(['0000200001']);
  });
});

describe('the product master', () => {
  const productRows = productCsvRows;

  it('loads products for the municipality and puts them on its feed', async () => {
    const m = await seedMunicipality(db, { today });
    const products = (await changes(m)).filter((c) => c.kind === 'product').map((c) => productData.parse(c.data));
    expect(products.map((p) => p.id).sort()).toEqual(DEMO_PRODUCTS.map((p) => p.id).sort());
    expect(products.find((p) => p.id === 'PFZ-COMIRNATY')).toMatchObject({ maker: 'ファイザー', doseVolumeMl: 0.3, gtins: ['04987123456784'], mayFollow: ['PFZ-COMIRNATY'] });
  });

  it('refuses a GTIN that would belong to two products, across loads too; nothing is written', async () => {
    await addMunicipality(db, { code: '271004', name: '大阪市' });
    await importProducts(db, { municipality: '271004', csv: writeCsv([...PRODUCT_COLUMNS], productRows(), { encoding: 'utf-8' }) });
    const copy = productRows().slice(0, 1).map((r) => ['COPY-OF-PFZ', ...r.slice(1)]);
    await refusedWhole(() => importProducts(db, { municipality: '271004', csv: writeCsv([...PRODUCT_COLUMNS], copy, { encoding: 'utf-8' }) }), 'DUPLICATE_GTIN');
  });

  it('with --replace leaves a tombstone for a product no longer listed', async () => {
    const m = await seedMunicipality(db, { today });
    const before = await head();
    const summary = await importProducts(db, { municipality: m.code, csv: writeCsv([...PRODUCT_COLUMNS], productRows(DEMO_PRODUCTS.slice(0, 1)), { encoding: 'utf-8' }), replace: true });
    expect(summary).toEqual({ products: 1, removed: 1 });
    expect((await changes(m, before)).filter((c) => c.deleted)).toEqual([expect.objectContaining({ kind: 'product', key: 'MOD-SPIKEVAX' })]);
  });
});

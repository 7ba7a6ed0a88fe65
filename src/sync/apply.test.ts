import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { DEMO_NOW, useTestVenue, type TestVenue } from '../../test/support/venue';
import { reconcileDay } from '../day/reconcile';
import { hashPassword } from '../staff/passwords';
import type { VenueDb } from '../store/database';
import { createFeedApplier, FeedDataError } from './apply';
import { feedResponseSchema, type FeedChange, type PersonData } from './protocol';

/**
 * The device side of the feed, change by change, on the demo venue (V001,
 * municipality 131016) without any network: upserts, tombstones, records of
 * the other desks, parking until what they refer to arrives, idempotence.
 */
const newVenue = useTestVenue();
let seq = 1_000;

function change(kind: FeedChange['kind'], key: string, data: unknown, deleted = false): FeedChange {
  seq += 1;
  return { seq, kind, key, deleted, data: deleted ? null : data };
}

function person(over: Partial<PersonData> = {}): PersonData {
  return {
    ref: 'Z000001', kana: 'シンキ タロウ', kanji: '新規 太郎', birth: '1970-05-05', sex: 'M', phone: null, email: null,
    tickets: [['0000700001', '1', 'active']], prior: [], bookings: [['BK-700001', '0000700001', 'V001', '2026-11-23', '10:00', '10:30', 1, 'PFZ-COMIRNATY', null]], doses: [],
    ...over,
  };
}

function applier(venue: TestVenue) {
  return createFeedApplier(venue.db, { municipality: '131016', venueId: 'V001', now: () => venue.clock.now() });
}

function snapshot(db: VenueDb): string {
  const hash = createHash('sha256');
  for (const table of ['people', 'tickets', 'bookings', 'prior_doses', 'staff', 'products', 'product_gtins', 'lots', 'checkins', 'dose_records', 'voids', 'sync_conflicts', 'sync_parked']) {
    hash.update(table).update(JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()));
  }
  return hash.digest('hex');
}

const count = (db: VenueDb, sql: string, ...params: unknown[]) => (db.prepare(`SELECT count(*) AS n FROM ${sql}`).get(...params) as { n: number }).n;

describe('people', () => {
  it('are added, then replaced as a whole: tickets, bookings and earlier doses that are gone go', () => {
    const venue = newVenue();
    const apply = applier(venue);
    apply.apply(change('person', 'Z000001', person({ tickets: [['0000700001', '1', 'active'], ['0000700002', '1', 'reissued']], prior: [[1, '2025-01-01', 'PFZ-COMIRNATY', '病院']] })));
    expect(count(venue.db, `tickets WHERE number LIKE '00007%'`)).toBe(2);
    apply.apply(change('person', 'Z000001', person({ kanji: '新規 次郎', bookings: [] })));
    const row = venue.db.prepare(`SELECT p.name_kanji, (SELECT count(*) FROM tickets t WHERE t.person_id = p.id) AS tickets,
      (SELECT count(*) FROM bookings b WHERE b.person_id = p.id) AS bookings, (SELECT count(*) FROM prior_doses d WHERE d.person_id = p.id) AS prior
      FROM people p WHERE person_ref = 'Z000001'`).get();
    expect(row).toEqual({ name_kanji: '新規 次郎', tickets: 1, bookings: 0, prior: 0 });
  });

  it('count doses given at other venues as history, but not this venue’s own (they come as records)', () => {
    const venue = newVenue();
    const apply = applier(venue);
    apply.apply(change('person', 'Z000001', person({
      doses: [
        ['01a00000-0000-7000-8000-000000000001', 'V002', 1, '2026-10-01', '2026-10-01T10:00:00.000+09:00', 'PFZ-COMIRNATY', 'スポーツセンター'],
        ['01a00000-0000-7000-8000-000000000002', 'V001', 2, '2026-11-01', '2026-11-01T10:00:00.000+09:00', 'PFZ-COMIRNATY', '区民会館ホール'],
      ],
    })));
    expect(venue.db.prepare(`SELECT dose_number, place FROM prior_doses d JOIN people p ON p.id = d.person_id WHERE p.person_ref = 'Z000001'`).all()).toEqual([
      { dose_number: 1, place: 'スポーツセンター' },
    ]);
  });

  it('a tombstone removes the person, but keeps someone this venue has records of', () => {
    const venue = newVenue();
    const apply = applier(venue);
    const nurse = venue.signIn('nurse', 'N1');
    const lot = venue.db.prepare(`SELECT id FROM lots LIMIT 1`).get() as { id: string };
    nurse.ok('recordDose', { municipality: '131016', ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
    const refOf = (ticket: string) => (venue.db.prepare(`SELECT p.person_ref FROM tickets t JOIN people p ON p.id = t.person_id WHERE t.number = ?`).get(ticket) as { person_ref: string }).person_ref;
    const gone = refOf(T.moved);
    const kept = refOf(T.okNw7);
    apply.apply(change('person', gone, null, true));
    apply.apply(change('person', kept, null, true));
    expect(count(venue.db, `people WHERE person_ref = ?`, gone)).toBe(0);
    expect(count(venue.db, `people WHERE person_ref = ?`, kept)).toBe(1);
    expect(count(venue.db, `tickets WHERE number IN (?, ?)`, T.moved, T.okNw7)).toBe(0);
    expect(count(venue.db, `dose_records`)).toBe(1);
  });
});

describe('staff and products', () => {
  it('staff from the center sign in; a disabled one is signed out at once', () => {
    const venue = newVenue();
    const apply = applier(venue);
    const staff = { id: 'central-1', login: 'central.nurse', displayName: '中央 看護', role: 'nurse', passwordHash: hashPassword('central-pass-1'), disabled: false };
    apply.apply(change('staff', staff.id, staff));
    const desk = venue.anonymous();
    desk.ok('signIn', { login: 'central.nurse', password: 'central-pass-1' });
    apply.apply(change('staff', staff.id, { ...staff, disabled: true }));
    expect(desk.call('whoAmI', {})).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
  });

  it('a central account takes over its login from a local one, which is closed', () => {
    const venue = newVenue();
    const local = venue.signIn('reception');
    applier(venue).apply(change('staff', 'central-2', { id: 'central-2', login: 'uketsuke', displayName: '中央 受付', role: 'reception', passwordHash: hashPassword('new-pass-123'), disabled: false }));
    expect(local.call('whoAmI', {})).toMatchObject({ ok: false });
    venue.anonymous().ok('signIn', { login: 'uketsuke', password: 'new-pass-123' });
    expect(count(venue.db, `staff WHERE login LIKE 'uketsuke~local-%' AND disabled = 1`)).toBe(1);
  });

  it('a GTIN moves with its product; a removed product stays while lots use it, but can no longer be scanned', () => {
    const venue = newVenue();
    const apply = applier(venue);
    const product = { id: 'NEW-VAX', maker: '新薬', name: '新ワクチン', vaccineType: 'mRNA', doseVolumeMl: 0.5, minIntervalDays: 0, minAge: 0, maxAge: null, observationMinutes: 15, dosesPerVial: 5, gtins: ['04987123456784'] };
    apply.apply(change('product', product.id, product));
    expect(venue.db.prepare(`SELECT product_id FROM product_gtins WHERE gtin = '04987123456784'`).get()).toEqual({ product_id: 'NEW-VAX' });
    apply.apply(change('product', 'PFZ-COMIRNATY', null, true));
    expect(count(venue.db, `products WHERE id = 'PFZ-COMIRNATY'`)).toBe(1);
    expect(count(venue.db, `product_gtins WHERE product_id = 'PFZ-COMIRNATY'`)).toBe(0);
    apply.apply(change('product', 'NEW-VAX', null, true));
    expect(count(venue.db, `products WHERE id = 'NEW-VAX'`)).toBe(0);
  });
});

describe('records of the other desks', () => {
  const checkin = (id: string, ticket: string, venueId = 'V001') => ({
    id, municipality: '131016', ticketNumber: ticket, bookingId: null, doseNumber: 1, venueId, deskId: 'R2', staffId: 's', at: '2026-11-23T09:30:00.000+09:00', venueDate: '2026-11-23', walkInApprovedBy: null,
  });

  it('show in the queue, wait (parked) for a person not here yet, and pick up a void that came first', () => {
    const venue = newVenue({ now: DEMO_NOW });
    const apply = applier(venue);
    const early = '01a00000-0000-7000-8000-00000000c001';
    const voidFirst = { id: '01a00000-0000-7000-8000-00000000d001', targetKind: 'checkin', targetId: early, reason: '誤受付', staffId: 's', at: '2026-11-23T09:40:00.000+09:00' };
    expect(apply.apply(change('void', voidFirst.id, voidFirst))).toBe('applied');
    expect(apply.apply(change('checkin', early, checkin(early, '0000700001')))).toBe('parked');
    expect(apply.parkedCount()).toBe(1);
    apply.apply(change('person', 'Z000001', person()));
    expect(apply.retryParked()).toBe(1);
    expect(venue.db.prepare(`SELECT voided_by FROM checkins WHERE id = ?`).get(early)).toEqual({ voided_by: voidFirst.id });

    const shown = '01a00000-0000-7000-8000-00000000c002';
    apply.apply(change('checkin', shown, checkin(shown, T.ok)));
    expect(venue.signIn('nurse', 'N1').ok('vaccinationQueue', {}).map((q) => q.checkinId)).toEqual([shown]);
    // Another venue's record is not this venue's business.
    expect(apply.apply(change('checkin', 'x', checkin('01a00000-0000-7000-8000-00000000c003', T.okSecond, 'V002')))).toBe('skipped');
  });

  it('applying the same changes twice changes nothing, and they never enter this device’s outbox', () => {
    const venue = newVenue();
    const dose = {
      id: '01a00000-0000-7000-8000-00000000e001', municipality: '131016', ticketNumber: T.ok, doseNumber: 1, status: 'performed', reason: null,
      givenAt: '2026-11-23T09:50:00.000+09:00', venueDate: '2026-11-23', venueId: 'V001', deskId: 'N1', productId: 'PFZ-COMIRNATY', productName: 'コミナティ筋注', maker: 'ファイザー',
      lotId: 'lot-other-desk', lotNumber: 'FA1234', expiry: '2027-03-01', volumeMl: 0.3, site: 'left_arm', nurseId: 'n', doctor: null, checkinId: null,
      recordedAt: '2026-11-23T09:50:10.000+09:00', replaces: null, observationMinutes: 15,
    };
    const changes = [
      change('dose', dose.id, dose),
      change('lot', 'lot-other-desk', { id: 'lot-other-desk', venueId: 'V001', productId: 'PFZ-COMIRNATY', lotNumber: 'ZZ0001', expiry: '2027-03-01', addedBy: null, addedAt: '2026-11-23T08:00:00.000+09:00' }),
      change('conflict', 'c1@V001', { id: 'c1', kind: 'dose', municipality: '131016', ticketNumber: T.ok, doseNumber: 1, venueDate: '2026-11-23', records: [], detectedAt: '2026-11-23T01:00:00.000Z', resolvedAt: null, resolvedBy: null, note: null }),
    ];
    const outbox = count(venue.db, 'sync_outbox');
    for (const c of changes) applier(venue).apply(c);
    const once = snapshot(venue.db);
    for (const c of changes) applier(venue).apply(c);
    expect(snapshot(venue.db)).toBe(once);
    expect(count(venue.db, 'sync_outbox')).toBe(outbox);
    // Given at another desk of this venue today: the calm "vaccinated here today" card.
    expect(venue.signIn('reception').ok('scanTicket', { code: `11131016${T.ok}` })).toMatchObject({ verdict: { code: 'VACCINATED_TODAY', admit: false } });
  });

  it('takes a record from a desk on a newer app version, dropping fields it does not know', () => {
    const venue = newVenue();
    const id = '01a00000-0000-7000-8000-00000000c0ff';
    const record = { ...checkin(id, T.ok), fromTheFuture: { anything: true } };
    expect(applier(venue).apply(change('checkin', id, record))).toBe('applied');
    expect(count(venue.db, `checkins WHERE id = ?`, id)).toBe(1);
  });

  it('refuses a change that is not what its kind says, without applying it', () => {
    const venue = newVenue();
    expect(() => applier(venue).apply(change('person', 'bad', { ref: 'bad' }))).toThrow(FeedDataError);
    expect(count(venue.db, `people WHERE person_ref = 'bad'`)).toBe(0);
  });
});

describe('the same lot added at two desks while offline', () => {
  const OTHER_ID = 'lot-fa1234-at-n2';
  const otherLot = { id: OTHER_ID, venueId: 'V001', productId: 'PFZ-COMIRNATY', lotNumber: 'FA1234', expiry: '2027-03-01', addedBy: null, addedAt: '2026-11-23T08:00:00.000+09:00' };
  const dose = (id: string, ticketNumber: string) => ({
    id, municipality: '131016', ticketNumber, doseNumber: 1, status: 'performed', reason: null,
    givenAt: '2026-11-23T09:50:00.000+09:00', venueDate: '2026-11-23', venueId: 'V001', deskId: 'R2', productId: 'PFZ-COMIRNATY', productName: 'コミナティ筋注', maker: 'ファイザー',
    lotId: OTHER_ID, lotNumber: 'FA1234', expiry: '2027-03-01', volumeMl: 0.3, site: 'left_arm', nurseId: 'n', doctor: null, checkinId: null,
    recordedAt: '2026-11-23T09:50:10.000+09:00', replaces: null, observationMinutes: null,
  });

  it('is one lot here: the other desk’s doses, active lot and vials count against it, whichever arrives first', () => {
    const venue = newVenue({ now: DEMO_NOW });
    const apply = applier(venue);
    const here = venue.db.prepare(`SELECT id FROM lots WHERE lot_number = 'FA1234'`).pluck().get() as string;
    // A dose recorded against the other desk's id arrives before its lot (the feed is ordered per desk, not across).
    expect(apply.apply(change('dose', 'd1', dose('01a00000-0000-7000-8000-00000000f001', T.ok)))).toBe('applied');
    const deskLot = { id: '01a00000-0000-7000-8000-00000000f101', venueId: 'V001', deskId: 'R2', lotId: OTHER_ID, staffId: 's', fromAt: '2026-11-23T09:00:00.000+09:00' };
    expect(apply.apply(change('desk_lot', deskLot.id, deskLot))).toBe('parked');
    const vials = { id: '01a00000-0000-7000-8000-00000000f201', venueId: 'V001', venueDate: '2026-11-23', lotId: OTHER_ID, vials: 1, staffId: 's', at: '2026-11-23T12:00:00.000+09:00' };
    expect(apply.apply(change('lot_vials', vials.id, vials))).toBe('applied');

    expect(apply.apply(change('lot', OTHER_ID, otherLot))).toBe('applied');
    expect(apply.retryParked()).toBe(1);
    expect(apply.apply(change('dose', 'd2', dose('01a00000-0000-7000-8000-00000000f002', T.okNw7)))).toBe('applied');
    // Applying the lot again changes nothing.
    expect(apply.apply(change('lot', OTHER_ID, otherLot))).toBe('skipped');

    expect(venue.db.prepare(`SELECT count(*) FROM lots WHERE lot_number = 'FA1234'`).pluck().get()).toBe(1);
    expect(venue.db.prepare(`SELECT DISTINCT lot_id FROM dose_records`).pluck().all()).toEqual([here]);
    expect(venue.db.prepare(`SELECT active_lot_id FROM desks WHERE id = 'R2'`).pluck().get()).toBe(here);
    const report = reconcileDay(venue.db, 'V001', '2026-11-23');
    expect(report.lots).toEqual([expect.objectContaining({ lotId: here, lotNumber: 'FA1234', doses: 2, vialsOpened: 1 })]);
    expect(report.discrepancies.filter((d) => d.kind === 'lot-outside-desk')).toEqual([]);
  });
});

describe('a kind this version does not know (added by a newer central service)', () => {
  it('is parsed, kept aside and skipped over, so the feed reads on; its tombstone drops what was kept', () => {
    const venue = newVenue();
    const apply = applier(venue);
    const page = feedResponseSchema.parse({ after: 0, next: 2, more: false, remaining: null, changes: [change('vaccine_recall', 'R-1', { lot: 'FA1234' }), change('person', 'Z000001', person())] });
    const outcomes = page.changes.map((c) => apply.apply(c));
    expect(outcomes).toEqual(['parked', 'applied']);
    expect(venue.db.prepare(`SELECT kind, key, data FROM sync_parked`).all()).toEqual([{ kind: 'vaccine_recall', key: 'R-1', data: '{"lot":"FA1234"}' }]);
    // Retrying changes nothing for it (this version still cannot apply it) and throws nothing.
    expect(apply.retryParked()).toBe(0);
    expect(apply.parkedCount()).toBe(1);
    expect(apply.apply(change('vaccine_recall', 'R-1', null, true))).toBe('skipped');
    expect(count(venue.db, 'sync_parked')).toBe(0);
    expect(apply.parkedCount()).toBe(0);
    // A kind that is not a kind at all still fails the page.
    expect(feedResponseSchema.safeParse({ after: 0, next: 1, more: false, remaining: null, changes: [{ seq: 1, kind: 'DROP TABLE', key: 'x', deleted: false, data: null }] }).success).toBe(false);
  });
});

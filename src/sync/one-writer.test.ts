import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { useTestVenue } from '../../test/support/venue';
import type { VenueDb } from '../store/database';
import { createFeedApplier } from './apply';

/**
 * A record made at a desk and the same record arriving from the feed are
 * written by one writer per table, so they leave the same rows: here the
 * check-in, dose and void a desk made are taken out of their tables and
 * applied again from their outbox bodies, as another desk's device would
 * apply them, and every row must come back exactly as it was.
 */
const newVenue = useTestVenue();

type Table = 'checkins' | 'dose_records' | 'voids' | 'observations' | 'late_records';

function rows(db: VenueDb): Record<Table, unknown[]> {
  const all = (table: Table) => db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all();
  return { checkins: all('checkins'), dose_records: all('dose_records'), voids: all('voids'), observations: all('observations'), late_records: all('late_records') };
}

describe('one writer per table', () => {
  it('a check-in, a dose and a void made here are stored the same when they come from the feed', () => {
    const venue = newVenue();
    const reception = venue.signIn('reception', 'R1');
    const nurse = venue.signIn('nurse', 'N1');
    const supervisor = venue.signIn('supervisor', 'S1');
    const lot = venue.db.prepare(`SELECT id FROM lots LIMIT 1`).get() as { id: string };
    reception.ok('checkIn', { municipality: M, number: T.ok });
    const dose = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
    supervisor.ok('voidRecord', { recordId: dose.id, reason: '入力誤り' });
    const made = rows(venue.db);
    expect([made.checkins.length, made.dose_records.length, made.voids.length]).toEqual([1, 1, 1]);

    const queued = venue.db.prepare(`SELECT kind, record_id AS id, body FROM sync_outbox WHERE kind IN ('checkin', 'dose', 'void') ORDER BY seq`).all() as {
      kind: 'checkin' | 'dose' | 'void';
      id: string;
      body: string;
    }[];
    expect(queued.map((q) => q.kind)).toEqual(['checkin', 'dose', 'void']);
    venue.db.transaction(() => {
      for (const table of ['voids', 'observations', 'dose_records', 'checkins']) venue.db.exec(`DELETE FROM ${table}`);
    })();

    const apply = createFeedApplier(venue.db, { municipality: M, venueId: 'V001', now: () => venue.clock.now() });
    // The void first: a target that arrives after its void still gets it.
    const order = [queued[2], queued[0], queued[1]];
    venue.db.transaction(() => {
      order.forEach((q, i) => {
        if (!q) throw new Error('missing outbox entry');
        expect(apply.apply({ seq: 5_000 + i, kind: q.kind, key: q.id, deleted: false, data: JSON.parse(q.body) as unknown })).toBe('applied');
      });
    })();
    expect(rows(venue.db)).toEqual(made);
  });
});

import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { useTestVenue } from '../../test/support/venue';
import { Backoff } from './backoff';
import { openOutboxCount, outboxCounts, outboxDigest, recordAnswers, takeBatch, toUploadRecords, unconfirmedRecordIds } from './outbox';
import { uploadRequestSchema } from './protocol';

const newVenue = useTestVenue();

function rows(venue: ReturnType<typeof newVenue>) {
  return venue.db.prepare(`SELECT kind, record_id, state FROM sync_outbox ORDER BY seq`).all() as { kind: string; record_id: string; state: string }[];
}

describe('the outbox', () => {
  it('gets each record in the same transaction as the record: a refused one leaves no row, a stored one exactly one', () => {
    const venue = newVenue();
    const before = rows(venue).length;
    const reception = venue.signIn('reception');
    const nurse = venue.signIn('nurse', 'N1');
    const supervisor = venue.signIn('supervisor');
    const lot = venue.db.prepare(`SELECT id FROM lots WHERE lot_number = 'FA1234'`).get() as { id: string };

    nurse.refused('recordDose', { municipality: M, ticketNumber: T.unknown, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id }, 'UNKNOWN_TICKET');
    reception.ok('checkIn', { municipality: M, number: T.moved });
    expect(rows(venue)).toHaveLength(before);

    const checkin = reception.ok('checkIn', { municipality: M, number: T.ok });
    const dose = nurse.ok('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
    const voided = supervisor.ok('voidRecord', { recordId: dose.id, reason: 'ロット誤り' });
    const added = supervisor.ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'NEW001', expiry: '2027-06-30' });
    const added_ = rows(venue).slice(before);
    expect(added_.map((r) => [r.kind, r.record_id])).toEqual([
      ['checkin', checkin.checkedIn ? checkin.checkinId : ''],
      ['dose', dose.id],
      ['void', voided.id],
      ['lot', added.id],
    ]);
    expect(added_.every((r) => r.state === 'pending')).toBe(true);
    // What waits is exactly what the server will accept.
    expect(uploadRequestSchema.safeParse({ records: toUploadRecords(takeBatch(venue.db, 100, 1_000_000, venue.clock.now())) }).success).toBe(true);
  });

  it('sends the oldest first, within the byte limit, and counts pending, sent and confirmed', () => {
    const venue = newVenue();
    const reception = venue.signIn('reception');
    for (const ticket of [T.ok, T.okSecond, T.okNw7]) reception.ok('checkIn', { municipality: M, number: ticket });
    const all = rows(venue);
    const first = takeBatch(venue.db, 2, 1_000_000, venue.clock.now());
    expect(first.map((r) => r.recordId)).toEqual(all.slice(0, 2).map((r) => r.record_id));
    expect(outboxCounts(venue.db)).toMatchObject({ sent: 2, pending: all.length - 2, confirmed: 0 });
    // A tiny byte limit still sends one.
    expect(takeBatch(venue.db, 10, 1, venue.clock.now())).toHaveLength(1);
    const sent = new Set(first.map((r) => r.recordId));
    recordAnswers(venue.db, sent, first.map((r) => ({ id: r.recordId, status: 'stored' as const })), venue.clock.now());
    expect(outboxCounts(venue.db)).toMatchObject({ confirmed: 2 });
    expect(openOutboxCount(venue.db)).toBe(all.length - 2);
  });

  it('confirms only what was sent and answered: a stale or foreign answer changes nothing', () => {
    const venue = newVenue();
    venue.signIn('reception').ok('checkIn', { municipality: M, number: T.ok });
    const batch = takeBatch(venue.db, 100, 1_000_000, venue.clock.now());
    const sent = new Set(batch.map((r) => r.recordId));
    const summary = recordAnswers(venue.db, sent, [{ id: 'someone-else', status: 'stored' }], venue.clock.now());
    expect(summary).toEqual({ confirmed: 0, rejected: 0, conflicts: 0 });
    expect(outboxCounts(venue.db).confirmed).toBe(0);
    const last = batch[batch.length - 1];
    if (!last) throw new Error('empty batch');
    recordAnswers(venue.db, sent, [{ id: last.recordId, status: 'rejected', error: { code: 'ID_REUSED', message: { ja: '別の記録です。', en: 'x' } } }], venue.clock.now());
    expect(outboxCounts(venue.db).rejected).toBe(1);
    expect(unconfirmedRecordIds(venue.db)).toContain(last.recordId);
  });

  it('has a digest that changes with any record and not with its state', () => {
    const venue = newVenue();
    venue.signIn('reception').ok('checkIn', { municipality: M, number: T.ok });
    const one = outboxDigest(venue.db);
    takeBatch(venue.db, 100, 1_000_000, venue.clock.now());
    expect(outboxDigest(venue.db)).toEqual(one);
    venue.signIn('reception').ok('checkIn', { municipality: M, number: T.okSecond });
    expect(outboxDigest(venue.db).digest).not.toBe(one.digest);
    expect(outboxDigest(venue.db).counts.checkin).toBe(2);
  });
});

describe('backoff', () => {
  it('doubles up to its ceiling, always waits at least half of it (jitter), and starts again after a success', () => {
    let roll = 0;
    const rolls = [0, 0.999, 0.5, 0, 0.999, 0.25];
    const backoff = new Backoff(100, 1_000, () => rolls[roll++ % rolls.length] ?? 0);
    const waits = Array.from({ length: 6 }, () => backoff.next());
    expect(waits[0]).toBe(50);
    expect(waits[1]).toBeCloseTo(199.9, 1);
    expect(waits[2]).toBe(300);
    expect(waits[3]).toBe(400);
    expect(waits[4]).toBeCloseTo(999.5, 1);
    expect(waits[5]).toBe(625);
    expect(backoff.failing).toBe(true);
    backoff.reset();
    expect(backoff.failing).toBe(false);
    expect(backoff.next()).toBe(50);
    const random = new Backoff(100, 1_000);
    for (let i = 0; i < 50; i++) {
      const wait = random.next();
      expect(wait).toBeGreaterThanOrEqual(Math.min(1_000, 100 * 2 ** i) / 2);
      expect(wait).toBeLessThanOrEqual(1_000);
    }
  });
});

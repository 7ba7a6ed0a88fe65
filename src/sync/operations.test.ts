import { describe, expect, it } from 'vitest';
import { DEMO_TICKETS as T } from '../../test/fixtures/demo';
import { useTestVenue } from '../../test/support/venue';
import { createFeedApplier } from './apply';
import { daySyncFacts } from './facts';
import { recordAnswers, takeBatch } from './outbox';
import { readEnrollment, writeSyncIdentity } from './state';

/** The contract operations of src/api/ops/sync.ts, on a real venue database. */
const newVenue = useTestVenue();

describe('enrolling this device', () => {
  it('is asked for without a session on a new device, and the code is kept only until used', () => {
    const venue = newVenue({ seed: false });
    const anyone = venue.anonymous();
    expect(anyone.ok('enrollmentStatus', {})).toMatchObject({ state: 'none', error: null });
    anyone.ok('requestEnrollment', { serverUrl: 'https://central.example.jp:8443/ignored/path', code: ' ABCDE-FGHJK-MNPQR-STVWX ', deviceName: '受付1のタブレット' });
    expect(readEnrollment(venue.db)).toMatchObject({ serverUrl: 'https://central.example.jp:8443', code: 'ABCDE-FGHJK-MNPQR-STVWX', state: 'requested', deviceName: '受付1のタブレット' });
    expect(anyone.ok('enrollmentStatus', {})).toMatchObject({ state: 'requested', serverUrl: 'https://central.example.jp:8443' });
    // The audit log names the server, never the code.
    const audit = venue.db.prepare(`SELECT detail FROM audit_log WHERE action = 'requestEnrollment'`).get() as { detail: string };
    expect(audit.detail).toContain('central.example.jp');
    expect(audit.detail).not.toContain('ABCDE');
  });

  it('is refused once the device is set up, over plain HTTP to another machine, and with a malformed fingerprint', () => {
    const fresh = newVenue({ seed: false }).anonymous();
    fresh.refused('requestEnrollment', { serverUrl: 'http://192.168.1.10:8080', code: 'ABCDE-FGHJK' }, 'INSECURE_URL');
    fresh.refused('requestEnrollment', { serverUrl: 'https://central.example.jp', code: 'ABCDE-FGHJK', fingerprint: 'AB:CD' }, 'VALIDATION');
    fresh.ok('requestEnrollment', { serverUrl: 'http://127.0.0.1:8080', code: 'ABCDE-FGHJK', fingerprint: 'ab'.repeat(32) });
    const setUp = newVenue();
    setUp.anonymous().refused('requestEnrollment', { serverUrl: 'https://central.example.jp', code: 'ABCDE-FGHJK' }, 'ALREADY_SET_UP');
    expect(readEnrollment(setUp.db)).toBeNull();
  });
});

describe('sync status and conflicts', () => {
  it('syncStatus counts this device’s records for every role', () => {
    const venue = newVenue();
    venue.signIn('reception').ok('checkIn', { municipality: '131016', number: T.ok });
    for (const role of ['reception', 'nurse', 'supervisor'] as const) {
      const status = venue.signIn(role).ok('syncStatus', {});
      expect(status).toMatchObject({ enrolled: false, online: false, lastSuccessAt: null, conflicts: { open: 0, resolved: 0 } });
      expect(status.records.pending).toBeGreaterThanOrEqual(1);
    }
  });

  it('supervisors see conflicts with the person’s name, and resolving one is sent up as a record', () => {
    const venue = newVenue();
    createFeedApplier(venue.db, { municipality: '131016', venueId: 'V001', now: () => venue.clock.now() }).apply({
      seq: 1,
      kind: 'conflict',
      key: 'c-1@V001',
      deleted: false,
      data: {
        id: 'c-1', kind: 'dose', municipality: '131016', ticketNumber: T.ok, doseNumber: 1, venueDate: '2026-11-23',
        records: [{ id: 'r1', venueId: 'V001', venueName: '区民会館ホール', deskId: 'N1', at: '2026-11-23T10:00:00.000+09:00' }, { id: 'r2', venueId: 'V002', venueName: 'スポーツセンター', deskId: 'R1', at: '2026-11-23T10:03:00.000+09:00' }],
        detectedAt: '2026-11-23T01:05:00.000Z', resolvedAt: null, resolvedBy: null, note: null,
      },
    });
    const supervisor = venue.signIn('supervisor');
    expect(supervisor.ok('listConflicts', {})).toEqual([expect.objectContaining({ id: 'c-1', nameKanji: '山田 太郎', doseNumber: 1 })]);
    venue.signIn('nurse', 'N1').refused('listConflicts', {}, 'FORBIDDEN');
    expect(supervisor.ok('syncStatus', {}).conflicts).toEqual({ open: 1, resolved: 0 });

    const resolved = supervisor.ok('resolveConflict', { conflictId: 'c-1', note: 'V002の記録を取り消し済み' });
    expect(resolved).toMatchObject({ resolvedBy: expect.any(String), note: 'V002の記録を取り消し済み' });
    expect(supervisor.ok('listConflicts', {})).toEqual([]);
    expect(supervisor.ok('listConflicts', { includeResolved: true })).toHaveLength(1);
    expect(venue.db.prepare(`SELECT kind, state FROM sync_outbox WHERE kind = 'resolution'`).all()).toEqual([{ kind: 'resolution', state: 'pending' }]);
    supervisor.refused('resolveConflict', { conflictId: 'c-1', note: 'もう一度' }, 'ALREADY_RESOLVED');
    supervisor.refused('resolveConflict', { conflictId: 'c-404', note: '存在しない' }, 'UNKNOWN_CONFLICT');
  });
});

describe('what the day’s reconciliation learns from sync', () => {
  it('nothing for a stand-alone device; unconfirmed records, confirmed counts and open conflicts once enrolled', () => {
    const venue = newVenue();
    const checkin = venue.signIn('reception').ok('checkIn', { municipality: '131016', number: T.ok });
    if (!checkin.checkedIn) throw new Error('not checked in');
    const facts = daySyncFacts(venue.db);
    expect(facts.unconfirmed('V001', venue.today)).toEqual([]);
    writeSyncIdentity(venue.db, { serverUrl: 'https://c', fingerprint: null, deviceId: 'd', credential: 's', municipality: '131016', venueId: 'V001', deskId: 'R1' }, venue.clock.now());
    expect(facts.unconfirmed('V001', venue.today)).toEqual([checkin.checkinId]);
    expect(facts.unconfirmed('V001', '2026-01-01')).toEqual([]);
    const batch = takeBatch(venue.db, 100, 1_000_000, venue.clock.now());
    recordAnswers(venue.db, new Set(batch.map((r) => r.recordId)), batch.map((r) => ({ id: r.recordId, status: 'stored' as const })), venue.clock.now());
    expect(facts.unconfirmed('V001', venue.today)).toEqual([]);
    expect(facts.confirmedCount('V001', venue.today)).toBe(1);
    createFeedApplier(venue.db, { municipality: '131016', venueId: 'V001', now: () => venue.clock.now() }).apply({
      seq: 9, kind: 'conflict', key: 'c-9@V001', deleted: false,
      data: { id: 'c-9', kind: 'checkin', municipality: '131016', ticketNumber: T.ok, doseNumber: 1, venueDate: venue.today,
        records: [{ id: checkin.checkinId, venueId: 'V001', venueName: null, deskId: 'R1', at: 'x' }, { id: 'other', venueId: 'V001', venueName: null, deskId: 'R2', at: 'y' }],
        detectedAt: 'z', resolvedAt: null, resolvedBy: null, note: null },
    });
    expect(facts.conflicts('V001', venue.today)).toEqual([{ id: 'c-9', kind: 'checkin', recordIds: [checkin.checkinId, 'other'] }]);
    expect(facts.conflicts('V002', venue.today)).toEqual([]);
  });
});

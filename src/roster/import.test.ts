import { describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY, DEMO_VENUE } from '../../test/fixtures/demo';
import { syntheticRosterCsv } from '../../test/fixtures/roster';
import { useTestVenue } from '../../test/support/venue';
import { importRosterCsv } from './import';

const newVenue = useTestVenue();

function roster(count: number, firstTicket: number, today: string): string {
  return [...syntheticRosterCsv({ count, municipality: DEMO_MUNICIPALITY, venue: DEMO_VENUE.id, date: today, product: 'PFZ-COMIRNATY', firstTicket })].join('');
}

const count = (venue: ReturnType<typeof newVenue>, table: string) => (venue.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const foreignKeys = (venue: ReturnType<typeof newVenue>) => venue.db.pragma('foreign_keys', { simple: true });

describe('the roster import (one transaction of its own)', () => {
  it('stores every row with its links intact, logs the import, and leaves foreign-key checks on afterwards', () => {
    const venue = newVenue();
    const people = count(venue, 'people');
    const supervisor = venue.signIn('supervisor');
    const summary = supervisor.ok('importRoster', { csvBase64: Buffer.from(roster(300, 7_000_001, venue.today)).toString('base64') });
    expect(summary).toMatchObject({ rows: 300, people: 300, tickets: 300, bookings: 300 });
    expect(count(venue, 'people')).toBe(people + 300);
    expect(venue.db.pragma('foreign_key_check')).toEqual([]);
    expect(foreignKeys(venue)).toBe(1);
    const audit = venue.db.prepare(`SELECT action, outcome FROM audit_log ORDER BY seq DESC LIMIT 1`).get();
    expect(audit).toEqual({ action: 'importRoster', outcome: 'ok' });
  });

  it('a bad row refuses the whole file: nothing stored, the refusal logged, foreign-key checks on again', () => {
    const venue = newVenue();
    const before = ['people', 'tickets', 'bookings'].map((t) => count(venue, t));
    const lines = roster(300, 7_100_001, venue.today).split('\r\n');
    // Line 251 of the file (row 250 after the header): a date of birth that is not a date.
    lines[250] = (lines[250] ?? '').replace(/\d{4}-\d{2}-\d{2}/, '1990-02-31');
    const supervisor = venue.signIn('supervisor');
    const error = supervisor.refused('importRoster', { csvBase64: Buffer.from(lines.join('\r\n')).toString('base64') }, 'INVALID');
    expect(error.message.ja).toContain('251行目');
    expect(['people', 'tickets', 'bookings'].map((t) => count(venue, t))).toEqual(before);
    expect(foreignKeys(venue)).toBe(1);
    expect(venue.db.prepare(`SELECT action, outcome FROM audit_log ORDER BY seq DESC LIMIT 1`).get()).toEqual({ action: 'importRoster', outcome: 'INVALID' });
  });

  it('inside a caller’s transaction it leaves the checks as they are (SQLite cannot switch them there)', () => {
    const venue = newVenue();
    venue.db.transaction(() => importRosterCsv(venue.db, roster(20, 7_200_001, venue.today), { today: venue.today }))();
    expect(foreignKeys(venue)).toBe(1);
    expect(venue.db.pragma('foreign_key_check')).toEqual([]);
  });
});

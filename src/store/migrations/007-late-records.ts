import type { Migration } from './migration';

/**
 * Records another desk made for a day this device already holds as closed:
 * made offline before the close was known there, they reach the day after
 * its sign-off and so are not in the figures it signed. Kept apart (the
 * records themselves are stored as any other) so the day report can put
 * each before the supervisor as a discrepancy to explain.
 */
export const m007LateRecords: Migration = {
  version: 7,
  name: 'records that reach a day after it was closed',
  sql: /* sql */ `
CREATE TABLE late_records (
  record_id   TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('checkin', 'dose')),
  venue_id    TEXT NOT NULL,
  venue_date  TEXT NOT NULL,
  arrived_at  TEXT NOT NULL
) STRICT;
CREATE INDEX late_records_day ON late_records (venue_id, venue_date);
`,
};

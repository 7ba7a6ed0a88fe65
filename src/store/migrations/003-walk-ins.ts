import type { Migration } from './migration';

/**
 * Walk-ins: a person without a booking for here and today may be checked in
 * only after a supervisor approves it. The request and the decision are
 * records of their own (never deleted).
 */
export const m003WalkIns: Migration = {
  version: 3,
  name: 'walk-in requests',
  sql: /* sql */ `
CREATE TABLE walk_in_requests (
  id            TEXT PRIMARY KEY,
  municipality  TEXT NOT NULL,
  ticket_number TEXT NOT NULL,
  person_id     INTEGER NOT NULL,
  venue_id      TEXT NOT NULL,
  venue_date    TEXT NOT NULL,
  desk_id       TEXT NOT NULL,
  requested_by  TEXT NOT NULL,
  requested_at  TEXT NOT NULL,
  verdict_code  TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined', 'used')),
  product_id    TEXT,
  decided_by    TEXT,
  decided_at    TEXT,
  reason        TEXT,
  checkin_id    TEXT
) STRICT;
CREATE INDEX walk_ins_by_ticket ON walk_in_requests (municipality, ticket_number, venue_date);
CREATE INDEX walk_ins_by_day ON walk_in_requests (venue_id, venue_date, status);
`,
};

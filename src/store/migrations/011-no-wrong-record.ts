import type { Migration } from './migration';

/**
 * No wrong record (issue 12). Numbered 12 so that migrations 9–11, made on
 * other branches at the same time, can go in before it; versions only need
 * to increase.
 *
 * - products.may_follow: which products may come before this one (a JSON
 *   array of product codes; NULL: any), from the product master.
 * - dose_records.check_codes / check_reason: the product checks a nurse
 *   confirmed with a reason before the save (the lot's product differs from
 *   the booking, or the product rules after the previous dose).
 * - desk_doctors: the doctor (予診医) a supervisor set for a desk, per day,
 *   every setting kept; the latest (in the central service's order) is the
 *   desk's doctor.
 * - day_close_log / day_reopens: every close and every reopen of a day.
 *   day_closes keeps only the day's current close (derived from these), so
 *   what reads it (check-ins, doses, the report) is unchanged.
 * - server_seq on desk_lot_history, lot_vials and desk_doctors: the central
 *   service's order of the record (its feed seq), which decides "the latest"
 *   between desks instead of their clocks; NULL until the record comes back
 *   through the feed (a record made here and not yet ordered is the latest).
 * - clock_check: how far this device's clock was from the central service's
 *   at the last exchange.
 * - the outbox takes the two new record kinds (SQLite cannot change a CHECK:
 *   the table is rebuilt with its rows).
 */
export const m011NoWrongRecord: Migration = {
  version: 11,
  name: 'product checks, desk doctors, day reopen, server order, clock check',
  sql: /* sql */ `
ALTER TABLE products ADD COLUMN may_follow TEXT;

ALTER TABLE dose_records ADD COLUMN check_codes TEXT;
ALTER TABLE dose_records ADD COLUMN check_reason TEXT;

ALTER TABLE desk_lot_history ADD COLUMN server_seq INTEGER;
ALTER TABLE lot_vials ADD COLUMN server_seq INTEGER;
-- What is here already came from other desks or was answered for by the central service: ordered before
-- anything new (0). Only what this device made and has not sent yet stays unordered, the latest.
UPDATE desk_lot_history SET server_seq = 0 WHERE id NOT IN (SELECT record_id FROM sync_outbox WHERE state IN ('pending', 'sent'));
UPDATE lot_vials SET server_seq = 0 WHERE record_id IS NULL OR record_id NOT IN (SELECT record_id FROM sync_outbox WHERE state IN ('pending', 'sent'));

CREATE TABLE desk_doctors (
  id          TEXT PRIMARY KEY,
  venue_id    TEXT NOT NULL,
  desk_id     TEXT NOT NULL,
  venue_date  TEXT NOT NULL,
  doctor      TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  at          TEXT NOT NULL,
  server_seq  INTEGER
) STRICT;
CREATE INDEX desk_doctors_by_day ON desk_doctors (desk_id, venue_date);

CREATE TABLE day_close_log (
  id          TEXT PRIMARY KEY,
  venue_id    TEXT NOT NULL,
  venue_date  TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  at          TEXT NOT NULL,
  note        TEXT NOT NULL,
  summary     TEXT NOT NULL
) STRICT;
CREATE INDEX day_close_log_by_day ON day_close_log (venue_id, venue_date);
INSERT INTO day_close_log (id, venue_id, venue_date, staff_id, at, note, summary)
  SELECT id, venue_id, venue_date, staff_id, at, note, summary FROM day_closes;

-- A reopen names the close it undoes, so the day's state does not depend on which came first anywhere.
CREATE TABLE day_reopens (
  id          TEXT PRIMARY KEY,
  venue_id    TEXT NOT NULL,
  venue_date  TEXT NOT NULL,
  close_id    TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  at          TEXT NOT NULL,
  reason      TEXT NOT NULL
) STRICT;
CREATE INDEX day_reopens_by_close ON day_reopens (close_id);

-- The feed seq each ordered record (desk lot, vials, desk doctor) arrived with, kept as it arrives, so a
-- record held back until what it names is here (parked) keeps its place in the order.
CREATE TABLE record_order (
  record_id  TEXT PRIMARY KEY,
  seq        INTEGER NOT NULL
) STRICT;

CREATE TABLE clock_check (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  offset_ms   INTEGER NOT NULL,
  checked_at  TEXT NOT NULL
) STRICT;

CREATE TABLE sync_outbox_v12 (
  seq         INTEGER PRIMARY KEY,
  record_id   TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('checkin', 'dose', 'void', 'lot', 'audit_head', 'resolution',
                'walkin_request', 'walkin_decision', 'observation_outcome', 'day_close', 'discrepancy_note', 'desk_lot', 'lot_vials',
                'day_reopen', 'desk_doctor')),
  body        TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'confirmed', 'rejected')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  sent_at     TEXT,
  answered_at TEXT,
  outcome     TEXT CHECK (outcome IS NULL OR outcome IN ('stored', 'duplicate', 'conflict', 'rejected')),
  error_code  TEXT
) STRICT;
INSERT INTO sync_outbox_v12 (seq, record_id, kind, body, state, attempts, created_at, sent_at, answered_at, outcome, error_code)
  SELECT seq, record_id, kind, body, state, attempts, created_at, sent_at, answered_at, outcome, error_code FROM sync_outbox;
DROP TABLE sync_outbox;
ALTER TABLE sync_outbox_v12 RENAME TO sync_outbox;
CREATE INDEX sync_outbox_open ON sync_outbox (seq) WHERE state IN ('pending', 'sent');
`,
};

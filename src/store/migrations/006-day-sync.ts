import type { Migration } from './migration';

/**
 * The supervisor's day travels with sync. Each change becomes a record of its
 * own (a walk-in decision, an observation's outcome) kept in its own table,
 * and the tables the screens read (walk_in_requests, observations,
 * desks.active_lot_id, lot_vials) are derived from those records, so every
 * device of a venue ends up in the same state whatever order the records
 * reach it in.
 *
 * SQLite cannot change a CHECK constraint, so the outbox (new record kinds)
 * and the conflicts table (walk-in conflicts) are rebuilt with their rows.
 *
 * Rows made before this version are carried into the new tables (so a
 * request decided yesterday stays decided) but are not queued for sending:
 * they were made when these features were local to one device.
 */
export const m006DaySync: Migration = {
  version: 6,
  name: 'the supervisor’s day travels with sync',
  sql: /* sql */ `
CREATE TABLE sync_outbox_v6 (
  seq         INTEGER PRIMARY KEY,
  record_id   TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('checkin', 'dose', 'void', 'lot', 'audit_head', 'resolution',
                'walkin_request', 'walkin_decision', 'observation_outcome', 'day_close', 'discrepancy_note', 'desk_lot', 'lot_vials')),
  body        TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'confirmed', 'rejected')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  sent_at     TEXT,
  answered_at TEXT,
  outcome     TEXT CHECK (outcome IS NULL OR outcome IN ('stored', 'duplicate', 'conflict', 'rejected')),
  error_code  TEXT
) STRICT;
INSERT INTO sync_outbox_v6 (seq, record_id, kind, body, state, attempts, created_at, sent_at, answered_at, outcome, error_code)
  SELECT seq, record_id, kind, body, state, attempts, created_at, sent_at, answered_at, outcome, error_code FROM sync_outbox;
DROP TABLE sync_outbox;
ALTER TABLE sync_outbox_v6 RENAME TO sync_outbox;
CREATE INDEX sync_outbox_open ON sync_outbox (seq) WHERE state IN ('pending', 'sent');

CREATE TABLE sync_conflicts_v6 (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('dose', 'checkin', 'walkin')),
  municipality  TEXT NOT NULL,
  ticket_number TEXT NOT NULL,
  dose_number   INTEGER,
  venue_date    TEXT,
  records       TEXT NOT NULL,
  detected_at   TEXT NOT NULL,
  resolved_at   TEXT,
  resolved_by   TEXT,
  note          TEXT
) STRICT;
INSERT INTO sync_conflicts_v6 (id, kind, municipality, ticket_number, dose_number, venue_date, records, detected_at, resolved_at, resolved_by, note)
  SELECT id, kind, municipality, ticket_number, dose_number, venue_date, records, detected_at, resolved_at, resolved_by, note FROM sync_conflicts;
DROP TABLE sync_conflicts;
ALTER TABLE sync_conflicts_v6 RENAME TO sync_conflicts;

-- Every decision on a walk-in request, from any supervisor's device. The
-- earliest (decided_at, then id) is the one in force; the others are kept,
-- and the central service flags them to the supervisors as a conflict.
CREATE TABLE walk_in_decisions (
  id          TEXT PRIMARY KEY,
  request_id  TEXT NOT NULL,
  venue_id    TEXT NOT NULL,
  desk_id     TEXT NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('approved', 'declined')),
  product_id  TEXT,
  reason      TEXT NOT NULL,
  decided_by  TEXT NOT NULL,
  decided_at  TEXT NOT NULL
) STRICT;
CREATE INDEX walk_in_decisions_by_request ON walk_in_decisions (request_id, decided_at, id);

-- The check-in a walk-in approval was used for: the request is "used" on every device that has the check-in.
ALTER TABLE checkins ADD COLUMN walk_in_id TEXT;
CREATE INDEX checkins_by_walk_in ON checkins (walk_in_id) WHERE walk_in_id IS NOT NULL;

-- Every outcome of an observation, from any device; see settleObservation for which one is in force.
CREATE TABLE observation_outcomes (
  id         TEXT PRIMARY KEY,
  dose_id    TEXT NOT NULL,
  venue_id   TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('released', 'referred')),
  note       TEXT,
  staff_id   TEXT NOT NULL,
  at         TEXT NOT NULL
) STRICT;
CREATE INDEX observation_outcomes_by_dose ON observation_outcomes (dose_id);

-- The record a vials count came from: with at, it decides which of two counts is the latest everywhere.
ALTER TABLE lot_vials ADD COLUMN record_id TEXT;

-- Carry what was decided before this version into the new tables.
INSERT INTO walk_in_decisions (id, request_id, venue_id, desk_id, outcome, product_id, reason, decided_by, decided_at)
  SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-7' || substr(hex(randomblob(2)), 2) || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
         id, venue_id, desk_id, CASE WHEN status = 'declined' THEN 'declined' ELSE 'approved' END, product_id, COALESCE(reason, ''), decided_by, decided_at
  FROM walk_in_requests WHERE decided_by IS NOT NULL AND decided_at IS NOT NULL;
UPDATE checkins SET walk_in_id = (SELECT w.id FROM walk_in_requests w WHERE w.checkin_id = checkins.id)
  WHERE id IN (SELECT checkin_id FROM walk_in_requests WHERE checkin_id IS NOT NULL);
INSERT INTO observation_outcomes (id, dose_id, venue_id, outcome, note, staff_id, at)
  SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-7' || substr(hex(randomblob(2)), 2) || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
         dose_id, venue_id, outcome, note, COALESCE(outcome_by, ''), COALESCE(outcome_at, started_at)
  FROM observations WHERE outcome <> 'observing';
`,
};

import type { Migration } from './migration';

/**
 * Sync with the central service (src/sync). The outbox holds every record
 * made on this device, written in the same transaction as the record, until
 * the server has answered for it; it is never deleted from, so "confirmed"
 * stays countable for the day. Records that arrive from other desks are
 * written straight into their tables and never enter the outbox, so they are
 * never sent back up.
 */
export const m005Sync: Migration = {
  version: 5,
  name: 'sync with the central service',
  sql: /* sql */ `
CREATE TABLE sync_outbox (
  seq         INTEGER PRIMARY KEY,
  record_id   TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('checkin', 'dose', 'void', 'lot', 'audit_head', 'resolution')),
  body        TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'confirmed', 'rejected')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  sent_at     TEXT,
  answered_at TEXT,
  outcome     TEXT CHECK (outcome IS NULL OR outcome IN ('stored', 'duplicate', 'conflict', 'rejected')),
  error_code  TEXT
) STRICT;
-- Only open rows are ever looked for in order; confirmed ones just pile up.
CREATE INDEX sync_outbox_open ON sync_outbox (seq) WHERE state IN ('pending', 'sent');

-- One row: where this device syncs to, as what, and how far it has read.
CREATE TABLE sync_state (
  id                   INTEGER PRIMARY KEY CHECK (id = 1),
  server_url           TEXT,
  fingerprint          TEXT,
  device_id            TEXT,
  credential           TEXT,
  municipality         TEXT,
  venue_id             TEXT,
  desk_id              TEXT,
  enrolled_at          TEXT,
  cursor               INTEGER NOT NULL DEFAULT 0,
  online               INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
  last_success_at      TEXT,
  last_error_code      TEXT,
  last_error_at        TEXT,
  download_active      INTEGER NOT NULL DEFAULT 0 CHECK (download_active IN (0, 1)),
  download_done        INTEGER NOT NULL DEFAULT 0,
  download_total       INTEGER,
  download_started_at  TEXT,
  download_finished_at TEXT,
  audit_head_sent      INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO sync_state (id) VALUES (1);

-- A supervisor's request to enroll this device; the sync service carries it out.
CREATE TABLE sync_enrollment (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  server_url   TEXT NOT NULL,
  code         TEXT,
  -- The credential this device made for itself: kept across a restart mid-enrollment, so a retry is the same enrollment.
  secret       TEXT,
  fingerprint  TEXT,
  device_name  TEXT,
  state        TEXT NOT NULL CHECK (state IN ('requested', 'working', 'enrolled', 'failed')),
  requested_at TEXT NOT NULL,
  finished_at  TEXT,
  error_code   TEXT,
  error_ja     TEXT,
  error_en     TEXT
) STRICT;

-- Clashes the server found between records of this venue and others, for supervisors.
CREATE TABLE sync_conflicts (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('dose', 'checkin')),
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

-- Feed entries that refer to something not here yet (a record of a ticket whose
-- person comes on a later page); applied again after every page.
CREATE TABLE sync_parked (
  seq  INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key  TEXT NOT NULL,
  data TEXT NOT NULL,
  UNIQUE (kind, key)
) STRICT;
`,
};

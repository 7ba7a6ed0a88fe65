import type { Migration } from './migration';

/**
 * The first schema. STRICT tables throughout. Records made at the venue
 * (check-ins, doses, voids, audit) are never deleted; the audit log refuses
 * UPDATE and DELETE by trigger, and its hash chain catches edits made around
 * the triggers.
 */
export const m001Initial: Migration = {
  version: 1,
  name: 'initial schema',
  sql: /* sql */ `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE venues (
  id           TEXT PRIMARY KEY,
  municipality TEXT NOT NULL,
  name         TEXT NOT NULL
) STRICT;

CREATE TABLE products (
  id                  TEXT PRIMARY KEY,
  maker               TEXT NOT NULL,
  name                TEXT NOT NULL,
  vaccine_type        TEXT NOT NULL,
  dose_volume_ml      REAL NOT NULL CHECK (dose_volume_ml > 0),
  min_interval_days   INTEGER NOT NULL CHECK (min_interval_days >= 0),
  min_age             INTEGER NOT NULL CHECK (min_age >= 0),
  max_age             INTEGER CHECK (max_age IS NULL OR max_age >= min_age),
  observation_minutes INTEGER NOT NULL DEFAULT 15,
  doses_per_vial      INTEGER NOT NULL DEFAULT 1 CHECK (doses_per_vial >= 1)
) STRICT;

CREATE TABLE product_gtins (
  gtin       TEXT PRIMARY KEY CHECK (length(gtin) = 14),
  product_id TEXT NOT NULL REFERENCES products(id)
) STRICT;

CREATE TABLE lots (
  id           TEXT PRIMARY KEY,
  venue_id     TEXT NOT NULL,
  product_id   TEXT NOT NULL REFERENCES products(id),
  lot_number   TEXT NOT NULL,
  expiry       TEXT NOT NULL,
  vials_opened INTEGER NOT NULL DEFAULT 0,
  added_by     TEXT,
  added_at     TEXT NOT NULL,
  UNIQUE (venue_id, product_id, lot_number)
) STRICT;

CREATE TABLE desks (
  id            TEXT PRIMARY KEY,
  venue_id      TEXT NOT NULL,
  name          TEXT NOT NULL,
  active_lot_id TEXT REFERENCES lots(id)
) STRICT;

-- The roster. A person is known to the municipality by person_ref (宛名番号),
-- never by the individual number, which no table here can hold.
CREATE TABLE people (
  id           INTEGER PRIMARY KEY,
  municipality TEXT NOT NULL,
  person_ref   TEXT NOT NULL,
  name_kana    TEXT NOT NULL,
  name_kanji   TEXT NOT NULL,
  birth_date   TEXT NOT NULL,
  sex          TEXT NOT NULL CHECK (sex IN ('M', 'F', 'U')),
  phone        TEXT,
  email        TEXT,
  UNIQUE (municipality, person_ref)
) STRICT;

CREATE TABLE tickets (
  municipality TEXT NOT NULL,
  number       TEXT NOT NULL,
  kind         TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('active', 'moved_out', 'deceased', 'reissued')),
  person_id    INTEGER NOT NULL REFERENCES people(id),
  PRIMARY KEY (municipality, number)
) STRICT, WITHOUT ROWID;
CREATE INDEX tickets_by_person ON tickets (person_id);

-- Doses given before this roster: from the municipality, not from this venue.
CREATE TABLE prior_doses (
  person_id   INTEGER NOT NULL REFERENCES people(id),
  dose_number INTEGER NOT NULL CHECK (dose_number BETWEEN 1 AND 9),
  date        TEXT NOT NULL,
  product_id  TEXT NOT NULL,
  place       TEXT NOT NULL,
  PRIMARY KEY (person_id, dose_number)
) STRICT, WITHOUT ROWID;

CREATE TABLE bookings (
  id            TEXT PRIMARY KEY,
  person_id     INTEGER NOT NULL REFERENCES people(id),
  municipality  TEXT NOT NULL,
  ticket_number TEXT NOT NULL,
  venue_id      TEXT NOT NULL,
  date          TEXT NOT NULL,
  slot_start    TEXT NOT NULL,
  slot_end      TEXT NOT NULL,
  dose_number   INTEGER NOT NULL CHECK (dose_number BETWEEN 1 AND 9),
  product_id    TEXT NOT NULL,
  set_id        TEXT
) STRICT;
CREATE INDEX bookings_by_person ON bookings (person_id, date);
CREATE INDEX bookings_by_venue_day ON bookings (venue_id, date);

-- Records made at the venue. ids are UUIDv7 made on the device.
CREATE TABLE checkins (
  id                  TEXT PRIMARY KEY,
  municipality        TEXT NOT NULL,
  ticket_number       TEXT NOT NULL,
  person_id           INTEGER NOT NULL,
  booking_id          TEXT,
  dose_number         INTEGER NOT NULL,
  venue_id            TEXT NOT NULL,
  desk_id             TEXT NOT NULL,
  staff_id            TEXT NOT NULL,
  at                  TEXT NOT NULL,
  venue_date          TEXT NOT NULL,
  walk_in_approved_by TEXT,
  voided_by           TEXT
) STRICT;
CREATE INDEX checkins_by_ticket ON checkins (municipality, ticket_number, venue_date);
CREATE INDEX checkins_by_day ON checkins (venue_id, venue_date);

CREATE TABLE dose_records (
  id            TEXT PRIMARY KEY,
  municipality  TEXT NOT NULL,
  ticket_number TEXT NOT NULL,
  person_id     INTEGER NOT NULL,
  checkin_id    TEXT,
  dose_number   INTEGER NOT NULL CHECK (dose_number BETWEEN 1 AND 9),
  status        TEXT NOT NULL CHECK (status IN ('performed', 'not_performed')),
  reason        TEXT,
  given_at      TEXT NOT NULL,
  venue_date    TEXT NOT NULL,
  venue_id      TEXT NOT NULL,
  desk_id       TEXT NOT NULL,
  product_id    TEXT,
  lot_id        TEXT,
  lot_number    TEXT,
  expiry        TEXT,
  volume_ml     REAL,
  site          TEXT,
  nurse_id      TEXT NOT NULL,
  doctor        TEXT,
  recorded_at   TEXT NOT NULL,
  replaces      TEXT,
  voided_by     TEXT,
  CHECK (status = 'not_performed' OR (lot_id IS NOT NULL AND product_id IS NOT NULL)),
  CHECK (status = 'performed' OR reason IS NOT NULL)
) STRICT;
CREATE INDEX doses_by_ticket ON dose_records (municipality, ticket_number);
CREATE INDEX doses_by_person ON dose_records (person_id);
CREATE INDEX doses_by_day ON dose_records (venue_id, venue_date);

-- A void is a record of its own: nothing is ever deleted.
CREATE TABLE voids (
  id          TEXT PRIMARY KEY,
  target_kind TEXT NOT NULL CHECK (target_kind IN ('checkin', 'dose')),
  target_id   TEXT NOT NULL UNIQUE,
  reason      TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  at          TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
  id              TEXT PRIMARY KEY,
  login           TEXT NOT NULL UNIQUE,
  display_name    TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('reception', 'nurse', 'supervisor')),
  password_hash   TEXT NOT NULL,
  disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until    TEXT,
  created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash     TEXT PRIMARY KEY,
  staff_id       TEXT NOT NULL REFERENCES staff(id),
  desk_id        TEXT NOT NULL,
  started_at     TEXT NOT NULL,
  last_active_at TEXT NOT NULL,
  locked         INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  ended_at       TEXT
) STRICT;

CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  staff_id  TEXT,
  desk_id   TEXT,
  action    TEXT NOT NULL,
  record_id TEXT,
  outcome   TEXT NOT NULL,
  detail    TEXT,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`,
};

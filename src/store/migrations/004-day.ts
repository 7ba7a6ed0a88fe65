import type { Migration } from './migration';

/**
 * The supervisor's day: which lot was active at which desk when, who is
 * under observation after their dose, explanations of discrepancies, and
 * the day's sign-off. All append-only in spirit: rows gain an end or an
 * outcome, none is deleted.
 */
export const m004Day: Migration = {
  version: 4,
  name: 'desk lot history, vials, observation, day close',
  sql: /* sql */ `
CREATE TABLE desk_lot_history (
  id        TEXT PRIMARY KEY,
  desk_id   TEXT NOT NULL,
  lot_id    TEXT NOT NULL,
  venue_id  TEXT NOT NULL,
  staff_id  TEXT NOT NULL,
  from_at   TEXT NOT NULL
) STRICT;
CREATE INDEX desk_lot_history_by_desk ON desk_lot_history (desk_id, from_at);

ALTER TABLE dose_records ADD COLUMN observation_minutes INTEGER;

-- Vials opened per lot per day, against which the day's doses are reconciled.
CREATE TABLE lot_vials (
  venue_id    TEXT NOT NULL,
  venue_date  TEXT NOT NULL,
  lot_id      TEXT NOT NULL,
  vials       INTEGER NOT NULL CHECK (vials >= 0),
  staff_id    TEXT NOT NULL,
  at          TEXT NOT NULL,
  PRIMARY KEY (venue_id, venue_date, lot_id)
) STRICT;

CREATE TABLE observations (
  dose_id     TEXT PRIMARY KEY,
  venue_id    TEXT NOT NULL,
  venue_date  TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  minutes     INTEGER NOT NULL CHECK (minutes IN (15, 30)),
  outcome     TEXT NOT NULL DEFAULT 'observing' CHECK (outcome IN ('observing', 'released', 'referred')),
  outcome_at  TEXT,
  outcome_by  TEXT,
  note        TEXT
) STRICT;
CREATE INDEX observations_by_day ON observations (venue_id, venue_date, outcome);

CREATE TABLE discrepancy_notes (
  id          TEXT PRIMARY KEY,
  venue_id    TEXT NOT NULL,
  venue_date  TEXT NOT NULL,
  key         TEXT NOT NULL,
  note        TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  at          TEXT NOT NULL
) STRICT;
CREATE INDEX discrepancy_notes_by_day ON discrepancy_notes (venue_id, venue_date, key);

CREATE TABLE day_closes (
  id          TEXT PRIMARY KEY,
  venue_id    TEXT NOT NULL,
  venue_date  TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  at          TEXT NOT NULL,
  note        TEXT NOT NULL,
  summary     TEXT NOT NULL,
  UNIQUE (venue_id, venue_date)
) STRICT;
`,
};

import type { CentralDb } from './queryable';

/**
 * The central schema: numbered migrations, each run once in a transaction
 * and recorded in schema_migrations. SQL that runs on PostgreSQL and on
 * PGlite alike. Append only: never edit one that has shipped.
 *
 * Dates and venue times are kept as the text the venue wrote
 * (YYYY-MM-DD, ISO 8601 with +09:00); server events are timestamptz.
 * Records from devices keep the exact JSON they arrived as (body) and its
 * SHA-256 (body_hash), which is how a repeated upload is told from an id
 * reused for something else.
 */
export interface CentralMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const CENTRAL_MIGRATIONS: readonly CentralMigration[] = [
  {
    version: 1,
    name: 'central service: roster, staff, devices, records, feed',
    sql: /* sql */ `
CREATE SEQUENCE feed_seq;

CREATE TABLE municipalities (
  code       text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE venues (
  id           text PRIMARY KEY,
  municipality text NOT NULL REFERENCES municipalities (code),
  name         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX venues_by_municipality ON venues (municipality);

CREATE TABLE desks (
  venue_id text NOT NULL REFERENCES venues (id),
  id       text NOT NULL,
  name     text NOT NULL,
  PRIMARY KEY (venue_id, id)
);

CREATE TABLE products (
  municipality        text NOT NULL REFERENCES municipalities (code),
  id                  text NOT NULL,
  maker               text NOT NULL,
  name                text NOT NULL,
  vaccine_type        text NOT NULL,
  dose_volume_ml      double precision NOT NULL,
  min_interval_days   integer NOT NULL,
  min_age             integer NOT NULL,
  max_age             integer,
  observation_minutes integer NOT NULL,
  doses_per_vial      integer NOT NULL,
  gtins               text[] NOT NULL,
  PRIMARY KEY (municipality, id)
);

-- The roster, kept apart by municipality. No column can hold an individual number.
CREATE TABLE people (
  municipality text NOT NULL REFERENCES municipalities (code),
  person_ref   text NOT NULL,
  name_kana    text NOT NULL,
  name_kanji   text NOT NULL,
  birth_date   text NOT NULL,
  sex          text NOT NULL CHECK (sex IN ('M', 'F', 'U')),
  phone        text,
  email        text,
  prior_doses  jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (municipality, person_ref)
);

CREATE TABLE tickets (
  municipality text NOT NULL,
  number       text NOT NULL,
  kind         text NOT NULL,
  status       text NOT NULL CHECK (status IN ('active', 'moved_out', 'deceased', 'reissued')),
  person_ref   text NOT NULL,
  PRIMARY KEY (municipality, number)
);
CREATE INDEX tickets_by_person ON tickets (municipality, person_ref);

CREATE TABLE bookings (
  municipality  text NOT NULL,
  id            text NOT NULL,
  person_ref    text NOT NULL,
  ticket_number text NOT NULL,
  venue_id      text NOT NULL,
  date          text NOT NULL,
  slot_start    text NOT NULL,
  slot_end      text NOT NULL,
  dose_number   integer NOT NULL,
  product_id    text NOT NULL,
  set_id        text,
  PRIMARY KEY (municipality, id)
);
CREATE INDEX bookings_by_person ON bookings (municipality, person_ref);

CREATE TABLE staff (
  id            text PRIMARY KEY,
  municipality  text NOT NULL REFERENCES municipalities (code),
  login         text NOT NULL,
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('reception', 'nurse', 'supervisor')),
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (municipality, login)
);

-- Devices hold a credential of their own; only its SHA-256 is here.
CREATE TABLE devices (
  id              text PRIMARY KEY,
  municipality    text NOT NULL REFERENCES municipalities (code),
  venue_id        text NOT NULL REFERENCES venues (id),
  desk_id         text NOT NULL,
  name            text,
  credential_hash text NOT NULL,
  enrolled_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz,
  last_seen_at    timestamptz
);

CREATE TABLE enrollment_codes (
  code_hash       text PRIMARY KEY,
  venue_id        text NOT NULL REFERENCES venues (id),
  desk_id         text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  device_id       text,
  credential_hash text
);

-- Records made at venues, each id once.
CREATE TABLE checkins (
  id            text PRIMARY KEY,
  municipality  text NOT NULL,
  ticket_number text NOT NULL,
  venue_id      text NOT NULL,
  desk_id       text NOT NULL,
  device_id     text NOT NULL,
  venue_date    text NOT NULL,
  at            text NOT NULL,
  body          text NOT NULL,
  body_hash     text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  voided_by     text
);
CREATE INDEX checkins_by_ticket ON checkins (municipality, ticket_number, venue_date);
CREATE INDEX checkins_by_device ON checkins (device_id);

CREATE TABLE dose_records (
  id            text PRIMARY KEY,
  municipality  text NOT NULL,
  ticket_number text NOT NULL,
  dose_number   integer NOT NULL,
  status        text NOT NULL CHECK (status IN ('performed', 'not_performed')),
  venue_id      text NOT NULL,
  desk_id       text NOT NULL,
  device_id     text NOT NULL,
  venue_date    text NOT NULL,
  given_at      text NOT NULL,
  recorded_at   text NOT NULL,
  product_id    text,
  body          text NOT NULL,
  body_hash     text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  voided_by     text
);
CREATE INDEX doses_by_ticket ON dose_records (municipality, ticket_number, dose_number);
CREATE INDEX doses_by_day ON dose_records (municipality, venue_date);
CREATE INDEX doses_by_device ON dose_records (device_id);

CREATE TABLE voids (
  id          text PRIMARY KEY,
  target_kind text NOT NULL CHECK (target_kind IN ('checkin', 'dose')),
  target_id   text NOT NULL,
  venue_id    text NOT NULL,
  device_id   text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX voids_by_target ON voids (target_id);
CREATE INDEX voids_by_device ON voids (device_id);

CREATE TABLE lots (
  id          text PRIMARY KEY,
  venue_id    text NOT NULL,
  device_id   text NOT NULL,
  product_id  text NOT NULL,
  lot_number  text NOT NULL,
  expiry      text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lots_by_device ON lots (device_id);

-- Copies of each device's audit chain head: a device cannot quietly rewrite its past.
CREATE TABLE audit_heads (
  id          text PRIMARY KEY,
  device_id   text NOT NULL,
  seq         bigint NOT NULL,
  hash        text NOT NULL,
  at          text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_heads_by_device ON audit_heads (device_id, seq);

-- The same ticket and dose (or ticket and day, for check-ins) recorded twice: both kept, flagged here.
CREATE TABLE conflicts (
  id            text PRIMARY KEY,
  municipality  text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('dose', 'checkin')),
  ticket_number text NOT NULL,
  dose_number   integer,
  venue_date    text,
  record_ids    text[] NOT NULL,
  venue_ids     text[] NOT NULL,
  detected_at   timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz,
  resolved_by   text,
  note          text
);
CREATE INDEX conflicts_open ON conflicts (municipality, kind, ticket_number) WHERE resolved_at IS NULL;

CREATE TABLE resolutions (
  id          text PRIMARY KEY,
  conflict_id text NOT NULL,
  device_id   text,
  staff_id    text NOT NULL,
  at          text NOT NULL,
  note        text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resolutions_by_device ON resolutions (device_id);

-- The change feed: the latest state of every entity a device may see, one row
-- each. A change moves the row to a new seq; a deletion leaves a tombstone.
-- venue_id set: only that venue's devices see it.
CREATE TABLE feed (
  seq          bigint PRIMARY KEY,
  municipality text NOT NULL,
  venue_id     text,
  kind         text NOT NULL,
  key          text NOT NULL,
  deleted      boolean NOT NULL DEFAULT false,
  body         text,
  changed_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (municipality, kind, key)
);
CREATE INDEX feed_by_municipality ON feed (municipality, seq);
`,
  },
  {
    version: 2,
    name: 'the supervisor’s day: walk-ins, observation outcomes, day closes, explanations, desk lots, vials',
    sql: /* sql */ `
-- Each a record made at a venue, stored once per id like the others, and put
-- on the venue's feed; the devices derive the current state from them.
CREATE TABLE walkin_requests (
  id            text PRIMARY KEY,
  municipality  text NOT NULL,
  ticket_number text NOT NULL,
  venue_id      text NOT NULL,
  desk_id       text NOT NULL,
  device_id     text NOT NULL,
  venue_date    text NOT NULL,
  body          text NOT NULL,
  body_hash     text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX walkin_requests_by_device ON walkin_requests (device_id);

-- No reference to walkin_requests: a decision may arrive before its request
-- (after the central database was restored and devices send everything again).
CREATE TABLE walkin_decisions (
  id            text PRIMARY KEY,
  request_id    text NOT NULL,
  municipality  text NOT NULL,
  ticket_number text NOT NULL,
  venue_id      text NOT NULL,
  venue_date    text NOT NULL,
  desk_id       text NOT NULL,
  device_id     text NOT NULL,
  decided_at    text NOT NULL,
  body          text NOT NULL,
  body_hash     text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX walkin_decisions_by_request ON walkin_decisions (request_id);
CREATE INDEX walkin_decisions_by_device ON walkin_decisions (device_id);

CREATE TABLE observation_outcomes (
  id          text PRIMARY KEY,
  dose_id     text NOT NULL,
  venue_id    text NOT NULL,
  device_id   text NOT NULL,
  at          text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX observation_outcomes_by_device ON observation_outcomes (device_id);

-- Every close is kept (two supervisors may close one day while apart); the earliest is the day's close.
CREATE TABLE day_closes (
  id          text PRIMARY KEY,
  venue_id    text NOT NULL,
  venue_date  text NOT NULL,
  device_id   text NOT NULL,
  at          text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX day_closes_by_day ON day_closes (venue_id, venue_date);
CREATE INDEX day_closes_by_device ON day_closes (device_id);

CREATE TABLE discrepancy_notes (
  id          text PRIMARY KEY,
  venue_id    text NOT NULL,
  venue_date  text NOT NULL,
  device_id   text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX discrepancy_notes_by_device ON discrepancy_notes (device_id);

CREATE TABLE desk_lots (
  id          text PRIMARY KEY,
  venue_id    text NOT NULL,
  desk_id     text NOT NULL,
  lot_id      text NOT NULL,
  device_id   text NOT NULL,
  from_at     text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX desk_lots_by_device ON desk_lots (device_id);

CREATE TABLE lot_vials (
  id          text PRIMARY KEY,
  venue_id    text NOT NULL,
  venue_date  text NOT NULL,
  lot_id      text NOT NULL,
  device_id   text NOT NULL,
  at          text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lot_vials_by_device ON lot_vials (device_id);

-- Two decisions on one walk-in request are a conflict too; subject is the request they are about.
ALTER TABLE conflicts DROP CONSTRAINT conflicts_kind_check;
ALTER TABLE conflicts ADD CONSTRAINT conflicts_kind_check CHECK (kind IN ('dose', 'checkin', 'walkin'));
ALTER TABLE conflicts ADD COLUMN subject text;
`,
  },
  {
    version: 3,
    name: 'audit chain heads that do not follow the ones held',
    sql: /* sql */ `
-- A head a device sent that cannot follow what is held of its chain: a lower
-- seq (cut), or the same seq with another hash (rewritten). One row per head.
CREATE TABLE audit_head_mismatches (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  head_id     text NOT NULL UNIQUE,
  device_id   text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('cut', 'rewritten')),
  held_seq    bigint NOT NULL,
  held_hash   text NOT NULL,
  sent_seq    bigint NOT NULL,
  sent_hash   text NOT NULL,
  detected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_head_mismatches_by_device ON audit_head_mismatches (device_id, detected_at);
`,
  },
  {
    version: 4,
    name: 'no wrong record: product rules, day reopens, desk doctors',
    sql: /* sql */ `
-- Which products may come before this one (the product master's may_follow); NULL: any.
ALTER TABLE products ADD COLUMN may_follow text[];

-- A supervisor reopening a closed day names the close it undoes.
CREATE TABLE day_reopens (
  id          text PRIMARY KEY,
  venue_id    text NOT NULL,
  venue_date  text NOT NULL,
  close_id    text NOT NULL,
  device_id   text NOT NULL,
  at          text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX day_reopens_by_day ON day_reopens (venue_id, venue_date);
CREATE INDEX day_reopens_by_device ON day_reopens (device_id);

-- The doctor (予診医) a supervisor set for a desk for a day; the latest in feed order is the desk's.
CREATE TABLE desk_doctors (
  id          text PRIMARY KEY,
  venue_id    text NOT NULL,
  desk_id     text NOT NULL,
  venue_date  text NOT NULL,
  device_id   text NOT NULL,
  body        text NOT NULL,
  body_hash   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX desk_doctors_by_device ON desk_doctors (device_id);
`,
  },
  {
    version: 5,
    name: 'the feed cursor handed to each device: a witness that a restore of the database rewinds',
    sql: /* sql */ `
-- A device asking from a cursor higher than the one recorded here was handed
-- pages this database no longer remembers: it was restored from an older
-- copy (see server/reconcile.ts). Written before each page is sent.
CREATE TABLE device_feed_marks (
  device_id  text PRIMARY KEY,
  served     bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 6,
    name: 'second factor of supervisors',
    sql: /* sql */ `
-- A supervisor's TOTP secret (set by \`admin staff totp\`, shown once, sent to the
-- municipality's devices with the staff data) and the salted hashes of the
-- ten recovery codes. NULL and empty: none set, or reset.
ALTER TABLE staff ADD COLUMN totp_secret text;
ALTER TABLE staff ADD COLUMN totp_recovery_hashes text[] NOT NULL DEFAULT '{}';
`,
  },
];

export const LATEST_CENTRAL_VERSION = CENTRAL_MIGRATIONS[CENTRAL_MIGRATIONS.length - 1]?.version ?? 0;

/** Fixed advisory-lock key: two processes starting at once migrate one after the other. */
const MIGRATION_LOCK = 7_355_608;

export class SchemaTooNew extends Error {
  constructor(readonly found: number) {
    super(`the central database has schema version ${found}; this program knows up to ${LATEST_CENTRAL_VERSION}. Update the program.`);
    this.name = 'SchemaTooNew';
  }
}

export async function migrate(db: CentralDb): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const [row] = await tx.query<{ version: number | null }>(`SELECT max(version) AS version FROM schema_migrations`);
    const current = row?.version ?? 0;
    if (current > LATEST_CENTRAL_VERSION) throw new SchemaTooNew(current);
    for (const migration of CENTRAL_MIGRATIONS) {
      if (migration.version <= current) continue;
      await tx.exec(migration.sql);
      await tx.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
    return LATEST_CENTRAL_VERSION;
  });
}

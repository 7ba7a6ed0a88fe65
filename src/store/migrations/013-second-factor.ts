import type { Migration } from './migration';

/**
 * The supervisor's second factor (issue 17): the TOTP secret (base32, in this
 * encrypted database only, never shown again after setup), the last time
 * step accepted (a code is never accepted twice), a secret being set up on a
 * stand-alone device until its first code confirms it, and the ten one-time
 * recovery codes as salted hashes. 11 and 12 are left for changes in flight.
 */
export const m013SecondFactor: Migration = {
  version: 13,
  name: 'second factor for supervisors',
  sql: /* sql */ `
ALTER TABLE staff ADD COLUMN totp_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;
ALTER TABLE staff ADD COLUMN totp_pending TEXT;

CREATE TABLE staff_recovery_codes (
  staff_id  TEXT NOT NULL REFERENCES staff(id),
  code_hash TEXT NOT NULL,
  used_at   TEXT,
  PRIMARY KEY (staff_id, code_hash)
) STRICT;
`,
};

import type { Migration } from './migration';

/**
 * The audit chain becomes keyed (src/audit/chain.ts). Each entry says how it
 * was sealed: 1, the plain SHA-256 of every entry written before this
 * version, which keep verifying as they are; 2, HMAC-SHA-256 under the
 * device's audit key. The stored head gains its own MAC when the first keyed
 * entry is written.
 */
export const m009AuditKey: Migration = {
  version: 9,
  name: 'keyed audit chain',
  sql: /* sql */ `
ALTER TABLE audit_log ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version IN (1, 2));
`,
};

import { createHash } from 'node:crypto';

/**
 * The audit key a test pairs with a database key. In the app both are random
 * and kept in the key vault side by side; a test that reopens a database must
 * give the same pair again, and deriving one from the other lets it pass a
 * single key around. (Never in the app: the two keys are independent there.)
 */
export function testAuditKey(databaseKey: Uint8Array): Buffer {
  return createHash('sha256').update('venue-test-audit-key').update(databaseKey).digest();
}

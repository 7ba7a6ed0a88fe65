import { hashSync, verifySync, type Algorithm } from '@node-rs/argon2';

/**
 * argon2id at the OWASP baseline (19 MiB, 2 passes): a few milliseconds here,
 * costly to guess at scale. Synchronous on purpose: handlers run inside one
 * SQLite transaction, which cannot wait on a promise.
 */
// Algorithm is an ambient const enum, which isolatedModules cannot read: 2 is Argon2id.
const OPTIONS = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): string {
  return hashSync(password.normalize('NFKC'), OPTIONS);
}

export function verifyPassword(hash: string, password: string): boolean {
  try {
    return verifySync(hash, password.normalize('NFKC'));
  } catch {
    return false;
  }
}

/** Checked against for unknown logins: made with the same cost, so the work is the same as for a real account. */
const DUMMY_HASH = hashPassword('not-a-real-password-for-timing');

/**
 * One argon2 verification whatever the account: its own hash, or (no
 * account) a dummy of the same cost, which never counts as a match. So the
 * time taken does not tell which logins exist.
 */
export function checkPasswordAgainst(hash: string | null, password: string): boolean {
  const right = verifyPassword(hash ?? DUMMY_HASH, password);
  return hash !== null && right;
}

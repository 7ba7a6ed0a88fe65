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

/** Spent on unknown logins so that timing does not reveal which logins exist. */
const DUMMY_HASH = hashPassword('not-a-real-password-for-timing');
export function burnPasswordCheck(password: string): void {
  verifyPassword(DUMMY_HASH, password);
}

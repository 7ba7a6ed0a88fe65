/**
 * The supervisor's second factor, as pure functions shared by the venue core
 * and the central service: time-based one-time codes (RFC 6238: HMAC-SHA-1,
 * 30-second steps, 6 digits, as every authenticator app reads an otpauth URI)
 * computed by the `otpauth` library, and ten one-time recovery codes.
 *
 * Codes are checked against the device's own clock only (venues work
 * offline), allowing one step of drift either way. Which steps were already
 * used (no replay) is kept with the account: see two-factor.ts.
 *
 * Recovery codes are kept as salted SHA-256 hashes. A slow hash would protect
 * nothing here: the TOTP secret itself sits beside them in the same encrypted
 * store, so whoever could read the hashes could make codes anyway. The hash
 * is there so the codes can never be shown again.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of one step before or after the clock's are accepted too (a phone or a PC clock a little off). */
export const TOTP_DRIFT_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;
/** What an authenticator app shows above the account. */
export const TOTP_ISSUER = 'Venue reception';

/** A TOTP secret as authenticator apps take it: base32 of 20 random bytes (160 bits, RFC 4226's recommendation). */
export const TOTP_SECRET_PATTERN = /^[A-Z2-7]{32}$/;
export const TOTP_CODE_PATTERN = /^\d{6}$/;
/** Ten characters without look-alikes (no 0/O, 1/I/L), typed with or without the hyphen, any case. */
const RECOVERY_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const RECOVERY_CODE_PATTERN = /^[2-9A-HJKMNP-Z]{5}-?[2-9A-HJKMNP-Z]{5}$/i;
/** What a sign-in form may send as the second factor: either kind, spaces around allowed. */
export const SECOND_FACTOR_INPUT = /^\s*(?:\d{6}|[2-9A-HJKMNP-Z]{5}-?[2-9A-HJKMNP-Z]{5})\s*$/i;
export const RECOVERY_HASH_PATTERN = /^sha256\$[0-9a-f]{32}\$[0-9a-f]{64}$/;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS });
}

/**
 * The otpauth:// URI an authenticator app scans (as a QR code) or takes
 * typed. It holds the secret: shown once, at setup, never logged.
 */
export function totpUri(secret: string, account: string, issuer = TOTP_ISSUER): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS }).toString();
}

/** The time step an instant falls in. */
export function totpStep(atMs: number): number {
  return Math.floor(atMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of one step (tests, and the demo's sign-in helper). */
export function totpCodeForStep(secret: string, step: number): string {
  return totp(secret).generate({ timestamp: step * TOTP_PERIOD_SECONDS * 1000 });
}

export function totpCodeAt(secret: string, atMs: number): string {
  return totpCodeForStep(secret, totpStep(atMs));
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The newest step within the drift window whose code this is and that is
 * later than `usedUpTo` (the last step accepted for this account), or null.
 * Steps at or before `usedUpTo` never match: a code seen once (over a
 * shoulder, or replayed) opens nothing again, nor does an older one.
 */
export function matchTotp(secret: string, code: string, atMs: number, usedUpTo: number | null): number | null {
  if (!TOTP_CODE_PATTERN.test(code)) return null;
  const now = totpStep(atMs);
  let matched: number | null = null;
  // Every step of the window is computed, whichever matches, so the time taken does not tell which did.
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    const right = sameText(totpCodeForStep(secret, step), code);
    if (right && (usedUpTo === null || step > usedUpTo)) matched = step;
  }
  return matched;
}

/** Ten new recovery codes, as shown once: XXXXX-XXXXX. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** A recovery code as typed (any case, with or without the hyphen, spaces around) in its one form, or null. */
export function normaliseRecoveryCode(input: string): string | null {
  const compact = input.trim().toUpperCase();
  if (!RECOVERY_CODE_PATTERN.test(compact)) return null;
  const chars = compact.replace('-', '');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

function digest(salt: string, code: string): string {
  return createHash('sha256').update(salt).update(':').update(code).digest('hex');
}

export function hashRecoveryCode(code: string): string {
  const normal = normaliseRecoveryCode(code);
  if (!normal) throw new Error('not a recovery code');
  const salt = randomBytes(16).toString('hex');
  return `sha256$${salt}$${digest(salt, normal)}`;
}

export function recoveryCodeMatches(hash: string, code: string): boolean {
  const normal = normaliseRecoveryCode(code);
  const [, salt, expected] = hash.split('$');
  if (!normal || !salt || !expected) return false;
  return sameText(digest(salt, normal), expected);
}

/** What a typed second factor is: a 6-digit code from the app, a recovery code, or nothing usable. */
export function kindOfSecondFactor(input: string): 'totp' | 'recovery' | null {
  const trimmed = input.replace(/\s+/g, '');
  if (TOTP_CODE_PATTERN.test(trimmed)) return 'totp';
  return normaliseRecoveryCode(trimmed) ? 'recovery' : null;
}

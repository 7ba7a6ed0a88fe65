/**
 * Guessing at the recovery restore. In recovery mode the database cannot be
 * read, so there is no account to count wrong passwords against: they are
 * counted here, in the runtime's memory, per login and over all logins.
 *
 * - RECOVERY_MAX_PER_LOGIN wrong passwords in a row for one login block that
 *   login for RECOVERY_LOCK_MINUTES (as the lock-out at sign-in does);
 * - RECOVERY_MAX_OVERALL wrong attempts in a row, whatever the logins, block
 *   every restore for RECOVERY_LOCK_MINUTES (trying many logins is no way round).
 *
 * While blocked, no password is checked at all, so the answer says nothing
 * about it. A restart of the app forgets the counts; each start then allows
 * only a few more guesses, and a start takes seconds, so guessing stays slow.
 */
export const RECOVERY_MAX_PER_LOGIN = 5;
export const RECOVERY_MAX_OVERALL = 10;
export const RECOVERY_LOCK_MINUTES = 15;

interface Count {
  failures: number;
  lockedUntil: number;
}

/** Logins written another way (full-width, upper case) count as the same login. */
function loginKey(login: string): string {
  return login.normalize('NFKC').trim().toLowerCase();
}

export class RecoveryThrottle {
  private readonly perLogin = new Map<string, Count>();
  private overall: Count = { failures: 0, lockedUntil: 0 };

  /** Milliseconds until this login may try again; 0 when it may now. */
  wait(login: string, now: Date): number {
    const at = now.getTime();
    const own = this.perLogin.get(loginKey(login));
    return Math.max(0, this.overall.lockedUntil - at, (own?.lockedUntil ?? 0) - at);
  }

  failed(login: string, now: Date): void {
    const key = loginKey(login);
    const own = this.perLogin.get(key) ?? { failures: 0, lockedUntil: 0 };
    this.perLogin.set(key, this.bump(own, RECOVERY_MAX_PER_LOGIN, now));
    this.overall = this.bump(this.overall, RECOVERY_MAX_OVERALL, now);
    // Bounded: the overall block stops anyone from filling the map faster than 10 logins a quarter hour.
    if (this.perLogin.size > 1_000) this.perLogin.clear();
  }

  succeeded(login: string): void {
    this.perLogin.delete(loginKey(login));
    this.overall = { failures: 0, lockedUntil: 0 };
  }

  private bump(count: Count, max: number, now: Date): Count {
    const failures = count.failures + 1;
    return failures >= max ? { failures: 0, lockedUntil: now.getTime() + RECOVERY_LOCK_MINUTES * 60_000 } : { failures, lockedUntil: count.lockedUntil };
  }
}

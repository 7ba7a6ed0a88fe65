/**
 * How long a session has been idle, and how long a lock-out has left,
 * measured on the monotonic clock (Clock.monotonicMs): someone setting the
 * desk's clock forward neither unlocks a locked-out account nor locks a
 * session early, and setting it back neither extends a lock-out nor keeps an
 * idle session open. The database keeps the wall-clock times as well (for
 * people reading them, and for a session or lock-out the process has not seen
 * since it started), but while the process runs the monotonic readings decide.
 *
 * Kept per database (a WeakMap keyed by the connection), so every runtime in
 * a process has its own, and nothing is left behind when one closes.
 */
import { monotonicNow, type Clock } from '../common/time';

interface Timers {
  /** Session token hash → monotonic ms of its last active call. */
  readonly active: Map<string, number>;
  /** Staff id → monotonic ms at which the lock-out ends. */
  readonly lockedUntil: Map<string, number>;
}

const byDatabase = new WeakMap<object, Timers>();

function timersOf(db: object): Timers {
  let timers = byDatabase.get(db);
  if (!timers) {
    timers = { active: new Map(), lockedUntil: new Map() };
    byDatabase.set(db, timers);
  }
  return timers;
}

export function noteActive(db: object, tokenHash: string, clock: Clock): void {
  timersOf(db).active.set(tokenHash, monotonicNow(clock));
}

/**
 * How long the session has been idle. A session not seen since this process
 * started falls back to the stored wall-clock time (never below zero), and is
 * timed monotonically from then on.
 */
export function idleMs(db: object, tokenHash: string, clock: Clock, storedLastActive: string, now: Date): number {
  const timers = timersOf(db);
  const seen = timers.active.get(tokenHash);
  if (seen !== undefined) return monotonicNow(clock) - seen;
  const stored = Math.max(0, now.getTime() - new Date(storedLastActive).getTime());
  timers.active.set(tokenHash, monotonicNow(clock) - stored);
  return stored;
}

export function startLockout(db: object, staffId: string, clock: Clock, ms: number): void {
  timersOf(db).lockedUntil.set(staffId, monotonicNow(clock) + ms);
}

export function clearLockout(db: object, staffId: string): void {
  timersOf(db).lockedUntil.delete(staffId);
}

/**
 * Milliseconds left of the account's lock-out (0: not locked out). A lock-out
 * this process has not seen (set before a restart) counts from the stored end,
 * but never for longer than a whole lock-out: a clock set back cannot stretch it.
 */
export function lockoutLeftMs(db: object, staffId: string, clock: Clock, storedUntil: string | null, now: Date, fullMs: number): number {
  const timers = timersOf(db);
  const until = timers.lockedUntil.get(staffId);
  if (until !== undefined) {
    const left = until - monotonicNow(clock);
    if (left <= 0) timers.lockedUntil.delete(staffId);
    return Math.max(0, left);
  }
  if (!storedUntil) return 0;
  const left = Math.min(fullMs, new Date(storedUntil).getTime() - now.getTime());
  if (left <= 0) return 0;
  timers.lockedUntil.set(staffId, monotonicNow(clock) + left);
  return left;
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { operations } from '../../src/api/contract';
import { Dispatcher } from '../../src/api/dispatcher';
import { useAuditKey } from '../../src/audit/log';
import { ManualClock } from '../../src/common/time';
import { MAX_FAILED_SIGN_INS } from '../../src/staff/accounts';
import { openVenueDatabase } from '../../src/store/database';
import { DEMO_STAFF } from '../fixtures/demo';
import { DEMO_NOW, seedDemoVenue } from '../support/venue';
import { median, percentile, round } from './stats';

/**
 * A refused sign-in must not tell by its timing which kind of refusal it was:
 * an unknown login, a wrong password, a disabled account, a locked-out one.
 * Each round tries all four through the dispatcher on a real encrypted
 * database (committed, audit entry and all), in rotating order.
 */
export const SIGN_IN_CASES = ['unknown login', 'wrong password', 'disabled account', 'locked account'] as const;
type Case = (typeof SIGN_IN_CASES)[number];

export interface SignInBenchResult {
  rounds: number;
  cases: Record<Case, { p50Ms: number; p95Ms: number; ratioToWrong: number }>;
}

export function benchSignIn(rounds = 60): SignInBenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'venue-bench-signin-'));
  const db = openVenueDatabase({ path: join(dir, 'venue.db'), key: randomBytes(32) });
  try {
    useAuditKey(db, randomBytes(32));
    const clock = new ManualClock(DEMO_NOW);
    seedDemoVenue(db, clock.now());
    const dispatcher = new Dispatcher({ db, operations, clock });
    const signIn = (login: string, password: string) => dispatcher.call('signIn', { login, password }, null);
    db.prepare(`UPDATE staff SET disabled = 1 WHERE login = ?`).run(DEMO_STAFF.reception.login);
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) signIn(DEMO_STAFF.nurse.login, 'wrong-password');
    const attempt: Record<Case, () => unknown> = {
      'unknown login': () => signIn('nobody-here', 'some-password-1'),
      'wrong password': () => signIn(DEMO_STAFF.supervisor.login, 'wrong-password'),
      'disabled account': () => signIn(DEMO_STAFF.reception.login, DEMO_STAFF.reception.password),
      'locked account': () => signIn(DEMO_STAFF.nurse.login, DEMO_STAFF.nurse.password),
    };
    const samples: Record<Case, number[]> = { 'unknown login': [], 'wrong password': [], 'disabled account': [], 'locked account': [] };
    for (let round = -3; round < rounds; round++) {
      // The supervisor's wrong passwords must not lock it during the run.
      db.prepare(`UPDATE staff SET failed_attempts = 0 WHERE login = ?`).run(DEMO_STAFF.supervisor.login);
      for (let k = 0; k < SIGN_IN_CASES.length; k++) {
        const name = SIGN_IN_CASES[(round + 3 + k) % SIGN_IN_CASES.length] as Case;
        const started = performance.now();
        attempt[name]();
        // The first rounds warm up (JIT, page cache) and are not kept.
        if (round >= 0) samples[name].push(performance.now() - started);
      }
    }
    const wrong = median(samples['wrong password']);
    const cases = Object.fromEntries(
      SIGN_IN_CASES.map((name) => [name, { p50Ms: round(median(samples[name]), 2), p95Ms: round(percentile(samples[name], 95), 2), ratioToWrong: round(median(samples[name]) / wrong, 2) }]),
    ) as SignInBenchResult['cases'];
    return { rounds, cases };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function signInSection(r: SignInBenchResult): string {
  return [
    `## Sign-in refusals: the same time whatever the reason (${r.rounds} rounds)`,
    '',
    'Each round tries the four refusals through the dispatcher on a real encrypted database (one argon2id verification each, the refusal and its audit entry committed), in rotating order. ' +
      'The reply is the same for all four; the time should be too.',
    '',
    '| refusal | p50 | p95 | p50 ratio to a wrong password |',
    '|---|---|---|---|',
    ...SIGN_IN_CASES.map((name) => `| ${name} | ${r.cases[name].p50Ms} ms | ${r.cases[name].p95Ms} ms | ${r.cases[name].ratioToWrong} |`),
  ].join('\n');
}

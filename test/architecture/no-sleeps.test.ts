/**
 * No test waits a fixed time for something it could wait for: an event, a
 * state, the next answer. This reads every test file (and the tests' support
 * code) as text and fails on `waitForTimeout(`, on a promise that resolves
 * from a timer (`setTimeout(resolve, …)`) and on a sleep helper
 * (`const sleep = …`, `function delay(…)`). The few files where wall time is
 * the very thing under test are listed below, each with its reason; a listed
 * file that no longer sleeps fails too, so the list stays short and true.
 * Benchmarks (test/bench) pace their load by the clock on purpose and are
 * not tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Where wall time is the subject, not a stand-in for an event. */
const ALLOWED: Readonly<Record<string, string>> = {
  'test/support/wait.ts': 'the one poll loop: it looks again every few ms until a state holds (until())',
  'test/sync/support/fault-proxy.ts': 'injected network delays: a slow or stalled link is the fault being simulated',
  'test/sync/faults.test.ts': 'staff pace and the window in which a service is killed, drawn from the printed seed',
  'test/sync/listen-restart.postgres.test.ts': 'PostgreSQL stays down for OUTAGE_MS: the length of the outage is the subject',
  'test/sync/e2e.test.ts': 'a staff call every 5 ms during a download: how late the timer fires is the lag measured',
  'server/feed-watch.test.ts': 'seeded random gaps between uploads, so they interleave with the long-polls in different ways',
};

const SLEEPS: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'waitForTimeout(', pattern: /\bwaitForTimeout\s*\(/ },
  { name: 'a promise resolved by a timer', pattern: /\bsetTimeout\s*\(\s*(?:resolve|res|r|done|ok|wake|next)\s*[,)]/ },
  { name: 'a promise resolved by a timer', pattern: /\bsetTimeout\s*\(\s*\(\)\s*=>\s*(?:resolve|res|r|done|ok|wake|next)\s*\(\s*\)\s*,/ },
  { name: 'a sleep helper', pattern: /\b(?:function\s+(?:sleep|delay|pause|wait)\s*\(|(?:const|let)\s+(?:sleep|delay|pause|wait)\s*=\s*(?:async\s*)?\()/ },
];

const SKIP_DIRS = new Set(['node_modules', 'dist', 'out', 'build', '.git', 'bench', 'test-results', 'coverage']);

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* walk(join(dir, entry.name));
    } else if (/\.(ts|tsx)$/.test(entry.name)) yield join(dir, entry.name);
  }
}

/** Test files anywhere, and everything under test/ (its support code included). */
function testFiles(): string[] {
  const files: string[] = [];
  for (const top of ['src', 'renderer', 'server', 'main', 'host', 'test']) {
    for (const file of walk(join(ROOT, top))) {
      const path = relative(ROOT, file).split('\\').join('/');
      if (path === 'test/architecture/no-sleeps.test.ts') continue;
      if (top === 'test' || /\.test\.tsx?$/.test(path)) files.push(path);
    }
  }
  return files;
}

/** Every sleep in a text, as "line: what" (comments are read too: a sleep commented out is still a sleep to remove). */
export function sleepsIn(text: string): string[] {
  const found: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    for (const { name, pattern } of SLEEPS) if (pattern.test(line)) found.push(`${i + 1}: ${name}`);
  }
  return found;
}

describe('tests wait for events and states, not for time', () => {
  const files = testFiles();

  it('finds the test files it reads', () => {
    expect(files).toContain('test/e2e/nurse.test.ts');
    expect(files).toContain('test/sync/support/devices.ts');
    expect(files.length).toBeGreaterThan(100);
  });

  it('recognises each kind of sleep', () => {
    expect(sleepsIn('await page.waitForTimeout(350);')).toEqual(['1: waitForTimeout(']);
    expect(sleepsIn('await new Promise((resolve) => setTimeout(resolve, 100));')).toEqual(['1: a promise resolved by a timer']);
    expect(sleepsIn('await new Promise<void>((done) => setTimeout(() => done(), 5));')).toEqual(['1: a promise resolved by a timer']);
    expect(sleepsIn('const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));')).toEqual(['1: a promise resolved by a timer', '1: a sleep helper']);
    // A deadline is not a sleep: it ends a wait that something else satisfies; nor is a value named wait.
    expect(sleepsIn('const wait = backoff.next();')).toEqual([]);
    expect(sleepsIn('const timer = setTimeout(() => reject(new Error("late")), 60_000);')).toEqual([]);
  });

  it('has no fixed sleep outside the listed files', () => {
    const offending = files.flatMap((path) => (path in ALLOWED ? [] : sleepsIn(readFileSync(join(ROOT, path), 'utf8')).map((where) => `${path}:${where}`)));
    expect(offending, 'wait for the event or the state instead (a locator, expect.poll, until(), the next answer)').toEqual([]);
  });

  it('lists only files that still need the clock', () => {
    const idle = Object.keys(ALLOWED).filter((path) => sleepsIn(readFileSync(join(ROOT, path), 'utf8')).length === 0);
    expect(idle, 'remove these from ALLOWED').toEqual([]);
  });
});

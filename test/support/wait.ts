/**
 * Waiting on a state: the one poll loop of the tests. A check is asked
 * again every `stepMs` until it holds or `timeoutMs` has passed; the step
 * is how often to look, never how long something is assumed to take. (The
 * architecture test test/architecture/no-sleeps.test.ts lets this file, and
 * no other, pause between looks.)
 */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, stepMs = 10): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return performance.now() - started;
}

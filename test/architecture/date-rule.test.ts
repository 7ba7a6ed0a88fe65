/**
 * The ESLint rule that keeps dates in one style (eslint.config.js): in the
 * renderer, outside renderer/src/i18n/format.ts, writing a date with
 * toLocaleDateString, toISOString or Intl.DateTimeFormat is an error; the
 * formatting module itself may.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PROBE = [
  "export const a = new Date().toLocaleDateString('ja-JP');",
  "export const b = new Intl.DateTimeFormat('ja-JP').format(new Date());",
  'export const c = new Date().toISOString();',
  '',
].join('\n');

async function dateErrors(path: string): Promise<number[]> {
  const [result] = await new ESLint({ cwd: ROOT }).lintText(PROBE, { filePath: resolve(ROOT, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-properties').map((m) => m.line);
}

describe('dates are written only by the formatting module', () => {
  it('flags each date written another way on a screen', async () => {
    expect(await dateErrors('renderer/src/screens/Probe.tsx')).toEqual([1, 2, 3]);
  });

  it('lets the formatting module write them', async () => {
    expect(await dateErrors('renderer/src/i18n/format.ts')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { prepared, preparedName } from './queryable';

describe('statements kept prepared', () => {
  it('go by a name of their own, one per text; an unmarked text has none', () => {
    const a = prepared('SELECT 1 WHERE $1::text[] IS NOT NULL');
    const b = prepared('SELECT 2 WHERE $1::text[] IS NOT NULL');
    expect(prepared(a)).toBe(a);
    expect(preparedName(a)).toMatch(/^venue_\d+$/);
    expect(preparedName(prepared(a))).toBe(preparedName(a));
    expect(preparedName(b)).not.toBe(preparedName(a));
    expect(preparedName('SELECT 3')).toBeUndefined();
  });

  it('are at most 64 shapes: texts built from parts beyond them run unprepared', () => {
    const names = new Set<string | undefined>();
    for (let i = 0; i < 100; i++) names.add(preparedName(prepared(`SELECT ${i} AS shape`)));
    expect(names.has(undefined)).toBe(true);
    expect(names.size).toBeLessThanOrEqual(64 + 1);
  });
});

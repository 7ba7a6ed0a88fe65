import { describe, expect, it } from 'vitest';
import { FEW_ITEMS, prepared, preparedName } from './queryable';

describe('statements kept prepared', () => {
  it('go by a name of their own while their arrays are small, and unnamed beyond, or when not marked', () => {
    const a = prepared('SELECT 1 WHERE $1::text[] IS NOT NULL');
    const b = prepared('SELECT 2 WHERE $1::text[] IS NOT NULL');
    expect(prepared(a)).toBe(a);
    const name = preparedName(a, [['x']]);
    expect(name).toMatch(/^venue_\d+$/);
    expect(preparedName(a, [Array.from({ length: FEW_ITEMS }, (_, i) => String(i)), 'not an array'])).toBe(name);
    expect(preparedName(b, [[]])).not.toBe(name);
    expect(preparedName(a, [Array.from({ length: FEW_ITEMS + 1 }, (_, i) => String(i))])).toBeUndefined();
    expect(preparedName('SELECT 3', [])).toBeUndefined();
  });

  it('are at most 64 shapes: texts built from parts beyond them run unprepared', () => {
    const names = new Set<string | undefined>();
    for (let i = 0; i < 100; i++) names.add(preparedName(prepared(`SELECT ${i} AS shape`), []));
    expect(names.has(undefined)).toBe(true);
    expect(names.size).toBeLessThanOrEqual(64 + 1);
  });
});

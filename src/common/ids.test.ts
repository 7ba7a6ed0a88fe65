import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, uuidv7 } from './ids';

describe('uuidv7', () => {
  it('is a valid version-7 UUID carrying the injected time', () => {
    const at = Date.UTC(2026, 10, 23, 0, 0, 0);
    const id = uuidv7(at);
    expect(validate(id) && version(id)).toBe(7);
    expect(id).toMatch(UUID_PATTERN);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('keeps ids made in one millisecond (a manual clock) in the order they were made, and never repeats', () => {
    const at = Date.UTC(2026, 10, 23, 9, 0, 0);
    const ids = Array.from({ length: 5_000 }, () => uuidv7(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A clock set back does not make an earlier id.
    const later = uuidv7(at - 60_000);
    expect(later > (ids.at(-1) ?? '')).toBe(true);
  });
});

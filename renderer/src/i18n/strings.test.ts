import { describe, expect, it } from 'vitest';
import { STRINGS } from './strings';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('every word on screen in Japanese and English', () => {
  it('has both languages for every key, not empty', () => {
    for (const [key, [ja, en]] of Object.entries(STRINGS)) {
      expect(ja.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const [key, [ja, en]] of Object.entries(STRINGS)) expect(placeholders(ja), key).toEqual(placeholders(en));
  });

  it('writes the Japanese in Japanese', () => {
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    const exempt = new Set(['lang.toggle', 'common.none', 'signin.login', 'verdict.checkInKey', 'nurse.recordKey']);
    for (const [key, [ja]] of Object.entries(STRINGS)) if (!exempt.has(key)) expect(japanese.test(ja), key).toBe(true);
  });
});

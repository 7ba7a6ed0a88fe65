import { describe, expect, it } from 'vitest';
import { gtinCheckDigit, isValidGtin, toGtin14 } from './gtin';

describe('GTIN check digit', () => {
  it('validates the docs/domain.md example GTIN-14 and a JAN code', () => {
    expect(isValidGtin('04987123456784')).toBe(true);
    expect(isValidGtin('4987123456784')).toBe(true);
    expect(isValidGtin('4987123456785')).toBe(false);
    expect(gtinCheckDigit('498712345678')).toBe(4);
  });

  it('pads a JAN code to GTIN-14 and refuses a bad one', () => {
    expect(toGtin14('4987123456784')).toBe('04987123456784');
    expect(toGtin14('4987123456780')).toBeNull();
    expect(toGtin14('12345')).toBeNull();
  });
});

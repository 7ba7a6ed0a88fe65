import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from './contact';

describe('contact masking', () => {
  it('keeps only the last four digits of a phone number', () => {
    expect(maskPhone('090-1234-5678')).toBe('***-****-5678');
    expect(maskPhone('09012345678')).toBe('***-****-5678');
    expect(maskPhone('(03) 3264-2111')).toBe('***-****-2111');
    expect(maskPhone('12-34')).toBe('****-1234');
    expect(maskPhone('12')).toBe('****');
    expect(maskPhone(null)).toBeNull();
    for (const phone of ['090-1234-5678', '0332642111']) expect(maskPhone(phone)?.replace(/\D/g, '').length).toBe(4);
  });

  it('keeps only first letters and the top-level domain of an e-mail address', () => {
    expect(maskEmail('yamada.taro@example.jp')).toBe('y***@e***.jp');
    expect(maskEmail('a@b')).toBe('a***@b***');
    expect(maskEmail('nonsense')).toBe('***');
    expect(maskEmail(null)).toBeNull();
    expect(maskEmail('person0001@example.jp')).not.toContain('person0001');
  });
});

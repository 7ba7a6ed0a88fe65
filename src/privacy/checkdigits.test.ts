import { describe, expect, it } from 'vitest';
import { isValidMunicipalityCode, isValidMyNumber, municipalityCheckDigit, myNumberCheckDigit } from './checkdigits';

describe('municipality code check digit', () => {
  it.each(['131016', '131041', '082040', '122319', '011002', '130001', '271004', '141003'])(
    'accepts the published code %s',
    (code) => {
      expect(isValidMunicipalityCode(code)).toBe(true);
    },
  );

  it('rejects every other sixth digit for a known code', () => {
    for (let d = 0; d <= 9; d++) {
      expect(isValidMunicipalityCode(`13101${d}`)).toBe(d === 6);
    }
  });

  it('computes the digit from the first five', () => {
    expect(municipalityCheckDigit('13104')).toBe(1);
    expect(() => municipalityCheckDigit('1310')).toThrow(RangeError);
  });
});

describe('individual number check digit', () => {
  // 12345678901x: computed by hand. P1..P11 from the right: 1,0,9,8,7,6,5,4,3,2,1
  // weights 2,3,4,5,6,7,2,3,4,5,6 → 2+0+36+40+42+42+10+12+12+10+6 = 212; 212 mod 11 = 3; 11-3 = 8
  it('computes the digit of a hand-checked example', () => {
    expect(myNumberCheckDigit('12345678901')).toBe(8);
    expect(isValidMyNumber('123456789018')).toBe(true);
    expect(isValidMyNumber('123456789017')).toBe(false);
  });
});

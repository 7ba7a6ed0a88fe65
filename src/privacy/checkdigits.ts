/**
 * Check digits used on tickets and in personal data (the individual-number detector needs them,
 * so they live beside it, below the ticket and GS1 parsers). Rules from docs/domain.md.
 * Pure functions: also used by the central service and the renderer.
 */

const DIGITS = /^[0-9]+$/;

/** 全国地方公共団体コード: six digits, the sixth a check digit over the first five. */
export function municipalityCheckDigit(firstFive: string): number {
  if (firstFive.length !== 5 || !DIGITS.test(firstFive)) {
    throw new RangeError('municipalityCheckDigit needs exactly five digits');
  }
  let sum = 0;
  for (let i = 0; i < 5; i++) sum += (6 - i) * Number(firstFive[i]);
  return (11 - (sum % 11)) % 10;
}

export function isValidMunicipalityCode(code: string): boolean {
  return (
    code.length === 6 &&
    DIGITS.test(code) &&
    municipalityCheckDigit(code.slice(0, 5)) === Number(code[5])
  );
}

/** 個人番号: twelve digits, the twelfth a check digit over the first eleven. */
export function myNumberCheckDigit(firstEleven: string): number {
  if (firstEleven.length !== 11 || !DIGITS.test(firstEleven)) {
    throw new RangeError('myNumberCheckDigit needs exactly eleven digits');
  }
  let sum = 0;
  // P1 is the rightmost of the eleven digits.
  for (let n = 1; n <= 11; n++) {
    const p = Number(firstEleven[11 - n]);
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

export function isValidMyNumber(digits: string): boolean {
  return (
    digits.length === 12 &&
    DIGITS.test(digits) &&
    myNumberCheckDigit(digits.slice(0, 11)) === Number(digits[11])
  );
}

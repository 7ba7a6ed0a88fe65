/**
 * GTIN check digits (GS1 General Specifications, mod-10 with weights 3 and 1
 * from the right). JAN/EAN-13, GTIN-14 and the rest share the rule.
 */
const DIGITS = /^[0-9]+$/;

export function gtinCheckDigit(body: string): number {
  if (!DIGITS.test(body)) throw new RangeError('gtinCheckDigit needs digits only');
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = Number(body[body.length - 1 - i]);
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** True for 8, 12, 13 or 14 digits whose last digit is the GTIN check digit. */
export function isValidGtin(code: string): boolean {
  if (![8, 12, 13, 14].includes(code.length) || !DIGITS.test(code)) return false;
  return gtinCheckDigit(code.slice(0, -1)) === Number(code[code.length - 1]);
}

/** Any valid GTIN written as GTIN-14, so JAN-13 and (01) GTIN-14 compare equal. */
export function toGtin14(code: string): string | null {
  return isValidGtin(code) ? code.padStart(14, '0') : null;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTEXTS, DIGIT_ZEROS, SEPARATOR_CLASSES, disguisedNumber, legitimateValue } from '../../test/fixtures/individual-numbers';
import { containsIndividualNumber, maskIndividualNumbers } from './individual-number';

// 123456789018 carries a valid check digit (hand-checked in src/ticket/checkdigits.test.ts); 123456789017 does not.
describe('the individual-number detector', () => {
  it('finds the issue’s examples', () => {
    for (const value of ['1234.5678.9018', '1234/5678/9018', '1234_5678_9018', '1234\u200B5678\u200B9018', 'L123456789018', '山田 123456789018', '123456789018@example.jp']) {
      expect(containsIndividualNumber(value), value).toBe(true);
    }
  });

  it('finds it with any separators, in any script’s digits, full-width, and inside text', () => {
    for (const value of [
      '123456789018',
      '1234 5678 9018',
      '1234-5678-9018',
      '１２３４ ５６７８ ９０１８',
      '１２３４－５６７８－９０１８',
      '1234\u30005678\u30009018',
      '1234ー5678ー9018',
      '1234一5678一9018',
      '1 2 3 4 5 6 7 8 9 0 1 8',
      '12,3456,789018',
      '(1234)5678.9018',
      '1234\u00AD5678\u2060 9018',
      '1\u03002\u03003\u030045678 9018',
      '١٢٣٤٥٦٧٨٩٠١٨',
      '१२३४५६७८९०१८',
      '𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎𝟏𝟖',
      '番号は1234.5678.9018です',
      'taro.123456789018@example.jp',
      'x 1234 5678 9018円',
      '2026-11-01 1234 5678 9018',
      '03-1234-5678 1234 5678 9018',
    ]) {
      expect(containsIndividualNumber(value), value).toBe(true);
    }
  });

  it('lets through what is not twelve digits with the check digit', () => {
    for (const value of ['1234 5678 9017', '12345678901', '1234567890180', '4912345678904', '１２３４５６７８９０１７', '一二三四五六七八九〇一八', '', 'なし']) {
      expect(containsIndividualNumber(value), value).toBe(false);
    }
    expect(containsIndividualNumber(123456789018)).toBe(false);
    expect(containsIndividualNumber(null)).toBe(false);
  });

  it('lets through the issue’s false positives: tickets typed with spaces, dates and times, phone numbers', () => {
    for (const value of [
      '1113 1016 0000 1001 00',
      '2026-11-01 1000 に発熱あり',
      '03-1234-5678',
      '090-1234-5678',
      '+81 90 1234 5678',
      '+81 (0)90 1234 5678',
      '〒100-0001',
      'FA1234',
      'taro.1985@example.jp',
      '2026-11-23T09:00:00.000+09:00',
      '01900000-0000-7000-8000-000000000000',
      '0190a3b2-1c4d-7e00-8a00-123456789018',
      '03-1234-5678 90歳',
      '192.168.100.200:8443',
      '120/80 130/85 140/90',
      '37.5 37.8 38.1 38.2',
      'R8.11.01 03(2261)9242',
      'BK20261101-4455',
    ]) {
      expect(containsIndividualNumber(value), value).toBe(false);
    }
  });

  it('masks only the digits it found, and leaves other text as it was', () => {
    expect(maskIndividualNumbers('番号は1234.5678.9018です')).toBe('番号は****.****.****です');
    expect(maskIndividualNumbers('There is no municipality １２３４５６７８９０１８.')).toBe('There is no municipality ************.');
    expect(maskIndividualNumbers('受付（１）03-1234-5678')).toBe('受付（１）03-1234-5678');
  });

  it('never finds more digits than NFKC can make: at most three per code point, none in kana, kanji or Latin letters', () => {
    // The fast path of containsIndividualNumber counts this way before it normalises anything.
    const digitFree = (c: number) =>
      (c >= 0x3000 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff9f) || (c >= 0xc0 && c <= 0x24f);
    let most = 0;
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const digits = String.fromCodePoint(cp).normalize('NFKC').match(/\p{Nd}/gu)?.length ?? 0;
      if (digits > 0 && digitFree(cp)) expect.fail(`U+${cp.toString(16)} makes a digit`);
      most = Math.max(most, digits);
    }
    expect(most).toBeLessThanOrEqual(3);
  });
});

const SEED = Number(process.env.PRIVACY_SEED ?? 20261101);
const DISGUISED_RUNS = 2_000;
const LEGITIMATE_RUNS = 20_000;

describe('the corpus', () => {
  it(`${DISGUISED_RUNS} numbers in disguise are all found, and ${LEGITIMATE_RUNS} legitimate values are all let through`, { timeout: 120_000 }, () => {
    console.log(`individual-number corpus: fast-check seed ${SEED} (set PRIVACY_SEED to replay another)`);
    const separators = new Set<string>();
    const contexts = new Set<number>();
    const zeros = new Set<number>();
    fc.assert(
      fc.property(disguisedNumber, (d) => {
        for (const c of d.separatorClasses) separators.add(c);
        contexts.add(d.context);
        for (const ch of d.value) {
          const cp = ch.codePointAt(0) ?? 0;
          const zero = DIGIT_ZEROS.find((z) => cp >= z && cp <= z + 9);
          if (zero !== undefined) zeros.add(zero);
        }
        expect(containsIndividualNumber(d.value), JSON.stringify(d.value)).toBe(true);
        expect(maskIndividualNumbers(d.value)).not.toContain(d.number.slice(-4));
      }),
      { seed: SEED, numRuns: DISGUISED_RUNS },
    );
    fc.assert(
      fc.property(legitimateValue, (value) => {
        expect(containsIndividualNumber(value), JSON.stringify(value)).toBe(false);
      }),
      { seed: SEED, numRuns: LEGITIMATE_RUNS },
    );
    console.log(`individual-number corpus: ${DISGUISED_RUNS} disguised (separator classes ${[...separators].sort().join(', ')}; ${contexts.size} contexts; ${zeros.size} digit scripts), ${LEGITIMATE_RUNS} legitimate`);
    // The disguises covered every separator class, every context and every way of writing a digit.
    expect([...separators].sort()).toEqual(Object.keys(SEPARATOR_CLASSES).sort());
    expect(contexts.size).toBe(CONTEXTS.length);
    expect(zeros.size).toBe(DIGIT_ZEROS.length);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { venueDate } from '../common/time';
import { myNumberCheckDigit } from '../privacy/checkdigits';
import { gtinCheckDigit } from './gtin';
import type { Gs1Result, Gs1Scan } from './parse';
import { GS1_ERROR_CODES, gs1DateToIso, gs1FullYear, parseGs1 } from './parse';
import { seedFrom } from '../../test/support/random';

/** fast-check's seed for every property in this file: printed, and replayed with VENUE_FC_SEED=<seed>. */
fc.configureGlobal({ seed: seedFrom('VENUE_FC_SEED', 20261203) });

const GS = '\u001D';
const GTIN = '04987123456784'; // docs/domain.md example
const TODAY = { today: '2026-06-01' };

function expectScan(result: Gs1Result): Gs1Scan {
  if (!result.ok) throw new Error(`expected a scan, got ${result.code} (${result.ai ?? ''})`);
  return result;
}

function expectCode(result: Gs1Result, code: string, ai?: string) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code).toBe(code);
  if (ai !== undefined) expect(result.ai).toBe(ai);
  expect(result.message.ja.length).toBeGreaterThan(0);
  expect(result.message.en.length).toBeGreaterThan(0);
}

const DOMAIN_EXAMPLE = { gtin: GTIN, expiry: '2027-12-31', lot: 'AB1234', serial: null };

describe('parseGs1: forms', () => {
  it.each([
    ['the spaced human form (docs/domain.md)', '01 04987123456784 17 271231 10 AB1234'],
    ['the parenthesised form', '(01)04987123456784(17)271231(10)AB1234'],
    ['the parenthesised form with spaces', '(01) 04987123456784 (17) 271231 (10) AB1234\r\n'],
    ['a raw element string, lot last without GS', '01049871234567841727123110AB1234'],
    ['GS1 DataMatrix with leading FNC1', `]d2${GS}01049871234567841727123110AB1234`],
    ['GS1-128', ']C101049871234567841727123110AB1234\r'],
    ['DataBar + composite', ']e001049871234567841727123110AB1234'],
    ['GS1 QR', ']Q301049871234567841727123110AB1234'],
    ['GS1 DotCode', ']J101049871234567841727123110AB1234'],
    ['lot first, ended by GS', `010498712345678410AB1234${GS}17271231`],
    ['GS typed as <GS>', '010498712345678410AB1234<GS>17271231'],
    ['GS typed as \\x1d', '010498712345678410AB1234\\x1d17271231'],
    ['GS typed as ^]', '010498712345678410AB1234^]17271231'],
    ['AI and value joined, spaced between elements', '0104987123456784 17271231 10AB1234'],
    ['full-width digits from a Japanese keyboard', '０１０４９８７１２３４５６７８４１７２７１２３１１０ＡＢ１２３４'],
  ])('reads %s', (_label, raw) => {
    expect(expectScan(parseGs1(raw, TODAY))).toMatchObject(DOMAIN_EXAMPLE);
  });

  it('keeps the elements in order', () => {
    expect(expectScan(parseGs1('(01)04987123456784(17)271231(10)AB1234', TODAY)).elements).toEqual([
      { ai: '01', value: GTIN },
      { ai: '17', value: '271231' },
      { ai: '10', value: 'AB1234' },
    ]);
  });

  it('reads a DataBar without its composite part as a GTIN only', () => {
    expect(expectScan(parseGs1(']e00104987123456784', TODAY))).toMatchObject({
      gtin: GTIN,
      expiry: null,
      lot: null,
      serial: null,
    });
  });

  it('reads a serial after the lot', () => {
    const scan = expectScan(parseGs1(`]d201049871234567841727123110AB1234${GS}21XYZ-9`, TODAY));
    expect(scan).toMatchObject({ lot: 'AB1234', serial: 'XYZ-9' });
  });

  it('keeps lot letters exactly as encoded', () => {
    expect(expectScan(parseGs1('(10)ab-12/x', TODAY)).lot).toBe('ab-12/x');
  });
});

describe('parseGs1: every AI', () => {
  it('reads and keeps 00, 01, 02, 10, 11, 13, 15, 16, 17, 20, 21, 240, 241, 30 and 7003', () => {
    const raw =
      ']C1' +
      '00049871230000000017' +
      `01${GTIN}` +
      '0214987123456781' +
      '11250101' +
      '13250102' +
      '15271130' +
      '16271129' +
      '17271231' +
      '2007' +
      `70032712311200${GS}` +
      `240ABC-123${GS}` +
      `241X1${GS}` +
      `3012${GS}` +
      `21S1${GS}` +
      '10L1';
    const scan = expectScan(parseGs1(raw, TODAY));
    expect(scan.elements).toEqual([
      { ai: '00', value: '049871230000000017' },
      { ai: '01', value: GTIN },
      { ai: '02', value: '14987123456781' },
      { ai: '11', value: '250101' },
      { ai: '13', value: '250102' },
      { ai: '15', value: '271130' },
      { ai: '16', value: '271129' },
      { ai: '17', value: '271231' },
      { ai: '20', value: '07' },
      { ai: '7003', value: '2712311200' },
      { ai: '240', value: 'ABC-123' },
      { ai: '241', value: 'X1' },
      { ai: '30', value: '12' },
      { ai: '21', value: 'S1' },
      { ai: '10', value: 'L1' },
    ]);
    expect(scan).toMatchObject({ gtin: GTIN, expiry: '2027-12-31', lot: 'L1', serial: 'S1' });
  });

  it('reads the same in the parenthesised form', () => {
    const scan = expectScan(parseGs1('(02)14987123456781(30)12(240)ABC(7003)2712311200(11)250100', TODAY));
    expect(scan.elements.map((e) => e.ai)).toEqual(['02', '30', '240', '7003', '11']);
    expect(scan.gtin).toBeNull();
  });

  it('accepts a lot of 20 characters and a count of 8 digits', () => {
    const lot = 'A'.repeat(20);
    expect(expectScan(parseGs1(`(10)${lot}(30)12345678`, TODAY)).lot).toBe(lot);
  });
});

describe('parseGs1: dates', () => {
  it.each([
    ['271231', '2027-12-31'],
    ['271100', '2027-11-30'],
    ['271200', '2027-12-31'],
    ['270200', '2027-02-28'],
    ['280200', '2028-02-29'], // leap year
    ['280229', '2028-02-29'],
    ['300200', '2030-02-28'],
  ])('reads expiry %s as %s (DD = 00 is the last day of the month)', (yymmdd, iso) => {
    expect(expectScan(parseGs1(`(01)${GTIN}(17)${yymmdd}`, TODAY)).expiry).toBe(iso);
  });

  it('puts two-digit years within −49…+50 years of today', () => {
    expect(expectScan(parseGs1('(17)760101', { today: '2026-06-01' })).expiry).toBe('2076-01-01');
    expect(expectScan(parseGs1('(17)770101', { today: '2026-06-01' })).expiry).toBe('1977-01-01');
    expect(expectScan(parseGs1('(17)100101', { today: '2060-01-01' })).expiry).toBe('2110-01-01');
    expect(expectScan(parseGs1('(17)110101', { today: '2060-01-01' })).expiry).toBe('2011-01-01');
    expect(expectScan(parseGs1('(17)990101', { today: '2001-03-01' })).expiry).toBe('1999-01-01');
    expect(gs1FullYear(0, 2099)).toBe(2100);
    expect(gs1FullYear(49, 2099)).toBe(2149); // +50
    expect(gs1FullYear(50, 2099)).toBe(2050); // −49
  });

  it('uses the current year when today is not given or not a date', () => {
    const thisYear = Number(venueDate(new Date()).slice(0, 4));
    const yy = String(thisYear % 100).padStart(2, '0');
    expect(expectScan(parseGs1(`(17)${yy}0615`)).expiry).toBe(`${thisYear}-06-15`);
    expect(expectScan(parseGs1(`(17)${yy}0615`, { today: 'soon' })).expiry?.slice(0, 4)).toBe(String(thisYear));
  });

  it.each(['271331', '270230', '270229', '271032', '270000'])('refuses the impossible expiry %s', (yymmdd) => {
    expectCode(parseGs1(`(01)${GTIN}(17)${yymmdd}`, TODAY), 'BAD_DATE', '17');
  });

  it('checks the production date too', () => {
    expectCode(parseGs1('(11)251301', TODAY), 'BAD_DATE', '11');
    expect(gs1DateToIso('250100', 2026)).toBe('2025-01-31');
  });
});

describe('parseGs1: refusals', () => {
  it.each(['', '  \r\n', ']d2', GS, `]C1${GS}`])('EMPTY for %j', (raw) => {
    expectCode(parseGs1(raw, TODAY), 'EMPTY');
  });

  it.each([
    ['a ticket QR with AIM', ']Q1111310160000012345'],
    ['a bare 18-digit ticket', '111310160000012345'],
    ['a bare 18-digit ticket starting 01', '011310160000012345'],
    ['a 10-digit NW-7 ticket number', '0000012345'],
    ['Codabar with AIM', ']F0A0000012345A'],
    ['words', 'hello'],
    ['a JAN code', '4987123456784'],
    ['a JAN code with AIM', ']E04987123456784'],
    ['an unbalanced parenthesis', '(ab)123'],
  ])('NOT_GS1 for %s', (_label, raw) => {
    expectCode(parseGs1(raw, TODAY), 'NOT_GS1');
  });

  it('BAD_GTIN_CHECK_DIGIT for a GTIN that fails its check digit', () => {
    expectCode(parseGs1('0104987123456785', TODAY), 'BAD_GTIN_CHECK_DIGIT', '01');
    expectCode(parseGs1('01 04987123456785 17 271231 10 AB1234', TODAY), 'BAD_GTIN_CHECK_DIGIT', '01');
    expectCode(parseGs1('(01)04987123456785', TODAY), 'BAD_GTIN_CHECK_DIGIT', '01');
  });

  it.each([
    ['a lot of 21 characters', `(10)${'A'.repeat(21)}`, '10'],
    ['an empty lot', `(01)${GTIN}(10)(17)271231`, '10'],
    ['a short expiry', '(17)2712', '17'],
    ['a short expiry before GS', `]d2172712${GS}10AB`, '17'],
    ['a GTIN cut short at the end', ']d2010498712345678', '01'],
    ['a 13-digit GTIN in brackets', '(01)4987123456784', '01'],
    ['a count of 9 digits', `]d2${'30'}123456789`, '30'],
    ['a serial of 21 characters', `]d221${'9'.repeat(21)}`, '21'],
  ])('BAD_LENGTH for %s', (_label, raw, ai) => {
    expectCode(parseGs1(raw, TODAY), 'BAD_LENGTH', ai);
  });

  it.each([
    ['# in a lot', '(10)AB#1', '10'],
    ['a space inside a lot', '(10)AB 12', '10'],
    ['a letter in a count', `]d20104987123456784${'30'}12A`, '30'],
    ['a letter in an expiry', '(17)27123X', '17'],
    ['a non-ASCII lot', '(10)ロット1', '10'],
  ])('BAD_CHARACTER for %s', (_label, raw, ai) => {
    expectCode(parseGs1(raw, TODAY), 'BAD_CHARACTER', ai);
  });

  it('UNKNOWN_AI names the AI', () => {
    for (const [raw, ai] of [
      [`]d20104987123456784${'99'}ABC`, '99'],
      [`(01)${GTIN}(3103)000500`, '3103'],
      [`01${GTIN}${'99'}ABC`, '99'],
      [`]d2${'422'}392`, '422'],
    ] as const) {
      const result = parseGs1(raw, TODAY);
      expectCode(result, 'UNKNOWN_AI', ai);
      expect(result.ok ? '' : result.message.en).toContain(`(${ai})`);
    }
  });

  it('DUPLICATE_AI for the same AI with different values, not for a repeat', () => {
    expectCode(parseGs1('(10)AB(10)CD', TODAY), 'DUPLICATE_AI', '10');
    expect(expectScan(parseGs1(`(01)${GTIN}(10)AB(01)${GTIN}`, TODAY)).elements).toHaveLength(2);
  });

  it('refuses an individual number without showing any digit of it', () => {
    // Numbers that start like an AI: a lot alone ("10…") or an expiry ("17…") must not be read as a pack.
    const asLot = `10234567890${myNumberCheckDigit('10234567890')}`;
    const asExpiry = `17123156789${myNumberCheckDigit('17123156789')}`;
    for (const raw of ['123456789018', '1234 5678 9018', ']d2123456789018', '1234.5678.9018', 'L123456789018', asLot, asExpiry, `]d2${asLot}`, `(01)${GTIN}(10)1234-5678-9018`]) {
      const result = parseGs1(raw, TODAY);
      expectCode(result, 'INDIVIDUAL_NUMBER');
      expect(JSON.stringify(result)).not.toMatch(/[0-9]/);
    }
  });

  it('never throws on values that are not strings', () => {
    expectCode(parseGs1(undefined as unknown as string), 'EMPTY');
    expectCode(parseGs1(42 as unknown as string), 'NOT_GS1');
    expect(parseGs1('(17)271231', { today: 12 as unknown as string }).ok).toBe(true);
  });
});

describe('parseGs1: properties', () => {
  const wellFormed = (result: Gs1Result) => {
    if (result.ok) {
      expect(result.gtin === null || /^[0-9]{14}$/.test(result.gtin)).toBe(true);
      expect(result.expiry === null || /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(result.expiry)).toBe(true);
    } else {
      expect(GS1_ERROR_CODES).toContain(result.code);
      expect(result.message.ja.length).toBeGreaterThan(0);
    }
  };

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 60 })), (raw) => {
        wellFormed(parseGs1(raw, TODAY));
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads back any GTIN + expiry + lot it is given, in every form', () => {
    const cset82 = fc.constantFrom(...'ABCXYZabc0123456789-./'.split(''));
    const gtin = fc
      .string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 13, maxLength: 13 })
      .map((body) => `${body}${gtinCheckDigit(body)}`);
    const lot = fc.string({ unit: cset82, minLength: 1, maxLength: 20 });
    const date = fc.date({ min: new Date('2000-01-01'), max: new Date('2070-12-31'), noInvalidDate: true });
    fc.assert(
      fc.property(gtin, date, lot, (g, d, l) => {
        const iso = d.toISOString().slice(0, 10);
        const yymmdd = iso.slice(2).replace(/-/g, '');
        const forms = [
          `]d2${GS}01${g}17${yymmdd}10${l}`,
          `(01)${g}(17)${yymmdd}(10)${l}`,
          `01 ${g} 17 ${yymmdd} 10 ${l}`,
          `01${g}10${l}${GS}17${yymmdd}`,
        ];
        for (const raw of forms) {
          const result = parseGs1(raw, { today: '2026-06-01' });
          // The rare lot that happens to spell a My Number must be refused, not read.
          if (!result.ok && result.code === 'INDIVIDUAL_NUMBER') continue;
          expect(expectScan(result)).toMatchObject({ gtin: g, expiry: iso, lot: l });
        }
      }),
      { numRuns: 3_000 },
    );
  });
});

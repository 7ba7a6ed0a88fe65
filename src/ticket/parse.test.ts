import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '../gs1/gtin';
import { isValidMunicipalityCode, municipalityCheckDigit } from '../privacy/checkdigits';
import type { TicketParseResult } from './parse';
import { TICKET_ERROR_CODES, checkTypedTicketDigits, parseTicketCode } from './parse';
import { seedFrom } from '../../test/support/random';

/** fast-check's seed for every property in this file: printed, and replayed with VENUE_FC_SEED=<seed>. */
fc.configureGlobal({ seed: seedFrom('VENUE_FC_SEED', 20261204) });

const GS = '\u001D';
// kind 1, dose 1, 千代田区 131016, ticket number 0000012345
const TICKET = '111310160000012345';
const MY_NUMBER = '123456789018'; // hand-checked in checkdigits.test.ts

function expectTicket(result: TicketParseResult) {
  if (!result.ok) throw new Error(`expected a ticket, got ${result.code}`);
  return result;
}

function expectCode(result: TicketParseResult, code: string) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code).toBe(code);
  expect(result.message.ja.length).toBeGreaterThan(0);
  expect(result.message.en.length).toBeGreaterThan(0);
}

function toFullWidth(s: string): string {
  return s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}

function messageText(result: TicketParseResult): string {
  return result.ok ? '' : `${result.message.ja}\n${result.message.en}`;
}

describe('parseTicketCode: accepted forms', () => {
  it('reads the plain 18-digit OCR line', () => {
    expect(parseTicketCode(TICKET)).toEqual({
      ok: true,
      format: 'line18',
      kind: '1',
      dose: '1',
      municipality: '131016',
      number: '0000012345',
    });
  });

  it.each([
    ['QR content with ]Q1 and CR/LF', `]Q1${TICKET}\r\n`],
    ['surrounding whitespace and TAB', `\t  ${TICKET} \n`],
    ['full-width digits', toFullWidth(TICKET)],
    ['full-width AIM prefix', `］Ｑ１${toFullWidth(TICKET)}`],
    ['spaced groups', '1 1 131016 0000012345'],
    ['hyphenated groups', '11-131016-0000012345'],
    ['ideographic spaces and a long-vowel mark typed by an IME', '11\u3000131016ー0000012345'],
  ])('reads %s', (_label, raw) => {
    const t = expectTicket(parseTicketCode(raw));
    expect(t.format).toBe('line18');
    expect(t.municipality).toBe('131016');
    expect(t.number).toBe('0000012345');
  });

  it('reads an 18-digit line starting 01 as kind 0, dose 1', () => {
    // Digits 3–16 also form a GTIN-14 with a valid check digit: still a ticket.
    const body = '1310160000012';
    const code = `01${body}${gtinCheckDigit(body)}99`;
    const t = expectTicket(parseTicketCode(code));
    expect(t).toMatchObject({ kind: '0', dose: '1', municipality: '131016' });
  });

  it.each([
    ['bare', '0000012345'],
    ['with A…A', 'A0000012345A'],
    ['with a…d', 'a0000012345d'],
    ['with ]F0 and B…C', ']F0B0000012345C\r'],
    ['with the T N * E set', 'T0000012345*'],
    ['with E…N', 'e0000012345n'],
    ['with spaces inside the start/stop characters', 'A 00000 12345 A'],
  ])('reads a 10-digit NW-7 ticket number %s, using the venue default municipality', (_label, raw) => {
    expect(parseTicketCode(raw, { defaultMunicipality: '131041' })).toEqual({
      ok: true,
      format: 'nw7',
      kind: null,
      dose: null,
      municipality: '131041',
      number: '0000012345',
    });
  });

  it('ignores the default municipality for an 18-digit read', () => {
    expect(expectTicket(parseTicketCode(TICKET, { defaultMunicipality: '131041' })).municipality).toBe('131016');
  });
});

describe('parseTicketCode: refusals', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', ' \r\n\t'],
    ['an AIM prefix alone', ']Q1\r\n'],
  ])('EMPTY for %s', (_label, raw) => {
    expectCode(parseTicketCode(raw), 'EMPTY');
  });

  it.each(['11131016000001234X', 'hello', '1113101600.00012345', '١٢٣٤٥٦٧٨٩٠'])('NOT_DIGITS for %s', (raw) => {
    expectCode(parseTicketCode(raw), 'NOT_DIGITS');
  });

  it('WRONG_LENGTH says how many digits were read, never which', () => {
    for (const raw of ['12345', '11131016000001234', '1113101600000123456', '12345678']) {
      const result = parseTicketCode(raw);
      expectCode(result, 'WRONG_LENGTH');
      expect(messageText(result)).toContain(`${raw.length}桁`);
      expect(messageText(result)).toContain(`${raw.length} digits`);
      expect(messageText(result)).not.toContain(raw);
    }
  });

  it('BAD_CHECK_DIGIT for a municipality code that fails its check digit, without guessing', () => {
    expectCode(parseTicketCode('111310170000012345'), 'BAD_CHECK_DIGIT');
    // 1 misread as 4 in the municipality code
    expectCode(parseTicketCode('114310160000012345'), 'BAD_CHECK_DIGIT');
  });

  it('DOSE_ZERO for dose digit 0', () => {
    expectCode(parseTicketCode('101310160000012345'), 'DOSE_ZERO');
  });

  it('NO_MUNICIPALITY for a 10-digit read without a default', () => {
    expectCode(parseTicketCode('A0000012345A'), 'NO_MUNICIPALITY');
    expectCode(parseTicketCode('0000012345', { defaultMunicipality: ' ' }), 'NO_MUNICIPALITY');
  });

  it('BAD_DEFAULT_MUNICIPALITY when the venue default is not a valid code', () => {
    expectCode(parseTicketCode('0000012345', { defaultMunicipality: '131017' }), 'BAD_DEFAULT_MUNICIPALITY');
    expectCode(parseTicketCode('0000012345', { defaultMunicipality: 'Tokyo' }), 'BAD_DEFAULT_MUNICIPALITY');
  });

  it.each([
    ['GS1 DataMatrix AIM', `]d20104987123456784172712311${'0'}AB1234`],
    ['GS1-128 AIM', ']C1010498712345678417271231'],
    ['DataBar AIM', ']e00104987123456784'],
    ['GS1 QR AIM', `]Q3${TICKET}`],
    ['GS1 DotCode AIM', ']J10104987123456784'],
    ['GS separator', `010498712345678410AB1234${GS}17271231`],
    ['an 18-digit string with a GS', `${GS}${TICKET}`],
    ['parenthesised form', '(01)04987123456784(17)271231(10)AB1234'],
    ['spaced human form (docs/domain.md example)', '01 04987123456784 17 271231 10 AB1234'],
    ['bare element string longer than 18', '010498712345678417271231'],
    ['bare element string with a lot', '01049871234567841727123110AB1234'],
    ['DataBar without composite (16 digits)', '0104987123456784'],
    // Whatever prefix the scanner was set up to send: still named a vial.
    ['a "#" prefix', '#01049871234567841727123110AB1234'],
    ['a code ID letter prefix', 'w01049871234567841727123110AB1234'],
    ['a non-GS1 DataMatrix AIM', ']d101049871234567841727123110AB1234'],
    ['a word prefix and parentheses', 'VIAL:(01)04987123456784(17)271231(10)AB1234'],
    ['a prefix and a bare 16-digit DataBar', '*0104987123456784'],
    ['a prefix and a <GS> written out', '$010498712345678410AB1234<GS>17271231'],
  ])('VACCINE_PACK for %s', (_label, raw) => {
    const result = parseTicketCode(raw);
    expectCode(result, 'VACCINE_PACK');
    expect(result.ok ? '' : result.message.en).toContain('vaccine pack');
  });

  it.each([
    ['JAN-13', '4987123456784'],
    ['JAN-13 with ]E0', ']E04987123456784\r\n'],
    ['GTIN-14', `1498712345678${gtinCheckDigit('1498712345678')}`],
  ])('PRODUCT_BARCODE for %s', (_label, raw) => {
    const result = parseTicketCode(raw);
    expectCode(result, 'PRODUCT_BARCODE');
    expect(result.ok ? '' : result.message.en).toContain('not a ticket');
  });

  it('treats a JAN-13 with a bad check digit as the wrong length', () => {
    expectCode(parseTicketCode('4987123456785'), 'WRONG_LENGTH');
  });

  it.each([
    ['plain', MY_NUMBER],
    ['4-4-4 with spaces', '1234 5678 9018'],
    ['4-4-4 with hyphens', '1234-5678-9018'],
    ['full-width', toFullWidth('1234 5678 9018')],
    ['after an AIM prefix', `]Q1${MY_NUMBER}\r\n`],
    ['inside Codabar start/stop', `A${MY_NUMBER}A`],
    ['inside other text', 'ID: 1234-5678-9018 (card)'],
    ['followed by more digits', '1234 5678 9018 123456'],
    ['next to a 10-digit number', `${MY_NUMBER} 0000012345`],
  ])('INDIVIDUAL_NUMBER for a My Number %s, with no digit in the message', (_label, raw) => {
    const result = parseTicketCode(raw, { defaultMunicipality: '131016' });
    expectCode(result, 'INDIVIDUAL_NUMBER');
    expect(messageText(result)).not.toMatch(/[0-9０-９]/);
    expect(JSON.stringify(result)).not.toMatch(/[0-9]/);
  });

  it('does not take 12 digits with a wrong check digit for a My Number', () => {
    expectCode(parseTicketCode('123456789017'), 'WRONG_LENGTH');
  });

  it('never echoes the digits read in any message', () => {
    const samples = [
      '111310170000012345',
      '101310160000012345',
      '0000012345',
      '4987123456784',
      '0104987123456784',
      '11131016000001234',
      MY_NUMBER,
      '1234 5678 9018',
    ];
    for (const raw of samples) {
      const result = parseTicketCode(raw);
      expect(result.ok).toBe(false);
      const words = messageText(result);
      expect(words).not.toContain(raw);
      expect(words).not.toContain(raw.replace(/\D/g, ''));
      expect(words).not.toContain('12345');
    }
  });

  it('never throws on values that are not strings', () => {
    for (const value of [undefined, null, 42, {}, [], Symbol('x')]) {
      const result = parseTicketCode(value as unknown as string);
      expect(result.ok).toBe(false);
    }
    expectCode(parseTicketCode(undefined as unknown as string), 'EMPTY');
    const weird = parseTicketCode('0000012345', { defaultMunicipality: 131016 as unknown as string });
    expectCode(weird, 'NO_MUNICIPALITY');
  });
});

describe('a ticket before an individual number', () => {
  it('reads 18 digits typed in groups as a ticket, whatever twelve of them look like', () => {
    // 1016 0000 1001 carries a valid individual-number check digit: the old 4-4-4 search refused this ticket.
    expect(parseTicketCode('1113 1016 0000 1001 00')).toMatchObject({ ok: true, municipality: '131016', number: '0000100100' });
    expect(parseTicketCode('11 131016 0000012345')).toMatchObject({ ok: true, number: '0000012345' });
  });

  it('still refuses twelve digits that are not a ticket, in any grouping, without a digit in the message', () => {
    for (const raw of ['1234.5678.9018', '1234/5678/9018', '1234 5678 9018 000000', ']Q1123456789018']) {
      const result = parseTicketCode(raw);
      expectCode(result, 'INDIVIDUAL_NUMBER');
      expect(JSON.stringify(result)).not.toMatch(/[0-9]/);
    }
  });
});

describe('checkTypedTicketDigits', () => {
  it('is incomplete while the digits typed so far are plausible', () => {
    expect(checkTypedTicketDigits('')).toEqual({ state: 'incomplete' });
    expect(checkTypedTicketDigits('1')).toEqual({ state: 'incomplete' });
    expect(checkTypedTicketDigits('1113101')).toEqual({ state: 'incomplete' });
    expect(checkTypedTicketDigits('11131016')).toEqual({ state: 'incomplete' });
    expect(checkTypedTicketDigits('11 131016 00')).toEqual({ state: 'incomplete' });
  });

  it('flags a wrong municipality code as soon as the 8th digit is typed', () => {
    const result = checkTypedTicketDigits('11131017');
    expect(result.state).toBe('invalid');
    expect(result.code).toBe('BAD_CHECK_DIGIT');
    expect(result.message?.ja).toContain('市町村コード');
    expect(checkTypedTicketDigits('111310170000').code).toBe('BAD_CHECK_DIGIT');
  });

  it('flags dose 0 at the 2nd digit', () => {
    expect(checkTypedTicketDigits('10')).toMatchObject({ state: 'invalid', code: 'DOSE_ZERO' });
  });

  it('flags letters and too many digits', () => {
    expect(checkTypedTicketDigits('11a')).toMatchObject({ state: 'invalid', code: 'NOT_DIGITS' });
    expect(checkTypedTicketDigits(`${TICKET}1`)).toMatchObject({ state: 'invalid', code: 'WRONG_LENGTH' });
  });

  it('is complete at 18 valid digits, full-width or not', () => {
    expect(checkTypedTicketDigits(TICKET)).toEqual({ state: 'complete' });
    expect(checkTypedTicketDigits(toFullWidth(TICKET))).toEqual({ state: 'complete' });
  });

  it('checks a 10-digit ticket number by length only', () => {
    expect(checkTypedTicketDigits('00000', { format: 'nw7' })).toEqual({ state: 'incomplete' });
    expect(checkTypedTicketDigits('0000012345', { format: 'nw7' })).toEqual({ state: 'complete' });
    expect(checkTypedTicketDigits('00000123456', { format: 'nw7' }).code).toBe('WRONG_LENGTH');
  });
});

// ------------------------------------------------------------ properties

const digit = fc.constantFrom(...'0123456789'.split(''));
const digits = (n: number) => fc.string({ unit: digit, minLength: n, maxLength: n });

/** Valid 18-digit codes: random 5-digit prefixes with the check digit computed. */
const validTicket = fc
  .tuple(digit, fc.constantFrom(...'123456789'.split('')), digits(5), digits(10))
  .map(([kind, dose, prefix, number]) => `${kind}${dose}${prefix}${municipalityCheckDigit(prefix)}${number}`);

function assertWellFormed(result: TicketParseResult): void {
  if (result.ok) {
    expect(isValidMunicipalityCode(result.municipality)).toBe(true);
    expect(result.number).toMatch(/^[0-9]{10}$/);
  } else {
    expect(TICKET_ERROR_CODES).toContain(result.code);
    expect(typeof result.message.ja).toBe('string');
    expect(typeof result.message.en).toBe('string');
    if (result.code === 'INDIVIDUAL_NUMBER') expect(messageText(result)).not.toMatch(/[0-9０-９]/);
  }
}

/** Accepted mutants must still carry a valid municipality code: the original or another valid one. */
function assertMutantSafe(original: string, mutant: string): TicketParseResult {
  const result = parseTicketCode(mutant);
  assertWellFormed(result);
  if (result.ok) {
    const before = original.slice(2, 8);
    expect(result.municipality === before || isValidMunicipalityCode(result.municipality)).toBe(true);
  }
  return result;
}

// 100,000 generated inputs in all: 20k + 20k + 10k + 15k + 15k + 10k + 10k.
describe('parseTicketCode: properties', () => {
  it('never throws on arbitrary strings, full unicode included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 40 })), (raw) => {
        assertWellFormed(parseTicketCode(raw, { defaultMunicipality: '131016' }));
      }),
      { numRuns: 20_000 },
    );
  });

  it('never echoes digits read, for digit strings of any length', () => {
    fc.assert(
      fc.property(fc.string({ unit: digit, maxLength: 40 }), (raw) => {
        const result = parseTicketCode(raw);
        assertWellFormed(result);
        if (raw.length >= 5) expect(messageText(result)).not.toContain(raw);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads valid codes however the scanner dresses them', () => {
    const dress = fc.constantFrom(
      (s: string) => s,
      (s: string) => `]Q1${s}\r\n`,
      (s: string) => toFullWidth(s),
      (s: string) => `${s.slice(0, 2)} ${s.slice(2, 8)} ${s.slice(8)}`,
    );
    fc.assert(
      fc.property(validTicket, dress, (code, dressUp) => {
        const t = expectTicket(parseTicketCode(dressUp(code)));
        expect(`${t.kind}${t.dose}${t.municipality}${t.number}`).toBe(code);
      }),
      { numRuns: 10_000 },
    );
  });

  it('never accepts a one-digit substitution that breaks the check digit', () => {
    fc.assert(
      fc.property(validTicket, fc.nat(17), fc.nat(8), (code, at, shift) => {
        const old = Number(code[at]);
        const replaced = String((old + 1 + shift) % 10); // always a different digit
        const mutant = code.slice(0, at) + replaced + code.slice(at + 1);
        const result = assertMutantSafe(code, mutant);
        // The sixth digit of the municipality code is its check digit: any change is caught.
        if (at === 7) expect(result.ok).toBe(false);
      }),
      { numRuns: 15_000 },
    );
  });

  it('never accepts an adjacent transposition that breaks the check digit', () => {
    fc.assert(
      fc.property(validTicket, fc.nat(16), (code, at) => {
        const mutant = code.slice(0, at) + code.charAt(at + 1) + code.charAt(at) + code.slice(at + 2);
        assertMutantSafe(code, mutant);
      }),
      { numRuns: 15_000 },
    );
  });

  it('never accepts a code with a digit dropped', () => {
    fc.assert(
      fc.property(validTicket, fc.nat(17), (code, at) => {
        const result = assertMutantSafe(code, code.slice(0, at) + code.slice(at + 1));
        expect(result.ok).toBe(false);
      }),
      { numRuns: 10_000 },
    );
  });

  it('never accepts a code with a digit added', () => {
    fc.assert(
      fc.property(validTicket, fc.nat(18), digit, (code, at, extra) => {
        const result = assertMutantSafe(code, code.slice(0, at) + extra + code.slice(at));
        expect(result.ok).toBe(false);
      }),
      { numRuns: 10_000 },
    );
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containsIndividualNumber } from '../privacy/individual-number';
import { parseProductsCsv } from './products-csv';
import { isIndividualNumberHeader } from './individual-number-fields';
import { parseRosterCsv } from './roster-csv';
import { ROSTER_COLUMNS } from './roster-format';
import { MY_NUMBER, MY_NUMBER_FORMS, type Cells, PERSON, BOOKING, HANAKO, csv, parse, expectError, expectNoTrace } from './roster-csv.test-kit';

describe('parseRosterCsv: the individual number', () => {
  const HEADER_VARIANTS = [
    '個人番号',
    'マイナンバー',
    'ﾏｲﾅﾝﾊﾞｰ',
    'マイナンバー（個人番号）',
    '個人番号12桁',
    'My Number',
    'my_number',
    'MYNUMBER',
    'My-No',
    'Individual Number',
    'individual_number',
    'Personal Number',
    'kojin_bango',
    'KojinBangou',
    'ｺｼﾞﾝﾊﾞﾝｺﾞｳ',
  ];

  it('recognises the ways the column is named', () => {
    for (const name of HEADER_VARIANTS) expect(isIndividualNumberHeader(name)).toBe(true);
    for (const name of ROSTER_COLUMNS) expect(isIndividualNumberHeader(name)).toBe(false);
    expect(isIndividualNumberHeader('notes')).toBe(false);
  });

  it('INDIVIDUAL_NUMBER_COLUMN before any row is read, even when the column is empty', () => {
    for (const name of HEADER_VARIANTS) {
      const e = expectError(csv([PERSON], { header: [...ROSTER_COLUMNS, name] }), 'INDIVIDUAL_NUMBER_COLUMN', 1, null);
      expect(e.staffMessage.ja).toContain('個人番号');
    }
    // Checked before the data: a broken row later does not matter.
    const text = `${['マイナンバー', ...ROSTER_COLUMNS].join(',')}\r\n"broken\r\n`;
    expectError(text, 'INDIVIDUAL_NUMBER_COLUMN', 1, null);
  });

  it('INDIVIDUAL_NUMBER_VALUE in any column, written any way, without echoing it', () => {
    // A wrong check digit, and a phone number, are not individual numbers.
    expect([...parseRosterCsv(csv([PERSON, { ...HANAKO, phone: '0312345678', email: 'x123456789019@example.jp' }]))]).toHaveLength(2);
    for (const form of MY_NUMBER_FORMS) {
      // A notes column the format does not know: the individual number is reported, not the unknown column.
      const notes = expectError(csv([PERSON, { ...HANAKO, notes: form }], { header: [...ROSTER_COLUMNS, 'notes'] }), 'INDIVIDUAL_NUMBER_VALUE', 3, 'notes');
      expectNoTrace(notes, form, MY_NUMBER);
      const phone = expectError(csv([PERSON, { ...HANAKO, phone: form }]), 'INDIVIDUAL_NUMBER_VALUE', 3, 'phone');
      expectNoTrace(phone, form, MY_NUMBER);
      const ref = expectError(csv([{ ...PERSON, person_ref: form }]), 'INDIVIDUAL_NUMBER_VALUE', 2, 'person_ref');
      expectNoTrace(ref, form, MY_NUMBER);
    }
  });

  it('finds it in a field beyond the header, in the header row, and after another error', () => {
    const extra = csv([PERSON]) + csv([{ ...HANAKO }]).split('\r\n')[1] + `,${MY_NUMBER}\r\n`;
    const beyond = expectError(extra, 'INDIVIDUAL_NUMBER_VALUE', 3, null);
    expect(beyond.staffMessage.ja).toContain(`${ROSTER_COLUMNS.length + 1}列目`);
    expectNoTrace(beyond, MY_NUMBER);

    const headerless = `131016,${MY_NUMBER}\r\n`;
    expectNoTrace(expectError(headerless, 'INDIVIDUAL_NUMBER_VALUE', 1, null), MY_NUMBER);

    // Row 2 has a bad date, but row 4 carries an individual number: that is reported.
    const later = csv([
      { ...PERSON, birth_date: '1950-13-01' },
      HANAKO,
      { ...HANAKO, ticket_number: '0000000003', person_ref: 'P-3', email: MY_NUMBER },
    ]);
    expectNoTrace(expectError(later, 'INDIVIDUAL_NUMBER_VALUE', 4, 'email'), MY_NUMBER);
  });

  it('reads each entry of prior_doses on its own: a dose number, a date and a numeric product code side by side are not twelve digits', () => {
    // A product code that, read together with "1:2021-06-20:", makes twelve digits with a valid check digit.
    const code = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0')).find((c) => containsIndividualNumber(`1:2021-06-20:${c}:`));
    expect(code).toBeDefined();
    const [row] = [...parseRosterCsv(csv([{ ...HANAKO, prior_doses: `1:2021-06-20:${code}:` }]))];
    expect(row?.priorDoses).toEqual([{ dose: 1, date: '2021-06-20', product: code, place: '' }]);
    // A number in the place of an entry is still found.
    expectError(csv([PERSON, { ...HANAKO, prior_doses: '1:2021-06-20:PFZ-COMIRNATY:1234 5678 9018' }]), 'INDIVIDUAL_NUMBER_VALUE', 3, 'prior_doses');
  });
});

describe('parseRosterCsv: row errors name the row and column', () => {
  it('WRONG_FIELD_COUNT for too few or too many fields', () => {
    const short = csv([PERSON]) + '131016,0000000002\r\n';
    expectError(short, 'WRONG_FIELD_COUNT', 3, null);
    const long = csv([PERSON]).replace(/\r\n$/, ',extra\r\n');
    expectError(long, 'WRONG_FIELD_COUNT', 2, null);
  });

  it('REQUIRED for an empty required column and for an incomplete booking', () => {
    expectError(csv([PERSON, { ...HANAKO, name_kanji: '  ' }]), 'REQUIRED', 3, 'name_kanji');
    expectError(csv([{ ...PERSON, municipality_code: '' }]), 'REQUIRED', 2, 'municipality_code');
    expectError(csv([{ ...HANAKO, booking_id: 'B-1' }]), 'REQUIRED', 2, 'booking_venue');
    expectError(csv([{ ...HANAKO, ...BOOKING, booking_dose: '1', booking_slot: '' }]), 'REQUIRED', 2, 'booking_slot');
    expectError(csv([{ ...HANAKO, booking_set: 'S-1' }]), 'REQUIRED', 2, 'booking_id');
  });

  it('INVALID birth dates, with the message staff read', () => {
    const e = expectError(csv([PERSON, { ...HANAKO, birth_date: '1985-02-30' }]), 'INVALID', 3, 'birth_date');
    expect(e.staffMessage.ja).toBe('3行目の birth_date 列: 日付が正しくありません（YYYY-MM-DD で入力してください）。');
    expect(e.message).toBe('Row 3, column birth_date: the date is not valid (write it as YYYY-MM-DD).');
    expectError(csv([{ ...HANAKO, birth_date: '1899-12-31' }]), 'INVALID', 2, 'birth_date');
    expectError(csv([{ ...HANAKO, birth_date: '2026-11-24' }]), 'INVALID', 2, 'birth_date', { today: '2026-11-23' });
    expect(parse(csv([{ ...HANAKO, birth_date: '2026-11-23' }]), { today: '2026-11-23' })).toHaveLength(1);
    expectError(csv([{ ...HANAKO, birth_date: 'S60.10.20' }]), 'INVALID', 2, 'birth_date');
  });

  it('INVALID ticket, person and contact fields', () => {
    const cases: [Cells, string][] = [
      [{ municipality_code: '131017' }, 'municipality_code'],
      [{ municipality_code: '11002' }, 'municipality_code'],
      [{ ticket_number: '123456789' }, 'ticket_number'],
      [{ ticket_kind: '12' }, 'ticket_kind'],
      [{ ticket_status: 'expired' }, 'ticket_status'],
      [{ person_ref: 'P_0002' }, 'person_ref'],
      [{ person_ref: 'P'.repeat(21) }, 'person_ref'],
      [{ name_kana: 'すずき はなこ' }, 'name_kana'],
      [{ name_kana: '鈴木 花子' }, 'name_kana'],
      [{ name_kanji: '鈴木\uE000子' }, 'name_kanji'],
      [{ name_kanji: '鈴'.repeat(41) }, 'name_kanji'],
      [{ sex: 'X' }, 'sex'],
      [{ email: 'hanako@' }, 'email'],
    ];
    for (const [cells, column] of cases) expectError(csv([{ ...HANAKO, ...cells }]), 'INVALID', 2, column);
  });

  it('INVALID phone numbers and e-mail addresses, never quoting them', () => {
    for (const phone of ['9012345678', '090-1234', '0901234567890', '090-1234-5678 内線2']) {
      expectNoTrace(expectError(csv([{ ...HANAKO, phone }]), 'INVALID', 2, 'phone'), phone);
    }
    for (const email of ['hanako.suzuki@example', 'hanako suzuki@example.jp', 'hanako@@example.jp']) {
      expectNoTrace(expectError(csv([{ ...HANAKO, email }]), 'INVALID', 2, 'email'), email);
    }
  });

  it('INVALID earlier doses', () => {
    const cases = [
      '1:2021-06-20:PFZ-COMIRNATY',
      '0:2021-06-20:PFZ-COMIRNATY:',
      '1:2021-06-31:PFZ-COMIRNATY:',
      '1:2021-06-20:PFZ COMIRNATY:',
      '1:2021-06-20:PFZ:;1:2021-07-20:PFZ:',
      '1:2021-07-20:PFZ:;2:2021-06-20:PFZ:',
      '1:1980-01-01:PFZ:',
      `1:2021-06-20:PFZ:${'会'.repeat(31)}`,
    ];
    for (const prior_doses of cases) expectError(csv([{ ...HANAKO, prior_doses }]), 'INVALID', 2, 'prior_doses');
    expectError(csv([{ ...HANAKO, prior_doses: '1:2026-12-01:PFZ:' }]), 'INVALID', 2, 'prior_doses', { today: '2026-11-23' });
    const e = expectError(csv([{ ...HANAKO, prior_doses: '1:2021-06-20:PFZ:;2:2021-13-01:PFZ:' }]), 'INVALID', 2, 'prior_doses');
    expect(e.staffMessage.ja).toContain('2件目');
  });

  it('INVALID bookings', () => {
    const booked = { ...HANAKO, ...BOOKING, booking_dose: '1' };
    const cases: [Cells, string][] = [
      [{ booking_id: 'B 1' }, 'booking_id'],
      [{ booking_venue: 'V'.repeat(21) }, 'booking_venue'],
      [{ booking_date: '2026-02-29' }, 'booking_date'],
      [{ booking_slot: '9:30' }, 'booking_slot'],
      [{ booking_slot: '09:30-09:00' }, 'booking_slot'],
      [{ booking_slot: '24:00-24:30' }, 'booking_slot'],
      [{ booking_dose: '0' }, 'booking_dose'],
      [{ booking_product: 'PFZ/COMIRNATY' }, 'booking_product'],
      [{ booking_set: 'S 1' }, 'booking_set'],
    ];
    for (const [cells, column] of cases) expectError(csv([{ ...booked, ...cells }]), 'INVALID', 2, column);
    expect(parse(csv([{ ...booked, booking_slot: '9:00～9:30' }]))[0]?.booking).toMatchObject({ slotStart: '09:00', slotEnd: '09:30' });
    // A stale booking (the dose was since given elsewhere) is not a file error: check-in says ALREADY_VACCINATED.
    expect(parse(csv([{ ...PERSON, ...BOOKING, booking_dose: '2' }]))[0]?.booking).toMatchObject({ dose: 2 });
  });

  it('INVALID set bookings', () => {
    const first = { ...HANAKO, ...BOOKING, booking_id: 'B-1', booking_dose: '1', booking_date: '2026-12-01', booking_set: 'S-1' };
    const second = { ...first, booking_id: 'B-2', booking_dose: '2', booking_date: '2026-12-22' };
    const other = { ...PERSON, ...BOOKING, booking_id: 'B-3', booking_set: 'S-1' };
    expectError(csv([first, other]), 'INVALID', 3, 'booking_set');
    expectError(csv([first, { ...second, booking_dose: '3' }]), 'INVALID', 3, 'booking_set');
    expectError(csv([first, { ...second, booking_date: '2026-11-30' }]), 'INVALID', 3, 'booking_set');
    expectError(csv([first, second, { ...second, booking_id: 'B-4', booking_dose: '3', booking_date: '2027-01-12' }]), 'INVALID', 4, 'booking_set');
    // Order within the file does not matter.
    expect(parse(csv([second, first]))).toHaveLength(2);
  });

  it('UNKNOWN_PRODUCT and UNKNOWN_VENUE against the known lists', () => {
    const booked = { ...PERSON, ...BOOKING };
    const known = { knownProducts: new Set(['PFZ-COMIRNATY']), knownVenues: new Set(['V01']) };
    expect(parse(csv([booked]), known)).toHaveLength(1);
    const e = expectError(csv([{ ...booked, booking_product: 'MOD-SPIKEVAX' }]), 'UNKNOWN_PRODUCT', 2, 'booking_product', known);
    expect(e.staffMessage.ja).toContain('「MOD-SPIKEVAX」');
    expectError(csv([{ ...booked, prior_doses: '1:2021-06-20:MOD-SPIKEVAX:' }]), 'UNKNOWN_PRODUCT', 2, 'prior_doses', known);
    expectError(csv([{ ...booked, booking_venue: 'V02' }]), 'UNKNOWN_VENUE', 2, 'booking_venue', known);
  });

  it('DUPLICATE_ROW for the same ticket and booking twice', () => {
    const booked = { ...PERSON, ...BOOKING };
    const e = expectError(csv([booked, HANAKO, booked]), 'DUPLICATE_ROW', 4, 'booking_id');
    expect(e.staffMessage.ja).toContain('2行目');
    expectError(csv([PERSON, HANAKO, PERSON]), 'DUPLICATE_ROW', 4, null);
    // The same booking ID on another ticket is a duplicate too: booking IDs are unique.
    expectError(csv([booked, { ...HANAKO, ...BOOKING, booking_dose: '1' }]), 'DUPLICATE_ROW', 3, 'booking_id');
    // One ticket with two different bookings is fine.
    expect(parse(csv([booked, { ...booked, booking_id: 'B-0002', booking_date: '2027-06-01' }]))).toHaveLength(2);
  });

  it('INCONSISTENT_PERSON when rows of one ticket or one person disagree', () => {
    const booked = { ...PERSON, ...BOOKING };
    const again = { ...booked, booking_id: 'B-0002', booking_date: '2027-06-01' };
    for (const cells of [{ person_ref: 'P-9999' }, { ticket_status: 'reissued' }, { ticket_kind: '2' }]) {
      const e = expectError(csv([booked, HANAKO, { ...again, ...cells }]), 'INCONSISTENT_PERSON', 4, null);
      expect(e.staffMessage.ja).toContain('2行目');
    }
    for (const cells of [{ birth_date: '1950-04-02' }, { name_kana: 'ヤマダ タロ' }, { phone: '' }, { prior_doses: '1:2021-06-20:PFZ-COMIRNATY:市民会館' }]) {
      expectError(csv([booked, { ...again, ...cells }]), 'INCONSISTENT_PERSON', 3, null);
    }
    // The same person on a reissued and a new ticket: fine when the person columns agree.
    const reissued = { ...PERSON, ticket_status: 'reissued' };
    const renewed = { ...PERSON, ticket_number: '0000000009' };
    expect(parse(csv([reissued, renewed]))).toHaveLength(2);
    expectError(csv([reissued, { ...renewed, sex: 'F' }]), 'INCONSISTENT_PERSON', 3, null);
    // The same person_ref in another municipality is another person.
    expect(parse(csv([PERSON, { ...HANAKO, municipality_code: '131041', person_ref: 'P-0001' }]))).toHaveLength(2);
  });

  it('errors serialise without any field value of the individual-number kind', () => {
    const e = expectError(csv([{ ...PERSON, phone: '03-1234' }]), 'INVALID', 2, 'phone');
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'RosterImportError',
      code: 'INVALID',
      row: 2,
      column: 'phone',
      staffMessage: e.staffMessage,
    });
  });
});

describe('docs/roster-csv.md', () => {
  it('holds examples that import cleanly', () => {
    const doc = readFileSync(new URL('../../docs/roster-csv.md', import.meta.url), 'utf8');
    const blocks = [...doc.matchAll(/```csv\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks).toHaveLength(2);
    const products = parseProductsCsv(blocks[1] ?? '');
    expect(products.map((p) => p.code)).toEqual(['PFZ-COMIRNATY', 'MOD-SPIKEVAX']);
    const rows = parse(blocks[0] ?? '', {
      today: '2026-11-23',
      knownProducts: new Set(products.map((p) => p.code)),
      knownVenues: new Set(['V01']),
    });
    expect(rows.map((r) => [r.row, r.personRef, r.booking?.id ?? null, r.booking?.setId ?? null])).toEqual([
      [2, '100001', 'B-0001', null],
      [3, '100002', 'B-0002', 'S-0002'],
      [4, '100002', 'B-0003', 'S-0002'],
      [5, '100003', null, null],
    ]);
  });
});

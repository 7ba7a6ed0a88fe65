import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { containsIndividualNumber } from '../privacy/individual-number';
import { formatCsvCell } from './csv';
import { parseProductsCsv } from './products-csv';
import { RosterImportError, type ImportErrorCode } from './import-errors';
import { isIndividualNumberHeader } from './individual-number-fields';
import { parseRosterCsv } from './roster-csv';
import { ROSTER_COLUMNS, type RosterParseOptions, type RosterRow } from './roster-format';

// A valid individual number (check digit 8) and ways people write it.
const MY_NUMBER = '123456789018';
const MY_NUMBER_FORMS = [MY_NUMBER, '1234-5678-9018', '1234 5678 9018', '１２３４５６７８９０１８', '(1234)5678.9018', '1234/5678/9018', '山田 123456789018'];

type Cells = Partial<Record<string, string>>;

const PERSON: Cells = {
  municipality_code: '131016',
  ticket_number: '0000000001',
  ticket_kind: '1',
  ticket_status: 'active',
  person_ref: 'P-0001',
  name_kana: 'ヤマダ タロウ',
  name_kanji: '山田 太郎',
  birth_date: '1950-04-01',
  sex: 'M',
  phone: '090-1234-5678',
  email: 'taro@example.jp',
  prior_doses: '1:2021-06-20:PFZ-COMIRNATY:市民会館;2:2021-07-11:PFZ-COMIRNATY:市民会館',
};

const BOOKING: Cells = {
  booking_id: 'B-0001',
  booking_venue: 'V01',
  booking_date: '2026-12-01',
  booking_slot: '09:00-09:30',
  booking_dose: '3',
  booking_product: 'PFZ-COMIRNATY',
};

/** A second person with no earlier doses, for set bookings. */
const HANAKO: Cells = {
  ...PERSON,
  ticket_number: '0000000002',
  person_ref: 'P-0002',
  name_kana: 'スズキ ハナコ',
  name_kanji: '鈴木 花子',
  birth_date: '1985-10-20',
  sex: 'F',
  phone: '',
  email: '',
  prior_doses: '',
};

function csv(rows: Cells[], options: { header?: readonly string[]; eol?: string } = {}): string {
  const header = options.header ?? ROSTER_COLUMNS;
  const eol = options.eol ?? '\r\n';
  const lines = [header.join(','), ...rows.map((row) => header.map((c) => formatCsvCell(row[c] ?? '')).join(','))];
  return lines.join(eol) + eol;
}

function parse(input: Uint8Array | string, options?: RosterParseOptions): RosterRow[] {
  return [...parseRosterCsv(input, options)];
}

function importError(input: Uint8Array | string, options?: RosterParseOptions): RosterImportError {
  try {
    parse(input, options);
  } catch (e) {
    expect(e).toBeInstanceOf(RosterImportError);
    return e as RosterImportError;
  }
  throw new Error('expected a RosterImportError');
}

function expectError(
  input: Uint8Array | string,
  code: ImportErrorCode,
  row: number | null,
  column: string | null,
  options?: RosterParseOptions,
): RosterImportError {
  const e = importError(input, options);
  expect({ code: e.code, row: e.row, column: e.column }).toEqual({ code, row, column });
  expect(e.message).toBe(e.staffMessage.en);
  expect(e.staffMessage.ja.length).toBeGreaterThan(0);
  if (row !== null) {
    expect(e.staffMessage.ja).toContain(`${row}行目`);
    expect(e.staffMessage.en).toContain(`Row ${row}`);
  }
  if (column !== null) {
    expect(e.staffMessage.ja).toContain(`${column} 列`);
    expect(e.staffMessage.en).toContain(`column ${column}`);
  }
  return e;
}

/** Everything an error could leak through: message, staff text, stack, properties. */
function everythingIn(e: RosterImportError): string {
  return [String(e), e.stack ?? '', JSON.stringify(e), JSON.stringify(e.staffMessage), JSON.stringify(Object.entries(e))].join('\n');
}

function expectNoTrace(e: RosterImportError, ...values: string[]): void {
  const all = everythingIn(e);
  const digitsOnly = all.replace(/[^0-9０-９]/g, '');
  for (const v of values) {
    expect(all).not.toContain(v);
    const digits = v.normalize('NFKC').replace(/[^0-9]/g, '');
    if (digits.length >= 8) expect(digitsOnly.normalize('NFKC')).not.toContain(digits);
  }
}

describe('parseRosterCsv: reading', () => {
  it('reads a roster with a booking and normalises the values', () => {
    const rows = parse(csv([{ ...PERSON, ...BOOKING }]), { today: '2026-11-23' });
    expect(rows).toEqual([
      {
        row: 2,
        municipality: '131016',
        ticketNumber: '0000000001',
        ticketKind: '1',
        ticketStatus: 'active',
        personRef: 'P-0001',
        nameKana: 'ヤマダ タロウ',
        nameKanji: '山田 太郎',
        birthDate: '1950-04-01',
        sex: 'M',
        phone: '09012345678',
        email: 'taro@example.jp',
        priorDoses: [
          { dose: 1, date: '2021-06-20', product: 'PFZ-COMIRNATY', place: '市民会館' },
          { dose: 2, date: '2021-07-11', product: 'PFZ-COMIRNATY', place: '市民会館' },
        ],
        booking: {
          id: 'B-0001',
          venue: 'V01',
          date: '2026-12-01',
          slotStart: '09:00',
          slotEnd: '09:30',
          dose: 3,
          product: 'PFZ-COMIRNATY',
          setId: null,
        },
      },
    ]);
  });

  it('reads UTF-8 with and without BOM, Shift_JIS, CRLF and LF alike', () => {
    const text = csv([{ ...PERSON, name_kanji: '髙橋 ①郎' }, HANAKO]);
    const lf = csv([{ ...PERSON, name_kanji: '髙橋 ①郎' }, HANAKO], { eol: '\n' });
    const inputs: (Uint8Array | string)[] = [
      text,
      lf,
      Buffer.from(text, 'utf8'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lf, 'utf8')]),
      iconv.encode(text, 'cp932'),
      new Uint8Array(iconv.encode(lf, 'cp932')),
    ];
    for (const input of inputs) {
      const rows = parse(input);
      expect(rows.map((r) => [r.row, r.nameKanji, r.nameKana])).toEqual([
        [2, '髙橋 ①郎', 'ヤマダ タロウ'],
        [3, '鈴木 花子', 'スズキ ハナコ'],
      ]);
    }
    expect(parse(iconv.encode(text, 'cp932'), { encoding: 'shift_jis' })).toHaveLength(2);
  });

  it('accepts the documented alternative spellings', () => {
    const [row] = parse(
      csv([
        {
          ...HANAKO,
          ticket_number: '０００００００００２',
          ticket_status: '転出',
          name_kana: ' ｽｽﾞｷ　　ﾊﾅｺ ',
          birth_date: '1985/10/20',
          sex: '女',
          phone: '(03)1234-5678',
          email: 'ＨＡＮＡＫＯ@example.jp',
          prior_doses: '1:20210620:MOD-SPIKEVAX:;',
        },
      ]),
    );
    expect(row).toMatchObject({
      ticketNumber: '0000000002',
      ticketStatus: 'moved_out',
      nameKana: 'スズキ ハナコ',
      birthDate: '1985-10-20',
      sex: 'F',
      phone: '0312345678',
      email: 'HANAKO@example.jp',
      priorDoses: [{ dose: 1, date: '2021-06-20', product: 'MOD-SPIKEVAX', place: '' }],
    });
    const variants: [Cells, Partial<RosterRow>][] = [
      [{ sex: '1' }, { sex: 'M' }],
      [{ sex: '9' }, { sex: 'U' }],
      [{ sex: '不明' }, { sex: 'U' }],
      [{ sex: 'f' }, { sex: 'F' }],
      [{ ticket_status: 'Deceased' }, { ticketStatus: 'deceased' }],
      [{ ticket_status: '再発行' }, { ticketStatus: 'reissued' }],
      [{ ticket_status: '有効' }, { ticketStatus: 'active' }],
      [{ birth_date: '19851020' }, { birthDate: '1985-10-20' }],
      [{ birth_date: '1985/1/2' }, { birthDate: '1985-01-02' }],
    ];
    for (const [cells, expected] of variants) {
      expect(parse(csv([{ ...HANAKO, ...cells }]))[0]).toMatchObject(expected);
    }
  });

  it('takes the columns in any order, leaves out optional ones, ignores blank rows and trailing empty columns', () => {
    const header = ['sex', 'birth_date', 'name_kanji', 'name_kana', 'person_ref', 'ticket_status', 'ticket_kind', 'ticket_number', 'municipality_code'];
    const text = `${header.join(',')},,\r\n${header.map((c) => HANAKO[c]).join(',')},,\r\n,,,,,,,,,,\r\n\r\n`;
    const rows = parse(text);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ row: 2, personRef: 'P-0002', phone: null, email: null, priorDoses: [], booking: null });
  });

  it('reads a set booking across two rows of one person', () => {
    const rows = parse(
      csv([
        { ...HANAKO, ...BOOKING, booking_id: 'B-1', booking_dose: '1', booking_date: '2026-12-01', booking_set: 'S-1' },
        { ...HANAKO, ...BOOKING, booking_id: 'B-2', booking_dose: '2', booking_date: '2026-12-22', booking_set: 'S-1' },
      ]),
    );
    expect(rows.map((r) => [r.personRef, r.booking?.id, r.booking?.dose, r.booking?.setId])).toEqual([
      ['P-0002', 'B-1', 1, 'S-1'],
      ['P-0002', 'B-2', 2, 'S-1'],
    ]);
  });

  it('yields rows one by one, so the caller can store them and roll back on a later error', () => {
    const rows = parseRosterCsv(
      csv([
        PERSON,
        HANAKO,
        { ...HANAKO, ticket_number: '0000000003', person_ref: 'P-0003', birth_date: '1985-02-30' },
      ]),
    );
    expect(rows.next().value).toMatchObject({ row: 2 });
    expect(rows.next().value).toMatchObject({ row: 3 });
    expect(() => rows.next()).toThrow(RosterImportError);
  });

  it('parses a generated 100,000-row file quickly', () => {
    const lines = [ROSTER_COLUMNS.join(',')];
    for (let i = 0; i < 100_000; i++) {
      const ticket = String(i).padStart(10, '0');
      const booked = i % 2 === 0;
      lines.push(
        [
          '131016',
          ticket,
          '1',
          'active',
          `P${i}`,
          'ヤマダ タロウ',
          '山田 太郎',
          '1950-04-01',
          'M',
          '090-1234-5678',
          `taro${i}@example.jp`,
          '1:2021-06-20:PFZ-COMIRNATY:市民会館;2:2021-07-11:PFZ-COMIRNATY:市民会館',
          booked ? `B${i}` : '',
          booked ? 'V01' : '',
          booked ? '2026-12-01' : '',
          booked ? '09:00-09:30' : '',
          booked ? '3' : '',
          booked ? 'PFZ-COMIRNATY' : '',
          '',
        ].join(','),
      );
    }
    const bytes = Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
    const started = performance.now();
    let count = 0;
    let booked = 0;
    for (const row of parseRosterCsv(bytes, { today: '2026-11-23', knownProducts: new Set(['PFZ-COMIRNATY']), knownVenues: new Set(['V01']) })) {
      count++;
      if (row.booking) booked++;
    }
    expect(count).toBe(100_000);
    expect(booked).toBe(50_000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('parseRosterCsv: file-level errors', () => {
  it('BAD_ENCODING when the bytes are not text in the chosen encoding', () => {
    expectError(iconv.encode(csv([PERSON]), 'cp932'), 'BAD_ENCODING', null, null, { encoding: 'utf-8' });
    expectError(Buffer.from([0xff, 0xfe, 0x61, 0x00]), 'BAD_ENCODING', null, null);
    // A garbled character in the name column of row 3.
    const garbled = csv([PERSON, { ...HANAKO, name_kanji: '鈴木 \uFFFD子' }]);
    expectError(Buffer.from(garbled, 'utf8'), 'BAD_ENCODING', 3, 'name_kanji');
  });

  it('BAD_CSV naming the row with the broken quoting', () => {
    const text = csv([PERSON]) + '131016,0000000002,1,active,P-2,ス"ズキ,x,1985-10-20,F,,,,,,,,,,\r\n';
    const e = expectError(text, 'BAD_CSV', 3, null);
    expect(e.staffMessage.ja).toContain('ダブルクォート');
    expectError(csv([PERSON]) + '"unterminated,\r\n', 'BAD_CSV', 3, null);
  });

  it('EMPTY_FILE for nothing, blank lines, or a header without data', () => {
    expectError('', 'EMPTY_FILE', null, null);
    expectError(Buffer.alloc(0), 'EMPTY_FILE', null, null);
    expectError('\r\n\r\n', 'EMPTY_FILE', null, null);
    expectError(csv([]), 'EMPTY_FILE', null, null);
  });

  it('MISSING_HEADER when the first row is data or a column has no name', () => {
    const data = csv([PERSON]).split('\r\n').slice(1).join('\r\n');
    expectError(data, 'MISSING_HEADER', 1, null);
    const header = ['municipality_code', '', ...ROSTER_COLUMNS.slice(1)];
    expectError(csv([PERSON], { header }), 'MISSING_HEADER', 1, null);
  });

  it('UNKNOWN_COLUMN, MISSING_COLUMN and DUPLICATE_COLUMN name the column', () => {
    expectError(csv([PERSON], { header: [...ROSTER_COLUMNS, 'notes'] }), 'UNKNOWN_COLUMN', 1, 'notes');
    expectError(csv([PERSON], { header: [...ROSTER_COLUMNS, 'Birth_Date'] }), 'UNKNOWN_COLUMN', 1, 'Birth_Date');
    expectError(csv([PERSON], { header: ROSTER_COLUMNS.filter((c) => c !== 'birth_date') }), 'MISSING_COLUMN', 1, 'birth_date');
    expectError(csv([PERSON], { header: [...ROSTER_COLUMNS, 'sex'] }), 'DUPLICATE_COLUMN', 1, 'sex');
  });
});

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

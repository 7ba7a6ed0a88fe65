import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { RosterImportError } from './import-errors';
import { parseRosterCsv } from './roster-csv';
import { ROSTER_COLUMNS, type RosterRow } from './roster-format';
import { type Cells, PERSON, BOOKING, HANAKO, csv, parse, expectError } from './roster-csv.test-kit';

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


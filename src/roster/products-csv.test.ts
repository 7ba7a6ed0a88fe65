import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { formatCsvCell } from './csv';
import { PRODUCT_COLUMNS, parseProductsCsv } from './products-csv';
import { RosterImportError, type ImportErrorCode } from './import-errors';

type Cells = Partial<Record<string, string>>;

// Valid GTINs: the docs/domain.md example (as GTIN-14 and as its JAN-13) and two more JANs.
const COMIRNATY: Cells = {
  product_code: 'PFZ-COMIRNATY',
  maker: 'ファイザー',
  product_name: 'コミナティ筋注',
  vaccine_type: 'COVID-19 mRNA',
  gtins: '04987123456784;4987123456791',
  dose_volume_ml: '0.3',
  min_interval_days: '90',
  min_age: '12',
  max_age: '',
  observation_minutes: '',
  doses_per_vial: '6',
};

const SPIKEVAX: Cells = {
  product_code: 'MOD-SPIKEVAX',
  maker: 'モデルナ',
  product_name: 'スパイクバックス筋注',
  vaccine_type: 'COVID-19 mRNA',
  gtins: '4569999000010',
  dose_volume_ml: '.5',
  min_interval_days: '90',
  min_age: '12',
  max_age: '64',
  observation_minutes: '30',
  doses_per_vial: '10',
};

function csv(rows: Cells[], header: readonly string[] = PRODUCT_COLUMNS): string {
  return [header.join(','), ...rows.map((r) => header.map((c) => formatCsvCell(r[c] ?? '')).join(','))].join('\r\n') + '\r\n';
}

function expectError(input: string | Uint8Array, code: ImportErrorCode, row: number | null, column: string | null): RosterImportError {
  try {
    parseProductsCsv(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RosterImportError);
    const err = e as RosterImportError;
    expect({ code: err.code, row: err.row, column: err.column }).toEqual({ code, row, column });
    expect(err.message).toBe(err.staffMessage.en);
    return err;
  }
  throw new Error('expected a RosterImportError');
}

describe('parseProductsCsv', () => {
  it('reads products, storing GTINs as GTIN-14 and applying the defaults', () => {
    expect(parseProductsCsv(csv([COMIRNATY, SPIKEVAX]))).toEqual([
      {
        row: 2,
        code: 'PFZ-COMIRNATY',
        maker: 'ファイザー',
        name: 'コミナティ筋注',
        vaccineType: 'COVID-19 mRNA',
        gtins: ['04987123456784', '04987123456791'],
        doseVolumeMl: 0.3,
        minIntervalDays: 90,
        minAge: 12,
        maxAge: null,
        observationMinutes: 15,
        dosesPerVial: 6,
        mayFollow: [],
      },
      {
        row: 3,
        code: 'MOD-SPIKEVAX',
        maker: 'モデルナ',
        name: 'スパイクバックス筋注',
        vaccineType: 'COVID-19 mRNA',
        gtins: ['04569999000010'],
        doseVolumeMl: 0.5,
        minIntervalDays: 90,
        minAge: 12,
        maxAge: 64,
        observationMinutes: 30,
        dosesPerVial: 10,
        mayFollow: [],
      },
    ]);
  });

  it('reads may_follow: which products may come before this one (codes of the same file); a file without the column still reads', () => {
    const [comirnaty, spikevax] = parseProductsCsv(csv([{ ...COMIRNATY, may_follow: 'PFZ-COMIRNATY' }, { ...SPIKEVAX, may_follow: ' PFZ-COMIRNATY ; MOD-SPIKEVAX;;PFZ-COMIRNATY' }]));
    expect(comirnaty?.mayFollow).toEqual(['PFZ-COMIRNATY']);
    expect(spikevax?.mayFollow).toEqual(['PFZ-COMIRNATY', 'MOD-SPIKEVAX']);
    const older = PRODUCT_COLUMNS.filter((c) => c !== 'may_follow');
    expect(parseProductsCsv(csv([COMIRNATY], older))[0]?.mayFollow).toEqual([]);
    const unknown = expectError(csv([COMIRNATY, { ...SPIKEVAX, may_follow: 'NO-SUCH' }]), 'UNKNOWN_PRODUCT', 3, 'may_follow');
    expect(unknown.staffMessage.ja).toContain('NO-SUCH');
    expect(unknown.staffMessage.en).toContain('separated by ";"');
    // A product loaded before may be named as well.
    expect(parseProductsCsv(csv([{ ...SPIKEVAX, may_follow: 'OLD-PRODUCT' }]), { knownProducts: new Set(['OLD-PRODUCT']) })[0]?.mayFollow).toEqual(['OLD-PRODUCT']);
    expectError(csv([{ ...COMIRNATY, may_follow: 'PFZ COMIRNATY' }]), 'INVALID', 2, 'may_follow');
  });

  it('reads Shift_JIS and goes without the optional columns', () => {
    const header = PRODUCT_COLUMNS.filter((c) => c !== 'max_age' && c !== 'observation_minutes');
    const [product] = parseProductsCsv(iconv.encode(csv([COMIRNATY], header), 'cp932'));
    expect(product).toMatchObject({ maker: 'ファイザー', maxAge: null, observationMinutes: 15 });
  });

  it('DUPLICATE_GTIN when two products claim one GTIN, however written', () => {
    const e = expectError(csv([COMIRNATY, { ...SPIKEVAX, gtins: '4569999000010; 4987123456784' }]), 'DUPLICATE_GTIN', 3, 'gtins');
    expect(e.staffMessage.ja).toContain('2行目');
    expect(e.staffMessage.ja).toContain('PFZ-COMIRNATY');
    // The same GTIN twice in one product is simply one GTIN.
    expect(parseProductsCsv(csv([{ ...COMIRNATY, gtins: '4987123456784;04987123456784' }]))[0]?.gtins).toEqual(['04987123456784']);
  });

  it('DUPLICATE_ROW for a product code used twice', () => {
    expectError(csv([COMIRNATY, { ...SPIKEVAX, product_code: 'PFZ-COMIRNATY' }]), 'DUPLICATE_ROW', 3, 'product_code');
  });

  it('INVALID values name the row and column', () => {
    const cases: [Cells, string][] = [
      [{ product_code: 'PFZ COMIRNATY' }, 'product_code'],
      [{ maker: 'ファ'.repeat(11) }, 'maker'],
      [{ product_name: 'x'.repeat(41) }, 'product_name'],
      [{ vaccine_type: 'y'.repeat(41) }, 'vaccine_type'],
      [{ gtins: '4987123456785' }, 'gtins'], // check digit
      [{ gtins: '49871234' }, 'gtins'], // GTIN-8 is not accepted
      [{ gtins: '4987123456784,4569999000010' }, 'gtins'],
      [{ dose_volume_ml: '0' }, 'dose_volume_ml'],
      [{ dose_volume_ml: '1.5' }, 'dose_volume_ml'],
      [{ dose_volume_ml: '0.3mL' }, 'dose_volume_ml'],
      [{ min_interval_days: '-1' }, 'min_interval_days'],
      [{ min_interval_days: '2.5' }, 'min_interval_days'],
      [{ min_age: 'twelve' }, 'min_age'],
      [{ max_age: '5' }, 'max_age'],
      [{ observation_minutes: '20' }, 'observation_minutes'],
      [{ doses_per_vial: '0' }, 'doses_per_vial'],
    ];
    for (const [cells, column] of cases) expectError(csv([SPIKEVAX, { ...COMIRNATY, ...cells }]), 'INVALID', 3, column);
  });

  it('REQUIRED, header errors and EMPTY_FILE as for the roster', () => {
    expectError(csv([{ ...COMIRNATY, gtins: '' }]), 'REQUIRED', 2, 'gtins');
    expectError(csv([{ ...COMIRNATY, gtins: ' ; ' }]), 'REQUIRED', 2, 'gtins');
    expectError(csv([{ ...COMIRNATY, doses_per_vial: '' }]), 'REQUIRED', 2, 'doses_per_vial');
    expectError(csv([COMIRNATY], PRODUCT_COLUMNS.filter((c) => c !== 'gtins')), 'MISSING_COLUMN', 1, 'gtins');
    expectError(csv([COMIRNATY], [...PRODUCT_COLUMNS, 'lot']), 'UNKNOWN_COLUMN', 1, 'lot');
    expectError(csv([]), 'EMPTY_FILE', null, null);
    expectError('', 'EMPTY_FILE', null, null);
  });

  it('refuses the individual number like the roster does', () => {
    expectError(csv([COMIRNATY], [...PRODUCT_COLUMNS, '個人番号']), 'INDIVIDUAL_NUMBER_COLUMN', 1, null);
    const e = expectError(csv([{ ...COMIRNATY, product_name: '1234 5678 9018' }]), 'INDIVIDUAL_NUMBER_VALUE', 2, 'product_name');
    expect(JSON.stringify(e) + String(e) + e.stack).not.toMatch(/9018/);
  });
});

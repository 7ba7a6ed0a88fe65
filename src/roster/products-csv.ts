/**
 * The product master CSV: one row per vaccine product, with the GTINs printed
 * on its packs so a scanned pack finds its product. Format documented in
 * docs/roster-csv.md. Small file: parsed whole into an array. Errors are
 * RosterImportError, as for the roster.
 */
import type { StaffText } from '../common/messages';
import { isValidGtin, toGtin14 } from '../gs1/gtin';
import type { CsvEncodingOption, CsvRecord } from './csv';
import { quotable, RosterImportError, type ImportErrorCode } from './import-errors';
import { CODE_PATTERN, charCount, hasUnshowable, nfkc, type HeaderSpec } from './import-kit';
import { ImportFile } from './import-file';

export const PRODUCT_COLUMNS = [
  'product_code',
  'maker',
  'product_name',
  'vaccine_type',
  'gtins',
  'dose_volume_ml',
  'min_interval_days',
  'min_age',
  'max_age',
  'observation_minutes',
  'doses_per_vial',
  'may_follow',
] as const;
export type ProductColumn = (typeof PRODUCT_COLUMNS)[number];

const PRODUCT_SPEC: HeaderSpec<ProductColumn> = {
  columns: PRODUCT_COLUMNS,
  required: new Set<ProductColumn>([
    'product_code',
    'maker',
    'product_name',
    'vaccine_type',
    'gtins',
    'dose_volume_ml',
    'min_interval_days',
    'min_age',
    'doses_per_vial',
  ]),
  what: { ja: '製品マスタ', en: 'product master' },
};

export interface ProductRow {
  /** Spreadsheet row number (header = 1). */
  row: number;
  code: string;
  maker: string;
  name: string;
  vaccineType: string;
  /** GTIN-14, at least one; a JAN/GTIN-13 is padded with a leading 0. */
  gtins: string[];
  doseVolumeMl: number;
  /** Minimum days since the previous dose before this product may be given. */
  minIntervalDays: number;
  minAge: number;
  /** null: no upper age limit. */
  maxAge: number | null;
  observationMinutes: 15 | 30;
  dosesPerVial: number;
  /** Product codes after which this product may be given (the previous dose's product); empty: any. */
  mayFollow: string[];
}

export interface ProductParseOptions {
  /** Default 'auto': UTF-8 (with or without BOM) or Shift_JIS (CP932). */
  encoding?: CsvEncodingOption;
  /** Product codes loaded before, which may_follow may name besides the file's own. */
  knownProducts?: ReadonlySet<string>;
}

function say(ja: string, en: string): StaffText {
  return { ja, en };
}

function fail(code: ImportErrorCode, row: number | null, column: string | null, ja: string, en: string): never {
  throw new RosterImportError(code, row, column, say(ja, en));
}

function cell(f: readonly string[], i: number): string {
  return i < 0 ? '' : nfkc((f[i] ?? '').trim());
}

function need(value: string, r: number, c: ProductColumn): string {
  if (value === '') fail('REQUIRED', r, c, '入力が必要です。', 'this column must be filled in.');
  return value;
}

function text(value: string, r: number, c: ProductColumn, max: number): string {
  if (hasUnshowable(value)) {
    fail('INVALID', r, c, '表示できない文字（外字・制御文字など）があります。', 'it holds characters that cannot be shown (user-defined or control characters).');
  }
  if (charCount(value) > max) fail('INVALID', r, c, `${max}文字以内にしてください。`, `it must be at most ${max} characters.`);
  return value;
}

function integer(value: string, r: number, c: ProductColumn, min: number, max: number): number {
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) {
    fail('INVALID', r, c, `${min}から${max}までの整数で入力してください。`, `enter a whole number from ${min} to ${max}.`);
  }
  return n;
}

/**
 * Reads the product master. Throws RosterImportError: the roster codes, plus
 * DUPLICATE_ROW (a product code twice) and DUPLICATE_GTIN (one GTIN for two products).
 */
export function parseProductsCsv(input: Uint8Array | string, options: ProductParseOptions = {}): ProductRow[] {
  const file = new ImportFile(input, options.encoding, PRODUCT_SPEC);
  try {
    const products: ProductRow[] = [];
    const codes = new Map<string, number>();
    const gtinOwner = new Map<string, { code: string; row: number }>();
    for (const { record, header } of file.records()) {
      const product = productRow(record, header.index);
      const r = product.row;
      const earlier = codes.get(product.code);
      if (earlier !== undefined) {
        fail(
          'DUPLICATE_ROW',
          r,
          'product_code',
          `この製品コードは${earlier}行目にもあります。1つの製品は1行にしてください。`,
          `this product code is also in row ${earlier}. Each product must appear in one row only.`,
        );
      }
      codes.set(product.code, r);
      for (const gtin of product.gtins) {
        const owner = gtinOwner.get(gtin);
        if (owner !== undefined) {
          const c = quotable(owner.code);
          fail(
            'DUPLICATE_GTIN',
            r,
            'gtins',
            `GTIN ${gtin} は${owner.row}行目の製品${c === null ? '' : `「${c}」`}でも使われています。1つの GTIN は1つの製品にだけ登録してください。`,
            `GTIN ${gtin} is also used by the product${c === null ? '' : ` "${c}"`} in row ${owner.row}. A GTIN may belong to one product only.`,
          );
        }
        gtinOwner.set(gtin, { code: product.code, row: r });
      }
      products.push(product);
    }
    if (file.header === null) fail('EMPTY_FILE', null, null, 'ファイルが空です。', 'the file is empty.');
    checkMayFollow(products, codes, options.knownProducts ?? new Set());
    if (products.length === 0) {
      fail('EMPTY_FILE', null, null, '列名の行だけで、データの行がありません。', 'the file has column names but no data rows.');
    }
    return products;
  } catch (e) {
    throw file.explain(e);
  }
}

/** Every code in may_follow names a product of the same file, or one loaded before. */
function checkMayFollow(products: readonly ProductRow[], codes: ReadonlyMap<string, number>, known: ReadonlySet<string>): void {
  for (const product of products) {
    const unknown = product.mayFollow.find((code) => !codes.has(code) && !known.has(code));
    if (unknown === undefined) continue;
    const c = quotable(unknown);
    fail(
      'UNKNOWN_PRODUCT',
      product.row,
      'may_follow',
      `製品コード${c === null ? '' : `「${c}」`}はこのファイルにも製品マスタにもありません。may_follow には製品の product_code を「;」で区切って書いてください。`,
      `the product code${c === null ? '' : ` "${c}"`} is neither in this file nor in the product master. List product_code values in may_follow, separated by ";".`,
    );
  }
}

function productRow(record: CsvRecord, index: Readonly<Record<ProductColumn, number>>): ProductRow {
  const r = record.row;
  const f = record.fields;

  const code = need(cell(f, index.product_code), r, 'product_code');
  if (!CODE_PATTERN.test(code)) {
    fail('INVALID', r, 'product_code', '製品コードは英数字・ハイフン・下線で1〜40文字です。', 'the product code must be 1–40 letters, digits, hyphens or underscores.');
  }
  const maker = text(need(cell(f, index.maker), r, 'maker'), r, 'maker', 20);
  const name = text(need(cell(f, index.product_name), r, 'product_name'), r, 'product_name', 40);
  const vaccineType = text(need(cell(f, index.vaccine_type), r, 'vaccine_type'), r, 'vaccine_type', 40);

  const gtins: string[] = [];
  for (const part of need(cell(f, index.gtins), r, 'gtins').split(';')) {
    const g = part.trim();
    if (g === '') continue;
    if (!/^\d{13,14}$/.test(g)) {
      fail(
        'INVALID',
        r,
        'gtins',
        'GTIN は13桁（JAN）か14桁の数字で、複数あるときは「;」で区切ってください。',
        'each GTIN must be 13 (JAN) or 14 digits; separate several with ";".',
      );
    }
    const gtin14 = isValidGtin(g) ? toGtin14(g) : null;
    if (gtin14 === null) {
      fail('INVALID', r, 'gtins', `GTIN ${g} のチェックディジット（最後の桁）が合いません。`, `the check digit (last digit) of GTIN ${g} is wrong.`);
    }
    if (!gtins.includes(gtin14)) gtins.push(gtin14);
  }
  if (gtins.length === 0) fail('REQUIRED', r, 'gtins', 'GTIN を1つ以上入力してください。', 'enter at least one GTIN.');

  const volumeText = need(cell(f, index.dose_volume_ml), r, 'dose_volume_ml');
  const doseVolumeMl = /^(?:\d{1,3}(?:\.\d{1,4})?|\.\d{1,4})$/.test(volumeText) ? Number(volumeText) : NaN;
  if (!(doseVolumeMl > 0 && doseVolumeMl <= 1)) {
    fail(
      'INVALID',
      r,
      'dose_volume_ml',
      '1回の接種量は mL 単位で、0より大きく1以下の数で入力してください（例 0.3）。',
      'the dose volume is in mL: a number above 0 and at most 1 (e.g. 0.3).',
    );
  }
  const minIntervalDays = integer(need(cell(f, index.min_interval_days), r, 'min_interval_days'), r, 'min_interval_days', 0, 36500);
  const minAge = integer(need(cell(f, index.min_age), r, 'min_age'), r, 'min_age', 0, 150);
  const maxAgeText = cell(f, index.max_age);
  const maxAge = maxAgeText === '' ? null : integer(maxAgeText, r, 'max_age', 0, 150);
  if (maxAge !== null && maxAge < minAge) {
    fail('INVALID', r, 'max_age', 'max_age は min_age 以上にしてください。', 'max_age must not be below min_age.');
  }
  const observationText = cell(f, index.observation_minutes);
  let observationMinutes: 15 | 30 = 15;
  if (observationText === '30') observationMinutes = 30;
  else if (observationText !== '' && observationText !== '15') {
    fail('INVALID', r, 'observation_minutes', '経過観察の時間は 15 か 30（分）です。空欄なら15分です。', 'the observation time is 15 or 30 (minutes); empty means 15.');
  }
  const dosesPerVial = integer(need(cell(f, index.doses_per_vial), r, 'doses_per_vial'), r, 'doses_per_vial', 1, 1000);
  const mayFollow: string[] = [];
  for (const part of cell(f, index.may_follow).split(';')) {
    const follows = part.trim();
    if (follows === '') continue;
    if (!CODE_PATTERN.test(follows)) {
      fail('INVALID', r, 'may_follow', '製品コードを「;」で区切って書いてください（英数字・ハイフン・下線で1〜40文字）。', 'list product codes separated by ";" (1–40 letters, digits, hyphens or underscores each).');
    }
    if (!mayFollow.includes(follows)) mayFollow.push(follows);
  }

  return { row: r, code, maker, name, vaccineType, gtins, doseVolumeMl, minIntervalDays, minAge, maxAge, observationMinutes, dosesPerVial, mayFollow };
}

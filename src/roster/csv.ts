/**
 * Generic CSV reading and writing (RFC 4180), for the roster, booking and
 * product files that municipalities prepare in Excel.
 *
 * Pure code: no file system, no database. Used by the venue app and by the
 * central service. Error messages here never quote field values, because a
 * field may hold something that must not be echoed (the individual number).
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export type CsvEncoding = 'utf-8' | 'shift_jis';
export type CsvEncodingOption = 'auto' | CsvEncoding;

export interface CsvRecord {
  /** Spreadsheet row number (the header is row 1); see readCsvRecords. */
  readonly row: number;
  readonly fields: string[];
}

export type CsvFormatProblem = 'quote_in_unquoted_field' | 'unterminated_quote' | 'text_after_closing_quote';

/** Malformed quoting. Carries the row, never the field's text. */
export class CsvFormatError extends Error {
  readonly code = 'BAD_CSV';
  constructor(
    readonly problem: CsvFormatProblem,
    readonly row: number,
  ) {
    super(`Row ${row}: ${FORMAT_PROBLEM_TEXT[problem]}`);
    this.name = 'CsvFormatError';
  }
}

const FORMAT_PROBLEM_TEXT: Record<CsvFormatProblem, string> = {
  quote_in_unquoted_field: 'a double quote appears inside a field that does not start with a double quote',
  unterminated_quote: 'a quoted field is never closed (a double quote is missing)',
  text_after_closing_quote: 'there is text after the closing double quote of a field',
};

export type CsvEncodingProblem =
  | 'invalid_utf8' // told UTF-8, but the bytes are not valid UTF-8
  | 'invalid_shift_jis' // bytes that are neither UTF-8 nor Shift_JIS (CP932); user-defined characters (外字) decode to private-use characters instead
  | 'utf16' // a UTF-16 file ("Unicode text" in Excel)
  | 'bom_mismatch' // told Shift_JIS, but the file starts with a UTF-8 BOM
  | 'replacement_character' // the text holds U+FFFD: characters were lost in an earlier conversion
  | 'unencodable'; // writing: a character has no Shift_JIS (CP932) code

/** The bytes are not text in the expected encoding. Never carries the text itself. */
export class CsvEncodingError extends Error {
  readonly code = 'BAD_ENCODING';
  constructor(
    readonly problem: CsvEncodingProblem,
    /** Spreadsheet row of the offending field, when known. */
    readonly row: number | null = null,
    /** 0-based field index of the offending field, when known. */
    readonly fieldIndex: number | null = null,
  ) {
    super(
      `${row === null ? '' : `Row ${row}${fieldIndex === null ? '' : `, field ${fieldIndex + 1}`}: `}${ENCODING_PROBLEM_TEXT[problem]}`,
    );
    this.name = 'CsvEncodingError';
  }
}

const ENCODING_PROBLEM_TEXT: Record<CsvEncodingProblem, string> = {
  invalid_utf8: 'the file is not valid UTF-8',
  invalid_shift_jis: 'the file holds bytes that are not valid Shift_JIS (CP932)',
  utf16: 'the file is UTF-16; save it as "CSV UTF-8" or "CSV (Shift_JIS)" instead',
  bom_mismatch: 'the file starts with a UTF-8 byte order mark but Shift_JIS was chosen',
  replacement_character: 'the text holds U+FFFD replacement characters: some characters were lost in an earlier conversion',
  unencodable: 'a character cannot be written in Shift_JIS (CP932)',
};

// ---------------------------------------------------------------------------
// Decoding

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
}

function hasUtf16Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface Detected {
  encoding: CsvEncoding;
  hadBom: boolean;
  /** The bytes after any BOM. */
  body: Buffer;
}

function detect(bytes: Uint8Array, encoding: CsvEncodingOption): Detected {
  const buf = asBuffer(bytes);
  const bom = hasUtf8Bom(buf);
  if (encoding === 'shift_jis') {
    if (bom) throw new CsvEncodingError('bom_mismatch');
    return { encoding: 'shift_jis', hadBom: false, body: buf };
  }
  const body = bom ? buf.subarray(3) : buf;
  if (encoding === 'utf-8') {
    if (!isUtf8(body)) throw new CsvEncodingError('invalid_utf8');
    return { encoding: 'utf-8', hadBom: bom, body };
  }
  // auto
  if (bom) {
    if (!isUtf8(body)) throw new CsvEncodingError('invalid_utf8');
    return { encoding: 'utf-8', hadBom: true, body };
  }
  if (hasUtf16Bom(buf)) throw new CsvEncodingError('utf16');
  if (isUtf8(buf)) return { encoding: 'utf-8', hadBom: false, body: buf };
  return { encoding: 'shift_jis', hadBom: false, body: buf };
}

export interface DecodedCsv {
  text: string;
  encoding: CsvEncoding;
  hadBom: boolean;
}

/**
 * Bytes to text. auto: a UTF-8 BOM means UTF-8; otherwise strictly valid UTF-8
 * is UTF-8; otherwise Shift_JIS (Windows code page 932, what Excel writes for
 * "CSV (カンマ区切り)" on Japanese Windows). The BOM is not part of the text.
 * Throws CsvEncodingError when the bytes do not decode cleanly.
 */
export function decodeCsvBytes(bytes: Uint8Array, encoding: CsvEncodingOption = 'auto'): DecodedCsv {
  const d = detect(bytes, encoding);
  const text = d.encoding === 'utf-8' ? d.body.toString('utf8') : iconv.decode(d.body, 'cp932');
  if (text.includes('\uFFFD')) {
    throw new CsvEncodingError(d.encoding === 'shift_jis' ? 'invalid_shift_jis' : 'replacement_character');
  }
  return { text, encoding: d.encoding, hadBom: d.hadBom };
}

const CHUNK_BYTES = 1 << 22; // 4 MiB

function* decodeChunks(d: Detected): Generator<string> {
  const body = d.body;
  if (d.encoding === 'utf-8') {
    // Already validated: a plain streaming decode, split on any byte boundary.
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    for (let at = 0; at < body.length; at += CHUNK_BYTES) {
      yield decoder.decode(body.subarray(at, at + CHUNK_BYTES), { stream: true });
    }
    yield decoder.decode();
    return;
  }
  const decoder = iconv.getDecoder('cp932');
  for (let at = 0; at < body.length; at += CHUNK_BYTES) {
    yield decoder.write(body.subarray(at, at + CHUNK_BYTES));
  }
  yield decoder.end() ?? '';
}

export interface CsvSource {
  readonly encoding: CsvEncoding;
  readonly hadBom: boolean;
  /**
   * The records. Throws CsvFormatError for bad quoting and CsvEncodingError
   * (naming the row and field) for a field holding U+FFFD, which is what
   * bytes that are not Shift_JIS decode to.
   */
  readonly records: Generator<CsvRecord>;
}

/**
 * Opens CSV input for reading record by record without building one string of
 * the whole file: a 200 MB roster is decoded 4 MiB at a time. Encoding
 * detection (and its errors) happen at once; format errors while reading.
 */
export function openCsv(input: Uint8Array | string, encoding: CsvEncodingOption = 'auto'): CsvSource {
  if (typeof input === 'string') {
    return { encoding: 'utf-8', hadBom: input.charCodeAt(0) === 0xfeff, records: checkReplacement([input], 'utf-8') };
  }
  const d = detect(input, encoding);
  return { encoding: d.encoding, hadBom: d.hadBom, records: checkReplacement(decodeChunks(d), d.encoding) };
}

function* checkReplacement(chunks: Iterable<string>, encoding: CsvEncoding): Generator<CsvRecord> {
  let seen = false;
  function* watch(): Generator<string> {
    for (const chunk of chunks) {
      if (!seen && chunk.includes('\uFFFD')) seen = true;
      yield chunk;
    }
  }
  for (const record of readCsvChunks(watch())) {
    if (seen) {
      const at = record.fields.findIndex((f) => f.includes('\uFFFD'));
      if (at >= 0) {
        throw new CsvEncodingError(
          encoding === 'shift_jis' ? 'invalid_shift_jis' : 'replacement_character',
          record.row,
          at,
        );
      }
    }
    yield record;
  }
}

// ---------------------------------------------------------------------------
// Reading

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * RFC 4180 records of a text. Commas separate fields; CRLF, LF or a lone CR
 * ends a record; a field may be quoted, with "" for a quote and with commas
 * and line breaks inside. Fully empty lines are skipped; a trailing line
 * break does not make an empty record; a leading BOM is ignored.
 *
 * `row` is the row number a spreadsheet shows when it opens the file: the
 * first record is row 1 and every record or empty line takes one row, so a
 * quoted line break inside a field does not move the rows after it.
 */
export function readCsvRecords(text: string): Generator<CsvRecord> {
  return readCsvChunks([text]);
}

/**
 * readCsvRecords over text that arrives in pieces (a record may span pieces).
 * Work stays linear even for a huge quoted field: the pending text is
 * re-scanned only after at least as much new text has arrived.
 */
export function* readCsvChunks(chunks: Iterable<string>): Generator<CsvRecord> {
  const it = chunks[Symbol.iterator]();
  let buf = '';
  let final = false;
  let row = 1;
  let atStart = true;

  while (!final) {
    // Take in at least as much new text as is pending (amortised linear).
    const parts = [buf];
    let added = 0;
    const need = Math.max(1, buf.length);
    while (added < need) {
      const next = it.next();
      if (next.done) {
        final = true;
        break;
      }
      if (next.value.length === 0) continue;
      parts.push(next.value);
      added += next.value.length;
    }
    buf = parts.length === 1 ? (parts[0] ?? '') : parts.join('');
    if (atStart && buf.length > 0) {
      atStart = false;
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
    }

    const len = buf.length;
    let pos = 0;
    // Next comma / CR / LF / quote at or after pos (len when none). A cached
    // position stays right until pos passes it, so each is scanned once.
    let nComma = -1;
    let nCr = -1;
    let nLf = -1;
    let nQuote = -1;
    let complete = true;

    records: while (pos < len) {
      const recordStart = pos;
      let c = buf.charCodeAt(pos);
      if (c === LF) {
        pos += 1;
        row += 1;
        continue;
      }
      if (c === CR) {
        if (pos + 1 < len) {
          pos += buf.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else if (final) {
          pos += 1;
        } else {
          complete = false;
          break;
        }
        row += 1;
        continue;
      }

      const fields: string[] = [];
      for (;;) {
        if (buf.charCodeAt(pos) === QUOTE) {
          let start = pos + 1;
          let value = '';
          let close: number;
          for (;;) {
            const q = buf.indexOf('"', start);
            if (q < 0) {
              if (final) throw new CsvFormatError('unterminated_quote', row);
              complete = false;
              pos = recordStart;
              break records;
            }
            if (q + 1 >= len && !final) {
              complete = false; // cannot tell "" from a closing quote yet
              pos = recordStart;
              break records;
            }
            if (buf.charCodeAt(q + 1) === QUOTE) {
              value += buf.slice(start, q + 1);
              start = q + 2;
              continue;
            }
            close = q;
            break;
          }
          fields.push(value === '' ? buf.slice(start, close) : value + buf.slice(start, close));
          pos = close + 1;
          c = pos < len ? buf.charCodeAt(pos) : -1;
          if (c === COMMA) {
            pos += 1;
            continue;
          }
          if (c !== CR && c !== LF && c !== -1) throw new CsvFormatError('text_after_closing_quote', row);
        } else {
          if (nComma < pos) {
            nComma = buf.indexOf(',', pos);
            if (nComma < 0) nComma = len;
          }
          if (nLf < pos) {
            nLf = buf.indexOf('\n', pos);
            if (nLf < 0) nLf = len;
          }
          if (nCr < pos) {
            nCr = buf.indexOf('\r', pos);
            if (nCr < 0) nCr = len;
          }
          let end = nComma < nLf ? nComma : nLf;
          if (nCr < end) end = nCr;
          if (nQuote < pos) {
            nQuote = buf.indexOf('"', pos);
            if (nQuote < 0) nQuote = len;
          }
          if (nQuote < end) throw new CsvFormatError('quote_in_unquoted_field', row);
          if (end === len && !final) {
            complete = false;
            pos = recordStart;
            break records;
          }
          fields.push(buf.slice(pos, end));
          pos = end;
          c = end < len ? buf.charCodeAt(end) : -1;
          if (c === COMMA) {
            pos += 1;
            continue;
          }
        }
        // End of record: c is CR, LF or -1 (end of the text).
        if (c === CR) {
          if (pos + 1 < len) {
            pos += buf.charCodeAt(pos + 1) === LF ? 2 : 1;
          } else if (final) {
            pos += 1;
          } else {
            complete = false;
            pos = recordStart;
            break records;
          }
        } else if (c === LF) {
          pos += 1;
        }
        yield { row, fields };
        row += 1;
        continue records;
      }
    }
    buf = complete ? '' : buf.slice(pos);
  }
}

// ---------------------------------------------------------------------------
// Writing

export interface WriteCsvOptions {
  encoding: CsvEncoding;
  /** UTF-8 only: start with a BOM so Excel reads the file as UTF-8. Default true. Ignored for Shift_JIS. */
  bom?: boolean;
  /** Default CRLF, as Excel writes. */
  lineEnding?: '\r\n' | '\n';
}

export type CsvCell = string | number | null;

const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^[ \t\u3000]|[ \t\u3000]$/;

/**
 * One cell as CSV text. null is an empty cell; numbers are written as they
 * are. Text that a spreadsheet would run as a formula (starting with = + - @,
 * TAB or CR) gets a leading apostrophe, unless it is a plain number such as
 * -1.5. Quotes the cell when it holds a comma, quote or line break, or starts
 * or ends with a space.
 */
export function formatCsvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('CSV cells cannot hold NaN or Infinity');
    return String(value);
  }
  let s = value;
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function formatLine(cells: readonly CsvCell[]): string {
  if (cells.length === 1 && (cells[0] === '' || cells[0] === null)) return '""'; // not an empty line
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += ',';
    line += formatCsvCell(cells[i] ?? null);
  }
  return line;
}

/**
 * Characters that Unicode-based text often holds where CP932 has a
 * look-alike (the classic JIS ↔ CP932 mapping differences). Written as the
 * CP932 character instead of failing the export.
 */
const CP932_SUBSTITUTES: Record<string, string> = {
  '\u301C': '\uFF5E', // 〜 WAVE DASH → ～
  '\u2212': '\uFF0D', // − MINUS SIGN → －
  '\u2016': '\u2225', // ‖ → ∥
  '\u2014': '\u2015', // — EM DASH → ―
  '\u00A2': '\uFFE0', // ¢ → ￠
  '\u00A3': '\uFFE1', // £ → ￡
  '\u00AC': '\uFFE2', // ¬ → ￢
  '\u00A5': '\uFFE5', // ¥ → ￥ (a lone ¥ would come back as a backslash)
};
const CP932_SUBSTITUTE_PATTERN = /[\u301C\u2212\u2016\u2014\u00A2\u00A3\u00AC\u00A5]/g;

function toCp932Friendly(s: string): string {
  return s.replace(CP932_SUBSTITUTE_PATTERN, (ch) => CP932_SUBSTITUTES[ch] ?? ch);
}

function encodesCleanly(s: string): boolean {
  return iconv.decode(iconv.encode(s, 'cp932'), 'cp932') === s;
}

/**
 * A whole CSV file as bytes. Every row must have as many cells as the header.
 * Shift_JIS output refuses (CsvEncodingError 'unencodable', naming the row
 * and field) text that has no CP932 code, rather than writing '?'.
 */
export function writeCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[], options: WriteCsvOptions): Buffer {
  if (header.length === 0) throw new RangeError('writeCsv needs at least one column');
  const eol = options.lineEnding ?? '\r\n';
  const lines: string[] = [formatLine(header)];
  for (let i = 0; i < rows.length; i++) {
    const cells = rows[i] ?? [];
    if (cells.length !== header.length) {
      throw new RangeError(`writeCsv: row ${i + 2} has ${cells.length} cells, the header has ${header.length}`);
    }
    lines.push(formatLine(cells));
  }
  lines.push('');
  const text = lines.join(eol);
  if (options.encoding === 'utf-8') {
    const body = Buffer.from(text, 'utf8');
    return options.bom === false ? body : Buffer.concat([Buffer.from(UTF8_BOM), body]);
  }
  const friendly = toCp932Friendly(text);
  const bytes = iconv.encode(friendly, 'cp932');
  if (iconv.decode(bytes, 'cp932') !== friendly) {
    const all = [header, ...rows];
    for (let r = 0; r < all.length; r++) {
      const cells = all[r] ?? [];
      for (let f = 0; f < cells.length; f++) {
        const cell = cells[f];
        if (typeof cell === 'string' && !encodesCleanly(toCp932Friendly(cell))) {
          throw new CsvEncodingError('unencodable', r + 1, f);
        }
      }
    }
    throw new CsvEncodingError('unencodable');
  }
  return bytes;
}

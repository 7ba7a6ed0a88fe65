/**
 * Reading a vaccination ticket (接種券) from a desk scanner, a camera or the
 * keyboard. Rules from docs/domain.md: the 18-digit OCR line / QR content is
 * kind (1) + dose (1) + municipality code (6) + ticket number (10); an NW-7
 * barcode often carries only the 10-digit ticket number.
 *
 * A misread that is accepted records a dose against the wrong person, so this
 * module refuses anything it cannot read with certainty and never corrects a
 * digit. It never throws: a scanner can send anything at all.
 *
 * Pure code: also runs in the renderer and on the central service.
 */
import type { StaffText } from '../common/messages';
import { text } from '../common/messages';
import { isValidGtin } from '../gs1/gtin';
import { containsIndividualNumber } from '../privacy/individual-number';
import { isValidMunicipalityCode } from '../privacy/checkdigits';

export type TicketFormat = 'line18' | 'nw7';

export interface ParsedTicket {
  ok: true;
  format: TicketFormat;
  /** 券種, one digit; null for a 10-digit NW-7 read (not printed there). */
  kind: string | null;
  /** 回数, one digit; null for a 10-digit NW-7 read (resolved later from the roster or booking). */
  dose: string | null;
  /** 市町村コード, six digits with a valid check digit. */
  municipality: string;
  /** 券番号, ten digits. */
  number: string;
}

export type TicketErrorCode =
  | 'EMPTY'
  | 'NOT_DIGITS'
  | 'WRONG_LENGTH'
  | 'BAD_CHECK_DIGIT'
  | 'DOSE_ZERO'
  | 'NO_MUNICIPALITY'
  | 'BAD_DEFAULT_MUNICIPALITY'
  | 'VACCINE_PACK'
  | 'PRODUCT_BARCODE'
  | 'INDIVIDUAL_NUMBER';

export const TICKET_ERROR_CODES: readonly TicketErrorCode[] = [
  'EMPTY',
  'NOT_DIGITS',
  'WRONG_LENGTH',
  'BAD_CHECK_DIGIT',
  'DOSE_ZERO',
  'NO_MUNICIPALITY',
  'BAD_DEFAULT_MUNICIPALITY',
  'VACCINE_PACK',
  'PRODUCT_BARCODE',
  'INDIVIDUAL_NUMBER',
];

export interface TicketParseError {
  ok: false;
  code: TicketErrorCode;
  message: StaffText;
}

export type TicketParseResult = ParsedTicket | TicketParseError;

export interface TicketParseOptions {
  /** The venue's municipality, used when only the 10-digit ticket number was read. */
  defaultMunicipality?: string;
}

const GS = '\u001D';
/** Spaces and the dashes people (and Japanese IMEs) put between digit groups. */
const SEP = '\\s\\-\\u2010-\\u2015\\u2212\\u30FC';
const SEP_BETWEEN_DIGITS = new RegExp(`(?<=[0-9])[${SEP}]+(?=[0-9])`, 'g');
const ALL_DIGITS = /^[0-9]+$/;

/** AIM symbology identifier: `]`, a symbology letter, a modifier character. */
const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;
/** AIM identifiers that only GS1 element strings carry (GS1-128, GS1 DataMatrix, DataBar, GS1 QR, GS1 DotCode). */
const GS1_AIM = /^\](?:C1|d2|e[0-2]|Q3|J1)/;
/** A parenthesised AI such as `(01)` at the start, possibly after an AIM prefix. */
const PARENTHESISED_AI = /^(?:\][A-Za-z][0-9A-Za-z])?\s*\([0-9]{2,4}\)/;
/** Codabar start/stop characters (A–D, or the alternative T N * E set) around digits. */
const CODABAR = new RegExp(`^[A-DTNE*]?\\s*([0-9](?:[0-9${SEP}]*[0-9])?)\\s*[A-DTNE*]?$`, 'i');

// ---------------------------------------------------------------- messages

const SCAN_AGAIN = {
  ja: 'もう一度読み取るか、接種券の18桁の数字を入力してください。',
  en: 'Scan again, or type the 18 digits printed on the ticket.',
};

const MESSAGES: Record<Exclude<TicketErrorCode, 'WRONG_LENGTH'>, StaffText> = {
  EMPTY: text(
    `何も読み取れませんでした。${SCAN_AGAIN.ja}`,
    `Nothing was read. ${SCAN_AGAIN.en}`,
  ),
  NOT_DIGITS: text(
    `数字以外の文字が読み取られました。接種券の番号ではありません。${SCAN_AGAIN.ja}`,
    `Letters or symbols were read, so this is not a ticket number. ${SCAN_AGAIN.en}`,
  ),
  BAD_CHECK_DIGIT: text(
    `市町村コードの確認用の数字が合いません。読み取りの誤りです。${SCAN_AGAIN.ja}`,
    `The municipality code does not pass its check digit: the ticket was misread. ${SCAN_AGAIN.en}`,
  ),
  DOSE_ZERO: text(
    `接種回数が「0」と読み取られました。読み取りの誤りです。${SCAN_AGAIN.ja}`,
    `The dose number was read as 0, which cannot be right: the ticket was misread. ${SCAN_AGAIN.en}`,
  ),
  NO_MUNICIPALITY: text(
    'バーコードから券番号(10桁)だけが読み取られ、市町村コードがわかりません。接種券のQRコードを読み取るか、18桁の数字を入力してください。',
    'Only the 10-digit ticket number was read from the barcode, and the municipality is not known. Scan the QR code on the ticket, or type the 18 digits.',
  ),
  BAD_DEFAULT_MUNICIPALITY: text(
    'この会場に設定されている市町村コードが正しくないため、10桁の券番号だけでは受け付けできません。接種券のQRコードを読み取るか18桁の数字を入力し、設定のことは管理者に伝えてください。',
    "The municipality code set for this venue is not valid, so a 10-digit ticket number cannot be used. Scan the ticket's QR code or type the 18 digits, and tell the supervisor about the setting.",
  ),
  VACCINE_PACK: text(
    'これはワクチンの箱・バイアルのバーコードで、接種券ではありません。接種券のQRコードかバーコードを読み取ってください。',
    "This is a vaccine pack barcode, not a ticket. Scan the QR code or barcode on the person's ticket.",
  ),
  PRODUCT_BARCODE: text(
    'これはワクチンや商品のバーコード(JANコードなど)で、接種券ではありません。接種券のQRコードかバーコードを読み取ってください。',
    "This is a vaccine or product barcode (such as a JAN code), not a ticket. Scan the QR code or barcode on the person's ticket.",
  ),
  // Carries no digit at all: the number must not reach the screen, not even in part.
  INDIVIDUAL_NUMBER: text(
    '個人番号(マイナンバー)が読み取られました。個人番号はここで読み取ったり入力したりしてはいけません。接種券のQRコードかバーコードを読み取ってください。',
    "An individual number (My Number) was read. The individual number must never be scanned or typed here. Scan the QR code or barcode on the person's ticket instead.",
  ),
};

/** Says how many digits were read, never which: the read may be someone's personal data. */
function wrongLengthMessage(count: number): StaffText {
  return text(
    `${count}桁の数字が読み取られました。接種券の番号は18桁です(バーコードでは10桁のこともあります)。${SCAN_AGAIN.ja}`,
    `${count} digits were read. A ticket number has 18 digits (a barcode may carry 10). ${SCAN_AGAIN.en}`,
  );
}

function refuse(code: TicketErrorCode, digitCount = 0): TicketParseError {
  const message = code === 'WRONG_LENGTH' ? wrongLengthMessage(digitCount) : MESSAGES[code];
  return { ok: false, code, message };
}

// ----------------------------------------------------------- normalisation

/** Whitespace and control characters a scanner adds around a read (CR, LF, TAB, NUL…); GS is kept so GS1 data stays recognisable. */
function isEdgeJunk(ch: string): boolean {
  if (ch === GS) return false;
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f || ch.trim() === '';
}

function trimEdges(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isEdgeJunk(value.charAt(start))) start++;
  while (end > start && isEdgeJunk(value.charAt(end - 1))) end--;
  return value.slice(start, end);
}

function stripAim(value: string): string {
  return trimEdges(value.replace(AIM_PREFIX, ''));
}

function stripCodabar(value: string): string {
  const m = CODABAR.exec(value);
  return m?.[1] ?? value;
}

/** `1 1 131016 0000012345` → `111310160000012345`; separators elsewhere are left for NOT_DIGITS. */
function joinDigitGroups(value: string): string {
  return value.replace(SEP_BETWEEN_DIGITS, '');
}

// ------------------------------------------------------------- recognisers

/** Markers only a GS1 element string carries; with them even 18 digits are a pack, not a ticket. */
function hasGs1Marker(value: string): boolean {
  return (
    value.includes(GS) || /<GS>/i.test(value) || GS1_AIM.test(value) || PARENTHESISED_AI.test(value)
  );
}

/**
 * An element string that lost its markers: (01) + a GTIN-14 that checks, then
 * more data (longer than a ticket), or nothing more (a DataBar without composite).
 */
function looksLikeBareGs1(value: string): boolean {
  const compact = value.replace(/\s+/g, '');
  const m = /^01([0-9]{14})/.exec(compact);
  if (!m?.[1] || !isValidGtin(m[1])) return false;
  return compact.length > 18 || (compact.length === 16 && ALL_DIGITS.test(compact));
}

/**
 * A GS1 element string anywhere in the read, after whatever prefix a scanner
 * was set up to send (`#`, a code ID letter, `]d1`…): (01) and a GTIN-14 that
 * checks, then another AI or the end. Asked only of reads that are no ticket
 * anyway, so that staff are told they scanned a vial, not "letters were read".
 */
function embedsGs1(value: string): boolean {
  const compact = value.replace(/<GS>/gi, GS).replace(/[\s()]/g, '');
  for (const m of compact.matchAll(/01([0-9]{14})/g)) {
    if (!m[1] || !isValidGtin(m[1])) continue;
    const rest = compact.slice(m.index + 16);
    if (rest === '' || rest.startsWith(GS) || /^(?:1[1-7][0-9]{6}|10|21)/.test(rest)) return true;
  }
  return false;
}

function isProductCode(digits: string): boolean {
  return (digits.length === 13 || digits.length === 14) && isValidGtin(digits);
}

// ----------------------------------------------------------------- tickets

function fromLine18(digits: string): TicketParseResult {
  const kind = digits.slice(0, 1);
  const dose = digits.slice(1, 2);
  const municipality = digits.slice(2, 8);
  // Check digit first: a failed check is the surest sign of a misread.
  if (!isValidMunicipalityCode(municipality)) return refuse('BAD_CHECK_DIGIT');
  if (dose === '0') return refuse('DOSE_ZERO');
  return { ok: true, format: 'line18', kind, dose, municipality, number: digits.slice(8) };
}

function fromNw7(digits: string, options: TicketParseOptions | undefined): TicketParseResult {
  const given = options?.defaultMunicipality;
  const municipality = typeof given === 'string' ? trimEdges(given.normalize('NFKC')) : '';
  if (municipality === '') return refuse('NO_MUNICIPALITY');
  if (!isValidMunicipalityCode(municipality)) return refuse('BAD_DEFAULT_MUNICIPALITY');
  return { ok: true, format: 'nw7', kind: null, dose: null, municipality, number: digits };
}

function parseUnguarded(raw: unknown, options: TicketParseOptions | undefined): TicketParseResult {
  if (typeof raw !== 'string') return refuse(raw === null || raw === undefined ? 'EMPTY' : 'NOT_DIGITS');
  const trimmed = trimEdges(raw.normalize('NFKC'));
  if (trimmed === '') return refuse('EMPTY');
  // Pack and individual-number checks come before any length check, so that
  // staff hear what was actually scanned rather than "wrong number of digits".
  if (hasGs1Marker(trimmed)) return refuse('VACCINE_PACK');
  const body = stripCodabar(stripAim(trimmed));
  if (body === '') return refuse('EMPTY');
  const digits = joinDigitGroups(body);
  const asDigits = ALL_DIGITS.test(digits) && !looksLikeBareGs1(body) && !isProductCode(digits);
  // A ticket first: 18 digits typed in groups are what reception expects, whatever
  // twelve of them look like (one ticket in ten typed with spaces used to be refused).
  if (asDigits && digits.length === 18) {
    const ticket = fromLine18(digits);
    if (ticket.ok) return ticket;
  }
  // The detector of src/privacy: twelve digits however separated, also inside text.
  if (containsIndividualNumber(trimmed) || containsIndividualNumber(body)) return refuse('INDIVIDUAL_NUMBER');
  if (looksLikeBareGs1(body)) return refuse('VACCINE_PACK');
  if (!ALL_DIGITS.test(digits)) return refuse(embedsGs1(trimmed) ? 'VACCINE_PACK' : 'NOT_DIGITS');
  if (isProductCode(digits)) return refuse('PRODUCT_BARCODE');
  if (digits.length === 18) return fromLine18(digits);
  if (digits.length === 10) return fromNw7(digits, options);
  return refuse(embedsGs1(trimmed) ? 'VACCINE_PACK' : 'WRONG_LENGTH', digits.length);
}

/**
 * Reads a ticket from whatever a scanner, camera or keyboard produced.
 * Never throws; anything that is not certainly a ticket is refused with a code
 * and words for staff. Error results never carry the input.
 */
export function parseTicketCode(raw: string, options?: TicketParseOptions): TicketParseResult {
  try {
    return parseUnguarded(raw, options);
  } catch {
    // Unreachable by design; a scanner must never be able to crash the desk.
    return refuse('NOT_DIGITS');
  }
}

// ------------------------------------------------------------ manual entry

export type TypedTicketState = 'incomplete' | 'complete' | 'invalid';

export interface TypedTicketCheck {
  state: TypedTicketState;
  code?: TicketErrorCode;
  message?: StaffText;
}

export interface TypedTicketOptions {
  /** Which number is being typed; 'line18' (the default) or the 10-digit 'nw7' ticket number. */
  format?: TicketFormat;
}

// While typing, the digits are on screen already: point at the place, not "misread".
const TYPED_MESSAGES = {
  NOT_DIGITS: text(
    '数字だけを入力してください。',
    'Type digits only.',
  ),
  DOSE_ZERO: text(
    '2桁目(接種回数)が0になっています。接種券を見て入力を確かめてください。',
    'The 2nd digit (dose number) is 0. Check what you typed against the ticket.',
  ),
  BAD_CHECK_DIGIT: text(
    '3〜8桁目(市町村コード)が正しくありません。接種券を見て入力を確かめてください。',
    'Digits 3 to 8 (municipality code) are not a valid code. Check what you typed against the ticket.',
  ),
  TOO_MANY: (expected: number) =>
    text(
      `${expected}桁より多く入力されています。接種券を見て入力を確かめてください。`,
      `More than ${expected} digits were typed. Check what you typed against the ticket.`,
    ),
};

function invalid(code: TicketErrorCode, message: StaffText): TypedTicketCheck {
  return { state: 'invalid', code, message };
}

function checkTypedUnguarded(partial: unknown, format: TicketFormat): TypedTicketCheck {
  if (typeof partial !== 'string') return invalid('NOT_DIGITS', TYPED_MESSAGES.NOT_DIGITS);
  const digits = trimEdges(partial.normalize('NFKC')).replace(new RegExp(`[${SEP}]+`, 'g'), '');
  if (digits === '') return { state: 'incomplete' };
  if (!ALL_DIGITS.test(digits)) return invalid('NOT_DIGITS', TYPED_MESSAGES.NOT_DIGITS);
  const expected = format === 'nw7' ? 10 : 18;
  if (digits.length > expected) return invalid('WRONG_LENGTH', TYPED_MESSAGES.TOO_MANY(expected));
  if (format === 'line18') {
    // Flag a typo at the digit where it happened, not after all 18 are typed.
    if (digits.length >= 2 && digits[1] === '0') return invalid('DOSE_ZERO', TYPED_MESSAGES.DOSE_ZERO);
    if (digits.length >= 8 && !isValidMunicipalityCode(digits.slice(2, 8))) {
      return invalid('BAD_CHECK_DIGIT', TYPED_MESSAGES.BAD_CHECK_DIGIT);
    }
  }
  if (digits.length < expected) return { state: 'incomplete' };
  if (format === 'nw7') return { state: 'complete' };
  const parsed = parseTicketCode(digits);
  return parsed.ok ? { state: 'complete' } : invalid(parsed.code, parsed.message);
}

/**
 * For manual entry screens: checks what has been typed so far, so the screen
 * can flag a typo in the municipality code (digits 3–8) as soon as the eighth
 * digit is typed. The final value must still go through parseTicketCode.
 */
export function checkTypedTicketDigits(partial: string, options?: TypedTicketOptions): TypedTicketCheck {
  try {
    return checkTypedUnguarded(partial, options?.format === 'nw7' ? 'nw7' : 'line18');
  } catch {
    return invalid('NOT_DIGITS', TYPED_MESSAGES.NOT_DIGITS);
  }
}

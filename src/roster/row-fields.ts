// The checks of single fields of a roster row (roster-checker.ts runs them).
import type { StaffText } from '../common/messages';
import { fail, q, say } from './import-errors';
import { CODE_PATTERN, charCount, hasUnshowable, nfkc, parseDate } from './import-kit';
import { EMAIL, HIRAGANA, KANA_PART, type PriorDose, type RosterColumn } from './roster-format';

export function cell(fields: readonly string[], i: number): string {
  return i < 0 ? '' : (fields[i] ?? '').trim();
}

export function need(value: string, r: number, c: RosterColumn): string {
  if (value === '') fail('REQUIRED', r, c, say('入力が必要です。', 'this column must be filled in.'));
  return value;
}

export function invalid(r: number, c: RosterColumn, ja: string, en: string): never {
  return fail('INVALID', r, c, say(ja, en));
}

export function badPriorDose(r: number, entry: number, ja: string, en: string): never {
  return fail('INVALID', r, 'prior_doses', say(`${entry}件目: ${ja}`, `entry ${entry}: ${en}`));
}

export function badSet(r: number, ja: string, en: string): never {
  return fail('INVALID', r, 'booking_set', say(ja, en));
}

export const DATE_HELP = say('日付が正しくありません（YYYY-MM-DD で入力してください）。', 'the date is not valid (write it as YYYY-MM-DD).');

export function hhmm(h: number, m: number): string {
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}

export const KANA_NAME = /^[\u30A1-\u30FE]+(?: [\u30A1-\u30FE]+)*$/;

export function kana(value: string, r: number): string {
  if (KANA_NAME.test(value)) {
    // Already full-width katakana with single ASCII spaces: NFKC would not change it.
    if (charCount(value) > 80) fail('INVALID', r, 'name_kana', say('フリガナは80文字以内にしてください。', 'the kana name must be at most 80 characters.'));
    return value;
  }
  const parts = nfkc(value).trim().split(/\s+/);
  for (const part of parts) {
    if (!KANA_PART.test(part)) {
      fail(
        'INVALID',
        r,
        'name_kana',
        HIRAGANA.test(part)
          ? say('ひらがなが含まれています。カタカナで入力してください。', 'it holds hiragana. Write the name in katakana.')
          : say('カタカナで入力してください（姓と名の間は空白1つ）。', 'write the name in katakana (one space between family and given name).'),
      );
    }
  }
  const result = parts.length === 1 ? (parts[0] ?? '') : parts.join(' ');
  if (charCount(result) > 80) fail('INVALID', r, 'name_kana', say('フリガナは80文字以内にしてください。', 'the kana name must be at most 80 characters.'));
  return result;
}

export function parsePhone(value: string, r: number): string | null {
  if (value === '') return null;
  const v = nfkc(value);
  let count = 0;
  let ok = true;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) count++;
    else if (!(c === 45 || c === 40 || c === 41 || c === 32 || (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0x30fc)) {
      ok = false;
      break;
    }
  }
  const digits = ok && count === v.length ? v : v.replace(/[^0-9]/g, '');
  if (!ok || count < 10 || count > 11 || digits.charCodeAt(0) !== 48) {
    fail(
      'INVALID',
      r,
      'phone',
      say(
        '電話番号は0で始まる10桁か11桁の数字で入力してください（ハイフン・かっこは使えます）。Excel で先頭の0が消えていないか確認してください。',
        'the phone number must be 10 or 11 digits starting with 0 (hyphens and parentheses are allowed). Check that Excel did not drop the leading 0.',
      ),
    );
  }
  return digits;
}

export function parseEmail(value: string, r: number): string | null {
  if (value === '') return null;
  const v = nfkc(value);
  if (v.length > 254 || !EMAIL.test(v)) {
    fail('INVALID', r, 'email', say('メールアドレスの形が正しくありません（例: name@example.jp）。', 'the e-mail address is not valid (e.g. name@example.jp).'));
  }
  return v;
}


/** A product code of the file, checked against the product master when one is known. */
export function productCode(knownProducts: ReadonlySet<string> | null, code: string, r: number, column: RosterColumn, where: StaffText): string {
  if (!CODE_PATTERN.test(code)) {
    fail(
      'INVALID',
      r,
      column,
      say(
        `${where.ja}製品コードは英数字・ハイフン・下線で1〜40文字です。`,
        `${where.en}the product code must be 1–40 letters, digits, hyphens or underscores.`,
      ),
    );
  }
  if (knownProducts !== null && !knownProducts.has(code)) {
    const v = q(code);
    fail(
      'UNKNOWN_PRODUCT',
      r,
      column,
      say(
        `${where.ja}製品コード${v.ja}が製品マスタにありません。コードを確認するか、先に製品マスタを取り込んでください。`,
        `${where.en}the product code${v.en} is not in the product master. Check the code, or import the product master first.`,
      ),
    );
  }
  return code;
}


/** The prior_doses column: "dose:date:product_code:place" entries separated by ";". */
export function parsePriorDoses(today: string | null, knownProducts: ReadonlySet<string> | null, value: string, birthDate: string, r: number): PriorDose[] {
  if (value === '') return [];
  const entries = nfkc(value).split(';');
  const doses: PriorDose[] = [];
  let n = 0;
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    n += 1;
    const parts = entry.split(':');
    if (parts.length < 4) {
      badPriorDose(
        r,
        n,
        '「回数:接種日:製品コード:場所」の形で入力してください（例 1:2021-06-20:PFZ-COMIRNATY:市民会館）。場所が空でも最後の「:」は必要です。',
        'write it as dose:date:product_code:place (e.g. 1:2021-06-20:PFZ-COMIRNATY:City Hall). Keep the last ":" even when the place is empty.',
      );
    }
    const doseText = (parts[0] ?? '').trim();
    if (!/^[1-9]$/.test(doseText)) badPriorDose(r, n, '回数は1〜9の数字です。', 'the dose number must be 1–9.');
    const dose = Number(doseText);
    const date = parseDate((parts[1] ?? '').trim());
    if (date === null) badPriorDose(r, n, DATE_HELP.ja, DATE_HELP.en);
    if (date < birthDate) badPriorDose(r, n, '接種日が生年月日より前です。', 'the date is before the birth date.');
    if (today !== null && date > today) badPriorDose(r, n, '接種日が未来の日付です。', 'the date is in the future.');
    const product = productCode(knownProducts, (parts[2] ?? '').trim(), r, 'prior_doses', say(`${n}件目: `, `entry ${n}: `));
    const place = (parts.length === 4 ? (parts[3] ?? '') : parts.slice(3).join(':')).trim();
    if (charCount(place) > 30) badPriorDose(r, n, '場所は30文字以内にしてください。', 'the place must be at most 30 characters.');
    if (hasUnshowable(place)) {
      badPriorDose(r, n, '場所に表示できない文字（外字・制御文字など）があります。', 'the place holds characters that cannot be shown.');
    }
    for (const d of doses) {
      if (d.dose === dose) badPriorDose(r, n, `${dose}回目が2回書かれています。`, `dose ${dose} is written twice.`);
    }
    doses.push({ dose, date, product, place });
  }
  doses.sort((a, b) => a.dose - b.dose);
  for (let i = 1; i < doses.length; i++) {
    const a = doses[i - 1];
    const b = doses[i];
    if (a !== undefined && b !== undefined && b.date <= a.date) {
      fail(
        'INVALID',
        r,
        'prior_doses',
        say(
          `${b.dose}回目の接種日が${a.dose}回目の接種日より後になっていません。回数と日付を確認してください。`,
          `dose ${b.dose} is not dated after dose ${a.dose}. Check the dose numbers and dates.`,
        ),
      );
    }
  }
  return doses;
}

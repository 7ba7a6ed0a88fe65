import { NO_INDIVIDUAL_NUMBER } from '../src/common/messages';
import { refusalBody, StaffRefusal } from '../src/common/refusal';
import { containsIndividualNumber } from '../src/privacy/individual-number';
import type { ApiError } from '../src/sync/protocol';

/**
 * A refusal with a code and words in English and Japanese (the one StaffRefusal of
 * the device core too, src/common/refusal.ts): an HTTP 4xx for
 * devices (`{ error: { code, message: { ja, en }, ...details } }`, the same shape a
 * device's own replies carry), a message on the
 * admin command line. Never carries submitted values (they may be personal data).
 */
export class Problem extends StaffRefusal {
  constructor(
    readonly status: number,
    code: string,
    en: string,
    ja: string,
    readonly extra: { readonly issues?: readonly { path: string; message: string }[]; readonly recordId?: string } = {},
  ) {
    super(code, { ja, en });
  }

  get en(): string {
    return this.staffMessage.en;
  }

  get ja(): string {
    return this.staffMessage.ja;
  }

  body(): ApiError {
    return { error: refusalBody(this.code, this.staffMessage, this.extra) };
  }
}

/**
 * A value someone gave, fit to repeat in an error: whole when it is short,
 * printable and cannot be an individual number, otherwise a placeholder.
 * Never a part of it.
 */
export function shown(value: string): string {
  if (value.length === 0 || value.length > 64 || /[\p{Cc}\p{Cf}]/u.test(value) || containsIndividualNumber(value)) return '(…)';
  return value;
}

/** Refuses a value that may hold an individual number (what: the field, in words). Never repeats it. */
export function refuseIndividualNumber(value: string, what: { readonly en: string; readonly ja: string }): void {
  if (containsIndividualNumber(value)) throw problems.individualNumber([], what);
}

export const problems = {
  malformedJson: () => new Problem(400, 'MALFORMED_JSON', 'The request body is not valid JSON.', 'リクエストの本文が正しい JSON ではありません。'),
  emptyBody: () => new Problem(400, 'EMPTY_BODY', 'The request body is empty.', 'リクエストの本文が空です。'),
  invalid: (issues: readonly { path: string; message: string }[]) =>
    new Problem(400, 'INVALID_REQUEST', 'The request does not have the expected fields and types.', 'リクエストの項目または型が正しくありません。', { issues }),
  /** Something sent holds what may be an individual number: refused, never repeated (the issues name the fields). */
  individualNumber: (issues: readonly { path: string; message: string }[] = [], what?: { readonly en: string; readonly ja: string }) =>
    new Problem(
      400,
      'INDIVIDUAL_NUMBER',
      what ? `The ${what.en}: ${NO_INDIVIDUAL_NUMBER.en}` : NO_INDIVIDUAL_NUMBER.en,
      what ? `${what.ja}: ${NO_INDIVIDUAL_NUMBER.ja}` : NO_INDIVIDUAL_NUMBER.ja,
      issues.length > 0 ? { issues } : {},
    ),
  tooLarge: (limit: number) => new Problem(413, 'BODY_TOO_LARGE', `The request body is larger than ${limit} bytes.`, `リクエストの本文が大きすぎます（上限 ${limit} バイト）。`),
  mediaType: () => new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.', '本文は application/json で送ってください。'),
  notFound: () => new Problem(404, 'NOT_FOUND', 'There is no such endpoint.', 'そのエンドポイントはありません。'),
  missingCredential: () =>
    new Problem(401, 'MISSING_CREDENTIAL', 'This call needs the device credential (Authorization: Bearer …).', 'この呼び出しには端末の認証情報（Authorization: Bearer …）が必要です。'),
  unknownDevice: () => new Problem(401, 'UNKNOWN_DEVICE', 'This device is not enrolled here, or its credential is wrong.', 'この端末は登録されていないか、認証情報が違います。'),
  revoked: () => new Problem(403, 'DEVICE_REVOKED', 'This device has been revoked. Call the administrator.', 'この端末の登録は取り消されています。管理者に連絡してください。'),
  codeUnknown: () => new Problem(401, 'ENROLLMENT_CODE_UNKNOWN', 'The enrollment code is not valid.', '登録コードが正しくありません。'),
  codeUsed: () =>
    new Problem(409, 'ENROLLMENT_CODE_USED', 'This enrollment code has already been used; each code works once. Issue a new one.', 'この登録コードは使用済みです（1回だけ使えます）。新しいコードを発行してください。'),
  codeExpired: () => new Problem(410, 'ENROLLMENT_CODE_EXPIRED', 'This enrollment code has expired. Issue a new one.', 'この登録コードは有効期限が切れています。新しいコードを発行してください。'),
  otherVenue: (recordId: string) =>
    new Problem(
      403,
      'RECORD_FOR_OTHER_VENUE',
      'A record in this batch belongs to another venue or municipality than this device. Nothing was stored.',
      'この送信には、この端末とは別の会場または市区町村の記録が含まれています。何も保存していません。',
      { recordId },
    ),
  unknownDesk: (recordId: string) =>
    new Problem(
      400,
      'UNKNOWN_DESK',
      'A record in this batch names a desk this venue does not have. Nothing was stored.',
      'この送信には、この会場にない受付台を指す記録が含まれています。何も保存していません。',
      { recordId },
    ),
  referenceMismatch: (recordId: string) =>
    new Problem(
      400,
      'REFERENCE_MISMATCH',
      'A record in this batch names a walk-in request for another ticket or day than its own. Nothing was stored.',
      'この送信には、別の接種券または別の日の当日受付依頼を指す記録が含まれています。何も保存していません。',
      { recordId },
    ),
  internal: () => new Problem(500, 'INTERNAL', 'Something went wrong on the central service.', '中央サーバーでエラーが起きました。'),
  busy: (seconds: number) =>
    new Problem(
      429,
      'SERVER_BUSY',
      `The central service is busy. Nothing was stored; send again in ${seconds} s (devices do this by themselves).`,
      `中央サーバーが混み合っています。何も保存していません。${seconds}秒後に再送してください（端末は自動で再送します）。`,
    ),
};

import type { ReplyError } from '../../../../src/api/reply';

/** A refusal from the core in the screen's language. */
export function errorText(error: ReplyError | null, language: 'ja' | 'en'): string {
  return error ? (language === 'ja' ? error.message : error.messageEn) : '';
}

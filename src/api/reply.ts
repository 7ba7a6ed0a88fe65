import { refusalBody, type RefusalBody } from '../common/refusal';
import type { StaffText } from '../common/messages';

/**
 * What every call answers, whatever the transport. The error is the one wire shape of a refusal
 * (src/common/refusal.ts), the same the central service answers: { code, message: { ja, en },
 * issues? }. The renderer imports the types only.
 */
export type ReplyError = RefusalBody;

export type Reply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ReplyError };

/** A refusal as a reply (validation details, when given, name the fields, never the values). */
export function refusalReply(code: string, message: StaffText, issues?: readonly { readonly path: string; readonly message: string }[]): Reply<never> {
  return { ok: false, error: refusalBody(code, message, issues ? { issues } : {}) };
}

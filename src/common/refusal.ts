import type { StaffText } from './messages';

/**
 * The one kind of refusal: a code for programs and words for staff in both
 * languages. The device core's refusals (doses, check-ins, the day, the store,
 * the roster import, the dispatcher's own) and the central service's answers
 * (server/problems.ts) all extend it, so a refusal is recognised by its class,
 * never by the shape of its fields. `message` is the English text (for logs).
 */
export class StaffRefusal<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    readonly staffMessage: StaffText,
    options?: { readonly cause?: unknown },
  ) {
    super(staffMessage.en, options);
    this.name = new.target.name;
  }
}

import { z } from 'zod';
import type { StaffText } from './messages';

/**
 * The one wire shape of a refusal, for the device contract (a Reply's `error`) and the central
 * API (an error body's `error`, and a rejected record's): a stable code for programs, the words
 * for staff in both languages under `message`, and details that say what was wrong without
 * repeating a submitted value. `message` is an object rather than a string beside a second
 * language field, so no reader can take one language for the whole message: the renderer shows
 * it with one helper (refusalText) in the language staff chose.
 */
export const staffTextSchema = z.strictObject({ ja: z.string().min(1), en: z.string().min(1) });

export const refusalIssueSchema = z.object({ path: z.string(), message: z.string() });

export const refusalBodySchema = z.object({
  code: z.string().min(1),
  message: staffTextSchema,
  /** For validation refusals: which fields, and what was wrong with them (never the values). */
  issues: z.array(refusalIssueSchema).optional(),
  /** For a refused upload: the record that made the central service refuse the batch. */
  recordId: z.string().optional(),
});

export type RefusalBody = z.infer<typeof refusalBodySchema>;

/**
 * The one kind of refusal: a code for programs and words for staff in both
 * languages. The device core's refusals (doses, check-ins, the day, the store,
 * the roster import, staff accounts, the dispatcher's own), the central service's
 * answers (server/problems.ts) and those answers as the device reads them
 * (src/sync/link.ts) all extend it, so a refusal is recognised by its class,
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

/** The wire shape from its parts; details only when present, so both sides write the same keys. */
export function refusalBody(
  code: string,
  message: StaffText,
  details: { readonly issues?: readonly { readonly path: string; readonly message: string }[]; readonly recordId?: string } = {},
): RefusalBody {
  return {
    code,
    message: { ja: message.ja, en: message.en },
    ...(details.issues && details.issues.length > 0 ? { issues: details.issues.map(({ path, message: why }) => ({ path, message: why })) } : {}),
    ...(details.recordId ? { recordId: details.recordId } : {}),
  };
}

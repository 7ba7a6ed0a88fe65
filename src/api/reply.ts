/** What every call answers, whatever the transport. Pure types: the renderer uses them too. */
export interface ReplyError {
  readonly code: string;
  /** Japanese, for staff. */
  readonly message: string;
  readonly messageEn: string;
  /** For validation errors: which fields, and what was wrong (never the values). */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

export type Reply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ReplyError };

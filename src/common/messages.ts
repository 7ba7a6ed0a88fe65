/**
 * Everything staff read comes in Japanese first, with English beside it, so the
 * screen can switch language without asking the core again.
 */
export interface StaffText {
  readonly ja: string;
  readonly en: string;
}

export function text(ja: string, en: string): StaffText {
  return { ja, en };
}

/** A refusal the caller can show as is: a stable code plus words for staff. */
export interface Refusal<C extends string = string> {
  readonly code: C;
  readonly message: StaffText;
}

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

/** Free text typed by staff (a reason, a note) that carries an individual number is refused with this, never echoed. */
export const NO_INDIVIDUAL_NUMBER = text(
  '個人番号（マイナンバー）は記録できません。理由やメモに含めないでください。',
  'An individual number (My Number) cannot be recorded. Leave it out of the reason or note.',
);

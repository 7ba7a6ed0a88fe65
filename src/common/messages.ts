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

/**
 * Anything typed or scanned that carries an individual number (a reason, a
 * note, a name, an id, a lot number) is refused with this, never echoed.
 */
export const NO_INDIVIDUAL_NUMBER = text(
  '個人番号（マイナンバー）は記録できません。個人番号と見分けられない12桁の数字（区切り方は問いません）が含まれています。個人番号を除いて入力し直してください。',
  'An individual number (My Number) cannot be recorded: what was entered holds 12 digits that cannot be told apart from one, however they are separated. Leave the number out and enter it again.',
);

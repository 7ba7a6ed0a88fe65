import type { ReplyError } from '../../../src/api/reply';
import type { StaffText } from '../../../src/common/messages';
import { usePrefs, type Language } from '../stores/prefs';
import { STRINGS, type StringKey } from './strings';

export type Vars = Readonly<Record<string, string | number>>;

/** The word for a key in a language, with {placeholders} filled. */
export function translate(language: Language, key: StringKey, vars?: Vars): string {
  const [ja, en] = STRINGS[key];
  const template = language === 'ja' ? ja : en;
  return vars ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : template;
}

/** Words from the core come in both languages: pick one. */
export function pick(language: Language, words: StaffText | null | undefined): string {
  if (!words) return '';
  return language === 'ja' ? words.ja : words.en;
}

/**
 * A refusal (from the core or, through sync, the central service: one wire shape) in the language
 * staff chose. The one way a screen shows one; nothing when there is none.
 */
export function refusalText(language: Language, error: Pick<ReplyError, 'message'> | null | undefined): string {
  return pick(language, error?.message);
}

export interface Translator {
  readonly language: Language;
  (key: StringKey, vars?: Vars): string;
  pick(words: StaffText | null | undefined): string;
  /** The words of a refusal, in this language (refusalText). */
  refusal(error: Pick<ReplyError, 'message'> | null | undefined): string;
}

/** The current language's translator; components re-render when the language changes. */
export function useT(): Translator {
  const language = usePrefs((s) => s.language);
  const t = ((key: StringKey, vars?: Vars) => translate(language, key, vars)) as Translator;
  Object.assign(t, {
    language,
    pick: (words: StaffText | null | undefined) => pick(language, words),
    refusal: (error: Pick<ReplyError, 'message'> | null | undefined) => refusalText(language, error),
  });
  return t;
}

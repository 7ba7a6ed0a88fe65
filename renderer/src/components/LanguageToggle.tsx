import { useT } from '../i18n/t';
import { usePrefs } from '../stores/prefs';

/**
 * 日本語 ⇄ English. Shows the language it switches to, in that language;
 * that word is its accessible name too (what is seen is what a screen
 * reader or voice control calls it), with what it does as its description.
 */
export function LanguageToggle({ testId = 'language-toggle' }: { testId?: string }) {
  const t = useT();
  const toggle = usePrefs((s) => s.toggleLanguage);
  return (
    <button type="button" className="button button--quiet lang" data-testid={testId} data-language={t.language} title={t('lang.toggleLabel')} onClick={toggle} lang={t.language === 'ja' ? 'en' : 'ja'}>
      {t('lang.toggle')}
    </button>
  );
}

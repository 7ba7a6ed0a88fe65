import { formatDate } from '../i18n/format';
import { useT } from '../i18n/t';

export interface Person {
  readonly nameKana: string;
  readonly nameKanji: string;
  readonly birthDate: string;
  readonly age?: number | null;
  readonly sex: 'M' | 'F' | 'U';
}

/** Name (kana over kanji), date of birth in 和暦 and 西暦 with the age, and sex. Nothing else. Small: one line each, for lists. */
export function PersonSummary({ person, size = 'large' }: { person: Person; size?: 'large' | 'medium' | 'small' }) {
  const t = useT();
  const birth = formatDate(person.birthDate, t.language);
  return (
    <div className={`person person--${size}`} data-testid="person">
      <div className="person__kana" data-testid="person-kana" lang="ja">
        {person.nameKana}
      </div>
      <div className="person__kanji" data-testid="person-kanji" lang="ja">
        {person.nameKanji}
      </div>
      <dl className="person__facts">
        <div>
          <dt>{t('verdict.birth')}</dt>
          <dd data-testid="person-birth">
            {/* 和暦 first in Japanese, the Western date first in English; both always shown. */}
            {t.language === 'ja' ? (
              <>
                <span className="person__wareki">{birth.wareki}</span>
                <span className="person__seireki">（{birth.seireki}）</span>
              </>
            ) : (
              <>
                <span className="person__wareki">{birth.seireki}</span>
                <span className="person__seireki"> ({birth.wareki})</span>
              </>
            )}
            {person.age !== undefined && person.age !== null ? <strong className="person__age"> {t('verdict.age', { n: person.age })}</strong> : null}
          </dd>
        </div>
        <div>
          <dt>{t('verdict.sex')}</dt>
          <dd data-testid="person-sex">{t(`sex.${person.sex}`)}</dd>
        </div>
      </dl>
    </div>
  );
}

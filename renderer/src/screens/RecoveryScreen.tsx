/** Recovery mode: the database could not be opened; a supervisor restores a backup. */
import { LanguageToggle } from '../components/LanguageToggle';
import { useT } from '../i18n/t';
import { useSession } from '../stores/session';
import { BackupsPanel } from './BackupsPanel';

export function RecoveryScreen() {
  const t = useT();
  const problem = useSession((s) => s.recovery);
  return (
    <main className="gate" data-testid="screen-recovery">
      <div className="gate__top">
        <h1>{t('app.title')}</h1>
        <LanguageToggle />
      </div>
      <div className="gate__card gate__card--wide">
        <h2>{t('recovery.title')}</h2>
        {problem ? (
          <p className="form-error" role="alert">
            {t.pick(problem)}
          </p>
        ) : null}
        <p className="gate__lead">{t('recovery.lead')}</p>
        <BackupsPanel recovery />
      </div>
    </main>
  );
}

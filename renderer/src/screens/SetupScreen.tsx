/** First-run setup of a stand-alone device: venue, desk and the first supervisor. */
import { useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { call, hasOperation } from '../api/venue';
import { LanguageToggle } from '../components/LanguageToggle';
import { useT } from '../i18n/t';
import type { StringKey } from '../i18n/strings';
import { useSession } from '../stores/session';
import { EnrollPanel } from './EnrollPanel';

const FIELDS = [
  ['venueId', 'setup.venueId', 'text'],
  ['venueName', 'setup.venueName', 'text'],
  ['municipality', 'setup.municipality', 'text'],
  ['deskId', 'setup.deskId', 'text'],
  ['deskName', 'setup.deskName', 'text'],
  ['login', 'setup.login', 'text'],
  ['displayName', 'setup.displayName', 'text'],
  ['password', 'setup.password', 'password'],
] as const satisfies readonly (readonly [string, StringKey, string])[];

type Field = (typeof FIELDS)[number][0];

function StandaloneForm() {
  const t = useT();
  const boot = useSession((s) => s.boot);
  const [values, setValues] = useState<Record<Field, string>>({ venueId: '', venueName: '', municipality: '', deskId: '', deskName: '', login: '', displayName: '', password: '' });
  const [error, setError] = useState<ReplyError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const reply = await call('setupDevice', {
      venue: { id: values.venueId.trim(), name: values.venueName.trim(), municipality: values.municipality.trim() },
      desk: { id: values.deskId.trim(), name: values.deskName.trim() },
      supervisor: { login: values.login.trim(), displayName: values.displayName.trim(), password: values.password },
    });
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    await boot();
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="standalone-form">
        <p className="gate__lead">{t('setup.lead')}</p>
        {FIELDS.map(([name, label, type]) => (
          <label key={name} className="field">
            <span>{t(label)}</span>
            <input
              type={type}
              data-testid={`setup-${name}`}
              value={values[name]}
              autoComplete="off"
              onChange={(event) => setValues((v) => ({ ...v, [name]: event.target.value }))}
            />
          </label>
        ))}
        {error ? (
          <p className="form-error" role="alert" data-testid="setup-error">
            {t.refusal(error)}
            {error.issues?.length ? ` (${error.issues.map((i) => i.path).join(', ')})` : ''}
          </p>
        ) : null}
        <button type="submit" className="button button--primary button--wide" data-testid="setup-submit">
          {t('setup.submit')}
        </button>
    </form>
  );
}

/**
 * First run. Normally the device enrolls with the central service, which
 * sends the venue, desks, staff and roster; a stand-alone device is set up by
 * hand with its first supervisor.
 */
export function SetupScreen() {
  const t = useT();
  const canEnroll = hasOperation('requestEnrollment');
  const [mode, setMode] = useState<'enroll' | 'standalone'>(canEnroll ? 'enroll' : 'standalone');
  return (
    <main className="gate" data-testid="screen-setup">
      <div className="gate__top">
        <h1>{t('app.title')}</h1>
        <LanguageToggle />
      </div>
      <div className="gate__card gate__card--wide">
        <h2>{t('setup.title')}</h2>
        {canEnroll ? (
          <div className="chips" role="radiogroup">
            {(['enroll', 'standalone'] as const).map((m) => (
              <label key={m} className={`chip${mode === m ? ' chip--on' : ''}`}>
                <input type="radio" name="setup-mode" checked={mode === m} onChange={() => setMode(m)} data-testid={`setup-mode-${m}`} />
                {m === 'enroll' ? t('setup.modeEnroll') : t('setup.modeStandalone')}
              </label>
            ))}
          </div>
        ) : null}
        {mode === 'enroll' ? <EnrollPanel /> : <StandaloneForm />}
      </div>
    </main>
  );
}

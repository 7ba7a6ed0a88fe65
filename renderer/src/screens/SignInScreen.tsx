/**
 * Sign-in: each staff member with their own ID and password. A supervisor
 * with two-factor sign-in is then asked for the code from the authenticator
 * app (or a recovery code), on the same form: the password stays in this
 * form's memory only until the code is sent.
 */
import { useState } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { PasswordForm, typedCode } from '../components/PasswordForm';
import { useT } from '../i18n/t';
import { useSession } from '../stores/session';

export function SignInScreen() {
  const t = useT();
  const device = useSession((s) => s.device);
  const signIn = useSession((s) => s.signIn);
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [askCode, setAskCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    const failed = await signIn(login.trim(), password, askCode ? typedCode(code) : undefined);
    setBusy(false);
    setCode('');
    setError(failed);
    // The right password was given: only the code is asked for now (again, after a wrong one).
    const codeStep = failed?.code === 'SECOND_FACTOR_REQUIRED' || (askCode && failed?.code === 'WRONG_CODE');
    setAskCode(codeStep);
    if (!codeStep) setPassword('');
  };

  const startOver = () => {
    setAskCode(false);
    setPassword('');
    setCode('');
    setError(null);
  };

  return (
    <PasswordForm
      name="signin"
      screenTestId="screen-signin"
      title={t('signin.title')}
      lead={t('signin.lead')}
      passwordLabel={t('signin.password')}
      submitLabel={t('signin.submit')}
      busyLabel={t('signin.busy')}
      askPassword={!askCode}
      askCode={askCode}
      ready={login.trim() !== ''}
      password={password}
      onPassword={setPassword}
      code={code}
      onCode={setCode}
      busy={busy}
      error={error}
      onSubmit={() => void submit()}
      actions={
        askCode ? (
          <button type="button" className="button button--quiet button--wide" data-testid="signin-start-over" onClick={startOver}>
            {t('signin.startOver')}
          </button>
        ) : null
      }
    >
      {device ? (
        <p className="gate__device" data-testid="signin-device">
          {t('signin.device')}: {device.venueName ?? device.venueId} · {device.deskName ?? device.deskId}
        </p>
      ) : null}
      <label className="field">
        <span>{t('signin.login')}</span>
        <input
          data-testid="signin-login"
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          value={login}
          readOnly={askCode}
          onChange={(event) => setLogin(event.target.value)}
          autoFocus
          required
        />
      </label>
    </PasswordForm>
  );
}

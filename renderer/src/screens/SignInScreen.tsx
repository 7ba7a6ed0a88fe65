/**
 * Sign-in: each staff member with their own ID and password. A supervisor
 * with two-factor sign-in is then asked for the code from the authenticator
 * app (or a recovery code), on the same form: the password stays in this
 * form's memory only until the code is sent.
 */
import { useState } from 'react';
import { PasswordForm, usePasswordEntry } from '../components/PasswordForm';
import { useT } from '../i18n/t';
import { useSession } from '../stores/session';

export function SignInScreen() {
  const t = useT();
  const device = useSession((s) => s.device);
  const signIn = useSession((s) => s.signIn);
  const [login, setLogin] = useState('');
  const [askCode, setAskCode] = useState(false);
  const entry = usePasswordEntry();

  const submit = async () => {
    const failed = await entry.send((password, code) => signIn(login.trim(), password, askCode ? code : undefined));
    // The right password was given: only the code is asked for now (again, after a wrong one).
    const codeStep = failed?.code === 'SECOND_FACTOR_REQUIRED' || (askCode && failed?.code === 'WRONG_CODE');
    setAskCode(codeStep);
    if (!codeStep) entry.clearPassword();
  };

  const startOver = () => {
    setAskCode(false);
    entry.reset();
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
      {...entry.fields}
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

/**
 * Sign-in: each staff member with their own ID and password. A supervisor
 * with two-factor sign-in is then asked for the code from the authenticator
 * app (or a recovery code), on the same form: the password stays in this
 * form's memory only until the code is sent.
 */
import { useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { LanguageToggle } from '../components/LanguageToggle';
import { useT } from '../i18n/t';
import { useHandheldScanner } from '../scanner/handheld-dom';
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
  // A ticket scanned here must not land in the password field (nor submit it and count as a wrong
  // password): the burst is taken back out of the field and dropped.
  const [scanIgnored, setScanIgnored] = useState(false);
  useHandheldScanner(() => setScanIgnored(true), true);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const failed = await signIn(login.trim(), password, askCode ? code.replace(/\s+/g, '') : undefined);
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
    <main className="gate" data-testid="screen-signin">
      <div className="gate__top">
        <h1>{t('app.title')}</h1>
        <LanguageToggle />
      </div>
      <form className="gate__card" onSubmit={(event) => void submit(event)} noValidate>
        <h2>{t('signin.title')}</h2>
        <p className="gate__lead">{t('signin.lead')}</p>
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
        {askCode ? (
          <label className="field">
            <span>{t('signin.code')}</span>
            <input
              data-testid="signin-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              autoCapitalize="off"
              spellCheck={false}
              maxLength={16}
              value={code}
              onChange={(event) => setCode(event.target.value)}
              autoFocus
            />
            <small className="field__hint">{t('signin.codeHint')}</small>
          </label>
        ) : (
          <label className="field">
            <span>{t('signin.password')}</span>
            <input data-testid="signin-password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
          </label>
        )}
        {scanIgnored ? (
          <p className="notice notice--error" role="status" data-testid="scan-ignored">
            {t('gate.scanIgnored')}
          </p>
        ) : null}
        {error ? (
          <p className="form-error" role="alert" data-testid="signin-error" data-code={error.code}>
            {t.refusal(error)}
          </p>
        ) : null}
        <button type="submit" className="button button--primary button--wide" data-testid="signin-submit" disabled={busy || !login.trim() || !password || (askCode && !code.trim())}>
          {busy ? t('signin.busy') : t('signin.submit')}
        </button>
        {askCode ? (
          <button type="button" className="button button--quiet button--wide" data-testid="signin-start-over" onClick={startOver}>
            {t('signin.startOver')}
          </button>
        ) : null}
      </form>
    </main>
  );
}

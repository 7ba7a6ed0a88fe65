/**
 * The idle lock. Everything personal has already been wiped from memory and
 * the screen; only the signed-in person's own name is shown, so they know
 * whose password opens it. Someone else signs the session out and signs in.
 * What the person was entering waits for them (stores/privacy.ts), and the
 * observation board keeps counting and ringing underneath, without names.
 */
import { useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { LanguageToggle } from '../components/LanguageToggle';
import { LockedBoard } from '../components/LockedBoard';
import { useT } from '../i18n/t';
import { useHandheldScanner } from '../scanner/handheld-dom';
import { useSession } from '../stores/session';

export function LockScreen() {
  const t = useT();
  const staff = useSession((s) => s.staff);
  // A supervisor who signed in with a code unlocks with one too.
  const needsCode = useSession((s) => s.secondFactor === 'verified');
  const unlock = useSession((s) => s.unlock);
  const signOut = useSession((s) => s.signOut);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
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
    const failed = await unlock(password, needsCode ? code.replace(/\s+/g, '') : undefined);
    setBusy(false);
    setPassword('');
    setCode('');
    setError(failed);
  };

  return (
    <main className="gate gate--locked" data-testid="lock-screen">
      <div className="gate__top">
        <h1>{t('app.title')}</h1>
        <LanguageToggle />
      </div>
      <form className="gate__card" onSubmit={(event) => void submit(event)} noValidate>
        <h2>{t('lock.title')}</h2>
        <p className="gate__lead">{t('lock.lead')}</p>
        {staff ? (
          <p className="gate__device">
            {t('lock.who')}: <strong data-testid="lock-staff">{staff.displayName}</strong>
          </p>
        ) : null}
        <LockedBoard />
        <label className="field">
          <span>{t('lock.password')}</span>
          <input data-testid="unlock-password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} autoFocus />
        </label>
        {needsCode ? (
          <label className="field">
            <span>{t('signin.code')}</span>
            <input
              data-testid="unlock-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              autoCapitalize="off"
              spellCheck={false}
              maxLength={16}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
            <small className="field__hint">{t('signin.codeHint')}</small>
          </label>
        ) : null}
        {scanIgnored ? (
          <p className="notice notice--error" role="status" data-testid="scan-ignored">
            {t('gate.scanIgnored')}
          </p>
        ) : null}
        {error ? (
          <p className="form-error" role="alert" data-testid="unlock-error" data-code={error.code}>
            {t.refusal(error)}
          </p>
        ) : null}
        <button type="submit" className="button button--primary button--wide" data-testid="unlock-submit" disabled={busy || !password || (needsCode && !code.trim())}>
          {t('lock.unlock')}
        </button>
        <button type="button" className="button button--quiet button--wide" data-testid="lock-signout" onClick={() => void signOut()}>
          {t('lock.other')}
        </button>
      </form>
    </main>
  );
}

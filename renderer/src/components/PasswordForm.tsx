/**
 * The one password form behind sign-in and the lock screen: the gate's
 * header, the card, the password, the second-factor code a supervisor
 * gives (from the authenticator app, or a recovery code), the refusal, and
 * the submit button, which is busy while the answer is awaited. A ticket
 * scanned here never lands in the password field (nor submits it and
 * counts as a wrong password): the burst is taken back out and dropped,
 * with a word on screen. What differs (the login field, whose lock it is,
 * the board counting underneath, the other buttons) comes as children.
 */
import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { useT } from '../i18n/t';
import { useHandheldScanner } from '../scanner/handheld-dom';
import { LanguageToggle } from './LanguageToggle';

export interface PasswordFormProps {
  /** Names the fields' test ids: signin-password, unlock-code, … */
  readonly name: 'signin' | 'unlock';
  readonly screenTestId: string;
  readonly locked?: boolean;
  readonly title: string;
  readonly lead: string;
  readonly passwordLabel: string;
  readonly submitLabel: string;
  readonly busyLabel?: string;
  /** False while only the code is asked (the password was right). */
  readonly askPassword: boolean;
  readonly askCode: boolean;
  /** The other fields are filled in (the login). */
  readonly ready?: boolean;
  readonly password: string;
  readonly onPassword: (value: string) => void;
  readonly code: string;
  readonly onCode: (value: string) => void;
  readonly busy: boolean;
  readonly error: ReplyError | null;
  readonly onSubmit: () => void;
  /** Between the lead and the password: the device, the login, the board. */
  readonly children?: ReactNode;
  /** After the submit button. */
  readonly actions?: ReactNode;
}

export function PasswordForm(props: PasswordFormProps) {
  const t = useT();
  const { name, askPassword, askCode, busy, error } = props;
  const [scanIgnored, setScanIgnored] = useState(false);
  useHandheldScanner(() => setScanIgnored(true), true);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy) props.onSubmit();
  };
  const ready = (props.ready ?? true) && props.password !== '' && (!askCode || props.code.trim() !== '');
  return (
    <main className={`gate${props.locked ? ' gate--locked' : ''}`} data-testid={props.screenTestId}>
      <div className="gate__top">
        <h1>{t('app.title')}</h1>
        <LanguageToggle />
      </div>
      <form className="gate__card" onSubmit={submit} noValidate>
        <h2>{props.title}</h2>
        <p className="gate__lead">{props.lead}</p>
        {props.children}
        {askPassword ? (
          <label className="field">
            <span>{props.passwordLabel}</span>
            <input
              data-testid={`${name}-password`}
              type="password"
              autoComplete="current-password"
              value={props.password}
              onChange={(event) => props.onPassword(event.target.value)}
              autoFocus={name === 'unlock'}
              required
            />
          </label>
        ) : null}
        {askCode ? (
          <label className="field">
            <span>{t('signin.code')}</span>
            <input
              data-testid={`${name}-code`}
              inputMode="numeric"
              autoComplete="one-time-code"
              autoCapitalize="off"
              spellCheck={false}
              maxLength={16}
              value={props.code}
              onChange={(event) => props.onCode(event.target.value)}
              autoFocus={!askPassword}
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
          <p className="form-error" role="alert" data-testid={`${name}-error`} data-code={error.code}>
            {t.refusal(error)}
          </p>
        ) : null}
        <button type="submit" className="button button--primary button--wide" data-testid={`${name}-submit`} disabled={busy || !ready}>
          {busy && props.busyLabel ? props.busyLabel : props.submitLabel}
        </button>
        {props.actions}
      </form>
    </main>
  );
}

/** A code as typed, spaces taken out (apps show it as 123 456). */
export function typedCode(code: string): string {
  return code.replace(/\s+/g, '');
}

type EntryFields = Pick<PasswordFormProps, 'password' | 'onPassword' | 'code' | 'onCode' | 'busy' | 'error'>;

/**
 * What the form holds while it is on screen (the password, the code, busy,
 * the refusal), and sending it: once at a time, the refusal shown, the
 * code always cleared after; the password is the caller's to clear.
 */
export function usePasswordEntry(): {
  readonly fields: EntryFields;
  send(attempt: (password: string, code: string) => Promise<ReplyError | null>): Promise<ReplyError | null>;
  clearPassword(): void;
  reset(): void;
} {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);
  const send = async (attempt: (password: string, code: string) => Promise<ReplyError | null>) => {
    setBusy(true);
    setError(null);
    const failed = await attempt(password, typedCode(code));
    setBusy(false);
    setCode('');
    setError(failed);
    return failed;
  };
  const clearPassword = useCallback(() => setPassword(''), []);
  const reset = useCallback(() => {
    setPassword('');
    setCode('');
    setError(null);
  }, []);
  return { fields: { password, onPassword: setPassword, code, onCode: setCode, busy, error }, send, clearPassword, reset };
}

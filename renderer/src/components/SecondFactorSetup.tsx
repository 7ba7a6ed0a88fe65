/**
 * A supervisor without a second factor yet: every privileged operation is
 * refused until it is set up. On a stand-alone device it is set up here: the
 * secret shown once (QR code and the key to type), confirmed with the first
 * code, then the ten recovery codes shown once. The secret and the codes live
 * in this component's state only, and are dropped when it closes; nothing
 * here is logged or kept. An enrolled device is told to ask the administrator.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { call, type Value } from '../api/venue';
import { useT } from '../i18n/t';
import { useSession } from '../stores/session';
import { QrCode } from './QrCode';

type Setup = Value<'beginSecondFactorSetup'>;

export function SecondFactorSetup() {
  const t = useT();
  const secondFactorSet = useSession((s) => s.secondFactorSet);
  const [here, setHere] = useState<boolean | null>(null);
  const [setup, setSetup] = useState<Setup | null>(null);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<readonly string[] | null>(null);
  const [error, setError] = useState<ReplyError | null>(null);

  useEffect(() => {
    let live = true;
    void call('secondFactorStatus', {}).then((reply) => {
      if (live && reply.ok) setHere(reply.value.setUpHere);
    });
    return () => {
      live = false;
    };
  }, []);

  const begin = async () => {
    const reply = await call('beginSecondFactorSetup', {});
    if (!reply.ok) return setError(reply.error);
    setError(null);
    setSetup(reply.value);
  };

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    const reply = await call('confirmSecondFactorSetup', { code: code.replace(/\s+/g, '') });
    setCode('');
    if (!reply.ok) return setError(reply.error);
    setError(null);
    // The secret is not needed any more: only the recovery codes are shown, once.
    setSetup(null);
    setRecoveryCodes(reply.value.recoveryCodes);
  };

  const errorLine = error ? (
    <p className="form-error" role="alert" data-testid="tfa-error" data-code={error.code}>
      {t.refusal(error)}
    </p>
  ) : null;

  return (
    <section className="panel tfa" data-testid="tfa-setup" aria-labelledby="tfa-title">
      <h2 id="tfa-title">{t('tfa.title')}</h2>
      {recoveryCodes ? (
        <>
          <h3>{t('tfa.codesTitle')}</h3>
          <p>{t('tfa.codesLead')}</p>
          <ol className="tfa__codes" data-testid="tfa-recovery-codes">
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          <button
            type="button"
            className="button button--primary"
            data-testid="tfa-codes-done"
            onClick={() => {
              setRecoveryCodes(null);
              secondFactorSet();
            }}
          >
            {t('tfa.codesDone')}
          </button>
        </>
      ) : setup ? (
        <form onSubmit={(event) => void confirm(event)} noValidate>
          <p>{t('tfa.scan')}</p>
          <QrCode rows={setup.qr} label={setup.account} testId="tfa-qr" />
          <p className="tfa__secret">
            {t('tfa.typeSecret')}: <code data-testid="tfa-secret">{setup.secret}</code>
          </p>
          <label className="field">
            <span>{t('tfa.firstCode')}</span>
            <input data-testid="tfa-code" inputMode="numeric" autoComplete="one-time-code" maxLength={8} value={code} onChange={(event) => setCode(event.target.value)} autoFocus />
          </label>
          {errorLine}
          <button type="submit" className="button button--primary" data-testid="tfa-confirm" disabled={!code.trim()}>
            {t('tfa.confirm')}
          </button>
        </form>
      ) : (
        <>
          <p>{t('tfa.needed')}</p>
          {here === false ? (
            <p className="notice" data-testid="tfa-central">
              {t('tfa.central')}
            </p>
          ) : null}
          {here ? (
            <button type="button" className="button button--primary" data-testid="tfa-begin" onClick={() => void begin()}>
              {t('tfa.begin')}
            </button>
          ) : null}
          {errorLine}
        </>
      )}
    </section>
  );
}

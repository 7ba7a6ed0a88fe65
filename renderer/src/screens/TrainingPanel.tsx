/**
 * Training mode in Settings. On real data a supervisor switches the device
 * into training (the demo venue's made-up staff, lots and people, plus as
 * many generated people as wanted). In training anyone prints the sheet of
 * dummy tickets (an A4 PDF the core makes, saved as a download of a Blob),
 * and a real supervisor leaves training with their own ID, password and
 * code: the practice supervisor's sign-in is published and cannot.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { call } from '../api/venue';
import { useT } from '../i18n/t';
import { useSession } from '../stores/session';
import { base64Bytes } from './day/format';

function ErrorLine({ error }: { error: ReplyError | null }) {
  const t = useT();
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-testid="training-error" data-code={error.code}>
      {t.refusal(error)}
    </p>
  );
}

function StartTraining() {
  const t = useT();
  const [people, setPeople] = useState('0');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);
  const start = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const reply = await call('startTraining', { people: Math.max(0, Math.floor(Number(people) || 0)) });
    setBusy(false);
    // On success the app switches and every page starts again at the sign-in (the 'training' event).
    if (!reply.ok) setError(reply.error);
  };
  return (
    <form onSubmit={(event) => void start(event)} noValidate>
      <p className="panel__hint">{t('training.lead')}</p>
      <label className="field">
        <span>{t('training.people')}</span>
        <input type="number" min={0} max={200000} step={100} value={people} onChange={(event) => setPeople(event.target.value)} data-testid="training-people" />
      </label>
      <ErrorLine error={error} />
      <button type="submit" className="button button--primary" disabled={busy} data-testid="training-start">
        {busy ? t('training.starting') : t('training.start')}
      </button>
    </form>
  );
}

function TrainingSheet() {
  const t = useT();
  const [url, setUrl] = useState<{ href: string; fileName: string } | null>(null);
  const [error, setError] = useState<ReplyError | null>(null);
  // A Blob URL holds the file in memory until revoked.
  useEffect(() => () => (url ? URL.revokeObjectURL(url.href) : undefined), [url]);
  const make = async () => {
    const reply = await call('trainingSheet', {});
    if (!reply.ok) return setError(reply.error);
    setError(null);
    const href = URL.createObjectURL(new Blob([base64Bytes(reply.value.pdfBase64)], { type: 'application/pdf' }));
    setUrl({ href, fileName: reply.value.fileName });
    const link = document.createElement('a');
    link.href = href;
    link.download = reply.value.fileName;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
  };
  return (
    <div>
      <p className="panel__hint">{t('training.sheetLead')}</p>
      <button type="button" className="button" onClick={() => void make()} data-testid="training-sheet">
        {t('training.sheet')}
      </button>
      {url ? (
        <a href={url.href} download={url.fileName} data-testid="training-sheet-link">
          {url.fileName}
        </a>
      ) : null}
      <ErrorLine error={error} />
    </div>
  );
}

function LeaveTraining() {
  const t = useT();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);
  const leave = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const reply = await call('leaveTraining', { login: login.trim(), password, ...(code.trim() ? { code: code.replace(/\s+/g, '') } : {}) });
    setBusy(false);
    setPassword('');
    setCode('');
    if (!reply.ok) setError(reply.error);
  };
  return (
    <form onSubmit={(event) => void leave(event)} noValidate data-testid="training-leave-form">
      <h3>{t('training.leave')}</h3>
      <p className="panel__hint">{t('training.leaveLead')}</p>
      <label className="field">
        <span>{t('training.login')}</span>
        <input autoComplete="off" value={login} onChange={(event) => setLogin(event.target.value)} data-testid="training-leave-login" />
      </label>
      <label className="field">
        <span>{t('training.password')}</span>
        <input type="password" autoComplete="off" value={password} onChange={(event) => setPassword(event.target.value)} data-testid="training-leave-password" />
      </label>
      <label className="field">
        <span>{t('training.code')}</span>
        <input inputMode="numeric" autoComplete="one-time-code" maxLength={16} value={code} onChange={(event) => setCode(event.target.value)} data-testid="training-leave-code" />
      </label>
      <ErrorLine error={error} />
      <button type="submit" className="button" disabled={busy || !login.trim() || !password} data-testid="training-leave">
        {t('training.leave')}
      </button>
    </form>
  );
}

export function TrainingPanel() {
  const t = useT();
  const training = useSession((s) => s.device?.training === true);
  const supervisor = useSession((s) => s.staff?.role === 'supervisor');
  if (!training && !supervisor) return null;
  return (
    <section className="panel" aria-labelledby="training-title" data-testid="training-panel">
      <h2 id="training-title">{t('training.title')}</h2>
      {training ? (
        <>
          <TrainingSheet />
          <LeaveTraining />
        </>
      ) : (
        <StartTraining />
      )}
    </section>
  );
}

/** The band every screen shows in training mode. It has no way to close: it goes only when training ends. */
export function TrainingBand() {
  const t = useT();
  const training = useSession((s) => s.device?.training === true);
  if (!training) return null;
  return (
    <div className="training-band" role="status" data-testid="training-band">
      <strong>{t('training.band')}</strong>
      <span>{t('training.bandNote')}</span>
    </div>
  );
}

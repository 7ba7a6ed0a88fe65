/**
 * Enrolling a new device with the central service: its address and a
 * one-time code. The sync service does the rest; this panel shows how it
 * goes, with a progress bar for the first roster download, and hands over to
 * sign-in when the device is ready.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { useVenueEvents } from '../api/events';
import { call, type Value } from '../api/venue';
import { useT } from '../i18n/t';
import { useSession } from '../stores/session';

type Enrollment = Value<'enrollmentStatus'>;

const POLL_MS = 500;

function Progress({ status }: { status: Enrollment }) {
  const t = useT();
  const { download } = status;
  const total = download.total ?? 0;
  const done = Math.min(download.done, total || download.done);
  return (
    <div className="enroll-progress" data-testid="enroll-progress" data-state={status.state} data-done={download.done} data-total={download.total ?? ''}>
      <p className="enroll-progress__state">{status.state === 'enrolled' ? t('setup.downloading') : t('setup.enrolling')}</p>
      <progress max={total || 1} value={total ? done : undefined} aria-label={t('setup.downloading')} />
      {total ? <p>{t('setup.downloaded', { done, total })}</p> : null}
    </div>
  );
}

export function EnrollPanel() {
  const t = useT();
  const boot = useSession((s) => s.boot);
  const [serverUrl, setServerUrl] = useState('');
  const [code, setCode] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [error, setError] = useState<ReplyError | null>(null);
  const [status, setStatus] = useState<Enrollment | null>(null);

  const poll = useCallback(async () => {
    const reply = await call('enrollmentStatus', {});
    if (!reply.ok) return;
    setStatus(reply.value);
    const { state, download } = reply.value;
    // Ready once enrolled and the first download has finished: staff can sign in offline from here on.
    if (state === 'enrolled' && !download.active && download.finishedAt) await boot();
  }, [boot]);

  const inProgress = status !== null && (status.state === 'requested' || status.state === 'working' || status.state === 'enrolled');
  useEffect(() => {
    void poll();
  }, [poll]);
  useEffect(() => {
    if (!inProgress) return;
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [inProgress, poll]);
  useVenueEvents(['syncEnrollment', 'sync'], () => void poll());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const reply = await call('requestEnrollment', { serverUrl: serverUrl.trim(), code: code.trim(), ...(fingerprint.trim() ? { fingerprint: fingerprint.trim() } : {}) });
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    setCode('');
    await poll();
  };

  if (inProgress && status) return <Progress status={status} />;

  return (
    <form className="enroll" onSubmit={(event) => void submit(event)} noValidate data-testid="enroll-form">
      <p className="gate__lead">{t('setup.enrollLead')}</p>
      {status?.state === 'failed' ? (
        <p className="form-error" role="alert" data-testid="enroll-failed">
          {t('setup.failed')}: {t.refusal(status.error)}
        </p>
      ) : null}
      <label className="field">
        <span>{t('setup.server')}</span>
        <input data-testid="setup-server" inputMode="url" autoComplete="off" spellCheck={false} placeholder="https://" value={serverUrl} onChange={(event) => setServerUrl(event.target.value)} />
      </label>
      <label className="field">
        <span>{t('setup.code')}</span>
        <input data-testid="setup-code" autoComplete="off" spellCheck={false} value={code} onChange={(event) => setCode(event.target.value)} />
      </label>
      <label className="field">
        <span>{t('setup.fingerprint')}</span>
        <input data-testid="setup-fingerprint" autoComplete="off" spellCheck={false} value={fingerprint} onChange={(event) => setFingerprint(event.target.value)} />
      </label>
      {error ? (
        <p className="form-error" role="alert" data-testid="enroll-error">
          {t.refusal(error)}
        </p>
      ) : null}
      <button type="submit" className="button button--primary button--wide" data-testid="setup-enroll" disabled={!serverUrl.trim() || code.trim().length < 8}>
        {t('setup.enroll')}
      </button>
    </form>
  );
}

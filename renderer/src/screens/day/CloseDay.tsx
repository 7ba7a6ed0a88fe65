/**
 * Closing the day: the supervisor writes a note and presses "close"; the
 * screen then names what is still open (people checked in and not
 * vaccinated, people in observation, bookings still to come, records not yet
 * sent), the people still waiting become discrepancies to explain, and the
 * close goes through only once the supervisor confirms those counts. A
 * closed day shows its sign-off, and a supervisor may reopen it with a
 * reason; every close and reopen stays listed.
 */
import { useState } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import { call } from '../../api/venue';
import { AlertIcon, CheckIcon, ClockIcon } from '../../components/Icons';
import { formatDateTime } from '../../i18n/format';
import { useT } from '../../i18n/t';
import { useDay, type DayReport } from '../../stores/day';
import { useKeptField } from '../../stores/kept';

function Failure({ error, testId }: { error: ReplyError | null; testId: string }) {
  const t = useT();
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-testid={testId} data-code={error.code}>
      {t.refusal(error)}
    </p>
  );
}

function Reopen({ date }: { date: string }) {
  const t = useT();
  const load = useDay((s) => s.load);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);
  if (!open) {
    return (
      <button type="button" className="button" data-testid="reopen-day" onClick={() => setOpen(true)}>
        {t('day.reopen')}
      </button>
    );
  }
  const reopen = async () => {
    setBusy(true);
    const reply = await call('reopenDay', { date, reason: reason.trim() });
    setBusy(false);
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    setError(null);
    await load();
  };
  return (
    <div className="reopen" data-testid="reopen-form">
      <label className="field">
        <span>{t('day.reopen.reason')}</span>
        <input data-testid="reopen-reason" maxLength={200} value={reason} onChange={(event) => setReason(event.target.value)} autoComplete="off" />
      </label>
      <div className="actions">
        <button type="button" className="button button--primary" data-testid="reopen-submit" disabled={reason.trim().length < 2 || busy} onClick={() => void reopen()}>
          {t('day.reopen.submit')}
        </button>
        <button type="button" className="button button--quiet" onClick={() => setOpen(false)}>
          {t('day.close.back')}
        </button>
      </div>
      <Failure error={error} testId="reopen-error" />
    </div>
  );
}

export function SignOff({ closed, reopenable = false }: { closed: NonNullable<DayReport['closed']>; reopenable?: boolean }) {
  const t = useT();
  const staffNames = useDay((s) => s.staffNames);
  return (
    <div className="signoff" data-testid="day-closed" data-close-id={closed.id} role="status">
      <p className="signoff__word">
        <CheckIcon /> {t('day.closed.word')}
      </p>
      <dl className="facts">
        <div>
          <dt>{t('day.closed.by')}</dt>
          <dd data-testid="signoff-by">{staffNames[closed.staffId] ?? closed.staffId}</dd>
        </div>
        <div>
          <dt>{t('day.closed.at')}</dt>
          <dd>{formatDateTime(closed.at, t.language)}</dd>
        </div>
        <div>
          <dt>{t('day.closed.note')}</dt>
          <dd data-testid="signoff-note">{closed.note}</dd>
        </div>
      </dl>
      <p className="field__hint">{t('day.closed.after')}</p>
      {reopenable ? <Reopen date={closed.date} /> : null}
    </div>
  );
}

/** Every close and reopen of the day, oldest first. */
export function CloseHistory({ report }: { report: DayReport }) {
  const t = useT();
  const staffNames = useDay((s) => s.staffNames);
  if (report.closeHistory.length === 0) return null;
  return (
    <div className="close-history">
      <h3>{t('day.history')}</h3>
      <ol data-testid="close-history">
        {report.closeHistory.map((h) => (
          <li key={h.id} data-testid="close-history-item" data-kind={h.kind}>
            {formatDateTime(h.at, t.language)} · {t(h.kind === 'close' ? 'day.history.close' : 'day.history.reopen')} · {staffNames[h.staffId] ?? h.staffId} · {h.text}
          </li>
        ))}
      </ol>
    </div>
  );
}

function OpenItems({ report, confirmed, onConfirmed }: { report: DayReport; confirmed: boolean; onConfirmed: (checked: boolean) => void }) {
  const t = useT();
  const { open } = report;
  const none = open.waiting + open.observing + open.notYetCome + open.unsent === 0;
  return (
    <div
      className="close-confirm"
      data-testid="close-confirm"
      data-waiting={open.waiting}
      data-observing={open.observing}
      data-not-yet-come={open.notYetCome}
      data-unsent={open.unsent}
      role="alertdialog"
      aria-labelledby="close-confirm-title"
    >
      <h3 id="close-confirm-title">
        <AlertIcon /> {none ? t('day.close.confirmNone') : t('day.close.confirmTitle')}
      </h3>
      <ul className="close-confirm__counts">
        <li data-testid="open-waiting">{t('day.close.waiting', { n: open.waiting })}</li>
        <li data-testid="open-observing">{t('day.close.observing', { n: open.observing })}</li>
        <li data-testid="open-not-yet-come">{t('day.close.notYetCome', { n: open.notYetCome })}</li>
        <li data-testid="open-unsent">{t('day.close.unsent', { n: open.unsent })}</li>
      </ul>
      <p>{t('day.close.confirmLead')}</p>
      <label className="check">
        <input type="checkbox" data-testid="close-confirm-check" checked={confirmed} onChange={(event) => onConfirmed(event.target.checked)} />
        {t('day.close.confirmCheck')}
      </label>
    </div>
  );
}

export function CloseDay({ report }: { report: DayReport }) {
  const t = useT();
  const load = useDay((s) => s.load);
  const closing = useDay((s) => s.closing);
  const setClosing = useDay((s) => s.setClosing);
  const [note, setNote, resetNote] = useKeptField(`day.${report.date}.closeNote`, '');
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);
  if (report.closed) return <SignOff closed={report.closed} reopenable />;
  const unexplained = report.discrepancies.filter((d) => !d.explanation).length;
  const close = async () => {
    setBusy(true);
    // The counts as the supervisor saw them: if anything changed since, the close is refused and the screen shows the new counts.
    const reply = await call('closeDay', { date: report.date, note: note.trim(), confirmOpen: report.open });
    setBusy(false);
    if (!reply.ok) {
      setError(reply.error);
      setConfirmed(false);
      await load();
      return;
    }
    setError(null);
    setClosing(false);
    resetNote();
    await load();
  };
  return (
    <div className="close-day" data-testid="close-day-form">
      <p className={unexplained ? 'close-day__blocked' : 'close-day__ready'} data-testid="close-day-state">
        {unexplained ? <ClockIcon /> : <CheckIcon />} {unexplained ? t('day.close.blocked', { n: unexplained }) : t('day.close.ready')}
      </p>
      <label className="field">
        <span>{t('day.close.note')}</span>
        <textarea rows={2} value={note} onChange={(event) => setNote(event.target.value)} maxLength={200} data-testid="close-note" />
      </label>
      {closing ? (
        <>
          <OpenItems report={report} confirmed={confirmed} onConfirmed={setConfirmed} />
          <div className="actions">
            <button
              type="button"
              className="button button--primary"
              disabled={!confirmed || unexplained > 0 || note.trim().length < 2 || busy}
              onClick={() => void close()}
              data-testid="close-confirm-submit"
            >
              {t('day.close.confirmSubmit')}
            </button>
            <button type="button" className="button button--quiet" data-testid="close-cancel" onClick={() => setClosing(false)}>
              {t('day.close.back')}
            </button>
          </div>
        </>
      ) : (
        <button type="button" className="button button--primary" disabled={note.trim().length < 2} onClick={() => setClosing(true)} data-testid="close-day">
          {t('day.close.start')}
        </button>
      )}
      <Failure error={error} testId="close-error" />
    </div>
  );
}

/**
 * Closing the day: a supervisor signs off with a note once every
 * discrepancy is explained. Afterwards the day's records change only by a
 * supervisor's void and re-record, and the sign-off is shown instead.
 */
import { useState } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import { call } from '../../api/venue';
import { CheckIcon, ClockIcon } from '../../components/Icons';
import { formatDateTime } from '../../i18n/format';
import { useT } from '../../i18n/t';
import { useDay, type DayReport } from '../../stores/day';

export function SignOff({ closed }: { closed: NonNullable<DayReport['closed']> }) {
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
    </div>
  );
}

export function CloseDay({ report }: { report: DayReport }) {
  const t = useT();
  const load = useDay((s) => s.load);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);
  if (report.closed) return <SignOff closed={report.closed} />;
  const open = report.discrepancies.filter((d) => !d.explanation).length;
  const close = async () => {
    setBusy(true);
    const reply = await call('closeDay', { date: report.date, note: note.trim() });
    setBusy(false);
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    setError(null);
    await load();
  };
  return (
    <div className="close-day" data-testid="close-day-form">
      <p className={open ? 'close-day__blocked' : 'close-day__ready'} data-testid="close-day-state">
        {open ? <ClockIcon /> : <CheckIcon />} {open ? t('day.close.blocked', { n: open }) : t('day.close.ready')}
      </p>
      <label className="field">
        <span>{t('day.close.note')}</span>
        <textarea rows={2} value={note} onChange={(event) => setNote(event.target.value)} maxLength={200} data-testid="close-note" />
      </label>
      <button type="button" className="button button--primary" disabled={open > 0 || note.trim().length < 2 || busy} onClick={() => void close()} data-testid="close-day">
        {t('day.close.submit')}
      </button>
      {error ? (
        <p className="form-error" role="alert" data-testid="close-error">
          {t.language === 'ja' ? error.message : error.messageEn}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The day's discrepancies. Each one opens onto the records behind it (to
 * judge: time, desk, dose number, lot, who) and takes an explanation; the
 * day can be closed once every one is explained.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import { call } from '../../api/venue';
import { AlertIcon, CheckIcon } from '../../components/Icons';
import { formatDateTime } from '../../i18n/format';
import { useT } from '../../i18n/t';
import type { StringKey } from '../../i18n/strings';
import { useDay, type DayRecords, type Discrepancy } from '../../stores/day';
import { CheckinTable, DoseTable } from './RecordTables';
import { useKeptField } from '../../stores/kept';

/** The records call takes at most this many ids; a lot gap can name more. */
const MAX_RECORDS = 50;

export function kindLabel(kind: string, t: ReturnType<typeof useT>): string {
  const key = `day.kind.${kind}`;
  return t(key in KIND_KEYS ? (key as StringKey) : 'day.kind.other');
}

const KIND_KEYS: Readonly<Record<string, true>> = Object.fromEntries(
  ['checked-in-no-dose', 'dose-no-checkin', 'dose-history', 'lot-expired', 'lot-outside-desk', 'lot-gap', 'not-confirmed', 'conflict', 'after-close'].map((k) => [`day.kind.${k}`, true]),
);

function RecordsBehind({ discrepancy, onChange }: { discrepancy: Discrepancy; onChange: () => void }) {
  const t = useT();
  const date = useDay((s) => s.date);
  const [records, setRecords] = useState<DayRecords | null>(null);
  const [error, setError] = useState<ReplyError | null>(null);
  const idList = discrepancy.recordIds.slice(0, MAX_RECORDS).join(',');

  const load = useCallback(async () => {
    const ids = idList ? idList.split(',') : [];
    const reply = ids.length ? await call('dayRecords', { date, ids }) : { ok: true as const, value: { checkins: [], doses: [] } };
    if (reply.ok) setRecords(reply.value);
    else setError(reply.error);
  }, [date, idList]);
  useEffect(() => {
    void load();
  }, [load]);

  const changed = () => {
    onChange();
    void load();
  };
  return (
    <div className="discrepancy__records" data-testid="discrepancy-records">
      {error ? <p className="form-error">{t.refusal(error)}</p> : null}
      {!records && !error ? <p className="empty">{t('app.loading')}</p> : null}
      {records && records.checkins.length + records.doses.length === 0 ? <p className="empty">{t('day.discrepancy.noRecords')}</p> : null}
      {records ? (
        <>
          <CheckinTable checkins={records.checkins} onChange={changed} />
          <DoseTable doses={records.doses} onChange={changed} />
        </>
      ) : null}
      {discrepancy.recordIds.length > MAX_RECORDS ? <p className="field__hint">{t('day.discrepancy.more', { n: discrepancy.recordIds.length - MAX_RECORDS })}</p> : null}
    </div>
  );
}

function Explanation({ discrepancy }: { discrepancy: Discrepancy }) {
  const t = useT();
  const date = useDay((s) => s.date);
  const staffNames = useDay((s) => s.staffNames);
  const load = useDay((s) => s.load);
  const [note, setNote, resetNote] = useKeptField(`day.${date}.explain.${discrepancy.key}`, '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);
  const save = async () => {
    setBusy(true);
    const reply = await call('explainDiscrepancy', { date, key: discrepancy.key, note: note.trim() });
    setBusy(false);
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    resetNote();
    setError(null);
    await load();
  };
  const explained = discrepancy.explanation;
  return (
    <div className="discrepancy__explain">
      {explained ? (
        <p className="discrepancy__note" data-testid="explanation">
          <CheckIcon /> <strong>{t('day.discrepancy.explained')}</strong> {explained.note}{' '}
          <small className="muted">
            ({staffNames[explained.staffId] ?? explained.staffId} {formatDateTime(explained.at, t.language)})
          </small>
        </p>
      ) : null}
      <label className="field">
        <span>{explained ? t('day.discrepancy.reexplain') : t('day.discrepancy.explain')}</span>
        <textarea rows={2} value={note} onChange={(event) => setNote(event.target.value)} maxLength={200} data-testid="explain-input" />
      </label>
      <button type="button" className="button" disabled={note.trim().length < 2 || busy} onClick={() => void save()} data-testid="explain-save">
        {t('day.discrepancy.save')}
      </button>
      {error ? (
        <p className="form-error" role="alert">
          {t.refusal(error)}
        </p>
      ) : null}
    </div>
  );
}

function DiscrepancyItem({ discrepancy }: { discrepancy: Discrepancy }) {
  const t = useT();
  const load = useDay((s) => s.load);
  const [open, setOpen] = useState(false);
  const explained = discrepancy.explanation !== null;
  return (
    <li
      className={`discrepancy discrepancy--${explained ? 'explained' : 'open'}`}
      data-testid="discrepancy"
      data-kind={discrepancy.kind}
      data-key={discrepancy.key}
      data-explained={explained ? 'true' : 'false'}
    >
      <div className="discrepancy__head">
        {explained ? <CheckIcon /> : <AlertIcon />}
        <div>
          <p className="discrepancy__kind">
            {kindLabel(discrepancy.kind, t)} <span className="discrepancy__state">{explained ? t('day.discrepancy.explained') : t('day.discrepancy.unexplained')}</span>
          </p>
          <p>{t.pick(discrepancy.message)}</p>
        </div>
        <button type="button" className="button" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="discrepancy-open">
          {open ? t('day.discrepancy.hide') : t('day.discrepancy.show', { n: discrepancy.recordIds.length })}
        </button>
      </div>
      {open ? <RecordsBehind discrepancy={discrepancy} onChange={() => void load()} /> : null}
      <Explanation discrepancy={discrepancy} />
    </li>
  );
}

export function DiscrepancyList({ discrepancies }: { discrepancies: readonly Discrepancy[] }) {
  const t = useT();
  const open = discrepancies.filter((d) => !d.explanation).length;
  return (
    <>
      <p className={`discrepancy-summary${open ? ' discrepancy-summary--open' : ''}`} data-testid="discrepancy-summary" data-open={open} data-total={discrepancies.length}>
        {open ? <AlertIcon /> : <CheckIcon />} {discrepancies.length === 0 ? t('day.discrepancy.none') : t('day.discrepancy.summary', { n: discrepancies.length, open })}
      </p>
      <ul className="discrepancies" data-testid="discrepancies">
        {discrepancies.map((d) => (
          <DiscrepancyItem key={d.key} discrepancy={d} />
        ))}
      </ul>
    </>
  );
}

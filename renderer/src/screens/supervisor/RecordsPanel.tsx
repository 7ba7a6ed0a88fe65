/**
 * Today's records on the supervisor's desk screen: doses (voidable with a
 * reason; nothing is deleted), check-ins still waiting, and sync conflicts
 * (the same ticket and dose recorded twice) to sort out with a note.
 */
import { useState } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import type { Value } from '../../api/venue';
import { TableScroll } from '../../components/TableScroll';
import { formatTime } from '../../i18n/format';
import { useT } from '../../i18n/t';
import { useDeskName } from '../../stores/desks';
import { useKeptField } from '../../stores/kept';
import { useSupervisor, useWriting } from '../../stores/supervisor';
import { useSession } from '../../stores/session';
import { VoidControl } from '../day/VoidControl';

type DoseRecord = Value<'dosesToday'>[number];
type Waiting = Value<'vaccinationQueue'>[number];
type Conflict = Value<'listConflicts'>[number];

export function RecordsPanel({ records, waiting, onDone }: { records: readonly DoseRecord[]; waiting: readonly Waiting[]; onDone: () => void }) {
  const t = useT();
  const deskName = useDeskName();
  return (
    <section className="panel" aria-labelledby="records-title">
      <h2 id="records-title">{t('sup.records')}</h2>
      {records.length === 0 ? <p className="empty">{t('sup.recordsEmpty')}</p> : null}
      <TableScroll label={t('sup.records')}>
        <table className="table" data-testid="records">
          <tbody>
            {records.map((r) => (
              <tr key={r.id} data-testid="record-row" data-ticket={r.ticketNumber} data-voided={r.voidedBy ? 'true' : 'false'} className={r.voidedBy ? 'row--voided' : undefined}>
                <td>{formatTime(r.givenAt)}</td>
                <td className="mono">
                  {r.municipality} {r.ticketNumber}
                </td>
                <td>{t('verdict.dose', { n: r.doseNumber })}</td>
                <td>{t(`nurse.status.${r.status}`)}</td>
                <td className="mono">{r.lotNumber ?? r.reason ?? ''}</td>
                <td>{r.voidedBy ? <strong className="tag tag--bad">{t('sup.voided')}</strong> : <VoidControl recordId={r.id} onVoided={onDone} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <h3>{t('sup.checkins')}</h3>
      <TableScroll label={t('sup.checkins')}>
        <table className="table" data-testid="waiting">
          <tbody>
            {waiting.map((w) => (
              <tr key={w.checkinId} data-testid="waiting-row" data-ticket={w.ticketNumber}>
                <td>{formatTime(w.checkedInAt)}</td>
                <td lang="ja">{w.nameKanji}</td>
                <td>{t('verdict.dose', { n: w.doseNumber })}</td>
                <td>{deskName(w.deskId)}</td>
                <td>
                  <VoidControl recordId={w.checkinId} onVoided={onDone} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function ConflictRow({ conflict }: { conflict: Conflict }) {
  const t = useT();
  const deskName = useDeskName();
  const venueId = useSession((s) => s.device?.venueId);
  const [note, setNote, resetNote] = useKeptField(`conflict.${conflict.id}.note`, '');
  const [error, setError] = useState<ReplyError | null>(null);
  const busy = useWriting(`conflict:${conflict.id}`);
  const resolveConflict = useSupervisor((s) => s.resolveConflict);
  const resolve = async () => {
    const reply = await resolveConflict(conflict.id, note.trim());
    if (reply.ok === 'busy') return;
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    resetNote();
  };
  return (
    <li className="walkin" data-testid="conflict-item">
      <p>
        <strong lang="ja">{conflict.nameKanji ?? ''}</strong> <span className="mono">{conflict.municipality} {conflict.ticketNumber}</span>
        {conflict.doseNumber !== null ? ` · ${t('verdict.dose', { n: conflict.doseNumber })}` : ''}
      </p>
      <ul>
        {conflict.records.map((r) => (
          <li key={r.id}>
            {formatTime(r.at)} · {r.venueName ?? r.venueId} · {r.venueId === venueId ? deskName(r.deskId) : r.deskId}
          </li>
        ))}
      </ul>
      <label className="field">
        <span>{t('sup.conflictNote')}</span>
        <input value={note} onChange={(event) => setNote(event.target.value)} maxLength={200} data-testid="conflict-note" />
      </label>
      <button type="button" className="button" disabled={note.trim().length < 2 || busy} onClick={() => void resolve()} data-testid="conflict-resolve">
        {t('sup.resolve')}
      </button>
      {error ? <p className="form-error" role="alert">{t.refusal(error)}</p> : null}
    </li>
  );
}

export function ConflictsPanel({ conflicts }: { conflicts: readonly Conflict[] }) {
  const t = useT();
  const open = conflicts.filter((c) => c.resolvedAt === null);
  return (
    <section className="panel" aria-labelledby="conflicts-title" data-testid="conflicts">
      <h2 id="conflicts-title">
        {t('sup.conflicts')} <span className="badge">{open.length}</span>
      </h2>
      {open.length === 0 ? <p className="empty">{t('sup.conflictsEmpty')}</p> : <p className="panel__hint">{t('sup.conflictLead')}</p>}
      <ul className="walkins">
        {open.map((c) => (
          <ConflictRow key={c.id} conflict={c} />
        ))}
      </ul>
    </section>
  );
}

/**
 * Check-ins and dose records as a supervisor judges them: time, desk, dose
 * number, lot, who recorded it, whose record it is (name only: no contact
 * details), and whether it was voided (with the reason) or re-recorded.
 * Voiding and re-recording start here. Used for the day's records and for
 * the records behind a discrepancy.
 */
import type { ReactNode } from 'react';
import { formatTime } from '../../i18n/format';
import type { StringKey } from '../../i18n/strings';
import { useT, type Translator } from '../../i18n/t';
import type { DayCheckin, DayDose } from '../../stores/day';
import { RerecordForm } from './RerecordForm';
import { VoidControl } from './VoidControl';
import { useDeskName } from '../../stores/desks';
import { useKeptField } from '../../stores/kept';
import { TableScroll } from '../../components/TableScroll';

function VoidState({ record, t }: { record: { void: DayDose['void'] }; t: Translator }) {
  if (!record.void) return <span className="tag tag--good">{t('day.record.live')}</span>;
  return (
    <span data-testid="void-note">
      <strong className="tag tag--bad">{t('sup.voided')}</strong> {record.void.reason}
      <small className="muted">
        {' '}
        ({record.void.staffName ?? ''} {formatTime(record.void.at)})
      </small>
    </span>
  );
}

const CHECKIN_COLUMNS: readonly StringKey[] = ['sup.time', 'sup.person', 'verdict.ticket', 'nurse.doseNumber', 'sup.desk', 'day.record.by', 'sup.status'];
const DOSE_COLUMNS: readonly StringKey[] = ['sup.time', 'sup.person', 'verdict.ticket', 'nurse.doseNumber', 'day.record.what', 'sup.desk', 'day.record.nurseDoctor', 'sup.status'];

/** One table of records: its caption, its columns (and the actions column when it has actions), its own sideways scroll. */
function RecordTable({ label, testId, columns, actions, children }: { label: StringKey; testId: string; columns: readonly StringKey[]; actions: boolean; children: ReactNode }) {
  const t = useT();
  return (
    <TableScroll label={t(label)}>
      <table className="table records-table" data-testid={testId}>
        <caption>{t(label)}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column}>{t(column)}</th>
            ))}
            {actions ? <th>{t('day.record.actions')}</th> : null}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </TableScroll>
  );
}

/** A record's first four cells, the same in both tables: when, whose, the ticket, the dose number. */
function WhoCells({ at, record }: { at: string; record: Pick<DayDose, 'nameKanji' | 'nameKana' | 'municipality' | 'ticketNumber' | 'doseNumber'> }) {
  const t = useT();
  return (
    <>
      <td>{formatTime(at)}</td>
      <td lang="ja" className="nowrap">
        {record.nameKanji} <small className="muted">{record.nameKana}</small>
      </td>
      <td className="mono">
        {record.municipality} {record.ticketNumber}
      </td>
      <td>{t('verdict.dose', { n: record.doseNumber })}</td>
    </>
  );
}

export function CheckinTable({ checkins, onChange, actions = true }: { checkins: readonly DayCheckin[]; onChange: () => void; actions?: boolean }) {
  const t = useT();
  const deskName = useDeskName();
  if (checkins.length === 0) return null;
  return (
    <RecordTable label="day.records.checkins" testId="checkin-records" columns={CHECKIN_COLUMNS} actions={actions}>
      {checkins.map((c) => (
        <tr key={c.id} data-testid="day-record" data-kind="checkin" data-id={c.id} data-ticket={c.ticketNumber} data-voided={c.void ? 'true' : 'false'} className={c.void ? 'row--voided-soft' : undefined}>
          <WhoCells at={c.at} record={c} />
          <td>{deskName(c.deskId)}</td>
          <td>
            {c.staffName ?? ''}
            {c.walkIn ? <span className="tag tag--neutral"> {t('day.record.walkIn')}</span> : null}
          </td>
          <td className="cell--text">
            <VoidState record={c} t={t} />
          </td>
          {actions ? <td>{c.void ? null : <VoidControl recordId={c.id} onVoided={onChange} />}</td> : null}
        </tr>
      ))}
    </RecordTable>
  );
}

function DoseRow({ dose, onChange, actions }: { dose: DayDose; onChange: () => void; actions: boolean }) {
  const t = useT();
  const deskName = useDeskName();
  // Open through the lock too: the form's entries are kept under the same prefix (RerecordForm).
  const [open, setOpen, close] = useKeptField(`rerecord.${dose.id}.open`, '');
  const rerecording = open === '1';
  const setRerecording = (value: boolean) => (value ? setOpen('1') : close());
  const canRerecord = actions && dose.void !== null && dose.replacedBy === null;
  return (
    <>
      <tr
        data-testid="day-record"
        data-kind="dose"
        data-id={dose.id}
        data-ticket={dose.ticketNumber}
        data-voided={dose.void ? 'true' : 'false'}
        data-replaces={dose.replaces ?? ''}
        data-doctor={dose.doctor ?? ''}
        className={dose.void ? 'row--voided-soft' : undefined}
      >
        <WhoCells at={dose.givenAt} record={dose} />
        <td className="cell--text">
          {t(`nurse.status.${dose.status}`)}
          {dose.status === 'performed' ? (
            <>
              {' · '}
              <span className="mono">{dose.lotNumber}</span>
            </>
          ) : (
            ` · ${dose.reason ?? ''}`
          )}
        </td>
        <td>{deskName(dose.deskId)}</td>
        <td>
          {dose.nurseName ?? ''}
          {dose.doctor ? <small className="muted"> / {dose.doctor}</small> : null}
        </td>
        <td className="cell--text">
          <VoidState record={dose} t={t} />
          {dose.replaces ? <small className="tag tag--neutral"> {t('day.record.rerecorded')}</small> : null}
        </td>
        {actions ? (
          <td>
            {!dose.void ? (
              <VoidControl
                recordId={dose.id}
                onVoided={() => {
                  // The usual next step after voiding a wrong record: record it again.
                  setRerecording(true);
                  onChange();
                }}
              />
            ) : null}
            {canRerecord && !rerecording ? (
              <button type="button" className="button" onClick={() => setRerecording(true)} data-testid="rerecord-open">
                {t('day.rerecord.open')}
              </button>
            ) : null}
          </td>
        ) : null}
      </tr>
      {canRerecord && rerecording ? (
        <tr className="records-table__form">
          <td colSpan={DOSE_COLUMNS.length + 1}>
            <RerecordForm
              voided={dose}
              onCancel={() => setRerecording(false)}
              onDone={() => {
                setRerecording(false);
                onChange();
              }}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function DoseTable({ doses, onChange, actions = true }: { doses: readonly DayDose[]; onChange: () => void; actions?: boolean }) {
  if (doses.length === 0) return null;
  return (
    <RecordTable label="day.records.doses" testId="dose-records" columns={DOSE_COLUMNS} actions={actions}>
      {doses.map((dose) => (
        <DoseRow key={dose.id} dose={dose} onChange={onChange} actions={actions} />
      ))}
    </RecordTable>
  );
}

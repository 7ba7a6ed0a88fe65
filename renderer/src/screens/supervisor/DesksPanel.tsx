/**
 * The venue's desks: each desk's active lot, and the doctor who clears the
 * pre-screening (予診医) there for today's session. Venues work in shifts:
 * the supervisor sets (and changes) the doctor per desk, and the nurse's
 * form at that desk shows it, prefilled and changeable.
 */
import { useState } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import type { Value } from '../../api/venue';
import { useT } from '../../i18n/t';
import { TableScroll } from '../../components/TableScroll';
import { useKeptField } from '../../stores/kept';
import { useSupervisor, useWriting } from '../../stores/supervisor';

type Desk = Value<'listDesks'>[number];
type Lot = Value<'listLots'>[number];

function DoctorCell({ desk, onError }: { desk: Desk; onError: (error: ReplyError | null) => void }) {
  const t = useT();
  const [doctor, setDoctor, resetDoctor] = useKeptField(`desk.${desk.id}.doctor`, desk.doctor ?? '');
  const busy = useWriting(`deskDoctor:${desk.id}`);
  const setDeskDoctor = useSupervisor((s) => s.setDeskDoctor);
  const save = async () => {
    const reply = await setDeskDoctor(desk.id, doctor.trim());
    if (reply.ok === 'busy') return;
    onError(reply.ok ? null : reply.error);
    if (reply.ok) resetDoctor();
  };
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <span data-testid="desk-doctor-current">{desk.doctor ?? t('sup.deskDoctorNone')}</span>
      <input aria-label={`${t('sup.deskDoctor')} ${desk.name}`} data-testid="desk-doctor-input" maxLength={20} value={doctor} onChange={(event) => setDoctor(event.target.value)} autoComplete="off" />
      <button type="submit" className="button" data-testid="desk-doctor-set" disabled={doctor.trim().length === 0 || doctor.trim() === desk.doctor || busy}>
        {t('sup.deskDoctorSet')}
      </button>
    </form>
  );
}

export function DesksPanel({ desks, lots }: { desks: readonly Desk[]; lots: readonly Lot[] }) {
  const t = useT();
  const [error, setError] = useState<ReplyError | null>(null);
  const setDeskLot = useSupervisor((s) => s.setDeskLot);
  const setLot = async (deskId: string, lotId: string) => {
    const reply = await setDeskLot(deskId, lotId);
    if (reply.ok !== 'busy') setError(reply.ok ? null : reply.error);
  };
  return (
    <section className="panel" aria-labelledby="desks-title">
      <h2 id="desks-title">{t('sup.desks')}</h2>
      <TableScroll label={t('sup.desks')}>
        <table className="table" data-testid="desks">
          <thead>
            <tr>
              <th>{t('sup.desk')}</th>
              <th>{t('sup.activeLot')}</th>
              <th>{t('sup.setLot')}</th>
              <th>{t('sup.deskDoctor')}</th>
            </tr>
          </thead>
          <tbody>
            {desks.map((desk) => (
              <tr key={desk.id} data-testid="desk-row" data-desk={desk.id}>
                <th scope="row">{desk.name}</th>
                <td data-testid="desk-lot">{desk.activeLotNumber ? `${desk.activeLotNumber} · ${desk.productName ?? ''}` : t('sup.noLot')}</td>
                <td>
                  <select aria-label={`${t('sup.setLot')} ${desk.name}`} value={desk.activeLotId ?? ''} onChange={(event) => event.target.value && void setLot(desk.id, event.target.value)} data-testid="desk-lot-select">
                    <option value="">—</option>
                    {lots
                      .filter((l) => !l.expired)
                      .map((lot) => (
                        <option key={lot.id} value={lot.id}>
                          {lot.lotNumber} · {lot.productName}
                        </option>
                      ))}
                  </select>
                </td>
                <td>
                  <DoctorCell key={desk.doctor ?? ''} desk={desk} onError={setError} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {error ? (
        <p className="form-error" role="alert" data-testid="desks-error">
          {t.refusal(error)}
        </p>
      ) : null}
    </section>
  );
}

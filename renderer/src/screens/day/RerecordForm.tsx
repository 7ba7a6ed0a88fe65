/**
 * Recording a voided dose again, by a supervisor, with a reason of its own:
 * prefilled from the voided record, every field editable. Works on a closed
 * day too (the only way a closed day's records change).
 */
import { useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import { call } from '../../api/venue';
import { useT } from '../../i18n/t';
import type { StringKey } from '../../i18n/strings';
import { useDay, type DayDose } from '../../stores/day';
import { useKeptForm } from '../../stores/kept';
import { SITES } from '../../stores/nurse';
import { venueClock, venueInstant } from './format';

export function RerecordForm({ voided, onDone, onCancel }: { voided: DayDose; onDone: () => void; onCancel: () => void }) {
  const t = useT();
  const lots = useDay((s) => s.lots);
  // Kept by the voided record's id through the lock (stores/kept.ts); forgotten once saved or cancelled.
  const [form, setForm, resetForm] = useKeptForm(`rerecord.${voided.id}`, {
    doseNumber: String(voided.doseNumber),
    status: voided.status,
    lotId: voided.lotId ?? '',
    time: venueClock(voided.givenAt),
    site: voided.site ?? '',
    doctor: voided.doctor ?? '',
    notReason: voided.status === 'not_performed' ? (voided.reason ?? '') : '',
    reason: '',
  });
  const { doseNumber, lotId, time, doctor, notReason, reason } = form;
  const status = form.status === 'not_performed' ? 'not_performed' : 'performed';
  const site = SITES.find((s) => s === form.site) ?? '';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);
  // The lot it was recorded with stays choosable even if it has expired since; the core checks the date given.
  const choosable = lots.filter((l) => !l.expired || l.id === voided.lotId);
  const performed = status === 'performed';
  const ready = reason.trim().length >= 2 && /^\d{2}:\d{2}(:\d{2})?$/.test(time) && (performed ? lotId !== '' : notReason.trim().length >= 2);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    const reply = await call('rerecordDose', {
      voidedRecordId: voided.id,
      reason: reason.trim(),
      municipality: voided.municipality,
      ticketNumber: voided.ticketNumber,
      doseNumber: Number(doseNumber),
      status,
      notPerformedReason: performed ? null : notReason.trim(),
      // Unchanged, the time stays exactly as recorded (to the millisecond): the desk's lot history is compared against it.
      givenAt: time === venueClock(voided.givenAt) ? voided.givenAt : venueInstant(voided.venueDate, time),
      lotId: performed ? lotId : null,
      site: performed && site ? site : null,
      doctor: doctor.trim() || null,
    });
    setBusy(false);
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    resetForm();
    onDone();
  };

  return (
    <form className="rerecord" onSubmit={(event) => void submit(event)} data-testid="rerecord-form">
      <h4>{t('day.rerecord.title')}</h4>
      <p className="field__hint">{t('day.rerecord.lead')}</p>
      <div className="rerecord__grid">
        <label className="field">
          <span>{t('nurse.doseNumber')}</span>
          <select value={doseNumber} onChange={(event) => setForm({ doseNumber: event.target.value })} data-testid="rerecord-dose">
            {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => (
              <option key={n} value={n}>
                {t('verdict.dose', { n })}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field">
          <legend>{t('sup.status')}</legend>
          <div className="chips">
            {(['performed', 'not_performed'] as const).map((s) => (
              <label key={s} className={`chip${status === s ? ' chip--on' : ''}`}>
                <input type="radio" name={`rerecord-status-${voided.id}`} checked={status === s} onChange={() => setForm({ status: s })} data-testid={`rerecord-status-${s}`} />
                {t(`nurse.status.${s}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field">
          <span>{t('nurse.givenAt')}</span>
          <input type="time" step={1} value={time} onChange={(event) => setForm({ time: event.target.value })} data-testid="rerecord-time" required />
        </label>
        {performed ? (
          <>
            <label className="field">
              <span>{t('nurse.lot')}</span>
              <select value={lotId} onChange={(event) => setForm({ lotId: event.target.value })} data-testid="rerecord-lot" required>
                <option value="">{t('nurse.lotNone')}</option>
                {choosable.map((lot) => (
                  <option key={lot.id} value={lot.id}>
                    {lot.lotNumber} · {lot.productName}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('nurse.site')}</span>
              <select value={site} onChange={(event) => setForm({ site: event.target.value })} data-testid="rerecord-site">
                <option value="">{t('common.none')}</option>
                {SITES.map((s) => (
                  <option key={s} value={s}>
                    {t(`nurse.site.${s}` as StringKey)}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : (
          <label className="field">
            <span>{t('nurse.reason')}</span>
            <input value={notReason} onChange={(event) => setForm({ notReason: event.target.value })} maxLength={200} data-testid="rerecord-not-reason" />
          </label>
        )}
        <label className="field">
          <span>{t('nurse.doctor')}</span>
          <input value={doctor} onChange={(event) => setForm({ doctor: event.target.value })} maxLength={20} data-testid="rerecord-doctor" autoComplete="off" />
        </label>
      </div>
      <label className="field">
        <span>{t('day.rerecord.reason')}</span>
        <input value={reason} onChange={(event) => setForm({ reason: event.target.value })} maxLength={200} data-testid="rerecord-reason" autoComplete="off" />
      </label>
      {error ? (
        <p className="form-error" role="alert" data-testid="rerecord-error" data-code={error.code}>
          {t.refusal(error)}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={!ready || busy} data-testid="rerecord-submit">
          {t('day.rerecord.submit')}
        </button>
        <button type="button" className="button button--quiet" onClick={() => {
            resetForm();
            onCancel();
          }}
          data-testid="rerecord-cancel"
        >
          {t('nurse.cancel')}
        </button>
      </div>
    </form>
  );
}

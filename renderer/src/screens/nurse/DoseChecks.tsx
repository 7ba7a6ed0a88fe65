/**
 * What stands next to the lot on the nurse's form: the product the person is
 * booked for, the doses they had before (product, date), and the product
 * checks the chosen lot raises; the confirmation those checks need (a reason)
 * before anything is saved; and the question asked when another person's
 * ticket is scanned while this form is open.
 */
import { CrossIcon, AlertIcon } from '../../components/Icons';
import { formatDateBoth } from '../../i18n/format';
import { useActionsInView } from './in-view';
import { useT } from '../../i18n/t';
import { useNurse } from '../../stores/nurse';

/** The booked product and the doses before, next to the lot. */
export function DoseFacts() {
  const t = useT();
  const context = useNurse((s) => s.context);
  if (!context) return null;
  const booked = context.booked;
  return (
    <div className="dose-facts" data-testid="dose-facts">
      <p className="dose-facts__booked">
        <span className="dose-facts__label">{booked?.source === 'walk-in' ? t('nurse.bookedWalkIn') : t('nurse.booked')}</span>{' '}
        <strong data-testid="booked-product" data-product={booked?.productId ?? ''}>
          {booked ? (booked.productName ?? booked.productId) : t('nurse.bookedNone')}
        </strong>
        {booked?.slotStart ? ` · ${booked.slotStart}–${booked.slotEnd ?? ''}` : ''}
      </p>
      <div className="dose-facts__previous">
        <span className="dose-facts__label">{t('nurse.previousDoses')}</span>
        {context.previous.length === 0 ? (
          <span data-testid="previous-none"> {t('nurse.previousNone')}</span>
        ) : (
          <ol className="dose-facts__list">
            {context.previous.map((p) => (
              <li key={`${p.dose}-${p.date}`} data-testid="previous-dose" data-product={p.productId}>
                {t('verdict.dose', { n: p.dose })} · {formatDateBoth(p.date, t.language)} · <strong>{p.productName ?? p.productId}</strong> · {p.place}
              </li>
            ))}
          </ol>
        )}
      </div>
      {context.checks.length > 0 ? (
        <ul className="dose-facts__checks" data-testid="dose-checks" role="alert">
          {context.checks.map((c) => (
            <li key={c.code} data-testid="dose-check" data-code={c.code}>
              <AlertIcon /> {t.pick(c.message)}
            </li>
          ))}
          <li className="dose-facts__advice">{t.pick(context.advice)}</li>
        </ul>
      ) : null}
    </div>
  );
}

/** The save stopped on the product checks: the nurse confirms them with a reason, or goes back to choose another lot. */
export function CheckConfirm() {
  const t = useT();
  const error = useNurse((s) => s.error);
  const reason = useNurse((s) => s.draft.checkReason);
  const saving = useNurse((s) => s.saving);
  const edit = useNurse((s) => s.edit);
  const confirm = useNurse((s) => s.confirmChecks);
  const cancel = useNurse((s) => s.cancelConfirm);
  const actions = useActionsInView<HTMLDivElement>();
  return (
    <form
      className="check-confirm"
      data-testid="check-confirm"
      role="alertdialog"
      aria-labelledby="check-confirm-title"
      onSubmit={(event) => {
        event.preventDefault();
        void confirm();
      }}
    >
      <h3 id="check-confirm-title">
        <CrossIcon /> {t('nurse.checkTitle')}
      </h3>
      {error ? (
        <p className="check-confirm__message" data-testid="check-message" data-code={error.code}>
          {t.refusal(error)}
        </p>
      ) : null}
      <label className="field">
        <span>{t('nurse.checkReason')}</span>
        <input data-testid="check-reason" maxLength={200} value={reason} onChange={(event) => edit({ checkReason: event.target.value })} autoComplete="off" />
      </label>
      <div className="actions actions--sticky" ref={actions}>
        <button type="submit" className="button button--danger" data-testid="check-confirm-button" disabled={reason.trim().length < 2 || saving}>
          {t('nurse.checkConfirm')}
        </button>
        <button type="button" className="button button--quiet" data-testid="check-cancel" onClick={cancel}>
          {t('nurse.checkCancel')}
        </button>
      </div>
    </form>
  );
}

/** Another person's ticket was scanned while this form is open: switch only when the nurse says so. */
export function SwitchPrompt() {
  const t = useT();
  const target = useNurse((s) => s.pendingSwitch);
  const current = useNurse((s) => s.selected);
  const answer = useNurse((s) => s.answerSwitch);
  if (!target) return null;
  return (
    <section className="switch-prompt" data-testid="switch-person" data-ticket={target.ticketNumber} role="alertdialog" aria-labelledby="switch-title">
      <h3 id="switch-title">{t('nurse.switchTitle')}</h3>
      <p>{t('nurse.switchLead', { to: target.nameKanji, from: current?.nameKanji ?? '' })}</p>
      <div className="actions">
        <button type="button" className="button button--primary" data-testid="switch-confirm" onClick={() => answer(true)}>
          {t('nurse.switchTo', { to: target.nameKanji })}
        </button>
        <button type="button" className="button" data-testid="switch-cancel" onClick={() => answer(false)}>
          {t('nurse.switchStay', { from: current?.nameKanji ?? '' })}
        </button>
      </div>
    </section>
  );
}

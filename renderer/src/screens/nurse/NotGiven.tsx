/**
 * 「接種しなかった」 (not given) on the nurse's form: the reason, one of the
 * usual ones or typed; saving it records the dose as not performed.
 */
import { useT } from '../../i18n/t';
import type { StringKey } from '../../i18n/strings';
import { NOT_GIVEN_REASONS, useNurse } from '../../stores/nurse';
import { useActionsInView } from './in-view';

/** 「接種しなかった」: the reason, chosen or typed; its buttons kept in view like the record button. */
export function NotGiven() {
  const t = useT();
  const reasonKey = useNurse((s) => s.draft.reasonKey);
  const otherReason = useNurse((s) => s.draft.otherReason);
  const saving = useNurse((s) => s.saving);
  const pendingSwitch = useNurse((s) => s.pendingSwitch);
  const edit = useNurse((s) => s.edit);
  const record = useNurse((s) => s.record);
  const actions = useActionsInView<HTMLDivElement>();
  const reasonText = reasonKey === 'other' ? otherReason.trim() : reasonKey ? t(`nurse.reason.${reasonKey}` as StringKey) : '';
  return (
    <fieldset className="field not-given" data-testid="not-performed">
      <legend>{t('nurse.reason')}</legend>
      <div className="chips">
        {NOT_GIVEN_REASONS.map((r) => (
          <label key={r} className={`chip${reasonKey === r ? ' chip--on' : ''}`}>
            <input type="radio" name="reason" value={r} checked={reasonKey === r} onChange={() => edit({ reasonKey: r })} data-testid={`reason-${r}`} />
            {t(`nurse.reason.${r}` as StringKey)}
          </label>
        ))}
      </div>
      {reasonKey === 'other' ? (
        <input data-testid="reason-other" aria-label={t('nurse.reasonOther')} placeholder={t('nurse.reasonOther')} maxLength={200} value={otherReason} onChange={(event) => edit({ otherReason: event.target.value })} />
      ) : null}
      <div className="actions actions--sticky" ref={actions}>
        <button type="button" className="button button--danger" data-testid="save-not-performed" disabled={reasonText.length < 2 || saving || pendingSwitch !== null} onClick={() => void record('not_performed', reasonText)}>
          {t('nurse.saveNotPerformed')}
        </button>
        <button type="button" className="button button--quiet" data-testid="not-performed-cancel" onClick={() => edit({ notGiven: false })}>
          {t('nurse.cancel')}
        </button>
      </div>
    </fieldset>
  );
}

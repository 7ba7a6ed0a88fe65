/**
 * Voiding a check-in or dose record: a reason is required; the record stays, marked, and the void is a
 * record too. A reason being typed is kept for the record (stores/kept.ts), through a lock.
 */
import { useState } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import { call } from '../../api/venue';
import { useT } from '../../i18n/t';
import { useKeptField } from '../../stores/kept';

export function VoidControl({ recordId, onVoided }: { recordId: string; onVoided: () => void }) {
  const t = useT();
  const [reason, setReason, resetReason] = useKeptField(`void.${recordId}.reason`, '');
  const [open, setOpen] = useState(reason !== '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | null>(null);
  if (!open) {
    return (
      <button type="button" className="button button--quiet" data-testid="void-button" onClick={() => setOpen(true)}>
        {t('sup.void')}
      </button>
    );
  }
  const confirm = async () => {
    setBusy(true);
    const reply = await call('voidRecord', { recordId, reason: reason.trim() });
    setBusy(false);
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    setOpen(false);
    resetReason();
    onVoided();
  };
  return (
    <div className="void" data-testid="void-form">
      <label className="field">
        <span>{t('sup.voidReason')}</span>
        <input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={200} data-testid="void-reason" autoComplete="off" />
      </label>
      <button type="button" className="button button--danger" disabled={reason.trim().length < 2 || busy} onClick={() => void confirm()} data-testid="void-confirm">
        {t('sup.voidConfirm')}
      </button>
      <button
        type="button"
        className="button button--quiet"
        onClick={() => {
          setOpen(false);
          resetReason();
        }}
        data-testid="void-cancel"
      >
        {t('nurse.cancel')}
      </button>
      {error ? (
        <p className="form-error" role="alert">
          {t.refusal(error)}
        </p>
      ) : null}
    </div>
  );
}

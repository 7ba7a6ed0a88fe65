/**
 * Typing the ticket number, the last resort. The check digit of the
 * municipality code is checked as the digits are typed (checkTypedTicketDigits),
 * so a typo is flagged at the digit where it happened; the finished number
 * still goes through parseTicketCode like any scan. What is typed outlives
 * the idle lock for the same person (stores/kept.ts).
 */
import { forwardRef, useState, type FormEvent } from 'react';
import type { StaffText } from '../../../src/common/messages';
import { checkTypedTicketDigits, parseTicketCode } from '../../../src/ticket';
import { useT } from '../i18n/t';
import { useKeptField } from '../stores/kept';

export interface ManualEntryProps {
  readonly onSubmit: (digits: string) => void;
  /** Told when typing starts (the field goes from empty to not) and ends (empty again): a new ticket is being entered. */
  readonly onTyping?: (typing: boolean) => void;
}

/** 1 1 131016 0000100001: kind, dose, municipality, number, as printed. */
export function groupDigits(digits: string, format: 'line18' | 'nw7'): string {
  if (format === 'nw7') return digits;
  const groups = [digits.slice(0, 1), digits.slice(1, 2), digits.slice(2, 8), digits.slice(8)];
  return groups.filter((g) => g !== '').join(' ');
}

export const ManualEntry = forwardRef<HTMLInputElement, ManualEntryProps>(function ManualEntry({ onSubmit, onTyping }, ref) {
  const t = useT();
  const [kept, setFormat] = useKeptField('reception.manual.format', 'line18');
  const format = kept === 'nw7' ? 'nw7' : 'line18';
  const [value, setValue] = useKeptField('reception.manual.digits', '');
  // A refusal that outlives the typed value (an individual number is wiped at once).
  const [notice, setNotice] = useState<StaffText | null>(null);
  const digits = value.normalize('NFKC').replace(/[\s\-‐-―−ー]/g, '');
  const check = checkTypedTicketDigits(value, { format });
  const expected = format === 'nw7' ? 10 : 18;

  const change = (next: string) => {
    if ((value === '') !== (next === '')) onTyping?.(next !== '');
    setValue(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (check.state !== 'complete') {
      // Someone typed an individual number: it leaves the screen at once and goes nowhere.
      const parsed = parseTicketCode(value);
      if (!parsed.ok && parsed.code === 'INDIVIDUAL_NUMBER') {
        change('');
        setNotice(parsed.message);
      }
      return;
    }
    change('');
    setNotice(null);
    onSubmit(digits);
  };

  const message =
    notice ? t.pick(notice)
    : check.state === 'invalid' ? t.pick(check.message)
    : check.state === 'complete' ? t('manual.complete')
    : digits.length > 0 ? t('manual.incomplete', { n: Math.max(0, expected - digits.length) })
    : '';

  return (
    <form className="manual" data-testid="manual-entry" onSubmit={submit} data-state={check.state} noValidate>
      <fieldset>
        <legend>{t('manual.title')}</legend>
        <div className="manual__formats" role="radiogroup">
          {(['line18', 'nw7'] as const).map((f) => (
            <label key={f} className={`chip${format === f ? ' chip--on' : ''}`}>
              <input type="radio" name="manual-format" value={f} checked={format === f} onChange={() => setFormat(f)} data-testid={`manual-format-${f}`} />
              {f === 'line18' ? t('manual.use18') : t('manual.use10')}
            </label>
          ))}
        </div>
        <label className="manual__field">
          <span>{format === 'nw7' ? t('manual.label10') : t('manual.label18')}</span>
          <input
            ref={ref}
            data-testid="manual-input"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            maxLength={40}
            value={value}
            aria-invalid={check.state === 'invalid'}
            aria-describedby="manual-status"
            onChange={(event) => {
              change(event.target.value);
              setNotice(null);
            }}
          />
        </label>
        <p className="manual__preview mono" aria-hidden="true">
          {groupDigits(digits, format)}
        </p>
        <p id="manual-status" className={`manual__status manual__status--${notice ? 'invalid' : check.state}`} data-testid="manual-status" role="status">
          {message}
        </p>
        <button type="submit" className="button button--primary" data-testid="manual-submit" aria-disabled={check.state !== 'complete'}>
          {t('manual.submit')}
        </button>
      </fieldset>
    </form>
  );
});

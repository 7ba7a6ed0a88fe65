/**
 * Lots: doses recorded against the doses the opened vials hold (vials ×
 * doses per vial). What is left over is waste; a shortfall is a gap that
 * must be explained. Vials opened are entered here (or corrected) per lot.
 */
import { useState, type FormEvent } from 'react';
import { useKeptForm } from '../../stores/kept';
import { call } from '../../api/venue';
import { formatExpiry } from '../../i18n/format';
import { useT, type Translator } from '../../i18n/t';
import { useDay, type DayReport } from '../../stores/day';
import { TableScroll } from '../../components/TableScroll';

type LotLine = DayReport['lots'][number];

function stateOf(line: LotLine): 'unknown' | 'waste' | 'gap' | 'even' {
  if (line.difference === null) return 'unknown';
  return line.difference > 0 ? 'waste' : line.difference < 0 ? 'gap' : 'even';
}

function DifferenceLabel({ line, t }: { line: LotLine; t: Translator }) {
  const state = stateOf(line);
  const n = Math.abs(line.difference ?? 0);
  switch (state) {
    case 'unknown':
      return <span className="tag tag--neutral">{t('day.lot.unknown')}</span>;
    case 'waste':
      return <span className="tag tag--caution">{t('day.lot.waste', { n })}</span>;
    case 'gap':
      return <strong className="tag tag--bad">{t('day.lot.gap', { n })}</strong>;
    case 'even':
      return <span className="tag tag--good">{t('day.lot.even')}</span>;
  }
}

export function LotTable({ report, editable }: { report: DayReport; editable: boolean }) {
  const t = useT();
  return (
    <div className="lot-table">
      <TableScroll label={t('day.lots')}>
        <table className="table" data-testid="lot-table">
          <thead>
            <tr>
              <th>{t('sup.lotNumber')}</th>
              <th>{t('sup.product')}</th>
              <th>{t('sup.expiry')}</th>
              <th className="num">{t('day.lot.doses')}</th>
              <th className="num">{t('day.lot.vials')}</th>
              <th className="num">{t('day.lot.capacity')}</th>
              <th>{t('day.lot.difference')}</th>
            </tr>
          </thead>
          <tbody>
            {report.lots.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty">
                  {t('day.lot.empty')}
                </td>
              </tr>
            ) : null}
            {report.lots.map((line) => (
              <tr key={line.lotId} data-testid="lot-line" data-lot={line.lotNumber} data-difference={line.difference ?? ''} data-state={stateOf(line)}>
                <td className="mono">{line.lotNumber}</td>
                <td>{line.productName}</td>
                <td>{line.expiry ? formatExpiry(line.expiry, t.language) : ''}</td>
                <td className="num" data-testid="lot-doses">
                  {line.doses}
                </td>
                <td className="num" data-testid="lot-vials">
                  {line.vialsOpened ?? '—'}
                </td>
                <td className="num">{line.vialsOpened === null ? '—' : t('day.lot.capacityValue', { vials: line.vialsOpened, per: line.dosesPerVial, n: line.vialsOpened * line.dosesPerVial })}</td>
                <td data-testid="lot-difference">
                  <DifferenceLabel line={line} t={t} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {editable ? <VialsForm /> : null}
    </div>
  );
}

export function VialsForm() {
  const t = useT();
  const lots = useDay((s) => s.lots);
  const date = useDay((s) => s.date);
  const load = useDay((s) => s.load);
  // Kept through the lock (stores/kept.ts); the count is cleared once recorded.
  const [form, setForm] = useKeptForm('day.vials', { lotId: '', vials: '' });
  const { lotId, vials } = form;
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const count = Number(vials);
  const valid = lotId !== '' && vials.trim() !== '' && Number.isInteger(count) && count >= 0 && count <= 10_000;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    const reply = await call('recordVialsOpened', { lotId, vials: count, date });
    if (!reply.ok) {
      setMessage({ tone: 'error', text: t.refusal(reply.error) });
      return;
    }
    const lot = lots.find((l) => l.id === lotId);
    setMessage({ tone: 'ok', text: t('day.vials.saved', { lot: lot?.lotNumber ?? '', n: count }) });
    setForm({ vials: '' });
    await load();
  };

  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} data-testid="vials-form">
      <h3>{t('day.vials.title')}</h3>
      <label className="field">
        <span>{t('sup.lotNumber')}</span>
        <select value={lotId} onChange={(event) => setForm({ lotId: event.target.value })} data-testid="vials-lot" required>
          <option value="">—</option>
          {lots.map((lot) => (
            <option key={lot.id} value={lot.id}>
              {lot.lotNumber} · {lot.productName}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('day.vials.count')}</span>
        <input type="number" inputMode="numeric" min={0} max={10000} step={1} value={vials} onChange={(event) => setForm({ vials: event.target.value })} data-testid="vials-count" required />
      </label>
      <button type="submit" className="button" disabled={!valid} data-testid="vials-record">
        {t('day.vials.record')}
      </button>
      {message ? (
        <p className={`notice notice--${message.tone}`} role="status" data-testid="vials-message">
          {message.text}
        </p>
      ) : null}
    </form>
  );
}

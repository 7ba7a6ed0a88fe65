/**
 * The venue's lots, and adding one: typed, or filled in from a scanned box
 * (only what the scan gave; a scan without an expiry never blanks it). What
 * is typed is kept (stores/kept.ts) until the lot is added.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { venueDate } from '../../../../src/common/time';
import type { Value } from '../../api/venue';
import { ScannerPanel } from '../../components/ScannerPanel';
import { TableScroll } from '../../components/TableScroll';
import { formatExpiry } from '../../i18n/format';
import { useT } from '../../i18n/t';
import { fillLotForm } from '../../scanner/lot-form';
import { readPack } from '../../scanner/reads';
import { playSound } from '../../sound/sounds';
import { useKeptField } from '../../stores/kept';
import { useSupervisor, useWriting } from '../../stores/supervisor';

type Lot = Value<'listLots'>[number];
type Product = Value<'listProducts'>[number];

export function LotsPanel({ lots, products }: { lots: readonly Lot[]; products: readonly Product[] }) {
  const t = useT();
  const scanLot = useSupervisor((s) => s.scanLot);
  const addLot = useSupervisor((s) => s.addLot);
  const adding = useWriting('addLot');
  const [productId, setProductId] = useKeptField('lots.add.product', '');
  const [lotNumber, setLotNumber] = useKeptField('lots.add.number', '');
  const [expiry, setExpiry] = useKeptField('lots.add.expiry', '');
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  const onScan = useCallback(
    async (raw: string) => {
      const pack = readPack(raw, venueDate(new Date()));
      if (pack.kind === 'error') {
        setMessage({ tone: 'error', text: t.pick(pack.message) });
        playSound('refusal');
        return;
      }
      const reply = await scanLot(pack.code);
      if (!reply.ok) {
        setMessage({ tone: 'error', text: t.refusal(reply.error) });
        return;
      }
      const value = reply.value;
      if (value.read === 'error') {
        setMessage({ tone: 'error', text: t.pick(value.message) });
        playSound('refusal');
        return;
      }
      // Only what the scan gave: a scan with no expiry never blanks the expiry in the form.
      const filled = fillLotForm({ productId, lotNumber, expiry }, value);
      setProductId(filled.productId);
      setLotNumber(filled.lotNumber);
      setExpiry(filled.expiry);
      setMessage({ tone: value.kind === 'new-lot' || value.kind === 'match' ? 'ok' : 'error', text: t.pick(value.message) });
      playSound(value.kind === 'new-lot' ? 'ok' : 'refusal');
    },
    [t, productId, lotNumber, expiry, setProductId, setLotNumber, setExpiry, scanLot],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const reply = await addLot(productId, lotNumber.trim(), expiry);
    if (reply.ok === 'busy') return;
    if (!reply.ok) {
      setMessage({ tone: 'error', text: t.refusal(reply.error) });
      return;
    }
    setMessage({ tone: 'ok', text: t('sup.added', { lot: reply.value.lotNumber }) });
    setLotNumber('');
    setExpiry('');
  };

  return (
    <section className="panel" aria-labelledby="lots-title">
      <h2 id="lots-title">{t('sup.lots')}</h2>
      <TableScroll label={t('sup.lots')}>
        <table className="table" data-testid="lots">
          <thead>
            <tr>
              <th>{t('sup.lotNumber')}</th>
              <th>{t('sup.product')}</th>
              <th>{t('sup.expiry')}</th>
            </tr>
          </thead>
          <tbody>
            {lots.map((lot) => (
              <tr key={lot.id} data-testid="lot-row" data-lot={lot.lotNumber} className={lot.expired ? 'row--expired' : undefined}>
                <td className="mono">{lot.lotNumber}</td>
                <td>
                  {lot.productName} · {lot.maker}
                </td>
                <td>
                  {formatExpiry(lot.expiry, t.language)} {lot.expired ? <strong className="tag tag--bad">{t('sup.expired')}</strong> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <form className="add-lot" onSubmit={(event) => void submit(event)} data-testid="add-lot">
        <h3>{t('sup.addLot')}</h3>
        <p className="field__hint">{t('sup.addLotHint')}</p>
        <ScannerPanel purpose="pack" compact onRead={(text) => void onScan(text)} />
        <label className="field">
          <span>{t('sup.product')}</span>
          <select value={productId} onChange={(event) => setProductId(event.target.value)} data-testid="add-lot-product" required>
            <option value="">—</option>
            {products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} · {p.maker}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('sup.lotNumber')}</span>
          <input value={lotNumber} onChange={(event) => setLotNumber(event.target.value)} maxLength={20} data-testid="add-lot-number" required autoComplete="off" />
        </label>
        <label className="field">
          <span>{t('sup.expiry')}</span>
          <input type="date" value={expiry} onChange={(event) => setExpiry(event.target.value)} data-testid="add-lot-expiry" required />
        </label>
        <button type="submit" className="button button--primary" data-testid="add-lot-submit" disabled={!productId || !lotNumber.trim() || !expiry || adding}>
          {t('sup.add')}
        </button>
        {message ? (
          <p className={`notice notice--${message.tone}`} role="status" data-testid="add-lot-message">
            {message.text}
          </p>
        ) : null}
      </form>
    </section>
  );
}


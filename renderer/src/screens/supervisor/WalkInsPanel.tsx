/**
 * Walk-in requests to approve or decline. A request waiting for a decision
 * is the supervisor's first job (someone is standing at reception): the
 * panel comes first while any waits, each request is one compact card with
 * the decision in one row, and what the supervisor typed is kept by request
 * (stores/kept.ts).
 */
import { useState } from 'react';
import type { ReplyError } from '../../../../src/api/reply';
import type { Value } from '../../api/venue';
import { PersonSummary } from '../../components/PersonSummary';
import { formatTime } from '../../i18n/format';
import { useT, type Translator } from '../../i18n/t';
import { STRINGS, type StringKey } from '../../i18n/strings';
import { useDeskName } from '../../stores/desks';
import { useKeptField } from '../../stores/kept';
import { useSupervisor, useWriting } from '../../stores/supervisor';

type Product = Value<'listProducts'>[number];
type WalkIn = Value<'listWalkIns'>[number];

function codeLabel(code: string, t: Translator): string {
  const key = `code.${code}`;
  return key in STRINGS ? t(key as StringKey) : code;
}

function WalkInRow({ request, products }: { request: WalkIn; products: readonly Product[] }) {
  const t = useT();
  const deskName = useDeskName();
  const [reason, setReason, resetReason] = useKeptField(`walkIn.${request.id}.reason`, '');
  const [productId, setProductId, resetProduct] = useKeptField(`walkIn.${request.id}.product`, products[0]?.id ?? '');
  const [error, setError] = useState<ReplyError | null>(null);
  const busy = useWriting(`walkIn:${request.id}`);
  const decideWalkIn = useSupervisor((s) => s.decideWalkIn);
  const decide = async (approve: boolean) => {
    const reply = await decideWalkIn(request.id, approve, productId, reason.trim());
    if (reply.ok === 'busy') return;
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    resetReason();
    resetProduct();
  };
  return (
    <li className="walkin" data-testid="walk-in-item" data-status={request.status}>
      {request.person ? <PersonSummary person={request.person} size="small" /> : null}
      <p className="walkin__meta">
        {formatTime(request.requestedAt)} · {deskName(request.deskId)} · {codeLabel(request.verdictCode, t)} · {t(`sup.walkInStatus.${request.status}` as StringKey)}
        {request.reason ? ` · ${request.reason}` : ''}
        {request.contact?.phone || request.contact?.email ? (
          <span className="walkin__contact" data-testid="walk-in-contact">
            {' · '}
            {t('sup.contactMasked')}: {[request.contact.phone, request.contact.email].filter(Boolean).join(' · ')}
          </span>
        ) : null}
      </p>
      {request.status === 'pending' ? (
        <div className="walkin__decide">
          <label className="field">
            <span>{t('sup.product')}</span>
            <select value={productId} onChange={(event) => setProductId(event.target.value)} data-testid="walk-in-product">
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field walkin__reason">
            <span>{t('sup.decisionReason')}</span>
            <input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={200} data-testid="walk-in-reason" />
          </label>
          <button type="button" className="button button--primary" disabled={reason.trim().length < 2 || busy} onClick={() => void decide(true)} data-testid="walk-in-approve">
            {t('sup.approve')}
          </button>
          <button type="button" className="button button--danger" disabled={reason.trim().length < 2 || busy} onClick={() => void decide(false)} data-testid="walk-in-decline">
            {t('sup.decline')}
          </button>
          {error ? (
            <p className="form-error" role="alert">
              {t.refusal(error)}
            </p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function WalkInsPanel({ walkIns, products }: { walkIns: readonly WalkIn[]; products: readonly Product[] }) {
  const t = useT();
  const pending = walkIns.filter((w) => w.status === 'pending');
  // Waiting requests first, then the day's decided ones.
  const shown = [...pending, ...walkIns.filter((w) => w.status !== 'pending')];
  return (
    <section className={`panel${pending.length ? ' panel--first' : ''}`} aria-labelledby="walkins-title" data-testid="walk-ins-panel">
      <h2 id="walkins-title">
        {t('sup.walkIns')} <span className="badge">{pending.length}</span>
      </h2>
      {walkIns.length === 0 ? <p className="empty">{t('sup.walkInsEmpty')}</p> : null}
      <ul className="walkins" data-testid="walk-ins">
        {shown.map((w) => (
          <WalkInRow key={w.id} request={w} products={products} />
        ))}
      </ul>
    </section>
  );
}

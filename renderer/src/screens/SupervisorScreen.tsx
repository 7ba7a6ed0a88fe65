/**
 * The supervisor's desk: today's counts so far, walk-in requests to decide,
 * desks and their active lots, adding lots (typed, or from a scanned box),
 * and voiding a record with a reason (nothing is deleted; a void is a record).
 */
import { ReaderHealth } from '../components/ReaderHealth';
import { fillLotForm } from '../scanner/lot-form';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../src/api/reply';
import { venueDate } from '../../../src/common/time';
import { useVenueEvents } from '../api/events';
import { call, hasOperation, type Value } from '../api/venue';
import { PersonSummary } from '../components/PersonSummary';
import { VoidControl } from './day/VoidControl';
import { ScannerPanel } from '../components/ScannerPanel';
import { formatDateBoth, formatTime } from '../i18n/format';
import { useT } from '../i18n/t';
import { STRINGS, type StringKey } from '../i18n/strings';
import { readPack } from '../scanner/reads';
import { playSound } from '../sound/sounds';
import { DesksPanel } from './supervisor/DesksPanel';

type Counts = Value<'todayCounts'>;
type Desk = Value<'listDesks'>[number];
type Lot = Value<'listLots'>[number];
type Product = Value<'listProducts'>[number];
type WalkIn = Value<'listWalkIns'>[number];
type DoseRecord = Value<'dosesToday'>[number];
type Waiting = Value<'vaccinationQueue'>[number];
type Conflict = Value<'listConflicts'>[number];

interface Data {
  counts: Counts | null;
  desks: Desk[];
  lots: Lot[];
  products: Product[];
  walkIns: WalkIn[];
  records: DoseRecord[];
  waiting: Waiting[];
  /** Null when this core has no sync (no conflicts to show). */
  conflicts: Conflict[] | null;
}

const EMPTY: Data = { counts: null, desks: [], lots: [], products: [], walkIns: [], records: [], waiting: [], conflicts: null };

function useSupervisorData(): [Data, () => Promise<void>] {
  const [data, setData] = useState<Data>(EMPTY);
  const load = useCallback(async () => {
    const [counts, desks, lots, products, walkIns, records, waiting, conflicts] = await Promise.all([
      call('todayCounts', {}),
      call('listDesks', {}),
      call('listLots', {}),
      call('listProducts', {}),
      hasOperation('listWalkIns') ? call('listWalkIns', {}) : Promise.resolve(null),
      call('dosesToday', {}),
      call('vaccinationQueue', {}),
      hasOperation('listConflicts') ? call('listConflicts', {}) : Promise.resolve(null),
    ]);
    setData({
      counts: counts.ok ? counts.value : null,
      desks: desks.ok ? desks.value : [],
      lots: lots.ok ? lots.value : [],
      products: products.ok ? products.value : [],
      walkIns: walkIns?.ok ? walkIns.value : [],
      records: records.ok ? records.value : [],
      waiting: waiting.ok ? waiting.value : [],
      conflicts: conflicts?.ok ? conflicts.value : null,
    });
  }, []);
  return [data, load];
}

function errorText(error: ReplyError | null, language: 'ja' | 'en'): string {
  return error ? (language === 'ja' ? error.message : error.messageEn) : '';
}

function CountsPanel({ counts }: { counts: Counts | null }) {
  const t = useT();
  const items = [
    ['booked', 'sup.count.booked'],
    ['checkedIn', 'sup.count.checkedIn'],
    ['vaccinated', 'sup.count.vaccinated'],
    ['notVaccinated', 'sup.count.notVaccinated'],
    ['waiting', 'sup.count.waiting'],
  ] as const;
  return (
    <section className="panel" aria-labelledby="counts-title">
      <h2 id="counts-title">
        {t('sup.counts')} {counts ? <small>{formatDateBoth(counts.date, t.language, { weekday: true })}</small> : null}
      </h2>
      <dl className="counts" data-testid="counts">
        {items.map(([key, label]) => (
          <div key={key} className="counts__item" data-testid={`count-${key}`}>
            <dt>{t(label)}</dt>
            <dd>{counts ? counts[key] : '–'}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function codeLabel(code: string, t: ReturnType<typeof useT>): string {
  const key = `code.${code}`;
  return key in STRINGS ? t(key as StringKey) : code;
}

function WalkInRow({ request, products, onDone }: { request: WalkIn; products: Product[]; onDone: () => void }) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [productId, setProductId] = useState(products[0]?.id ?? '');
  const [error, setError] = useState<ReplyError | null>(null);
  const decide = async (approve: boolean) => {
    const reply = await call('decideWalkIn', { requestId: request.id, approve, productId: approve ? productId : null, reason: reason.trim() });
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    onDone();
  };
  return (
    <li className="walkin" data-testid="walk-in-item" data-status={request.status}>
      {request.person ? <PersonSummary person={request.person} size="medium" /> : null}
      {request.contact?.phone || request.contact?.email ? (
        <p className="walkin__contact" data-testid="walk-in-contact">
          {t('sup.contactMasked')}: {[request.contact.phone, request.contact.email].filter(Boolean).join(' · ')}
        </p>
      ) : null}
      <p className="walkin__meta">
        {formatTime(request.requestedAt)} · {request.deskId} · {codeLabel(request.verdictCode, t)} · {t(`sup.walkInStatus.${request.status}` as StringKey)}
        {request.reason ? ` · ${request.reason}` : ''}
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
          <label className="field">
            <span>{t('sup.decisionReason')}</span>
            <input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={200} data-testid="walk-in-reason" />
          </label>
          <div className="actions">
            <button type="button" className="button button--primary" disabled={reason.trim().length < 2} onClick={() => void decide(true)} data-testid="walk-in-approve">
              {t('sup.approve')}
            </button>
            <button type="button" className="button button--danger" disabled={reason.trim().length < 2} onClick={() => void decide(false)} data-testid="walk-in-decline">
              {t('sup.decline')}
            </button>
          </div>
          {error ? <p className="form-error" role="alert">{errorText(error, t.language)}</p> : null}
        </div>
      ) : null}
    </li>
  );
}

function LotsPanel({ lots, products, onDone }: { lots: Lot[]; products: Product[]; onDone: () => void }) {
  const t = useT();
  const [productId, setProductId] = useState('');
  const [lotNumber, setLotNumber] = useState('');
  const [expiry, setExpiry] = useState('');
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  const onScan = useCallback(
    async (raw: string) => {
      const pack = readPack(raw, venueDate(new Date()));
      if (pack.kind === 'error') {
        setMessage({ tone: 'error', text: t.pick(pack.message) });
        playSound('refusal');
        return;
      }
      const reply = await call('scanLot', { code: pack.code });
      if (!reply.ok) {
        setMessage({ tone: 'error', text: errorText(reply.error, t.language) });
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
    [t, productId, lotNumber, expiry],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const reply = await call('addLot', { productId, lotNumber: lotNumber.trim(), expiry });
    if (!reply.ok) {
      setMessage({ tone: 'error', text: errorText(reply.error, t.language) });
      return;
    }
    setMessage({ tone: 'ok', text: t('sup.added', { lot: reply.value.lotNumber }) });
    setLotNumber('');
    setExpiry('');
    onDone();
  };

  return (
    <section className="panel" aria-labelledby="lots-title">
      <h2 id="lots-title">{t('sup.lots')}</h2>
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
                {formatDateBoth(lot.expiry, t.language)} {lot.expired ? <strong className="tag tag--bad">{t('sup.expired')}</strong> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
        <button type="submit" className="button button--primary" data-testid="add-lot-submit" disabled={!productId || !lotNumber.trim() || !expiry}>
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

function RecordsPanel({ records, waiting, onDone }: { records: DoseRecord[]; waiting: Waiting[]; onDone: () => void }) {
  const t = useT();
  return (
    <section className="panel" aria-labelledby="records-title">
      <h2 id="records-title">{t('sup.records')}</h2>
      {records.length === 0 ? <p className="empty">{t('sup.recordsEmpty')}</p> : null}
      <table className="table" data-testid="records">
        <tbody>
          {records.map((r) => (
            <tr key={r.id} data-testid="record-row" data-ticket={r.ticketNumber} data-voided={r.voidedBy ? 'true' : 'false'} className={r.voidedBy ? 'row--voided' : undefined}>
              <td>{formatTime(r.givenAt)}</td>
              <td className="mono">
                {r.municipality} {r.ticketNumber}
              </td>
              <td>{t('verdict.dose', { n: r.doseNumber })}</td>
              <td>{t(`nurse.status.${r.status}`)}</td>
              <td className="mono">{r.lotNumber ?? r.reason ?? ''}</td>
              <td>{r.voidedBy ? <strong className="tag tag--bad">{t('sup.voided')}</strong> : <VoidControl recordId={r.id} onVoided={onDone} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('sup.checkins')}</h3>
      <table className="table" data-testid="waiting">
        <tbody>
          {waiting.map((w) => (
            <tr key={w.checkinId} data-testid="waiting-row" data-ticket={w.ticketNumber}>
              <td>{formatTime(w.checkedInAt)}</td>
              <td lang="ja">{w.nameKanji}</td>
              <td>{t('verdict.dose', { n: w.doseNumber })}</td>
              <td>{w.deskId}</td>
              <td>
                <VoidControl recordId={w.checkinId} onVoided={onDone} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ConflictRow({ conflict, onDone }: { conflict: Conflict; onDone: () => void }) {
  const t = useT();
  const [note, setNote] = useState('');
  const [error, setError] = useState<ReplyError | null>(null);
  const resolve = async () => {
    const reply = await call('resolveConflict', { conflictId: conflict.id, note: note.trim() });
    if (!reply.ok) {
      setError(reply.error);
      return;
    }
    onDone();
  };
  return (
    <li className="walkin" data-testid="conflict-item">
      <p>
        <strong lang="ja">{conflict.nameKanji ?? ''}</strong> <span className="mono">{conflict.municipality} {conflict.ticketNumber}</span>
        {conflict.doseNumber !== null ? ` · ${t('verdict.dose', { n: conflict.doseNumber })}` : ''}
      </p>
      <ul>
        {conflict.records.map((r) => (
          <li key={r.id}>
            {formatTime(r.at)} · {r.venueName ?? r.venueId} · {r.deskId}
          </li>
        ))}
      </ul>
      <label className="field">
        <span>{t('sup.conflictNote')}</span>
        <input value={note} onChange={(event) => setNote(event.target.value)} maxLength={200} data-testid="conflict-note" />
      </label>
      <button type="button" className="button" disabled={note.trim().length < 2} onClick={() => void resolve()} data-testid="conflict-resolve">
        {t('sup.resolve')}
      </button>
      {error ? <p className="form-error" role="alert">{errorText(error, t.language)}</p> : null}
    </li>
  );
}

function ConflictsPanel({ conflicts, onDone }: { conflicts: Conflict[]; onDone: () => void }) {
  const t = useT();
  const open = conflicts.filter((c) => c.resolvedAt === null);
  return (
    <section className="panel" aria-labelledby="conflicts-title" data-testid="conflicts">
      <h2 id="conflicts-title">
        {t('sup.conflicts')} <span className="badge">{open.length}</span>
      </h2>
      {open.length === 0 ? <p className="empty">{t('sup.conflictsEmpty')}</p> : <p className="panel__hint">{t('sup.conflictLead')}</p>}
      <ul className="walkins">
        {open.map((c) => (
          <ConflictRow key={c.id} conflict={c} onDone={onDone} />
        ))}
      </ul>
    </section>
  );
}

export function SupervisorScreen() {
  const t = useT();
  const [data, load] = useSupervisorData();
  useEffect(() => {
    void load();
  }, [load]);
  useVenueEvents(['checkin', 'dose', 'void', 'walk-in', 'lot', 'desk', 'sync', 'roster', 'products', 'conflict'], () => void load());
  const reload = () => void load();
  const pending = data.walkIns.filter((w) => w.status === 'pending');
  return (
    <div className="screen screen--supervisor" data-testid="screen-supervisor">
      <div className="screen__wide">
        <CountsPanel counts={data.counts} />
        <section className="panel" aria-labelledby="walkins-title">
          <h2 id="walkins-title">
            {t('sup.walkIns')} <span className="badge">{pending.length}</span>
          </h2>
          {data.walkIns.length === 0 ? <p className="empty">{t('sup.walkInsEmpty')}</p> : null}
          <ul className="walkins" data-testid="walk-ins">
            {data.walkIns.map((w) => (
              <WalkInRow key={w.id} request={w} products={data.products} onDone={reload} />
            ))}
          </ul>
        </section>
        <DesksPanel desks={data.desks} lots={data.lots} onDone={reload} />
        <section className="panel" aria-labelledby="health-title">
          <h2 id="health-title">{t('health.title')}</h2>
          <p className="panel__hint">{t('health.hint')}</p>
          <ReaderHealth live />
        </section>
        <LotsPanel lots={data.lots} products={data.products} onDone={reload} />
        <RecordsPanel records={data.records} waiting={data.waiting} onDone={reload} />
        {data.conflicts ? <ConflictsPanel conflicts={data.conflicts} onDone={reload} /> : null}
      </div>
    </div>
  );
}

/**
 * The vaccination booth: the queue (check-ins from every desk, refreshed
 * when the core says something changed), the person being vaccinated, the
 * lot pre-filled from the desk, and a confirmation of what was saved.
 */
import { useCallback, useEffect, useRef } from 'react';
import { ageOn, venueDate } from '../../../src/common/time';
import { useVenueEvents } from '../api/events';
import { useShortcuts } from '../app/shortcuts';
import { DoseSlip, NextBooking } from '../components/DoseSlip';
import { CheckIcon, CrossIcon } from '../components/Icons';
import { PersonSummary } from '../components/PersonSummary';
import { ScannerPanel } from '../components/ScannerPanel';
import { VerdictCard } from '../components/VerdictCard';
import { formatDateBoth, formatExpiry, formatTime } from '../i18n/format';
import { useT } from '../i18n/t';
import type { StringKey } from '../i18n/strings';
import { deskDoctorOf, lotLabel, productObservation, SITES, useNurse, type ObservationMinutes, type QueueEntry } from '../stores/nurse';
import { CheckConfirm, DoseFacts, SwitchPrompt } from './nurse/DoseChecks';
import { NotGiven } from './nurse/NotGiven';
import { useKeyCue } from '../stores/key-cue';
import { useSession } from '../stores/session';
import type { ReadSource } from '../stores/reception';
import { useDeskName } from '../stores/desks';

function QueueList() {
  const t = useT();
  const deskName = useDeskName();
  const queue = useNurse((s) => s.queue);
  const loaded = useNurse((s) => s.queueLoaded);
  const selected = useNurse((s) => s.selected);
  const select = useNurse((s) => s.select);
  return (
    <section className="panel queue" aria-labelledby="queue-title">
      <h2 id="queue-title" title={t('nurse.queueHint')}>
        {t('nurse.queue')} <span className="badge" data-testid="queue-count">{queue.length}</span>
      </h2>
      {loaded && queue.length === 0 ? <p className="empty">{t('nurse.queueEmpty')}</p> : null}
      <ol className="queue__list" data-testid="queue">
        {queue.map((entry) => (
          <li key={entry.checkinId}>
            <button
              type="button"
              className={`queue__item${selected?.checkinId === entry.checkinId ? ' queue__item--on' : ''}`}
              data-testid="queue-item"
              data-ticket={entry.ticketNumber}
              aria-pressed={selected?.checkinId === entry.checkinId}
              onClick={() => select(entry)}
            >
              <span className="queue__kanji" lang="ja">
                {entry.nameKanji}
              </span>
              <span className="queue__kana" lang="ja">
                {entry.nameKana}
              </span>
              <span className="queue__meta">
                {t('verdict.dose', { n: entry.doseNumber })} · {t('nurse.checkedInAt', { time: formatTime(entry.checkedInAt) })} · {deskName(entry.deskId)}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

function LotPicker() {
  const t = useT();
  const lots = useNurse((s) => s.lots);
  const lotId = useNurse((s) => s.lotId);
  const chooseLot = useNurse((s) => s.chooseLot);
  const lotProduct = useNurse((s) => s.lotProduct);
  const showAllLots = useNurse((s) => s.showAllLots);
  const usable = lots.filter((l) => !l.expired && (lotProduct === null || l.productId === lotProduct));
  const current = lots.find((l) => l.id === lotId);
  const narrowedTo = lotProduct === null ? null : lots.find((l) => l.productId === lotProduct);
  return (
    <div className="field">
      <label htmlFor="lot-select">{t('nurse.lot')}</label>
      <select id="lot-select" data-testid="lot-select" value={lotId ?? ''} onChange={(event) => event.target.value && void chooseLot(event.target.value, 'list')}>
        <option value="">{t('nurse.lotNone')}</option>
        {usable.map((lot) => (
          <option key={lot.id} value={lot.id}>
            {lotLabel(lot)} · {t('nurse.expiry')} {formatExpiry(lot.expiry, t.language)}
          </option>
        ))}
      </select>
      {current ? (
        <p className="field__hint" data-testid="current-lot">
          <strong className="mono">{current.lotNumber}</strong> · {current.productName} · {current.maker} · {t('nurse.expiry')} {formatExpiry(current.expiry, t.language)}
        </p>
      ) : null}
      {lotProduct !== null ? (
        <p className="field__hint" data-testid="lot-narrowed" data-product={lotProduct}>
          {t('nurse.lotNarrowed', { product: narrowedTo?.productName ?? '', n: usable.length })}{' '}
          <button type="button" className="button button--quiet" data-testid="lot-show-all" onClick={showAllLots}>
            {t('nurse.lotShowAll')}
          </button>
        </p>
      ) : null}
      <p className="field__hint">{t('nurse.lotScanHint')}</p>
    </div>
  );
}

/**
 * 15 minutes of observation, or 30 when the person's history calls for it
 * (a severe allergic reaction before, or feeling faint after an earlier
 * dose) or the product does; the nurse decides at the booth.
 */
function ObservationChoice() {
  const t = useT();
  const lots = useNurse((s) => s.lots);
  const products = useNurse((s) => s.products);
  const lotId = useNurse((s) => s.lotId);
  const chosen = useNurse((s) => s.draft.observationMinutes);
  const edit = useNurse((s) => s.edit);
  const choose = (m: ObservationMinutes) => edit({ observationMinutes: m });
  const lot = lots.find((l) => l.id === lotId);
  const productMinutes = productObservation(lot ? products.find((p) => p.id === lot.productId) : undefined);
  const minutes = chosen ?? productMinutes;
  return (
    <fieldset className="field" data-testid="observation-choice" data-minutes={minutes}>
      <legend>{t('nurse.observation')}</legend>
      <div className="chips">
        {([15, 30] as const satisfies readonly ObservationMinutes[]).map((m) => (
          <label key={m} className={`chip${minutes === m ? ' chip--on' : ''}`}>
            <input type="radio" name="observation" value={m} checked={minutes === m} disabled={m < productMinutes} onChange={() => choose(m)} data-testid={`observe-${m}`} />
            {t('obs.minutes', { n: m })}
          </label>
        ))}
      </div>
      <p className="field__hint">{productMinutes === 30 ? t('nurse.observationProduct') : t('nurse.observationHint')}</p>
    </fieldset>
  );
}

function DoctorField() {
  const t = useT();
  const doctor = useNurse((s) => s.doctor);
  const desks = useNurse((s) => s.desks);
  const setDoctor = useNurse((s) => s.setDoctor);
  const useDeskDoctor = useNurse((s) => s.useDeskDoctor);
  const deskDoctor = deskDoctorOf(desks);
  return (
    <div className="field">
      <label htmlFor="doctor">{t('nurse.doctor')}</label>
      <input id="doctor" data-testid="doctor" maxLength={20} value={doctor} onChange={(event) => setDoctor(event.target.value)} autoComplete="off" aria-required="true" />
      <p className="field__hint" data-testid="desk-doctor" data-doctor={deskDoctor ?? ''}>
        {deskDoctor ? t('nurse.deskDoctor', { name: deskDoctor }) : t('nurse.deskDoctorNone')}
        {deskDoctor && deskDoctor !== doctor.trim() ? (
          <button type="button" className="button button--quiet" data-testid="use-desk-doctor" onClick={useDeskDoctor}>
            {t('nurse.useDeskDoctor')}
          </button>
        ) : null}
      </p>
    </div>
  );
}

/**
 * A person picked low in the queue (the page scrolled down to them) gets their form in view at once:
 * its top just under the header, the record bar at the bottom.
 */
function useInViewWhenChosen(checkinId: string) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const form = ref.current;
    if (!form) return;
    const header = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--header-h')) || 0;
    const top = form.getBoundingClientRect().top;
    if (top < header || top > window.innerHeight * 0.6) form.scrollIntoView({ block: 'start' });
  }, [checkinId]);
  return ref;
}

function DoseForm({ entry }: { entry: QueueEntry }) {
  const t = useT();
  const formRef = useInViewWhenChosen(entry.checkinId);
  const lotId = useNurse((s) => s.lotId);
  const draft = useNurse((s) => s.draft);
  const saving = useNurse((s) => s.saving);
  const error = useNurse((s) => s.error);
  const confirming = useNurse((s) => s.confirming);
  const pendingSwitch = useNurse((s) => s.pendingSwitch);
  const edit = useNurse((s) => s.edit);
  const record = useNurse((s) => s.record);
  const today = venueDate(new Date());
  const { notGiven, site } = draft;

  // Enter and F2 record only this form, and only when nothing else is asked of the nurse (a switch, a confirmation, "not given").
  const recordByKey = () => {
    if (!notGiven && lotId && !saving && !pendingSwitch && !confirming) void record('performed');
  };
  const cue = useKeyCue((s) => s.ignored);
  useShortcuts({ Enter: recordByKey, F2: recordByKey }, true, cue);

  return (
    <section ref={formRef} className="panel dose-form" data-testid="dose-form" data-ticket={entry.ticketNumber} aria-labelledby="dose-title">
      <h2 id="dose-title">
        {t('nurse.person')} · <span data-testid="dose-number">{t('verdict.dose', { n: entry.doseNumber })}</span>
      </h2>
      <SwitchPrompt />
      <PersonSummary person={{ ...entry, age: ageOn(entry.birthDate, today) }} size="medium" />
      <LotPicker />
      <DoseFacts />
      <fieldset className="field" role="radiogroup" aria-required="true">
        <legend>{t('nurse.site')}</legend>
        <div className="chips">
          {SITES.map((s) => (
            <label key={s} className={`chip${site === s ? ' chip--on' : ''}`}>
              <input type="radio" name="site" value={s} checked={site === s} onChange={() => edit({ site: s })} data-testid={`site-${s}`} />
              {t(`nurse.site.${s}` as StringKey)}
            </label>
          ))}
        </div>
      </fieldset>
      <ObservationChoice />
      <DoctorField />
      {error && !confirming ? (
        <p className="form-error" role="alert" data-testid="dose-error" data-code={error.code}>
          {t.refusal(error)}
        </p>
      ) : null}
      {confirming ? <CheckConfirm /> : null}
      {!notGiven && !confirming ? (
        <div className="actions actions--sticky">
          <button type="button" className="button button--primary button--huge" data-testid="record-dose-button" disabled={!lotId || saving || pendingSwitch !== null} onClick={() => void record('performed')}>
            {saving ? t('nurse.saving') : t('nurse.record')} <kbd>{t('nurse.recordKey')}</kbd>
          </button>
          <button type="button" className="button" data-testid="not-performed-button" onClick={() => edit({ notGiven: true })}>
            {t('nurse.notPerformed')}
          </button>
        </div>
      ) : null}
      {notGiven ? <NotGiven /> : null}
    </section>
  );
}

function SavedConfirmation() {
  const t = useT();
  const saved = useNurse((s) => s.saved);
  const savedFor = useNurse((s) => s.savedFor);
  const next = useNurse((s) => s.next);
  const venueName = useSession((s) => s.device?.venueName ?? null);
  useShortcuts({ Escape: next });
  if (!saved) return null;
  const performed = saved.status === 'performed';
  return (
    <section className={`panel saved saved--${performed ? 'ok' : 'not'}`} data-testid="dose-saved" data-status={saved.status} role="status" aria-live="polite">
      <header className="saved__banner">
        {performed ? <CheckIcon /> : <CrossIcon />}
        <span className="saved__word">{t('nurse.saved')}</span>
        <span className="saved__status">{t(`nurse.status.${saved.status}`)}</span>
      </header>
      <p>{t('nurse.savedLead')}</p>
      {savedFor ? <PersonSummary person={{ ...savedFor, age: ageOn(savedFor.birthDate, saved.venueDate) }} size="medium" /> : null}
      <dl className="facts">
        <div>
          <dt>{t('nurse.doseNumber')}</dt>
          <dd data-testid="saved-dose">{t('verdict.dose', { n: saved.doseNumber })}</dd>
        </div>
        <div>
          <dt>{t('nurse.givenAt')}</dt>
          <dd>
            {formatDateBoth(saved.venueDate, t.language)} {formatTime(saved.givenAt)}
          </dd>
        </div>
        {performed ? (
          <>
            <div>
              <dt>{t('nurse.product')}</dt>
              <dd>
                {saved.productName} · {saved.maker}
              </dd>
            </div>
            <div>
              <dt>{t('nurse.lot')}</dt>
              <dd className="mono" data-testid="saved-lot">
                {saved.lotNumber}
              </dd>
            </div>
            <div>
              <dt>{t('nurse.expiry')}</dt>
              <dd>{saved.expiry ? formatExpiry(saved.expiry, t.language) : ''}</dd>
            </div>
            <div>
              <dt>{t('nurse.volume')}</dt>
              <dd>{saved.volumeMl ?? ''}</dd>
            </div>
            <div>
              <dt>{t('nurse.site')}</dt>
              <dd>{saved.site ? t(`nurse.site.${saved.site}` as StringKey) : t('common.none')}</dd>
            </div>
          </>
        ) : (
          <div>
            <dt>{t('nurse.reason')}</dt>
            <dd data-testid="saved-reason">{saved.reason}</dd>
          </div>
        )}
        {saved.doctor ? (
          <div>
            <dt>{t('nurse.doctor')}</dt>
            <dd>{saved.doctor}</dd>
          </div>
        ) : null}
      </dl>
      {performed && saved.observationMinutes ? (
        <p className="saved__observe" data-testid="saved-observe">
          {t('nurse.observe', { n: saved.observationMinutes })}
        </p>
      ) : null}
      {performed && saved.nextBooking ? <NextBooking booking={saved.nextBooking} /> : null}
      {performed ? (
        <DoseSlip
          slip={{
            doseNumber: saved.doseNumber,
            venueDate: saved.venueDate,
            venueName,
            productName: saved.productName,
            maker: saved.maker,
            lotNumber: saved.lotNumber,
            nextBooking: saved.nextBooking,
          }}
        />
      ) : null}
      <button type="button" className="button button--primary" data-testid="next-person" onClick={next}>
        {t('nurse.next')} <kbd>Esc</kbd>
      </button>
    </section>
  );
}

export function NurseScreen() {
  const t = useT();
  const selected = useNurse((s) => s.selected);
  const saved = useNurse((s) => s.saved);
  const notice = useNurse((s) => s.notice);
  const scanCard = useNurse((s) => s.scanCard);
  const scanned = useNurse((s) => s.scanned);
  const refreshQueue = useNurse((s) => s.refreshQueue);
  const loadCatalog = useNurse((s) => s.loadCatalog);
  const dismissNotice = useNurse((s) => s.dismissNotice);

  useEffect(() => {
    void refreshQueue();
    void loadCatalog();
  }, [refreshQueue, loadCatalog]);
  useVenueEvents(['checkin', 'dose', 'void', 'sync', 'roster'], () => void refreshQueue());
  useVenueEvents(['lot', 'desk', 'products', 'sync'], () => void loadCatalog());

  const onRead = useCallback((text: string, source: ReadSource) => void scanned(text, source), [scanned]);
  const cameraNotice = useNurse((s) => s.cameraNotice);

  return (
    <div className="screen screen--nurse" data-testid="screen-nurse">
      <div className="screen__side">
        <ScannerPanel purpose="any" onRead={onRead} onNotice={cameraNotice} />
        <QueueList />
      </div>
      <div className="screen__main">
        {notice ? (
          <p className={`notice notice--${notice.tone}`} data-testid="nurse-notice" data-tone={notice.tone} role="status">
            {notice.tone === 'ok' ? <CheckIcon /> : notice.tone === 'error' ? <CrossIcon /> : null} {t.pick(notice.text)}
            <button type="button" className="button button--quiet" onClick={dismissNotice}>
              {t('common.close')}
            </button>
          </p>
        ) : null}
        {saved ? <SavedConfirmation /> : selected ? <DoseForm entry={selected} /> : null}
        {!saved && !selected && scanCard ? (
          <>
            <p className="notice notice--error">{t('nurse.notInQueue')}</p>
            <VerdictCard card={scanCard} compact />
          </>
        ) : null}
        {!saved && !selected && !scanCard ? (
          <section className="panel">
            <p className="empty">{t('nurse.select')}</p>
            <LotPicker />
          </section>
        ) : null}
      </div>
    </div>
  );
}

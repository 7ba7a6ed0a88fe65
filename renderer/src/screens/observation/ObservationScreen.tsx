/**
 * The observation board: everyone waiting after their dose, with a live
 * countdown (15 minutes, or 30). When the time is up the item says so in
 * large words with an icon and a colour, and the desk hears the alert.
 * The nurse (or a supervisor) releases the person, or refers them to the
 * doctor with a note; reception sees the board too.
 */
import { useState } from 'react';
import { AlertIcon, ClockIcon } from '../../components/Icons';
import { formatCountdown, formatTime } from '../../i18n/format';
import { useT } from '../../i18n/t';
import { useObservation, endsAtMs, isDue, type ObservationEntry } from '../../stores/observation';
import { useSession } from '../../stores/session';
import { useDeskName } from '../../stores/desks';
import { useKeptField } from '../../stores/kept';

function ObservationItem({ entry, now, canEnd }: { entry: ObservationEntry; now: number; canEnd: boolean }) {
  const t = useT();
  const deskName = useDeskName();
  const end = useObservation((s) => s.end);
  const [note, setNote, resetNote] = useKeptField(`observation.${entry.doseId}.referNote`, '');
  const [referring, setReferring] = useState(note !== '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const due = isDue(entry, now);

  const finish = async (outcome: 'released' | 'referred') => {
    setBusy(true);
    const problem = await end(entry.doseId, outcome, outcome === 'referred' ? note : undefined);
    setBusy(false);
    if (!problem) resetNote();
    setError(problem ? t.refusal(problem) : null);
  };

  return (
    <li className={`obs-item obs-item--${due ? 'due' : 'waiting'}`} data-testid="observation-item" data-due={due ? 'true' : 'false'} data-dose-id={entry.doseId} data-minutes={entry.minutes}>
      <div className="obs-item__state" role={due ? 'alert' : undefined}>
        {due ? <AlertIcon /> : <ClockIcon />}
        <span className="obs-item__word">{due ? t('obs.due') : t('obs.waiting')}</span>
        <span className="obs-item__countdown mono" data-testid="countdown" aria-label={t('obs.left')}>
          {formatCountdown(endsAtMs(entry) - now, t.language)}
        </span>
      </div>
      <div className="obs-item__who">
        <span className="obs-item__kana" lang="ja">
          {entry.nameKana}
        </span>
        <span className="obs-item__kanji" lang="ja">
          {entry.nameKanji}
        </span>
        <span className="obs-item__meta">
          {t('verdict.dose', { n: entry.doseNumber })} · {deskName(entry.deskId)} · {t('obs.since', { time: formatTime(entry.startedAt) })} · {t('obs.minutes', { n: entry.minutes })} ·{' '}
          {t('obs.until', { time: formatTime(entry.endsAt) })}
        </span>
      </div>
      {canEnd ? (
        <div className="obs-item__actions">
          <button type="button" className="button button--primary" disabled={!due || busy} onClick={() => void finish('released')} data-testid="release-button" title={due ? undefined : t('obs.notYet')}>
            {t('obs.release')}
          </button>
          {referring ? (
            <>
              <label className="field">
                <span>{t('obs.referNote')}</span>
                <input value={note} onChange={(event) => setNote(event.target.value)} maxLength={200} data-testid="refer-note" autoComplete="off" />
              </label>
              <button type="button" className="button button--danger" disabled={note.trim().length < 2 || busy} onClick={() => void finish('referred')} data-testid="refer-confirm">
                {t('obs.referConfirm')}
              </button>
              <button type="button" className="button button--quiet" onClick={() => setReferring(false)}>
                {t('nurse.cancel')}
              </button>
            </>
          ) : (
            <button type="button" className="button" onClick={() => setReferring(true)} data-testid="refer-button">
              {t('obs.refer')}
            </button>
          )}
        </div>
      ) : null}
      {error ? (
        <p className="form-error" role="alert" data-testid="observation-error">
          {error}
        </p>
      ) : null}
    </li>
  );
}

export function ObservationScreen() {
  const t = useT();
  const entries = useObservation((s) => s.entries);
  const loaded = useObservation((s) => s.loaded);
  const now = useObservation((s) => s.now);
  const role = useSession((s) => s.staff?.role);
  // Ending an observation is the nurse's (or a supervisor's) call; reception watches and calls them.
  const canEnd = role === 'nurse' || role === 'supervisor';
  const due = entries.filter((e) => isDue(e, now)).length;
  return (
    <div className="screen screen--narrow" data-testid="observation-board" data-due-count={due}>
      <section className="panel" aria-labelledby="obs-title">
        <h2 id="obs-title">
          {t('obs.title')} <span className="badge">{entries.length}</span>
        </h2>
        <p className="panel__hint">{canEnd ? t('obs.lead') : t('obs.leadReception')}</p>
        {due ? (
          <p className="notice notice--error obs-banner" role="alert" data-testid="observation-alert">
            <AlertIcon /> {t('obs.banner', { n: due })}
          </p>
        ) : null}
        {loaded && entries.length === 0 ? <p className="empty">{t('obs.empty')}</p> : null}
        <ol className="obs-list">
          {entries.map((entry) => (
            <ObservationItem key={entry.doseId} entry={entry} now={now} canEnd={canEnd} />
          ))}
        </ol>
      </section>
    </div>
  );
}

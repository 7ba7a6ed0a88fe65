/**
 * Always on screen: online or offline, last sync, records waiting to be sent
 * and confirmed, conflicts, and a progress bar while a long roster download
 * runs. State is said in words as well as colour.
 */
import { useEffect } from 'react';
import { useVenueEvents } from '../api/events';
import { formatTime } from '../i18n/format';
import { useT } from '../i18n/t';
import { useSync } from '../stores/sync';

const POLL_MS = 5_000;

export function SyncStatus() {
  const t = useT();
  const view = useSync((s) => s.view);
  const refresh = useSync((s) => s.refresh);
  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => void refresh(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);
  useVenueEvents(['sync', 'syncEnrollment', 'checkin', 'dose', 'void', 'lot', 'roster', 'conflict', 'walk-in'], () => void refresh());

  if (!view.configured) {
    return (
      <div className="sync sync--local" data-testid="sync-status" data-state="local" role="status">
        <span className="sync__dot" aria-hidden="true" />
        <span>{t('sync.notSetUp')}</span>
      </div>
    );
  }
  const state = view.online ? 'online' : 'offline';
  const percent = view.download && view.download.total > 0 ? Math.floor((view.download.done / view.download.total) * 100) : null;
  return (
    <div className={`sync sync--${state}`} data-testid="sync-status" data-state={state} data-pending={view.pending} data-confirmed={view.confirmed} data-conflicts={view.conflicts} role="status">
      <span className="sync__dot" aria-hidden="true" />
      <strong>{view.online ? t('sync.online') : t('sync.offline')}</strong>
      <span data-testid="sync-last">{view.lastSyncAt ? t('sync.lastSync', { time: formatTime(view.lastSyncAt) }) : t('sync.never')}</span>
      <span data-testid="sync-pending">{t('sync.pending', { n: view.pending })}</span>
      <span data-testid="sync-confirmed">{t('sync.confirmed', { n: view.confirmed })}</span>
      {view.conflicts > 0 ? (
        <strong className="sync__conflicts" data-testid="sync-conflicts">
          ⚠ {t('sync.conflicts', { n: view.conflicts })}
        </strong>
      ) : null}
      {view.clockOffMs !== null ? (
        <strong className="sync__clock" data-testid="clock-warning" data-offset-ms={view.clockOffMs} role="alert">
          ⚠ {t(view.clockOffMs > 0 ? 'sync.clockAhead' : 'sync.clockBehind', { n: Math.round(Math.abs(view.clockOffMs) / 60_000) })}
        </strong>
      ) : null}
      {view.rejected > 0 ? (
        <strong className="sync__conflicts" data-testid="sync-rejected">
          ⚠ {t('sync.rejected', { n: view.rejected })}
        </strong>
      ) : null}
      {!view.online && view.lastError ? (
        <span className="sync__error" data-testid="sync-error">
          {t.pick(view.lastError)}
        </span>
      ) : null}
      {view.download ? (
        <span className="sync__download" data-testid="sync-download">
          {t('sync.downloading')}
          <progress max={view.download.total} value={view.download.done} aria-label={t('sync.downloading')} />
          {percent !== null ? `${percent}%` : ''}
        </span>
      ) : null}
    </div>
  );
}

/**
 * Under the sync bar when it matters: a full disk (everyone: records are
 * refused until space is freed) or low free space (supervisors: free some
 * before a backup or an import no longer fits). Words and an icon, not colour alone.
 */
import { useEffect } from 'react';
import { useVenueEvents } from '../api/events';
import { useT } from '../i18n/t';
import { diskWarning, useDisk } from '../stores/disk';
import type { Role } from '../stores/session';
import { AlertIcon } from './Icons';

const POLL_MS = 30_000;

export function DiskWarning({ role }: { role: Role }) {
  const t = useT();
  const view = useDisk((s) => s.view);
  const refresh = useDisk((s) => s.refresh);
  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => void refresh(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);
  useVenueEvents(['disk', 'dose', 'checkin', 'roster'], () => void refresh());

  const warning = diskWarning(view, role);
  if (!warning) return null;
  const mb = view.freeBytes === null ? '?' : String(Math.floor(view.freeBytes / (1024 * 1024)));
  return (
    <div className={`disk-warning disk-warning--${warning}`} data-testid="disk-warning" data-state={warning} role="alert">
      <AlertIcon /> <strong>{t(warning === 'full' ? 'disk.full' : 'disk.low', { mb })}</strong>
    </div>
  );
}

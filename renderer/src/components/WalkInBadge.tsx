/**
 * Walk-in requests waiting for a decision, on every screen a supervisor has
 * open: a badge with the count (in words, not colour alone) on the
 * supervisor's tab and on the desk tab beneath it, and a sound when a new
 * request arrives (stores/walkins.ts).
 */
import { useEffect } from 'react';
import { useVenueEvents } from '../api/events';
import { useT } from '../i18n/t';
import { useWalkInWatch } from '../stores/walkins';
import { ClockIcon } from './Icons';

const POLL_MS = 30_000;

/** Keeps the count current while a supervisor is signed in: at once when a request or a sync arrives, else every half minute. */
export function useWalkInRequests(enabled: boolean): void {
  const refresh = useWalkInWatch((s) => s.refresh);
  useEffect(() => {
    if (!enabled) return;
    void refresh();
    const timer = window.setInterval(() => void refresh(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [enabled, refresh]);
  useVenueEvents(enabled ? ['walk-in', 'sync'] : [], () => void refresh());
}

export function WalkInBadge({ testId = 'walk-in-badge' }: { testId?: string }) {
  const t = useT();
  const count = useWalkInWatch((s) => s.pending.length);
  if (count === 0) return null;
  return (
    <span className="badge badge--walkin" data-testid={testId} data-count={count}>
      <ClockIcon /> {t('walkIn.badge', { n: count })}
    </span>
  );
}

/**
 * Keeps the observation board current on every screen of the desk (so the
 * alert sounds wherever the staff member is): refreshed when a dose is
 * recorded or an observation ends anywhere, checked once a minute in case
 * an event was missed, and the countdown ticked every second.
 */
import { useEffect } from 'react';
import { useVenueEvents } from '../../api/events';
import { useObservation } from '../../stores/observation';

const TICK_MS = 1_000;
const REFRESH_MS = 60_000;

export function useObservationWatch(): void {
  const refresh = useObservation((s) => s.refresh);
  const tick = useObservation((s) => s.tick);
  useEffect(() => {
    void refresh();
    const ticker = window.setInterval(tick, TICK_MS);
    const poll = window.setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      window.clearInterval(ticker);
      window.clearInterval(poll);
    };
  }, [refresh, tick]);
  useVenueEvents(['dose', 'observation', 'void', 'sync', 'restored'], () => void refresh());
}

/** How many people's time is up (for the tab's badge). */
export function useDueCount(): number {
  return useObservation((s) => s.entries.filter((e) => e.due || Date.parse(e.endsAt) <= s.now).length);
}

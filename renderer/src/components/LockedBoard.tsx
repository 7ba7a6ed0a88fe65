/**
 * The observation board, kept running behind the lock screen: how many
 * people are under observation and how many are due, in numbers only (no
 * names: the screen is locked), and the same bell when someone's time is
 * up. The times come from the core's one read a locked session may make
 * (observationTimes); the page's clock counts down between reads.
 */
import { useEffect } from 'react';
import { useVenueEvents } from '../api/events';
import { useT } from '../i18n/t';
import { countTimes, useObservation } from '../stores/observation';
import { AlertIcon, ClockIcon } from './Icons';

const TICK_MS = 1_000;
const REFRESH_MS = 30_000;

export function LockedBoard() {
  const t = useT();
  const times = useObservation((s) => s.times);
  const now = useObservation((s) => s.now);
  const refreshTimes = useObservation((s) => s.refreshTimes);
  const tick = useObservation((s) => s.tick);
  useEffect(() => {
    void refreshTimes();
    const ticker = window.setInterval(tick, TICK_MS);
    const poll = window.setInterval(() => void refreshTimes(), REFRESH_MS);
    return () => {
      window.clearInterval(ticker);
      window.clearInterval(poll);
    };
  }, [refreshTimes, tick]);
  useVenueEvents(['dose', 'observation', 'void', 'sync', 'restored'], () => void refreshTimes());

  const { observing, due } = countTimes(times, now);
  return (
    <section
      className={`locked-board${due ? ' locked-board--due' : ''}`}
      data-testid="lock-observation"
      data-observing={observing}
      data-due={due}
      role={due ? 'alert' : 'status'}
      aria-label={t('obs.title')}
    >
      {due ? <AlertIcon /> : <ClockIcon />}
      <p>
        {observing === 0 ? t('lock.boardNone') : t('lock.board', { n: observing })}
        {due ? <strong className="locked-board__due"> {t('lock.boardDue', { n: due })}</strong> : null}
      </p>
    </section>
  );
}

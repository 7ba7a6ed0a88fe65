/**
 * The idle lock, kept by the page. The core locks a session that makes no
 * calls for the idle time, but a screen that refreshes itself (the queue,
 * the sync bar) keeps calling; so the page watches the person instead:
 * no key, tap or pointer movement for the idle time locks the screen.
 * Timed with performance.now() (monotonic): a change of the computer's
 * clock neither locks the screen early nor keeps an idle one open.
 */
import { useEffect } from 'react';
import { useSession } from '../stores/session';

const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
const CHECK_EVERY_MS = 1_000;

export function useIdleLock(): void {
  const status = useSession((s) => s.status);
  const minutes = useSession((s) => s.idleLockMinutes);
  const lock = useSession((s) => s.lock);
  useEffect(() => {
    if (status !== 'active') return;
    let lastActivity = performance.now();
    const touch = () => {
      lastActivity = performance.now();
    };
    for (const type of ACTIVITY) window.addEventListener(type, touch, { capture: true, passive: true });
    const timer = window.setInterval(() => {
      if (performance.now() - lastActivity >= minutes * 60_000) void lock();
    }, CHECK_EVERY_MS);
    return () => {
      for (const type of ACTIVITY) window.removeEventListener(type, touch, { capture: true });
      window.clearInterval(timer);
    };
  }, [status, minutes, lock]);
}

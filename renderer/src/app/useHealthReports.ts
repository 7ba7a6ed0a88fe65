/**
 * Sends this desk's reader health (stores/health.ts) to the core every half
 * minute while someone is signed in, when there is anything new: supervisors
 * see it live. A report that fails is kept and sent with the next one.
 */
import { useEffect } from 'react';
import { call, hasOperation } from '../api/venue';
import { useHealth, type HealthCounts } from '../stores/health';
import { useSession } from '../stores/session';

export const REPORT_EVERY_MS = 30_000;

function merge(a: HealthCounts, b: HealthCounts): HealthCounts {
  return { attempts: a.attempts + b.attempts, misreadsRefused: a.misreadsRefused + b.misreadsRefused, failedSights: a.failedSights + b.failedSights, toCardMs: [...a.toCardMs, ...b.toCardMs].slice(-1_000) };
}

export async function sendHealth(): Promise<void> {
  const unsent = useHealth.getState().take();
  if (unsent.attempts + unsent.failedSights === 0) return;
  const reply = await call('reportReaderHealth', { ...unsent, toCardMs: unsent.toCardMs.map((ms) => Math.min(600_000, Math.round(ms))) });
  if (!reply.ok) useHealth.setState({ unsent: merge(unsent, useHealth.getState().unsent) });
}

export function useHealthReports(): void {
  const status = useSession((s) => s.status);
  useEffect(() => {
    if (status !== 'active' || !hasOperation('reportReaderHealth')) return;
    const timer = window.setInterval(() => void sendHealth(), REPORT_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [status]);
}

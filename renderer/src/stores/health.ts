/**
 * The reader's health at this desk, counted on the page as reads happen:
 * reads attempted, misreads refused (a check digit that fails, codes of one
 * ticket that disagree), sights that gave nothing, and the seconds from a
 * ticket entering the camera's view to its card. The desk sends the counts
 * to the core (reportReaderHealth), where supervisors see every desk's live
 * and in the day report: a desk with a bad camera or light shows the same
 * morning.
 */
import { create } from 'zustand';
import type { ReadSource } from './read-source';

/** Refusals that mean the reader got a ticket wrong (not a pack scanned by mistake). */
const MISREADS = new Set(['BAD_CHECK_DIGIT', 'DOSE_ZERO', 'CODES_DISAGREE']);
/** Enough recent sight-to-card times for a stable median and p95. */
const KEEP = 400;

export interface HealthCounts {
  readonly attempts: number;
  readonly misreadsRefused: number;
  readonly failedSights: number;
  /** Sight → card, camera reads only, milliseconds, newest last. */
  readonly toCardMs: readonly number[];
}

interface HealthState extends HealthCounts {
  /** Counted since the last report: what the next report adds. */
  readonly unsent: HealthCounts;
  take(): HealthCounts;
}

const ZERO: HealthCounts = { attempts: 0, misreadsRefused: 0, failedSights: 0, toCardMs: [] };

export const useHealth = create<HealthState>((set, get) => ({
  ...ZERO,
  unsent: ZERO,
  take() {
    const unsent = get().unsent;
    set({ unsent: ZERO });
    return unsent;
  },
}));

export type HealthOutcome = { readonly read: true } | { readonly refused: string } | { readonly failedSight: true };

function add(counts: HealthCounts, source: ReadSource, outcome: HealthOutcome, now: number): HealthCounts {
  const misread = 'refused' in outcome && MISREADS.has(outcome.refused);
  const toCard = 'read' in outcome && source.kind === 'camera' ? [Math.max(0, now - source.sightStartedAt)] : [];
  return {
    attempts: counts.attempts + ('failedSight' in outcome ? 0 : 1),
    misreadsRefused: counts.misreadsRefused + (misread ? 1 : 0),
    failedSights: counts.failedSights + ('failedSight' in outcome ? 1 : 0),
    toCardMs: [...counts.toCardMs, ...toCard].slice(-KEEP),
  };
}

export function recordHealth(source: ReadSource, outcome: HealthOutcome): void {
  const now = performance.now();
  const state = useHealth.getState();
  useHealth.setState({ ...add(state, source, outcome, now), unsent: add(state.unsent, source, outcome, now) });
}

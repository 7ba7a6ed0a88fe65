/**
 * People under observation after their dose. The board comes from the core;
 * the countdown runs on this page's clock (one tick a second), so it keeps
 * going between refreshes. When someone's time is up the desk is alerted
 * once: a sound of its own and the item turning to "time is up".
 */
import { create } from 'zustand';
import type { ReplyError } from '../../../src/api/reply';
import { call, type Value } from '../api/venue';
import { playSound } from '../sound/sounds';
import { onWipe } from './privacy';

export type ObservationEntry = Value<'observationBoard'>[number];

interface ObservationState {
  readonly entries: readonly ObservationEntry[];
  readonly loaded: boolean;
  /** This page's clock, moved by tick(). */
  readonly now: number;
  /** Dose ids already alerted, so each person sounds once. */
  readonly alerted: ReadonlySet<string>;
  readonly error: ReplyError | null;
  readonly seq: number;
  refresh(): Promise<void>;
  tick(): void;
  end(doseId: string, outcome: 'released' | 'referred', note?: string): Promise<ReplyError | null>;
}

export function endsAtMs(entry: ObservationEntry): number {
  return Date.parse(entry.endsAt);
}

/** Due when the core says so, or when this page's clock has passed the end. */
export function isDue(entry: ObservationEntry, now: number): boolean {
  return entry.due || endsAtMs(entry) <= now;
}

const BLANK = { entries: [] as readonly ObservationEntry[], loaded: false, alerted: new Set<string>() as ReadonlySet<string>, error: null } as const;

export const useObservation = create<ObservationState>((set, get) => ({
  ...BLANK,
  now: Date.now(),
  seq: 0,

  async refresh() {
    const seq = get().seq + 1;
    set({ seq });
    const reply = await call('observationBoard', {});
    if (get().seq !== seq) return;
    if (!reply.ok) {
      set({ error: reply.error });
      return;
    }
    // Forget alerts for people no longer on the board.
    const ids = new Set(reply.value.map((e) => e.doseId));
    set({ entries: reply.value, loaded: true, error: null, alerted: new Set([...get().alerted].filter((id) => ids.has(id))) });
    get().tick();
  },

  tick() {
    const now = Date.now();
    const { entries, alerted } = get();
    const newlyDue = entries.filter((e) => isDue(e, now) && !alerted.has(e.doseId));
    if (newlyDue.length) {
      set({ now, alerted: new Set([...alerted, ...newlyDue.map((e) => e.doseId)]) });
      playSound('alert');
    } else set({ now });
  },

  async end(doseId, outcome, note) {
    const reply = await call('endObservation', { doseId, outcome, note: note?.trim() || null });
    if (!reply.ok) return reply.error;
    await get().refresh();
    return null;
  },
}));

onWipe(() => useObservation.setState((s) => ({ ...BLANK, alerted: new Set<string>(), seq: s.seq + 1 })));

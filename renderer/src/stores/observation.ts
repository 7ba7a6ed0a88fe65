/**
 * People under observation after their dose. The board comes from the core;
 * the countdown runs on this page's clock (one tick a second), so it keeps
 * going between refreshes. When someone's time is up the desk is alerted
 * once: a sound of its own and the item turning to "time is up".
 *
 * A locked screen keeps watching: it asks only when each observation ends
 * (ids and times, no names), counts who is due and rings the same bell,
 * once per person whether the screen was locked or not.
 */
import { create } from 'zustand';
import type { ReplyError } from '../../../src/api/reply';
import { call, type Value } from '../api/venue';
import { playSound } from '../sound/sounds';
import { onSessionEnd, onWipe } from './privacy';

export type ObservationEntry = Value<'observationBoard'>[number];
export type ObservationTime = Value<'observationTimes'>[number];

interface ObservationState {
  readonly entries: readonly ObservationEntry[];
  readonly loaded: boolean;
  /** This page's clock, moved by tick(). */
  readonly now: number;
  /** Dose ids already alerted, so each person sounds once. */
  readonly alerted: ReadonlySet<string>;
  readonly error: ReplyError | null;
  /** While the screen is locked: when each observation ends, and nothing about whom. */
  readonly times: readonly ObservationTime[];
  readonly seq: number;
  refresh(): Promise<void>;
  /** The locked screen's question: when does each observation end? */
  refreshTimes(): Promise<void>;
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

const BLANK = { entries: [] as readonly ObservationEntry[], loaded: false, error: null, times: [] as readonly ObservationTime[] } as const;

/** How many are under observation and how many of them are due, from the times alone (the lock screen). */
export function countTimes(times: readonly ObservationTime[], now: number): { observing: number; due: number } {
  return { observing: times.length, due: times.filter((t) => Date.parse(t.endsAt) <= now).length };
}

export const useObservation = create<ObservationState>((set, get) => ({
  ...BLANK,
  alerted: new Set<string>(),
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
    set({ entries: reply.value, loaded: true, error: null, times: [], alerted: new Set([...get().alerted].filter((id) => ids.has(id))) });
    get().tick();
  },

  async refreshTimes() {
    const seq = get().seq + 1;
    set({ seq });
    const reply = await call('observationTimes', {});
    if (get().seq !== seq || !reply.ok) return;
    const ids = new Set(reply.value.map((t) => t.doseId));
    set({ times: reply.value, alerted: new Set([...get().alerted].filter((id) => ids.has(id))) });
    get().tick();
  },

  tick() {
    const now = Date.now();
    const { entries, times, alerted } = get();
    const due = [...entries.filter((e) => isDue(e, now)), ...times.filter((t) => Date.parse(t.endsAt) <= now)];
    const newlyDue = due.filter((e) => !alerted.has(e.doseId));
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

// Names go with the lock; which dose ids have been rung for stays, so nobody is rung for twice.
onWipe(() => useObservation.setState((s) => ({ ...BLANK, seq: s.seq + 1 })));
onSessionEnd(() => useObservation.setState((s) => ({ ...BLANK, alerted: new Set<string>(), seq: s.seq + 1 })));

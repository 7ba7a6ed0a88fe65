/**
 * Walk-in requests waiting for a supervisor, watched on every screen a
 * supervisor has open: the count for the badges, and a sound when a new
 * request arrives (not for those already waiting when the supervisor signed
 * in: the badge shows them). Only request ids are kept, nothing personal.
 */
import { create } from 'zustand';
import { call, hasOperation } from '../api/venue';
import { playSound } from '../sound/sounds';
import { onSessionEnd } from './privacy';

interface WalkInWatchState {
  /** Ids of the requests waiting for a decision. */
  readonly pending: readonly string[];
  /** Every request id seen so far this session (a request sounds once). */
  readonly seen: ReadonlySet<string>;
  /** The first answer came: from then on a new request sounds. */
  readonly primed: boolean;
  readonly seq: number;
  refresh(): Promise<void>;
}

export const useWalkInWatch = create<WalkInWatchState>((set, get) => ({
  pending: [],
  seen: new Set<string>(),
  primed: false,
  seq: 0,
  async refresh() {
    if (!hasOperation('listWalkIns')) return;
    const seq = get().seq + 1;
    set({ seq });
    const reply = await call('listWalkIns', {});
    if (!reply.ok || get().seq !== seq) return;
    const pending = reply.value.filter((w) => w.status === 'pending').map((w) => w.id);
    const { seen, primed } = get();
    const arrived = pending.filter((id) => !seen.has(id));
    set({ pending, seen: new Set([...seen, ...pending]), primed: true });
    if (primed && arrived.length) playSound('walkIn');
  },
}));

onSessionEnd(() => useWalkInWatch.setState((s) => ({ pending: [], seen: new Set<string>(), primed: false, seq: s.seq + 1 })));

/**
 * The supervisor's desk screen, backed by a store like the other screens:
 * today's counts, the desks, lots and products, walk-in requests, today's
 * records, people waiting, and sync conflicts, read together and read
 * again after every write and every event that changes them (each load
 * numbered, so a slow answer never replaces a newer one).
 *
 * Every write goes through `write`, which holds a busy mark per thing
 * written (a walk-in, a desk's doctor, a conflict): a second press while
 * the first is on its way does nothing, so a double click cannot decide,
 * set or resolve twice. The marks are read synchronously, before any
 * re-render could disable the button.
 *
 * Walk-ins, waiting people and conflicts carry names: the lock wipes them.
 */
import { create } from 'zustand';
import type { ReplyError } from '../../../src/api/reply';
import { call, hasOperation, type Value } from '../api/venue';
import { onWipe } from './privacy';

type Counts = Value<'todayCounts'>;
type Desk = Value<'listDesks'>[number];
type Lot = Value<'listLots'>[number];
type Product = Value<'listProducts'>[number];
type WalkIn = Value<'listWalkIns'>[number];
type DoseRecord = Value<'dosesToday'>[number];
type Waiting = Value<'vaccinationQueue'>[number];
type Conflict = Value<'listConflicts'>[number];
type AddedLot = Value<'addLot'>;

export interface SupervisorData {
  readonly counts: Counts | null;
  readonly desks: readonly Desk[];
  readonly lots: readonly Lot[];
  readonly products: readonly Product[];
  readonly walkIns: readonly WalkIn[];
  readonly records: readonly DoseRecord[];
  readonly waiting: readonly Waiting[];
  /** Null when this core has no sync (no conflicts to show). */
  readonly conflicts: readonly Conflict[] | null;
}

const EMPTY: SupervisorData = { counts: null, desks: [], lots: [], products: [], walkIns: [], records: [], waiting: [], conflicts: null };

/** A write's outcome: done (with its value), refused (the core's words), or ignored because the same write is on its way. */
export type WriteResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ReplyError } | { readonly ok: 'busy' };

interface SupervisorState {
  readonly data: SupervisorData;
  /** Keys of the writes on their way. */
  readonly busy: ReadonlySet<string>;
  readonly seq: number;
  load(): Promise<void>;
  decideWalkIn(requestId: string, approve: boolean, productId: string, reason: string): Promise<WriteResult<unknown>>;
  setDeskDoctor(deskId: string, doctor: string): Promise<WriteResult<unknown>>;
  setDeskLot(deskId: string, lotId: string): Promise<WriteResult<unknown>>;
  addLot(productId: string, lotNumber: string, expiry: string): Promise<WriteResult<AddedLot>>;
  resolveConflict(conflictId: string, note: string): Promise<WriteResult<unknown>>;
  /** A scanned lot box, matched against the venue's lots (a read: nothing is written). */
  scanLot(code: string): ReturnType<typeof call<'scanLot'>>;
}

export const useSupervisor = create<SupervisorState>((set, get) => {
  /** One write, once at a time per key; the screen is read again after it, whatever the answer. */
  async function write<T>(key: string, send: () => Promise<{ ok: true; value: T } | { ok: false; error: ReplyError }>): Promise<WriteResult<T>> {
    if (get().busy.has(key)) return { ok: 'busy' };
    set({ busy: new Set([...get().busy, key]) });
    try {
      return await send();
    } finally {
      const busy = new Set(get().busy);
      busy.delete(key);
      set({ busy });
      void get().load();
    }
  }

  return {
    data: EMPTY,
    busy: new Set<string>(),
    seq: 0,

    async load() {
      const seq = get().seq + 1;
      set({ seq });
      const [counts, desks, lots, products, walkIns, records, waiting, conflicts] = await Promise.all([
        call('todayCounts', {}),
        call('listDesks', {}),
        call('listLots', {}),
        call('listProducts', {}),
        hasOperation('listWalkIns') ? call('listWalkIns', {}) : Promise.resolve(null),
        call('dosesToday', {}),
        call('vaccinationQueue', {}),
        hasOperation('listConflicts') ? call('listConflicts', {}) : Promise.resolve(null),
      ]);
      if (get().seq !== seq) return;
      set({
        data: {
          counts: counts.ok ? counts.value : null,
          desks: desks.ok ? desks.value : [],
          lots: lots.ok ? lots.value : [],
          products: products.ok ? products.value : [],
          walkIns: walkIns?.ok ? walkIns.value : [],
          records: records.ok ? records.value : [],
          waiting: waiting.ok ? waiting.value : [],
          conflicts: conflicts?.ok ? conflicts.value : null,
        },
      });
    },

    decideWalkIn: (requestId, approve, productId, reason) =>
      write(`walkIn:${requestId}`, () => call('decideWalkIn', { requestId, approve, productId: approve ? productId : null, reason })),
    setDeskDoctor: (deskId, doctor) => write(`deskDoctor:${deskId}`, () => call('setDeskDoctor', { deskId, doctor })),
    setDeskLot: (deskId, lotId) => write(`deskLot:${deskId}`, () => call('setDeskLot', { deskId, lotId })),
    addLot: (productId, lotNumber, expiry) => write('addLot', () => call('addLot', { productId, lotNumber, expiry })),
    resolveConflict: (conflictId, note) => write(`conflict:${conflictId}`, () => call('resolveConflict', { conflictId, note })),
    scanLot: (code) => call('scanLot', { code }),
  };
});

/** Whether a write is on its way (its button shows busy). */
export function useWriting(key: string): boolean {
  return useSupervisor((s) => s.busy.has(key));
}

onWipe(() => useSupervisor.setState((s) => ({ data: EMPTY, seq: s.seq + 1 })));

/**
 * What people type into forms, kept by key in memory (not in the form's
 * own component state), so that leaving a screen, or the idle lock taking
 * it away, loses nothing for the person who comes back to it. Forgotten
 * when the session ends (sign-out, someone else signing in); a value that
 * could be an individual number is dropped as soon as the screen locks.
 */
import { useCallback, useRef } from 'react';
import { create } from 'zustand';
import { parseTicketCode } from '../../../src/ticket';
import { onSessionEnd, onWipe } from './privacy';

interface KeptState {
  readonly fields: Readonly<Record<string, string>>;
  set(key: string, value: string): void;
  clear(key: string): void;
  /** Forgets every key under `prefix.` (a whole form, once saved or cancelled). */
  clearForm(prefix: string): void;
}

export const useKept = create<KeptState>((set, get) => ({
  fields: {},
  set(key, value) {
    if (get().fields[key] !== value) set({ fields: { ...get().fields, [key]: value } });
  },
  clear(key) {
    if (!(key in get().fields)) return;
    const fields = { ...get().fields };
    delete fields[key];
    set({ fields });
  },
  clearForm(prefix) {
    const fields = get().fields;
    const left = Object.fromEntries(Object.entries(fields).filter(([key]) => !key.startsWith(`${prefix}.`)));
    if (Object.keys(left).length !== Object.keys(fields).length) set({ fields: left });
  },
}));

/** A typed value that may be an individual number (12 digits with a valid check digit): never kept. */
function mayBeIndividualNumber(value: string): boolean {
  const parsed = parseTicketCode(value);
  return !parsed.ok && parsed.code === 'INDIVIDUAL_NUMBER';
}

/**
 * useState for a form's entry that outlives the screen: the value, a
 * setter, and a reset to the initial value (after the entry is saved).
 */
export function useKeptField(key: string, initial: string): readonly [string, (value: string) => void, () => void] {
  const value = useKept((s) => s.fields[key]);
  const set = useKept((s) => s.set);
  const clear = useKept((s) => s.clear);
  const setValue = useCallback((next: string) => set(key, next), [key, set]);
  const reset = useCallback(() => clear(key), [key, clear]);
  return [value ?? initial, setValue, reset] as const;
}

/**
 * useKeptField for a form of several entries kept under one prefix: the
 * values (each its kept value or its initial one), a setter for some of
 * them, and a reset of the whole form (after it is saved or cancelled).
 */
export function useKeptForm<F extends Record<string, string>>(prefix: string, initial: F): readonly [F, (changes: Partial<F>) => void, () => void] {
  const fields = useKept((s) => s.fields);
  const set = useKept((s) => s.set);
  const clearForm = useKept((s) => s.clearForm);
  const next = Object.fromEntries(Object.entries(initial).map(([name, value]) => [name, fields[`${prefix}.${name}`] ?? value])) as F;
  // The same object while no value changed, so effects that depend on the form run only when it does.
  const last = useRef(next);
  if (Object.keys(next).some((name) => next[name] !== last.current[name])) last.current = next;
  const values = last.current;
  const change = useCallback(
    (changes: Partial<F>) => {
      for (const [name, value] of Object.entries(changes)) if (value !== undefined) set(`${prefix}.${name}`, value);
    },
    [prefix, set],
  );
  const reset = useCallback(() => clearForm(prefix), [prefix, clearForm]);
  return [values, change, reset] as const;
}

onWipe(() => {
  const { fields } = useKept.getState();
  const safe = Object.fromEntries(Object.entries(fields).filter(([, value]) => !mayBeIndividualNumber(value)));
  if (Object.keys(safe).length !== Object.keys(fields).length) useKept.setState({ fields: safe });
});
onSessionEnd(() => useKept.setState({ fields: {} }));

/**
 * A key that did nothing, said so. Enter and F2 are not taken as a decision
 * about a card that has only just appeared (or right after a scanner's
 * burst): a person may have pressed for the card before. Instead of doing
 * nothing silently, the screen shows for a moment that the key was ignored
 * and why, so the person looks, then presses again.
 */
import { create } from 'zustand';

export const CUE_SHOWN_MS = 2_500;

interface KeyCueState {
  /** The key ignored, and a number that changes with every cue (to restart its timer). */
  readonly cue: { readonly key: string; readonly n: number } | null;
  ignored(key: string): void;
  clear(): void;
}

export const useKeyCue = create<KeyCueState>((set, get) => ({
  cue: null,
  ignored: (key) => set({ cue: { key, n: (get().cue?.n ?? 0) + 1 } }),
  clear: () => set({ cue: null }),
}));

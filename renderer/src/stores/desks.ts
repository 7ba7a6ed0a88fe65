/**
 * The venue's desks by id, so every screen names a desk as staff know it
 * (受付1, not R1). Desk names are nothing personal: they stay through the
 * lock and are read again when a desk is added or changed.
 */
import { useCallback } from 'react';
import { create } from 'zustand';
import { call } from '../api/venue';

interface DesksState {
  readonly names: Readonly<Record<string, string>>;
  load(): Promise<void>;
}

export const useDesks = create<DesksState>((set) => ({
  names: {},
  async load() {
    const reply = await call('listDesks', {});
    if (reply.ok) set({ names: Object.fromEntries(reply.value.map((d) => [d.id, d.name])) });
  },
}));

/** A desk's name, or its id when this device does not know the desk (another venue's, say). */
export function useDeskName(): (deskId: string | null | undefined) => string {
  const names = useDesks((s) => s.names);
  return useCallback((deskId) => (deskId ? (names[deskId] ?? deskId) : ''), [names]);
}

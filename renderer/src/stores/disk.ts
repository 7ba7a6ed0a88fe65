/**
 * Disk space, for the warning under the sync bar: supervisors are told when
 * free space runs low (before a backup or an import would not fit), everyone
 * when the disk is full (records are refused then; sign-in and reading go on).
 */
import { create } from 'zustand';
import type { Role } from './session';
import { callOptional, hasOperation } from '../api/venue';

export const DISK_STATUS_OPERATION = 'diskStatus';

export interface DiskView {
  readonly freeBytes: number | null;
  readonly low: boolean;
  readonly full: boolean;
}

export const DISK_OK: DiskView = { freeBytes: null, low: false, full: false };

/** Reads the diskStatus answer; anything it cannot read is no warning at all. */
export function toDiskView(value: unknown): DiskView {
  const v = typeof value === 'object' && value !== null ? (value as Readonly<Record<string, unknown>>) : {};
  if (v.available !== true) return DISK_OK;
  return {
    freeBytes: typeof v.freeBytes === 'number' && Number.isFinite(v.freeBytes) ? v.freeBytes : null,
    low: v.low === true,
    full: v.full === true,
  };
}

/** Which warning this role sees: the disk full for everyone, low space for supervisors only. */
export function diskWarning(view: DiskView, role: Role): 'full' | 'low' | null {
  if (view.full) return 'full';
  if (view.low && role === 'supervisor') return 'low';
  return null;
}

interface DiskState {
  readonly view: DiskView;
  refresh(): Promise<void>;
}

export const useDisk = create<DiskState>((set) => ({
  view: DISK_OK,
  async refresh() {
    if (!hasOperation(DISK_STATUS_OPERATION)) return;
    const reply = await callOptional(DISK_STATUS_OPERATION, {});
    if (reply.ok) set({ view: toDiskView(reply.value) });
  },
}));

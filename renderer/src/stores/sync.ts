/**
 * Sync status for the bar that is always on screen. The operation comes from
 * src/sync; on a device that has no sync (or a core without the operation)
 * the bar says the device works on its own.
 */
import { create } from 'zustand';
import type { StaffText } from '../../../src/common/messages';
import { callOptional, hasOperation } from '../api/venue';

export interface SyncView {
  /** The core offers sync status at all. */
  readonly available: boolean;
  /** This device syncs with a central service. */
  readonly configured: boolean;
  readonly online: boolean;
  readonly lastSyncAt: string | null;
  readonly pending: number;
  readonly confirmed: number;
  readonly conflicts: number;
  /** A long roster download in progress. */
  readonly download: { readonly done: number; readonly total: number } | null;
  readonly central: string | null;
  /** Why the last exchange failed, in words for staff. */
  readonly lastError: StaffText | null;
  /** Records the central service refused (a time the venue could not have, say). */
  readonly rejected: number;
  /** This desk's clock minus the central service's, in ms, when it is off by more than the warning limit; else null. */
  readonly clockOffMs: number | null;
}

export const NO_SYNC: SyncView = {
  available: false,
  configured: false,
  online: false,
  lastSyncAt: null,
  pending: 0,
  confirmed: 0,
  conflicts: 0,
  download: null,
  central: null,
  lastError: null,
  rejected: 0,
  clockOffMs: null,
};

export const SYNC_STATUS_OPERATION = 'syncStatus';

type Loose = Readonly<Record<string, unknown>>;

function num(...values: unknown[]): number {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return 0;
}
function str(...values: unknown[]): string | null {
  for (const v of values) if (typeof v === 'string' && v !== '') return v;
  return null;
}
function obj(value: unknown): Loose {
  return typeof value === 'object' && value !== null ? (value as Loose) : {};
}

/**
 * Reads the syncStatus answer (src/sync/status.ts): enrolled, serverUrl,
 * online, lastSuccessAt, lastError, records {pending, sent, confirmed,
 * rejected}, conflicts {open, resolved}, download {active, done, total}.
 * Tolerant of missing fields, so the bar survives small contract changes.
 */
export function toSyncView(value: unknown): SyncView {
  const v = obj(value);
  const records = obj(v.records ?? v.counts);
  const conflicts = v.conflicts;
  const progress = obj(v.download);
  const done = num(progress.done);
  const total = num(progress.total);
  const downloading = progress.active === true || (total > 0 && done < total);
  const central = str(v.serverUrl, v.central);
  return {
    available: true,
    configured: v.enrolled === true || v.configured === true,
    online: v.online === true,
    lastSyncAt: str(v.lastSuccessAt, v.lastSyncAt),
    // Sent but not yet confirmed is still waiting, as far as the desk is concerned.
    pending: num(records.pending) + num(records.sent) + num(v.pending),
    confirmed: num(records.confirmed, v.confirmed),
    conflicts: typeof conflicts === 'number' ? conflicts : num(obj(conflicts).open),
    download: downloading ? { done, total: Math.max(total, done) } : null,
    central,
    lastError: obj(v.lastError).message ? (obj(v.lastError).message as StaffText) : null,
    rejected: num(records.rejected),
    clockOffMs: obj(v.clock).warning === true ? num(obj(v.clock).offsetMs) : null,
  };
}

interface SyncState {
  readonly view: SyncView;
  refresh(): Promise<void>;
}

export const useSync = create<SyncState>((set) => ({
  view: NO_SYNC,
  async refresh() {
    if (!hasOperation(SYNC_STATUS_OPERATION)) {
      set({ view: NO_SYNC });
      return;
    }
    const reply = await callOptional(SYNC_STATUS_OPERATION, {});
    if (reply.ok) set({ view: toSyncView(reply.value) });
  },
}));

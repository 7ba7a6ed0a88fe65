/**
 * The host's sync with a central service (--central): the sync service of
 * src/sync on the host's own database connection. Where the device syncs to
 * is decided by its enrollment (the central address and a one-time code, on
 * the first-run screen); --central only turns the service on and checks that
 * the address is one the transport accepts.
 */
import type { Clock } from '../../src/common/time';
import type { VenueDb } from '../../src/store/database';
import { createHttpTransport, startSyncService, type SyncAppliedEvent } from '../../src/sync';
import { checkServerUrl } from '../../src/sync/transport';

/** The host's handle on the sync service when started with --central. */
export interface HostSync {
  /** Something changed locally: upload soon. */
  nudge(): void;
  stop(): Promise<void>;
}

export interface CentralSyncOptions {
  readonly db: VenueDb;
  readonly central: string;
  readonly clock?: Clock;
  readonly log: (line: string) => void;
  /** Told when a sync applied changes, so open pages refresh. */
  readonly onApplied: (event: { readonly type: string }) => void;
}

/** Throws when the address is not one the sync transport would use (plain http only on loopback). */
export function checkCentralAddress(central: string): void {
  const problem = checkServerUrl(central);
  if (problem) throw new Error(`--central ${central}: ${problem === 'INSECURE_URL' ? 'plain http is allowed on loopback only' : 'not a usable http(s) address'}`);
}

export function startCentralSync(options: CentralSyncOptions): HostSync {
  const service = startSyncService({
    db: options.db,
    transport: createHttpTransport(),
    clock: options.clock,
    onApplied: (event: SyncAppliedEvent) => {
      // Kinds and counts only: the changes themselves are personal data.
      options.log(`sync applied ${event.changes} change(s): ${event.kinds.join(',')}`);
      options.onApplied({ type: 'sync' });
    },
    onError: (error) => options.log(`sync error: ${error instanceof Error ? error.name : 'unknown'}`),
  });
  options.log(`sync service started (central service ${new URL(options.central).origin})`);
  return service;
}

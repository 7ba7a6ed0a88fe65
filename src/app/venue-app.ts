/**
 * The composition root of the venue side: everything the shipped app runs at
 * start, in one place, for every transport. The Electron database process
 * (main/db-process.ts) and the browser host (host/server.ts) only carry
 * calls and events between their pages and this object; they hold no wiring
 * of their own, so what the tests drive through either transport is what
 * ships.
 *
 * It opens the runtime (database, dispatcher, recovery mode), runs the sync
 * service on the runtime's connection and nudges it after every committed
 * change, makes the daily backup (at start and then hourly, if today has
 * none), stops sync around a restore and starts it again on the restored
 * file, watches the free disk space, and closes everything in order: timers,
 * sync, sessions, database.
 *
 * Training mode is switched here too: a supervisor's startTraining closes
 * the real database (sync stopped, no backups) and opens a training one of
 * its own (own file, own keys: src/training); leaveTraining, answered here,
 * needs a real supervisor's sign-in checked against the real database, then
 * removes the training one and opens the real one again. Nothing recorded in
 * training can reach the real database: it is closed the whole time.
 *
 * No Electron, no DOM, no transport: plain Node.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection, type CallTarget } from '../api/connection';
import { operations } from '../api/contract';
import type { VenueEvent } from '../api/operation';
import { refusalReply, type Reply } from '../api/reply';
import { DATABASE_FILE, VenueRuntime } from '../api/runtime';
import { useAuditKey } from '../audit/log';
import { text } from '../common/messages';
import { systemClock, venueIso, type Clock } from '../common/time';
import { openVenueDatabase, type VenueDb } from '../store/database';
import { seedPracticeVenue } from './practice-venue';
import { newTrainingKeys, readTrainingState, removeTraining, trainingDir, type TrainingKeys } from '../training/training-files';
import { createHttpTransport, startSyncService, type SyncAppliedEvent, type SyncService, type SyncTransport, type SyncTuning } from '../sync';

export interface VenueAppOptions {
  /** Folder of the encrypted database and its backups. */
  readonly dataDir: string;
  /** The 32-byte database key, as bytes. The app keeps its own copy; the caller may wipe theirs. */
  readonly key: Uint8Array;
  /** The 32-byte key of the audit chain's MACs (kept in the vault beside the database key); copied likewise. */
  readonly auditKey: Uint8Array;
  readonly clock?: Clock;
  /** The database driver's compiled module, where it is not the one in node_modules (Electron's ABI). */
  readonly nativeBinding?: string;
  /** How sync reaches the central service; by default HTTPS with certificate pinning (plain HTTP on loopback). */
  readonly transport?: SyncTransport;
  readonly syncTuning?: Partial<SyncTuning>;
  /** How often to check whether today's backup is made; null: only at start (tests that time backups themselves). */
  readonly backupCheckMs?: number | null;
  /** How often to look at the free disk space (DISK_CHECK_MS); null: only at start and when a write fails for lack of it. */
  readonly diskCheckMs?: number | null;
  /** The low-space warning threshold and the reserve kept for a full disk (defaults: 500 MB and 16 MB). */
  readonly disk?: { readonly lowBytes?: number; readonly reserveBytes?: number };
  /**
   * Log lines: operation names, codes and counts only, never inputs or
   * personal details. Defaults to nothing.
   */
  readonly log?: (line: string) => void;
  /** Told of every transaction of remote changes, with its counts and record ids (tests and benches watch sync with it). */
  readonly onSyncApplied?: (event: SyncAppliedEvent) => void;
  /** Told of unexpected errors (bugs) in sync and in operations, besides the log line. */
  readonly onError?: (where: string, error: unknown) => void;
}

/** The sync service as the app runs it: started with the database, paused around a restore. */
export interface AppSync {
  readonly running: boolean;
  /** Starts it (again) on the open database; nothing in recovery mode or when it runs. */
  start(): void;
  /** Stops it and resolves when its requests have ended (a desk going offline, in tests). */
  stop(): Promise<void>;
  /** Something was recorded: send it now (the app does this itself after every committed change). */
  nudge(): void;
}

/** One page's (window's, tab's) line into the app. */
export interface AppConnection {
  call(operation: string, input: unknown): Reply<unknown>;
  readonly signedIn: boolean;
  /** The page went away: its session ends with it, so nobody can pick it up. */
  close(): void;
}

export interface VenueApp {
  /** 'recovery' when the database could not be opened (only the recovery operations answer). */
  readonly mode: 'ready' | 'recovery';
  /** The runtime of the open database: the training one in training mode. */
  readonly runtime: VenueRuntime;
  /** A training database is open instead of the real one. */
  readonly training: boolean;
  /** A new line into the core, as a page gets. */
  connect(): AppConnection;
  /** Committed changes, remote changes applied by sync ('sync') and restores; returns the unsubscribe. */
  subscribe(listener: (event: VenueEvent) => void): () => void;
  /** The sync service (it pauses around a restore and does not run in recovery mode). */
  readonly sync: AppSync;
  /** Makes today's backup if there is none yet (the timer calls it too). */
  backupIfDue(): void;
  /** Looks at the free disk space now (the timer calls it too). */
  checkDisk(): void;
  close(): Promise<void>;
}

/** The default interval of the daily-backup check. */
export const BACKUP_CHECK_MS = 60 * 60_000;
/** The default interval of the free-space check. */
export const DISK_CHECK_MS = 30_000;

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error');

export function startVenueApp(options: VenueAppOptions): VenueApp {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? systemClock;
  const transport = options.transport ?? createHttpTransport();
  const listeners = new Set<(event: VenueEvent) => void>();
  const connections = new Set<AppConnection>();
  let sync: SyncService | null = null;
  const stopping = new Set<Promise<void>>();
  let closed = false;

  const publish = (event: VenueEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        log(`event listener failed: ${describe(error)}`);
      }
    }
  };

  const startSync = (db: VenueDb) => {
    sync = startSyncService({
      db,
      transport,
      clock,
      tuning: options.syncTuning,
      onApplied: (event) => {
        // Kinds and counts only: the changes themselves are personal data.
        log(`sync applied ${event.changes} change(s): ${event.kinds.join(',')}`);
        options.onSyncApplied?.(event);
        publish({ type: 'sync' });
      },
      onError: (error) => {
        log(`sync error: ${describe(error)}`);
        options.onError?.('sync', error);
      },
    });
  };

  const stopSync = () => {
    const running = sync;
    sync = null;
    // From the call on the service no longer touches the database, so it may close at once.
    if (!running) return;
    const stopped = running.stop().finally(() => stopping.delete(stopped));
    stopping.add(stopped);
  };

  mkdirSync(options.dataDir, { recursive: true });
  const key = Buffer.from(options.key);
  const auditKey = Buffer.from(options.auditKey);
  /** The training database's runtime and keys while in training mode; the real runtime is closed meanwhile. */
  let training: { runtime: VenueRuntime; keys: TrainingKeys } | null = null;
  const openRuntime = (dataDir: string, keys: { key: Buffer; auditKey: Buffer }, kind: 'real' | 'training') =>
    VenueRuntime.start({
      dataDir,
      key: keys.key,
      auditKey: keys.auditKey,
      clock,
      nativeBinding: options.nativeBinding,
      disk: options.disk,
      onEvent: (event) => {
        publish(event);
        sync?.nudge();
      },
      // Error names and messages only: inputs may hold personal data.
      onInternalError: (operation, error) => {
        log(`internal error in ${operation}: ${describe(error)}`);
        options.onError?.(operation, error);
      },
      // Training never syncs: the service runs only on the real database, and not while it is only being asked who may leave training.
      afterOpen: (db) => {
        if (kind === 'real' && !training) startSync(db);
      },
      beforeClose: () => stopSync(),
    });
  const openReal = () => {
    const opened = openRuntime(options.dataDir, { key, auditKey }, 'real');
    if (opened.mode === 'recovery') log(`database cannot be opened (${opened.recoveryProblem?.code ?? 'unknown'}): recovery mode`);
    return opened;
  };
  const openTraining = (keys: TrainingKeys) => openRuntime(trainingDir(options.dataDir), keys, 'training');

  // A training under way when the app stopped goes on (leaving it needs a supervisor, not a restart).
  const resumed = readTrainingState(options.dataDir, key);
  if (resumed) {
    const runtime = openTraining(resumed.keys);
    if (runtime.mode === 'ready') {
      training = { runtime, keys: resumed.keys };
      log('training mode (resumed)');
    } else {
      runtime.close();
      removeTraining(options.dataDir);
    }
  }
  let real: VenueRuntime | null = training ? null : openReal();
  const current = (): VenueRuntime => training?.runtime ?? real ?? (real = openReal());
  const lines = new Set<Connection>();

  /** Every page signs in again after a switch: their sessions end where they were opened. */
  const endSessions = () => {
    for (const line of lines) if (line.signedIn) line.call('signOut', {});
  };

  const enterTraining = (people: number): Reply<unknown> => {
    const now = clock.now();
    try {
      const keys = newTrainingKeys(options.dataDir, key, venueIso(now), people);
      // Made and filled on a connection of its own before the app switches to it.
      const db = openVenueDatabase({ path: join(trainingDir(options.dataDir), DATABASE_FILE), key: keys.key, nativeBinding: options.nativeBinding });
      try {
        useAuditKey(db, keys.auditKey);
        seedPracticeVenue(db, now, people);
      } finally {
        db.close();
      }
      endSessions();
      stopSync();
      real?.close();
      real = null;
      training = { runtime: openTraining(keys), keys };
    } catch (error) {
      removeTraining(options.dataDir);
      log(`training could not start: ${describe(error)}`);
      options.onError?.('startTraining', error);
      return refusalReply('INTERNAL', text('練習モードにできませんでした。本番のデータはそのままです。', 'Training could not start. The real data is as it was.'));
    }
    log(`training mode: ${people} generated people`);
    publish({ type: 'training' });
    return { ok: true, value: { training: true, people } };
  };

  const leaveTraining = (input: unknown): Reply<unknown> => {
    const parsed = operations.leaveTraining.input.safeParse(input);
    if (!parsed.success || !training) return refusalReply('VALIDATION', text('入力内容に誤りがあります。', 'The input is not valid.'));
    const candidate = real ?? openReal();
    let supervisor: string | null = null;
    if (candidate.mode === 'ready') {
      // The real database's own sign-in: its lock-out counts wrong passwords and codes, its log keeps who.
      const reply = candidate.call('signIn', parsed.data, null);
      if (!reply.ok) {
        candidate.close();
        return reply;
      }
      const signedIn = reply.value as { token: string; staff: { id: string; role: string } };
      candidate.call('signOut', {}, signedIn.token);
      if (signedIn.staff.role !== 'supervisor') {
        candidate.close();
        return refusalReply('FORBIDDEN', text('練習モードを終えられるのは本番の管理者だけです。', 'Only a real supervisor can leave training.'));
      }
      supervisor = signedIn.staff.id;
    }
    endSessions();
    training.runtime.close();
    training.keys.key.fill(0);
    training.keys.auditKey.fill(0);
    training = null;
    removeTraining(options.dataDir);
    real = candidate;
    real.logAppAction('leaveTraining', supervisor, { trainingRemoved: true });
    const db = real.database;
    if (db && !closed) startSync(db);
    log('training mode ended');
    publish({ type: 'training' });
    return { ok: true, value: { training: false } };
  };

  /** What every page's connection calls: the open runtime, with the two training switches answered here. */
  const target: CallTarget = {
    call(operation, input, token) {
      if (operation === 'leaveTraining' && training) return leaveTraining(input);
      const runtime = current();
      const reply = runtime.call(operation, input, token);
      if (operation === 'startTraining' && reply.ok && !training) return enterTraining((reply.value as { people: number }).people);
      return reply;
    },
  };

  const backupIfDue = () => {
    // Training makes no backups: nothing in it may count as the day's.
    if (training) return;
    try {
      if (current().backupIfDue()) log("today's backup made");
    } catch (error) {
      log(`backup failed: ${describe(error)}`);
    }
  };
  backupIfDue();
  const backupCheckMs = options.backupCheckMs === undefined ? BACKUP_CHECK_MS : options.backupCheckMs;
  const backupTimer = backupCheckMs === null ? null : setInterval(backupIfDue, backupCheckMs);
  backupTimer?.unref();

  // Free space: the pages are told when it runs low or out (supervisors see a warning), and once there
  // is room again the reserve is made anew and audit entries kept in memory meanwhile are written.
  const checkDisk = () => {
    try {
      if (current().checkDisk()) {
        const view = current().diskView();
        log(`disk ${view.full ? 'full' : view.low ? 'low' : 'ok'}: ${Math.floor(view.freeBytes / (1024 * 1024))} MB free`);
        publish({ type: 'disk' });
      }
    } catch (error) {
      log(`disk check failed: ${describe(error)}`);
    }
  };
  const diskCheckMs = options.diskCheckMs === undefined ? DISK_CHECK_MS : options.diskCheckMs;
  const diskTimer = diskCheckMs === null ? null : setInterval(checkDisk, diskCheckMs);
  diskTimer?.unref();

  return {
    get mode() {
      return current().mode;
    },
    get runtime() {
      return current();
    },
    get training() {
      return training !== null;
    },
    connect() {
      const connection = new Connection(target);
      lines.add(connection);
      const line: AppConnection = {
        call: (operation, input) => connection.call(operation, input),
        get signedIn() {
          return connection.signedIn;
        },
        close() {
          connections.delete(line);
          lines.delete(connection);
          if (connection.signedIn && !closed) connection.call('signOut', {});
        },
      };
      connections.add(line);
      return line;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    sync: {
      get running() {
        return sync !== null;
      },
      start() {
        const db = real?.database;
        if (!sync && db && !closed && !training) startSync(db);
      },
      async stop() {
        stopSync();
        await Promise.all([...stopping]);
      },
      nudge: () => sync?.nudge(),
    },
    backupIfDue,
    checkDisk,
    async close() {
      if (closed) return;
      if (backupTimer) clearInterval(backupTimer);
      if (diskTimer) clearInterval(diskTimer);
      stopSync();
      await Promise.all([...stopping]);
      // Sessions end with the app.
      for (const connection of [...connections]) connection.close();
      closed = true;
      listeners.clear();
      training?.runtime.close();
      real?.close();
      transport.close?.();
      key.fill(0);
      auditKey.fill(0);
    },
  };
}

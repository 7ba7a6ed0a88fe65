/**
 * The database process (an Electron utilityProcess): it runs the venue app
 * (the composition root in src/app: database, dispatcher, sync, backups) so
 * the window never waits on the database and a long roster sync never
 * freezes it. A transport only: it carries the main process's contract
 * calls in and the app's events out, one connection per window.
 *
 * A utilityProcess is a Node process with `process.parentPort`; the tests
 * run this very file (built to dist/main/db-process.cjs) under Node with that
 * port emulated over a fork IPC channel (test/shell/).
 */
import type { VenueEvent } from '../src/api/operation';
import { refusalReply } from '../src/api/reply';
import { text } from '../src/common/messages';
import { startVenueApp, type AppConnection, type VenueApp } from '../src/app/venue-app';
import type { DatabaseProcessMessage, ShellMessage } from './messages';

interface ParentPort {
  on(event: 'message', listener: (message: { data: ShellMessage }) => void): void;
  postMessage(message: DatabaseProcessMessage): void;
}

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
let app: VenueApp | null = null;
const connections = new Map<number, AppConnection>();

function post(message: DatabaseProcessMessage): void {
  port.postMessage(message);
}

const log = (line: string) => console.error(`[database] ${line}`);

function open(data: Extract<ShellMessage, { kind: 'open' }>): void {
  if (app) return post({ kind: 'opened' });
  try {
    // In recovery mode (a database that cannot be opened) the app still answers the
    // few recovery operations, so the window can offer a restore.
    app = startVenueApp({ dataDir: data.dataDir, key: data.key, auditKey: data.auditKey, nativeBinding: data.nativeBinding, log });
  } catch (error) {
    // Not a database problem (those start recovery mode): the driver itself failed to load.
    post({ kind: 'failed', message: { ja: 'データベースの部品を読み込めません。アプリを入れ直してください。', en: `The database driver could not be loaded (${error instanceof Error ? error.message : 'error'}). Reinstall the app.` } });
    return;
  } finally {
    // The app keeps its own copies of the keys.
    data.key.fill(0);
    data.auditKey.fill(0);
  }
  app.subscribe((event: VenueEvent) => post({ kind: 'event', event }));
  post({ kind: 'opened' });
}

function answer(id: number, windowId: number, operation: string, input: unknown): void {
  if (!app) {
    post({ kind: 'reply', id, reply: refusalReply('NOT_READY', text('データベースを準備中です。', 'The database is still opening.')) });
    return;
  }
  let connection = connections.get(windowId);
  if (!connection) {
    connection = app.connect();
    connections.set(windowId, connection);
  }
  post({ kind: 'reply', id, reply: connection.call(operation, input) });
}

async function close(): Promise<void> {
  connections.clear();
  await app?.close();
  app = null;
  post({ kind: 'closed' });
}

port.on('message', ({ data }) => {
  switch (data.kind) {
    case 'open':
      return open(data);
    case 'call':
      return answer(data.id, data.windowId, data.operation, data.input);
    case 'window-closed':
      connections.get(data.windowId)?.close();
      connections.delete(data.windowId);
      return;
    case 'close':
      void close();
      return;
  }
});

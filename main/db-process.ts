/**
 * The database process (an Electron utilityProcess): it owns the one
 * writable connection and the dispatcher, so the window never waits on the
 * database and a long roster sync never freezes it. The main process relays
 * contract calls here and pushed events back.
 */
import type { Connection } from '../src/api/connection';
import type { VenueEvent } from '../src/api/operation';
import type { Reply } from '../src/api/reply';
import { VenueRuntime } from '../src/api/runtime';
import type { DatabaseProcessMessage, ShellMessage } from './messages';

interface ParentPort {
  on(event: 'message', listener: (message: { data: ShellMessage }) => void): void;
  postMessage(message: DatabaseProcessMessage): void;
}

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
let runtime: VenueRuntime | null = null;
const connections = new Map<number, Connection>();

function post(message: DatabaseProcessMessage): void {
  port.postMessage(message);
}

function answer(id: number, windowId: number, operation: string, input: unknown): void {
  if (!runtime) {
    post({ kind: 'reply', id, reply: { ok: false, error: { code: 'NOT_READY', message: 'データベースを準備中です。', messageEn: 'The database is still opening.' } } });
    return;
  }
  let connection = connections.get(windowId);
  if (!connection) {
    connection = runtime.connect();
    connections.set(windowId, connection);
  }
  const reply: Reply<unknown> = connection.call(operation, input);
  post({ kind: 'reply', id, reply });
}

port.on('message', ({ data }) => {
  switch (data.kind) {
    case 'open': {
      // In recovery mode (a database that cannot be opened) the runtime still answers the
      // few recovery operations, so the window can offer a restore.
      try {
        runtime = VenueRuntime.start({
          dataDir: data.dataDir,
          key: Buffer.from(data.keyHex, 'hex'),
          auditKey: Buffer.from(data.auditKeyHex, 'hex'),
          nativeBinding: data.nativeBinding,
          onEvent: (event: VenueEvent) => post({ kind: 'event', event }),
          onInternalError: (operation, error) => console.error(`[database] ${operation}: ${error instanceof Error ? error.message : 'error'}`),
        });
      } catch (error) {
        // Not a database problem (those start recovery mode): the driver itself failed to load.
        post({ kind: 'failed', message: { ja: 'データベースの部品を読み込めません。アプリを入れ直してください。', en: `The database driver could not be loaded (${error instanceof Error ? error.message : 'error'}). Reinstall the app.` } });
        return;
      }
      const backupIfDue = () => {
        try {
          runtime?.backupIfDue();
        } catch (error) {
          console.error(`[database] daily backup: ${error instanceof Error ? error.message : 'error'}`);
        }
      };
      backupIfDue();
      setInterval(backupIfDue, 60 * 60_000).unref();
      post({ kind: 'opened' });
      return;
    }
    case 'call':
      answer(data.id, data.windowId, data.operation, data.input);
      return;
    case 'window-closed':
      connections.delete(data.windowId);
      return;
  }
});

/**
 * The database process (an Electron utilityProcess): it owns the one
 * writable connection and the dispatcher, so the window never waits on the
 * database and a long roster sync never freezes it. The main process relays
 * contract calls here and pushed events back.
 */
import { Connection } from '../src/api/connection';
import { operations } from '../src/api/contract';
import { Dispatcher } from '../src/api/dispatcher';
import type { VenueEvent } from '../src/api/operation';
import type { Reply } from '../src/api/reply';
import { openVenueDatabase } from '../src/store/database';
import type { DatabaseProcessMessage, ShellMessage } from './messages';

interface ParentPort {
  on(event: 'message', listener: (message: { data: ShellMessage }) => void): void;
  postMessage(message: DatabaseProcessMessage): void;
}

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
let dispatcher: Dispatcher | null = null;
const connections = new Map<number, Connection>();

function post(message: DatabaseProcessMessage): void {
  port.postMessage(message);
}

function answer(id: number, windowId: number, operation: string, input: unknown): void {
  if (!dispatcher) {
    post({ kind: 'reply', id, reply: { ok: false, error: { code: 'NOT_READY', message: 'データベースを準備中です。', messageEn: 'The database is still opening.' } } });
    return;
  }
  let connection = connections.get(windowId);
  if (!connection) {
    connection = new Connection(dispatcher);
    connections.set(windowId, connection);
  }
  const reply: Reply<unknown> = connection.call(operation, input);
  post({ kind: 'reply', id, reply });
}

port.on('message', ({ data }) => {
  switch (data.kind) {
    case 'open': {
      try {
        const db = openVenueDatabase({ path: data.path, key: Buffer.from(data.keyHex, 'hex'), nativeBinding: data.nativeBinding });
        dispatcher = new Dispatcher({
          db,
          operations,
          onEvent: (event: VenueEvent) => post({ kind: 'event', event }),
          onInternalError: (operation, error) => console.error(`[database] ${operation}: ${error instanceof Error ? error.message : 'error'}`),
        });
        post({ kind: 'opened' });
      } catch (error) {
        const message = error && typeof error === 'object' && 'staffMessage' in error ? (error as { staffMessage: { ja: string; en: string } }).staffMessage : { ja: 'データベースを開けません。', en: 'The database cannot be opened.' };
        post({ kind: 'failed', message });
      }
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

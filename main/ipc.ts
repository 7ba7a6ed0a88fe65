/**
 * The one place where IPC is bound (a test checks no other file calls
 * ipcMain.handle/on). Every call is checked once, centrally: it must come
 * from the window's main frame showing the app, and name an operation of the
 * contract. Then it is relayed to the database process's dispatcher.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CALL_CHANNEL, OPERATION_NAMES } from '../src/api/names';
import { refusalReply, type Reply } from '../src/api/reply';
import { text } from '../src/common/messages';
import { isTrustedSender } from './security';

export interface ContractRelay {
  /** Runs one call for one window (each window has its own session). */
  call(windowId: number, operation: string, input: unknown): Promise<Reply<unknown>>;
}

const KNOWN = new Set<string>(OPERATION_NAMES);

export function senderOf(event: IpcMainInvokeEvent): { url: string; isMainFrame: boolean } | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { url: frame.url, isMainFrame: frame === event.sender.mainFrame };
}

export async function handleCall(event: IpcMainInvokeEvent, operation: unknown, input: unknown, relay: ContractRelay): Promise<Reply<unknown>> {
  if (!isTrustedSender(senderOf(event))) {
    return refusalReply('UNTRUSTED_SENDER', text('この画面からは操作できません。', 'Calls are accepted only from the app’s own window.'));
  }
  if (typeof operation !== 'string' || !KNOWN.has(operation)) {
    return refusalReply('UNKNOWN_OPERATION', text('この操作はありません。', 'There is no such operation.'));
  }
  return relay.call(event.sender.id, operation, input);
}

export function bindContract(ipcMain: IpcMain, relay: ContractRelay): void {
  ipcMain.handle(CALL_CHANNEL, (event, operation: unknown, input: unknown) => handleCall(event, operation, input, relay));
}

/**
 * The preload: exposes exactly one object, window.venue, with one function
 * per contract operation (the compiler checks the list against the contract)
 * and `subscribe` for pushed events. No ipcRenderer, no Node, nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CALL_CHANNEL, EVENT_CHANNEL, OPERATION_NAMES, type VenueBridge } from '../src/api/names';
import type { VenueEvent } from '../src/api/operation';

export function makeBridge(invoke: (channel: string, ...args: unknown[]) => Promise<unknown>, on: typeof ipcRenderer.on, off: typeof ipcRenderer.removeListener): VenueBridge {
  const operations = Object.fromEntries(OPERATION_NAMES.map((name) => [name, (input: unknown) => invoke(CALL_CHANNEL, name, input)]));
  const subscribe = (listener: (event: VenueEvent) => void) => {
    const handler = (_event: unknown, payload: VenueEvent) => listener({ type: String(payload?.type ?? ''), ...(payload?.id ? { id: String(payload.id) } : {}) });
    on(EVENT_CHANNEL, handler);
    return () => {
      off(EVENT_CHANNEL, handler);
    };
  };
  // OPERATION_NAMES is proven complete against the contract in src/api/names.ts.
  return Object.freeze({ ...operations, subscribe }) as VenueBridge;
}

contextBridge.exposeInMainWorld(
  'venue',
  makeBridge((channel, ...args) => ipcRenderer.invoke(channel, ...args), ipcRenderer.on.bind(ipcRenderer), ipcRenderer.removeListener.bind(ipcRenderer)),
);

import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { CALL_CHANNEL, EVENT_CHANNEL, OPERATION_NAMES } from '../src/api/names';

// The Electron binary cannot run here: a stand-in records what the preload exposes.
const exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      invoked.push(args);
      return Promise.resolve({ ok: true, value: null });
    },
    on(channel: string, listener: (...args: unknown[]) => void) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return this;
    },
    removeListener(channel: string, listener: (...args: unknown[]) => void) {
      listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener));
      return this;
    },
  },
}));

describe('the preload', () => {
  it('exposes only window.venue: one function per operation, and subscribe', async () => {
    await import('./preload');
    expect(Object.keys(exposed)).toEqual(['venue']);
    const venue = exposed.venue as Record<string, unknown>;
    expect(Object.keys(venue).sort()).toEqual([...OPERATION_NAMES, 'subscribe'].sort());
    for (const value of Object.values(venue)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(venue)).toBe(true);
  });

  it('sends calls on the one channel and delivers events until unsubscribed', async () => {
    await import('./preload');
    const venue = exposed.venue as { whoAmI(input: object): Promise<unknown>; subscribe(l: (e: unknown) => void): () => void };
    await venue.whoAmI({});
    expect(invoked.at(-1)).toEqual([CALL_CHANNEL, 'whoAmI', {}]);
    const seen: unknown[] = [];
    const stop = venue.subscribe((event) => seen.push(event));
    for (const listener of listeners.get(EVENT_CHANNEL) ?? []) listener({}, { type: 'checkin', id: 'x', extra: 'dropped' });
    stop();
    for (const listener of listeners.get(EVENT_CHANNEL) ?? []) listener({}, { type: 'late' });
    expect(seen).toEqual([{ type: 'checkin', id: 'x' }]);
  });

  it('calls exposeInMainWorld exactly once in its source, with the key venue', () => {
    const source = readFileSync(new URL('./preload.ts', import.meta.url), 'utf8');
    expect(source.match(/exposeInMainWorld\s*\(/g)).toHaveLength(1);
    expect(source).toMatch(/exposeInMainWorld\(\s*'venue'/);
    expect(source).not.toMatch(/exposeInMainWorld\(\s*'(?!venue')/);
  });
});

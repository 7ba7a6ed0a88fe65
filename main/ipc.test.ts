import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../src/api/reply';
import { handleCall, type ContractRelay } from './ipc';
import { APP_ORIGIN } from './security';

/** A stand-in for the invoke event: only what handleCall reads. The Electron binary cannot run here. */
function fakeEvent(url: string, mainFrame = true): IpcMainInvokeEvent {
  const frame = { url };
  const sender = { id: 7, mainFrame: mainFrame ? frame : { url } };
  return { senderFrame: frame, sender } as unknown as IpcMainInvokeEvent;
}

class RecordingRelay implements ContractRelay {
  readonly calls: [number, string, unknown][] = [];
  async call(windowId: number, operation: string, input: unknown): Promise<Reply<unknown>> {
    this.calls.push([windowId, operation, input]);
    return { ok: true, value: 'relayed' };
  }
}

describe('the IPC binder', () => {
  it('relays a known operation from the app’s main frame, per window', async () => {
    const relay = new RecordingRelay();
    expect(await handleCall(fakeEvent(`${APP_ORIGIN}/index.html`), 'whoAmI', {}, relay)).toEqual({ ok: true, value: 'relayed' });
    expect(relay.calls).toEqual([[7, 'whoAmI', {}]]);
  });

  it('refuses a sub-frame, another origin and an unknown operation without relaying', async () => {
    const relay = new RecordingRelay();
    expect(await handleCall(fakeEvent(`${APP_ORIGIN}/index.html`, false), 'whoAmI', {}, relay)).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    expect(await handleCall(fakeEvent('https://evil.example/'), 'whoAmI', {}, relay)).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    for (const name of ['nope', '__proto__', 'constructor', 42, null]) {
      expect(await handleCall(fakeEvent(`${APP_ORIGIN}/`), name, {}, relay)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
    }
    expect(relay.calls).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|tsx|js|mjs|cjs)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('one binder', () => {
  it('no code outside main/ipc.ts binds ipcMain handlers or listeners', () => {
    const root = process.cwd();
    const offenders = ['main', 'src', 'renderer', 'server', 'test', 'scripts']
      .flatMap((dir) => sourceFiles(join(root, dir)))
      .filter((file) => /ipcMain\s*\.\s*(handle|handleOnce|on|once|addListener)\s*\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual(['main/ipc.ts']);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { DEVICE_CHOOSER_EVENTS, refuseBluetoothChooser, refuseDevices } from './devices';

/**
 * Electron cannot run here, so the session is a recorder of what the shell
 * installs on it: the handlers themselves are the shell's own functions.
 */
function recordingSession() {
  const listeners = new Map<string, (...args: unknown[]) => void>();
  let devicePermission: ((details: unknown) => boolean) | null = null;
  let pairing: ((details: unknown, callback: (response: { confirmed: boolean }) => void) => void) | null = null;
  const session = {
    setDevicePermissionHandler: (handler: (details: unknown) => boolean) => (devicePermission = handler),
    setBluetoothPairingHandler: (handler: typeof pairing) => (pairing = handler),
    on: (event: string, listener: (...args: unknown[]) => void) => {
      listeners.set(event, listener);
      return session;
    },
  };
  return { session: session as unknown as Session, listeners, devicePermission: () => devicePermission, pairing: () => pairing };
}

describe('device APIs in the shell', () => {
  it('grants no device permission and answers every device chooser with no device', () => {
    const recorded = recordingSession();
    refuseDevices(recorded.session);
    for (const deviceType of ['hid', 'serial', 'usb', 'bluetooth']) {
      expect(recorded.devicePermission()?.({ deviceType, origin: 'app://venue' })).toBe(false);
    }
    for (const event of DEVICE_CHOOSER_EVENTS) {
      const listener = recorded.listeners.get(event);
      expect(listener, event).toBeDefined();
      let prevented = false;
      const chosen: unknown[] = [];
      listener?.({ preventDefault: () => (prevented = true) }, { deviceList: [{ deviceId: 'x' }] }, (...args: unknown[]) => chosen.push(args));
      expect(prevented).toBe(true);
      expect(chosen).toEqual([[]]);
    }
    const answers: unknown[] = [];
    recorded.pairing()?.({}, (response) => answers.push(response));
    expect(answers).toEqual([{ confirmed: false }]);
  });

  it('answers the Web Bluetooth chooser with no device', () => {
    const listeners = new Map<string, (...args: unknown[]) => void>();
    const contents = { on: (event: string, listener: (...args: unknown[]) => void) => listeners.set(event, listener) } as unknown as WebContents;
    refuseBluetoothChooser(contents);
    let prevented = false;
    let chosen: string | null = null;
    listeners.get('select-bluetooth-device')?.({ preventDefault: () => (prevented = true) }, [{ deviceId: 'x' }], (id: string) => (chosen = id));
    expect(prevented).toBe(true);
    expect(chosen).toBe('');
  });

  it('is installed by the shell on the default session and on every web contents', () => {
    const source = readFileSync(join(import.meta.dirname, 'main.ts'), 'utf8');
    expect(source).toMatch(/refuseDevices\(session\.defaultSession\)/);
    const harden = source.slice(source.indexOf('function harden('), source.indexOf('\n}\n', source.indexOf('function harden(')));
    expect(harden).toContain('refuseBluetoothChooser(contents)');
  });
});

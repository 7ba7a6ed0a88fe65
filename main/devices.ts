/**
 * Hardware the page may ask for through web APIs (WebHID, Web Serial,
 * WebUSB, Web Bluetooth): none. The app reads handheld scanners as keyboards
 * and the camera through getUserMedia (main/security.ts); any other device
 * request is refused without a chooser, and device permissions are never granted.
 */
import type { Session, WebContents } from 'electron';

type Chooser = (event: { preventDefault(): void }, details: unknown, callback: (deviceId?: string) => void) => void;

/** Choosers answer with no device: the request fails in the page, nothing is shown. */
const chooseNothing: Chooser = (event, _details, callback) => {
  event.preventDefault();
  callback();
};

export const DEVICE_CHOOSER_EVENTS = ['select-hid-device', 'select-serial-port', 'select-usb-device'] as const;

export function refuseDevices(session: Pick<Session, 'setDevicePermissionHandler' | 'setBluetoothPairingHandler' | 'on'>): void {
  session.setDevicePermissionHandler(() => false);
  session.setBluetoothPairingHandler((_details, callback) => callback({ confirmed: false }));
  const on = session.on.bind(session) as unknown as (event: string, listener: Chooser) => void;
  for (const event of DEVICE_CHOOSER_EVENTS) on(event, chooseNothing);
}

export function refuseBluetoothChooser(contents: Pick<WebContents, 'on'>): void {
  contents.on('select-bluetooth-device', (event, _devices, callback) => {
    event.preventDefault();
    callback('');
  });
}

/**
 * The Electron shell: one hardened window showing the app from app://venue/,
 * the database in a utility process, IPC bound in one place. No business
 * rule lives here.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { join } from 'node:path';
import { EVENT_CHANNEL } from '../src/api/names';
import type { Reply } from '../src/api/reply';
import { PassphraseKeyVault, type KeyVault } from '../src/store/keyvault';
import { refuseBluetoothChooser, refuseDevices } from './devices';
import { bindContract, type ContractRelay } from './ipc';
import { SafeStorageKeyVault } from './keyvault';
import type { DatabaseProcessMessage, ShellMessage } from './messages';
import { serveAppRequest } from './protocol';
import { APP_ENTRY, APP_SCHEME, isAllowedNavigation, isPermissionAllowed, isPermissionCheckAllowed } from './security';
import { openShellSettings } from './settings';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

/** Relays contract calls to the database process and matches the replies. */
class DatabaseRelay implements ContractRelay {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply<unknown>) => void>();

  constructor(
    private readonly child: UtilityProcess,
    onEvent: (message: Extract<DatabaseProcessMessage, { kind: 'event' }>) => void,
  ) {
    child.on('message', (message: DatabaseProcessMessage) => {
      if (message.kind === 'reply') {
        this.pending.get(message.id)?.(message.reply);
        this.pending.delete(message.id);
      } else if (message.kind === 'event') onEvent(message);
    });
  }

  call(windowId: number, operation: string, input: unknown): Promise<Reply<unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ kind: 'call', id, windowId, operation, input });
    });
  }

  send(message: ShellMessage): void {
    this.child.postMessage(message);
  }
}

/** Every web contents, now or later: no new windows, no navigation away, no webviews. */
function harden(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  refuseBluetoothChooser(contents);
}

function keyVaultFor(settings: ReturnType<typeof openShellSettings>): KeyVault {
  if (settings.get('keyVault') === 'passphrase') {
    const passphrase = process.env.VENUE_DB_PASSPHRASE;
    if (!passphrase) throw new Error('The passphrase vault is selected: start the app with VENUE_DB_PASSPHRASE set.');
    return new PassphraseKeyVault(join(app.getPath('userData'), 'key-vault.json'), passphrase);
  }
  return new SafeStorageKeyVault(safeStorage, settings);
}

/**
 * Development overrides that change which code is loaded are honoured only
 * when the app is not packaged: a packaged app loads its own driver, whatever
 * the environment says.
 */
function developmentNativeBinding(): string | undefined {
  return app.isPackaged ? undefined : process.env.VENUE_NATIVE_BINDING || undefined;
}

function openDatabaseProcess(dataDir: string, key: Buffer, auditKey: Buffer): Promise<UtilityProcess> {
  const child = utilityProcess.fork(join(__dirname, 'db-process.cjs'), [], { serviceName: 'venue-database' });
  const nativeBinding = developmentNativeBinding();
  return new Promise((resolve, reject) => {
    const onMessage = (message: DatabaseProcessMessage) => {
      if (message.kind === 'opened') {
        child.off('message', onMessage);
        resolve(child);
      } else if (message.kind === 'failed') {
        child.off('message', onMessage);
        reject(new Error(`${message.message.ja}\n${message.message.en}`));
      }
    };
    child.on('message', onMessage);
    // Bytes, copied by the structured clone; never a hex string left in this process's memory.
    child.postMessage({ kind: 'open', dataDir, key: new Uint8Array(key), auditKey: new Uint8Array(auditKey), ...(nativeBinding ? { nativeBinding } : {}) } satisfies ShellMessage);
  });
}

/**
 * Quitting waits for the database process to close in order (sync stopped,
 * sessions ended, database closed), at most a few seconds.
 */
function closeDatabaseOnQuit(child: UtilityProcess): void {
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    const done = () => {
      if (closed) return;
      closed = true;
      app.quit();
    };
    child.on('message', (message: DatabaseProcessMessage) => {
      if (message.kind === 'closed') done();
    });
    child.once('exit', done);
    setTimeout(done, 5_000).unref();
    child.postMessage({ kind: 'close' } satisfies ShellMessage);
  });
}

async function start(): Promise<void> {
  const rendererRoot = join(__dirname, '..', 'renderer');
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererRoot, request.url));
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(isPermissionAllowed(permission, details.requestingUrl, mediaTypes));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionCheckAllowed(permission, requestingOrigin));
  refuseDevices(session.defaultSession);

  const settings = openShellSettings();
  const vault = keyVaultFor(settings);
  const key = await vault.getOrCreateKey();
  const auditKey = await vault.getOrCreateAuditKey();
  const dataDirectory = settings.get('dataDirectory') ?? app.getPath('userData');
  let child: UtilityProcess;
  try {
    child = await openDatabaseProcess(dataDirectory, key, auditKey);
  } finally {
    key.fill(0);
    auditKey.fill(0);
  }
  closeDatabaseOnQuit(child);

  const windows = new Set<BrowserWindow>();
  const relay = new DatabaseRelay(child, ({ event }) => {
    for (const window of windows) window.webContents.send(EVENT_CHANNEL, event);
  });
  bindContract(ipcMain, relay);

  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    title: '接種会場 受付',
    show: false,
    // Written out here (not spread from a constant) so that static checkers see every value;
    // main/config.test.ts reads this literal and holds it to the rules.
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Middle-click (auxclick) could open links in new windows; those are refused anyway.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      navigateOnDragDrop: false,
      preload: join(__dirname, 'preload.cjs'),
    },
  });
  windows.add(window);
  const windowId = window.webContents.id;
  window.on('closed', () => {
    windows.delete(window);
    relay.send({ kind: 'window-closed', windowId });
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(APP_ENTRY);
}

if (!app.requestSingleInstanceLock()) {
  // One writer per database: a second copy of the app would fight over it.
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => app.quit());
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox('接種会場 受付 / Venue reception', error instanceof Error ? error.message : String(error));
      app.quit();
    });
}

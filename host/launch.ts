/**
 * Serving the venue app through the browser host from the command line:
 * `npm run host` (host/main.ts) and `npm start` on machines without the
 * Electron binary (scripts/start.ts). Resolves the key file's passphrase,
 * builds the renderer when asked, starts the host, opens an app window where
 * a browser and a display exist (else prints the address), and stops
 * everything on Ctrl+C.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findChromium, openAppWindow, whyNoWindow } from './browser';
import { DEFAULT_RENDERER_DIR, startHost, type RunningHost } from './server';

/** Made-up data only: the demo database is protected by a passphrase everyone knows. */
export const DEMO_PASSPHRASE = 'demo-venue-passphrase';
export const DEFAULT_PASSPHRASE_ENV = 'VENUE_PASSPHRASE';

export interface LaunchOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly demo: boolean;
  /** The environment variable holding the key file's passphrase. */
  readonly passphraseEnv: string;
  /** 'always' rebuilds the renderer from the sources; 'if-missing' only when dist/renderer has none. */
  readonly buildRenderer: 'always' | 'if-missing';
  /** Open an app window in an installed Chromium or Chrome, where there is a display. */
  readonly openWindow: boolean;
  /** When the port is taken, use any free one (the port was a default, not asked for). */
  readonly anyPortIfTaken?: boolean;
  readonly print?: (line: string) => void;
}

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

export function resolvePassphrase(options: Pick<LaunchOptions, 'demo' | 'passphraseEnv'>, env: NodeJS.ProcessEnv, print: (line: string) => void): string {
  const passphrase = env[options.passphraseEnv];
  if (passphrase) return passphrase;
  if (!options.demo) throw new LaunchError(`Set the key file's passphrase in the environment variable ${options.passphraseEnv} (at least 12 characters).`);
  print(`Demo mode: the database key is wrapped with the fixed demo passphrase "${DEMO_PASSPHRASE}" (${options.passphraseEnv} is not set). Use it for made-up data only.`);
  return DEMO_PASSPHRASE;
}

async function buildRenderer(mode: LaunchOptions['buildRenderer'], print: (line: string) => void): Promise<void> {
  if (mode === 'if-missing' && existsSync(join(DEFAULT_RENDERER_DIR, 'index.html'))) return;
  print(mode === 'always' ? 'Building the renderer…' : 'dist/renderer is missing: building the renderer once (npm run build:renderer)…');
  const { build } = await import('vite');
  await build({ configFile: resolve(import.meta.dirname, '../renderer/vite.config.ts'), logLevel: 'warn' });
}

export interface Launched {
  readonly host: RunningHost;
  readonly window: ChildProcess | null;
  /** Closes the window and the host (sync, sessions, database), in that order. */
  stop(): Promise<void>;
}

export async function launchHost(options: LaunchOptions): Promise<Launched> {
  const print = options.print ?? ((line: string) => console.log(line));
  const passphrase = resolvePassphrase(options, process.env, print);
  await buildRenderer(options.buildRenderer, print);
  const start = (port: number) => startHost({ dataDir: resolve(options.dataDir), port, passphrase, demo: options.demo });
  let host: RunningHost;
  try {
    host = await start(options.port);
  } catch (error) {
    // The usual port is taken (another copy, another program): any free one will do when none was asked for.
    if (!options.anyPortIfTaken || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    print(`Port ${options.port} is in use: taking a free one.`);
    host = await start(0);
  }
  print('');
  print('The venue app is served on 127.0.0.1 only. Open this address (the token changes at every launch):');
  print(`  ${host.url}`);
  if (options.demo) print('  Demo sign-ins: kanri / kanri-pass-1 (supervisor), uketsuke / uketsuke-pass-1 (reception), kango / kango-pass-1 (nurse)');
  let window: ChildProcess | null = null;
  if (options.openWindow) {
    const noWindow = whyNoWindow();
    const browser = noWindow ? null : findChromium();
    if (browser) {
      window = openAppWindow(browser, host.url, join(resolve(options.dataDir), 'browser-profile'));
      window.on('error', (error) => print(`The browser window could not be opened (${error.message}); open the address above instead.`));
      print(`  Opened in ${browser} (app window; close it or press Ctrl+C here to stop).`);
    } else {
      print(`  No app window: ${noWindow ?? 'no Chromium, Chrome or Edge is installed'}. Open the address in a browser.`);
    }
  }
  print('Press Ctrl+C to stop.');
  print('');
  let stopped: Promise<void> | null = null;
  return {
    host,
    window,
    stop() {
      stopped ??= (async () => {
        if (window && window.exitCode === null && window.signalCode === null) window.kill('SIGTERM');
        await host.close();
      })();
      return stopped;
    },
  };
}

/** Stops on Ctrl+C or SIGTERM (and, when a window was opened, when it is closed), then exits 0. */
export function stopOnSignals(launched: Launched, print: (line: string) => void = (line) => console.log(line)): void {
  const stop = (why: string) => {
    print(`Stopping (${why})…`);
    void launched.stop().then(
      () => {
        print('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('Ctrl+C'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  launched.window?.once('exit', (code) => {
    // Closed by the person (exit 0): the app stops with it. A browser that failed leaves the app running.
    if (code === 0) stop('the app window was closed');
    else print(`The app window ended (${code ?? 'signal'}); the app keeps running at the address above. Press Ctrl+C to stop.`);
  });
}

/**
 * Opening the host's address as an app window in an installed Chromium or
 * Chrome (`--app=URL`, a profile folder of its own), for `npm start` on
 * machines where Electron cannot run. Nothing is downloaded: only browsers
 * already on the machine are used, and only where there is a display.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const LINUX_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge'];
const MAC_PATHS = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
];
const WINDOWS_SUFFIXES = ['Google\\Chrome\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe', 'Chromium\\Application\\chrome.exe'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** An installed Chromium-family browser, or null. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (env.CHROMIUM_PATH && executable(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
  if (platform === 'darwin') return MAC_PATHS.find(executable) ?? null;
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((root): root is string => Boolean(root));
    for (const root of roots) for (const suffix of WINDOWS_SUFFIXES) if (executable(join(root, suffix))) return join(root, suffix);
    return null;
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of LINUX_NAMES) if (executable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Why no window is opened (then the address is printed instead), or null when one can be. */
export function whyNoWindow(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  // The convention of web tooling (create-react-app, Vite and others): BROWSER=none opens nothing.
  if (env.BROWSER?.toLowerCase() === 'none') return 'BROWSER=none is set';
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return null;
}

/** Opens the address as an app window; the caller stops it with kill(). */
export function openAppWindow(browser: string, url: string, profileDir: string): ChildProcess {
  mkdirSync(profileDir, { recursive: true });
  // Chromium refuses to start as root with its sandbox (containers, kiosk images run as root): only then without it.
  const asRoot = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return spawn(
    browser,
    [`--app=${url}`, `--user-data-dir=${profileDir}`, '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-sync', '--disable-features=Translate', '--window-size=1280,800', ...asRoot],
    { stdio: 'ignore', detached: false },
  );
}

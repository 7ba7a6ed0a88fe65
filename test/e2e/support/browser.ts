/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser
 * downloads are impossible here). The camera is Chromium's fake device fed
 * from a Y4M file; the permission prompt is accepted by a flag, as a venue
 * tablet would be set up once.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENS_DIR = resolve(import.meta.dirname, '../../../test-results/screens');

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--autoplay-policy=no-user-gesture-required',
];

export interface LaunchOptions {
  /** A Y4M file for the fake camera; without one, Chromium's own test pattern. */
  readonly video?: string;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium).`);
  const camera = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', ...(options.video ? [`--use-file-for-fake-video-capture=${options.video}`] : [])];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_ARGS, ...camera] });
}

/** A desk: its own browser context (own storage, own connection to the host). */
export interface DeskOptions {
  readonly language?: 'ja' | 'en';
  readonly viewport?: { width: number; height: number };
  /** Device pixels per CSS pixel: 1.5 with the viewport divided by 1.5 is Chromium at 150 % zoom. */
  readonly deviceScaleFactor?: number;
  /** Runs before the page loads (e.g. installing Playwright's fake clock). */
  readonly beforeLoad?: (context: BrowserContext) => Promise<void>;
  /** Sees the page before it loads (to listen to its sockets, requests and console). */
  readonly onPage?: (page: Page) => void;
}

export async function openDesk(browser: Browser, url: string, options: DeskOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1366, height: 900 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    permissions: ['camera'],
  });
  await options.beforeLoad?.(context);
  const page = await context.newPage();
  options.onPage?.(page);
  if (options.language === 'en') {
    await page.addInitScript(() => localStorage.setItem('venue-prefs-v1', JSON.stringify({ language: 'en' })));
  }
  await page.goto(url);
  return { context, page };
}

/** A screenshot under test-results/screens/, for people to look at: the full page, or what the viewport shows. */
export async function saveScreen(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true, animations: 'disabled', caret: 'hide' });
  return path;
}

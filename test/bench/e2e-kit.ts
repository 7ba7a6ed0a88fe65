/**
 * The end-to-end kit (test/e2e/support: Chromium with the fake camera, a desk,
 * sign-in, the handheld scanner's key burst) for the benchmarks.
 *
 * Those files hand functions that use the DOM to the page and are checked by
 * tsconfig.e2e.json (ES + DOM). test/bench is checked by tsconfig.node.json,
 * which has no DOM lib, and a static import would pull them into that program
 * and fail it. So they are loaded at run time through a specifier tsc does not
 * follow, and the few signatures the benches use are declared here, as the
 * kit defines them.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

export type DemoRole = 'reception' | 'nurse' | 'supervisor';

export interface E2eKit {
  /** Debian's Chromium with the fake camera fed from `video` (a Y4M file). */
  launchChromium(options?: { readonly video?: string }): Promise<Browser>;
  /** A desk: its own browser context, the page opened on `url`. */
  openDesk(
    browser: Browser,
    url: string,
    options?: { readonly beforeLoad?: (context: BrowserContext) => Promise<void> },
  ): Promise<{ context: BrowserContext; page: Page }>;
  /** Signs in as the demo staff member of that role (DEMO_STAFF logins and passwords). */
  signIn(page: Page, role: DemoRole): Promise<void>;
  /** A handheld scanner in keyboard mode: the read as one burst of keys, then Enter. */
  handheldScan(page: Page, text: string): Promise<void>;
  /** The card of a read newer than `afterSeq`, once it shows a result. */
  nextVerdict(page: Page, afterSeq: number, timeout?: number): Promise<{ code: string; seq: number }>;
}

const SUPPORT = new URL('../e2e/support/', import.meta.url);

let loaded: Promise<E2eKit> | null = null;

export function loadE2eKit(): Promise<E2eKit> {
  loaded ??= (async () => {
    const [browser, desk] = (await Promise.all([import(new URL('browser.ts', SUPPORT).href), import(new URL('desk.ts', SUPPORT).href)])) as [
      Pick<E2eKit, 'launchChromium' | 'openDesk'>,
      Pick<E2eKit, 'signIn' | 'handheldScan' | 'nextVerdict'>,
    ];
    return { launchChromium: browser.launchChromium, openDesk: browser.openDesk, signIn: desk.signIn, handheldScan: desk.handheldScan, nextVerdict: desk.nextVerdict };
  })();
  return loaded;
}

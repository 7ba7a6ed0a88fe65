/**
 * The page keeps itself in place. The Electron shell refuses navigation and
 * new windows in the main process; these guards do the same from inside the
 * page, so the browser host (and a compromised script) gets the same rules:
 * no navigation away, no new windows, nothing dropped onto the window.
 */

/** The parts of the Navigation API (Chromium) used here. */
interface NavigateEventLike extends Event {
  readonly navigationType: 'push' | 'replace' | 'reload' | 'traverse';
  readonly destination: { readonly url: string };
  readonly cancelable: boolean;
  /** The file name when the navigation is a download (an <a download>), else null. */
  readonly downloadRequest?: string | null;
}
interface NavigationLike {
  addEventListener(type: 'navigate', listener: (event: NavigateEventLike) => void): void;
}

/** Only the app's own page may load: the same document (hash changes) or a reload of it. */
export function isAllowedNavigation(current: URL, destination: URL, type: NavigateEventLike['navigationType']): boolean {
  if (destination.origin !== current.origin || destination.pathname !== current.pathname) return false;
  return type === 'reload' || destination.search === current.search;
}

/**
 * A download of a file the page made itself (a Blob URL of this origin, e.g.
 * the VRS export): nothing is navigated away from, and nothing comes from
 * outside.
 */
export function isOwnDownload(current: URL, destination: URL, downloadRequest: string | null | undefined): boolean {
  return typeof downloadRequest === 'string' && destination.protocol === 'blob:' && destination.origin === current.origin;
}

export function installGuards(): void {
  const navigation = (window as unknown as { navigation?: NavigationLike }).navigation;
  navigation?.addEventListener('navigate', (event) => {
    if (!event.cancelable) return;
    if (isOwnDownload(new URL(location.href), new URL(event.destination.url), event.downloadRequest)) return;
    if (!isAllowedNavigation(new URL(location.href), new URL(event.destination.url), event.navigationType)) event.preventDefault();
  });
  // No new windows, whatever asks for one.
  Object.defineProperty(window, 'open', { value: () => null, writable: false, configurable: false });
  // A file or link dropped on the window must not replace the app.
  for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (event) => event.preventDefault());
}

/**
 * Keyboard shortcuts for desktops. A shortcut never fires while someone is
 * typing in a field (except function keys), and Enter never fires right
 * after other keys: a scanner that was not recognised as one (too slow) must
 * not check in the person whose card is still up.
 */
import { useEffect, useRef } from 'react';

let lastCharacterAt = -Infinity;
let tracking = false;

function track(): void {
  if (tracking) return;
  tracking = true;
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key.length === 1) lastCharacterAt = event.timeStamp;
    },
    { capture: true },
  );
}

/** An Enter this soon after typed characters belongs to them, not to a decision. */
export const ENTER_QUIET_MS = 500;

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}

export type ShortcutMap = Readonly<Record<string, (event: KeyboardEvent) => void>>;

/**
 * Binds keys (KeyboardEvent.key, e.g. 'Enter', 'F2', 'Escape', 'Alt+l') while
 * mounted. Enter and letters are ignored in fields and on buttons (where Enter
 * already means "press this"); F-keys and Escape work everywhere. An Enter
 * dropped because characters came just before (a scan's burst) is told to
 * `onIgnored`, so the screen can say so.
 */
export function useShortcuts(map: ShortcutMap, enabled = true, onIgnored?: (key: string) => void): void {
  const latest = useRef(map);
  latest.current = map;
  const ignored = useRef(onIgnored);
  ignored.current = onIgnored;
  useEffect(() => {
    if (!enabled) return;
    track();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const name = `${event.altKey ? 'Alt+' : ''}${event.ctrlKey ? 'Ctrl+' : ''}${event.key.length === 1 ? event.key.toLowerCase() : event.key}`;
      const handler = latest.current[name];
      if (!handler) return;
      const functionKey = /^F\d+$/.test(event.key) || event.key === 'Escape';
      if (!functionKey) {
        if (isTypingTarget(event.target) || event.target instanceof HTMLButtonElement) return;
        if (event.key === 'Enter' && event.timeStamp - lastCharacterAt < ENTER_QUIET_MS) {
          ignored.current?.(event.key);
          return;
        }
      }
      event.preventDefault();
      handler(event);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}

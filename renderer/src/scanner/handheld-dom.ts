/**
 * Handheld scanners on every scan screen, without stealing focus. One
 * key listener (capture phase) watches all typing. When a burst ends in
 * Enter, the Enter is swallowed (so it neither submits a form nor checks
 * the previous person in), whatever the burst typed into a focused field is
 * taken back out, and the read goes to the screen that asked for scans.
 * Focus stays where it was; ordinary typing is never touched.
 */
import { useEffect, useRef } from 'react';
import { usePrefs } from '../stores/prefs';
import { BurstDetector, DEFAULT_BURST } from './handheld';

type ScanHandler = (text: string) => void;

interface Registration {
  readonly handler: { current: ScanHandler };
}

const registrations: Registration[] = [];
const detector = new BurstDetector(usePrefs.getState().burst ?? DEFAULT_BURST);
// A test scan in Settings measures this desk's scanner: its timing applies from the next key on.
usePrefs.subscribe((prefs, before) => {
  if (prefs.burst !== before.burst) detector.configure(prefs.burst ?? DEFAULT_BURST);
});
let installed = false;
/** While a test scan listens, every key goes to it and nothing is taken for a scan. */
let measuring: ((event: KeyboardEvent) => void) | null = null;

interface FieldSnapshot {
  readonly field: HTMLInputElement | HTMLTextAreaElement;
  readonly value: string;
  readonly selectionStart: number | null;
  readonly selectionEnd: number | null;
}
let snapshot: FieldSnapshot | null = null;

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'tel', 'url', 'email', 'password', 'number', '']);

function editableField(target: EventTarget | null): HTMLInputElement | HTMLTextAreaElement | null {
  if (target instanceof HTMLTextAreaElement && !target.readOnly && !target.disabled) return target;
  if (target instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(target.type) && !target.readOnly && !target.disabled) return target;
  return null;
}

/** Puts a field back as it was before the burst, in a way React notices. */
function restore(saved: FieldSnapshot): void {
  const { field } = saved;
  if (field.value === saved.value) return;
  const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, saved.value);
  field.dispatchEvent(new Event('input', { bubbles: true }));
  try {
    field.setSelectionRange(saved.selectionStart, saved.selectionEnd);
  } catch {
    // Some input types have no selection.
  }
}

function onKeyDown(event: KeyboardEvent): void {
  if (measuring) {
    measuring(event);
    return;
  }
  const active = registrations[registrations.length - 1];
  if (!active || event.isComposing) {
    detector.clear();
    snapshot = null;
    return;
  }
  // GS (FNC1) from a scanner arrives as Ctrl+]: never a browser shortcut here.
  if (event.ctrlKey && event.key === ']') event.preventDefault();
  const step = detector.step({ key: event.key, time: event.timeStamp, ctrlKey: event.ctrlKey, altKey: event.altKey, metaKey: event.metaKey });
  if (step.kind === 'key') {
    if (step.startsBurst) {
      const field = editableField(event.target);
      snapshot = field ? { field, value: field.value, selectionStart: field.selectionStart, selectionEnd: field.selectionEnd } : null;
    }
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
  const saved = snapshot;
  snapshot = null;
  if (saved) restore(saved);
  active.handler.current(step.text);
}

function install(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('keydown', onKeyDown, { capture: true });
}

/** Sends handheld scans to `handler` while mounted and enabled; the newest screen to ask gets them. */
export function useHandheldScanner(handler: ScanHandler, enabled: boolean): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!enabled) return;
    install();
    const registration: Registration = { handler: latest };
    registrations.push(registration);
    return () => {
      const at = registrations.indexOf(registration);
      if (at !== -1) registrations.splice(at, 1);
      detector.clear();
    };
  }, [enabled]);
}

/**
 * A test scan: the next keys until Enter or Tab (the desk's scanner reading
 * any code) are handed to `onKey` instead of the scan screens, and typed
 * nowhere. Returns the function that stops listening.
 */
export function listenForTestScan(onKey: (event: KeyboardEvent) => void): () => void {
  install();
  detector.clear();
  measuring = (event) => {
    event.preventDefault();
    event.stopImmediatePropagation();
    onKey(event);
  };
  return () => {
    measuring = null;
    detector.clear();
  };
}

/**
 * Pushed events from the core (dispatcher events, sync). Screens subscribe
 * by type and refresh what they show: the nurse's queue shows a check-in from
 * another desk within a moment.
 */
import { useEffect, useRef } from 'react';
import type { PushedEvent } from '../global';

type Listener = (event: PushedEvent) => void;
const listeners = new Set<Listener>();
let attached = false;

function attach(): void {
  if (attached) return;
  attached = true;
  const dispatch = (event: PushedEvent) => {
    if (!event || typeof event.type !== 'string') return;
    for (const listener of Array.from(listeners)) listener(event);
  };
  // The preload and the host's shim both put subscribe on window.venue.
  window.venue?.subscribe?.(dispatch);
}

export function subscribe(listener: Listener): () => void {
  attach();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Calls `handler` for pushed events of these types while the component is mounted. */
export function useVenueEvents(types: readonly string[], handler: (event: PushedEvent) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  const key = types.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    return subscribe((event) => {
      if (wanted.has(event.type) || wanted.has('*')) latest.current(event);
    });
  }, [key]);
}

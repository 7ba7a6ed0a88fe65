/**
 * A form's action bar brought into view when the form appears (the product
 * checks to confirm, 「接種しなかった」): it opens where the record button was,
 * often below the window's edge, and its buttons are what the nurse needs
 * next. Once in view, the bar is sticky like the record button.
 */
import { useEffect, useRef, type RefObject } from 'react';

export function useActionsInView<T extends HTMLElement>(): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    // jsdom has no scrollIntoView; a browser always does.
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return ref;
}

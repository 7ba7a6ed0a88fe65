// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyCue } from '../components/KeyCue';
import { CUE_SHOWN_MS, useKeyCue } from '../stores/key-cue';
import { ENTER_QUIET_MS, useShortcuts } from './shortcuts';

afterEach(cleanup);

function Desk({ onEnter }: { onEnter: () => void }) {
  const cue = useKeyCue((s) => s.ignored);
  useShortcuts({ Enter: onEnter }, true, cue);
  return <KeyCue />;
}

/** A key at a given page time (ms), as the browser stamps it. */
function key(name: string, at: number): void {
  const event = new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true });
  Object.defineProperty(event, 'timeStamp', { value: at });
  act(() => {
    document.body.dispatchEvent(event);
  });
}

describe('a key ignored right after a scan', () => {
  it('is said so on screen for a moment, and the same key later does its work', () => {
    vi.useFakeTimers();
    try {
      let entered = 0;
      render(<Desk onEnter={() => (entered += 1)} />);
      key('1', 10_000);
      key('Enter', 10_000 + ENTER_QUIET_MS - 100);
      expect(entered).toBe(0);
      const cue = screen.getByTestId('key-ignored');
      expect(cue.dataset.key).toBe('Enter');
      expect(cue.textContent).toContain('Enter を受け付けませんでした');
      act(() => {
        vi.advanceTimersByTime(CUE_SHOWN_MS + 10);
      });
      expect(screen.queryByTestId('key-ignored')).toBeNull();
      key('Enter', 10_000 + ENTER_QUIET_MS + 100);
      expect(entered).toBe(1);
      expect(screen.queryByTestId('key-ignored')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

/**
 * For component tests (Testing Library in jsdom): a window.venue whose
 * operations the test answers itself, recording every call. The real core
 * is tested through the browser host in Chromium (test/e2e); here only the
 * component's own behaviour is under test.
 */
import type { Reply } from '../../../src/api/reply';
import type { PushedEvent } from '../global';

export interface StubCall {
  readonly operation: string;
  readonly input: unknown;
}

export interface VenueStub {
  readonly calls: StubCall[];
  /** Answers for an operation: a value, or a function of the input; pending until release() when held. */
  answer(operation: string, reply: Reply<unknown> | ((input: unknown) => Reply<unknown>)): void;
  /** Holds replies back until release(), as a busy core would. */
  hold(): void;
  release(): void;
  /** Pushes an event to the page, as the core does when something changed. */
  emit(event: PushedEvent): void;
}

export function installVenueStub(): VenueStub {
  const calls: StubCall[] = [];
  const listeners = new Set<(event: PushedEvent) => void>();
  const answers = new Map<string, Reply<unknown> | ((input: unknown) => Reply<unknown>)>();
  let held: (() => void)[] | null = null;
  const venue = new Proxy(
    {},
    {
      get(_target, operation: string) {
        if (operation === 'subscribe')
          return (listener: (event: PushedEvent) => void) => {
            listeners.add(listener);
            return () => listeners.delete(listener);
          };
        return (input: unknown) => {
          calls.push({ operation, input });
          const answer = answers.get(operation);
          const reply = typeof answer === 'function' ? answer(input) : (answer ?? { ok: false, error: { code: 'UNKNOWN_OPERATION', message: { ja: '-', en: '-' } } });
          if (!held) return Promise.resolve(reply);
          return new Promise((resolve) => held?.push(() => resolve(reply)));
        };
      },
    },
  );
  Object.defineProperty(window, 'venue', { value: venue, configurable: true, writable: true });
  return {
    calls,
    answer: (operation, reply) => answers.set(operation, reply),
    hold: () => {
      held = [];
    },
    release: () => {
      const pending = held ?? [];
      held = null;
      for (const resolve of pending) resolve();
    },
    emit: (event) => {
      for (const listener of listeners) listener(event);
    },
  };
}

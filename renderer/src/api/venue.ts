/**
 * The page's one way to the core: window.venue. Every call goes through
 * `call`, which also notices what a refusal says about the session (locked,
 * signed out, host gone) and tells the session store, so no screen has to.
 */
import type { InputOf, OperationName } from '../../../src/api/contract';
import type { VenueApi } from '../../../src/api/names';
import type { Reply, ReplyError } from '../../../src/api/reply';

/** What an operation answers on success, as the page sees it. */
export type Value<N extends OperationName> = Awaited<ReturnType<VenueApi[N]>> extends Reply<infer T> ? T : never;

type SessionSignal = 'locked' | 'signed-out' | 'transport-closed';
let sessionListener: ((signal: SessionSignal) => void) | null = null;

/** The session store listens here (set once at start; a module-level hook avoids an import cycle). */
export function onSessionSignal(listener: (signal: SessionSignal) => void): void {
  sessionListener = listener;
}

export const UNAVAILABLE = 'UNAVAILABLE';

export function unavailable(name: string): ReplyError {
  return {
    code: UNAVAILABLE,
    message: { ja: `この機能（${name}）はまだ使えません。`, en: `This feature (${name}) is not available yet.` },
  };
}

/** True when this build of the core offers the operation (newer screens degrade gracefully). */
export function hasOperation(name: string): boolean {
  return typeof (window.venue as unknown as Record<string, unknown> | undefined)?.[name] === 'function';
}

export async function call<N extends OperationName>(name: N, input: InputOf<N>): Promise<Reply<Value<N>>> {
  const fn = (window.venue as unknown as Record<string, ((input: unknown) => Promise<Reply<unknown>>) | undefined> | undefined)?.[name];
  if (typeof fn !== 'function') return { ok: false, error: unavailable(name) };
  let reply: Reply<unknown>;
  try {
    reply = await fn(input);
  } catch {
    reply = { ok: false, error: { code: 'TRANSPORT_CLOSED', message: { ja: '接続が切れました。', en: 'The connection was lost.' } } };
  }
  if (!reply.ok) {
    const code = reply.error.code;
    if (code === 'SESSION_LOCKED') sessionListener?.('locked');
    else if ((code === 'NOT_SIGNED_IN' || code === 'SESSION_ENDED') && name !== 'signIn') sessionListener?.('signed-out');
    else if (code === 'TRANSPORT_CLOSED') sessionListener?.('transport-closed');
  }
  return reply as Reply<Value<N>>;
}

/** Like call, for untyped operations that may not exist in this build (sync, newer features). */
export async function callOptional(name: string, input: unknown): Promise<Reply<unknown>> {
  if (!hasOperation(name)) return { ok: false, error: unavailable(name) };
  return call(name as OperationName, input as never) as Promise<Reply<unknown>>;
}

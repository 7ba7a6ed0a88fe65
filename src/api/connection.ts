import type { Reply } from './reply';

/** What a connection calls: the dispatcher, or the runtime around it. */
export interface CallTarget {
  call(operation: string, input: unknown, token: string | null): Reply<unknown>;
}

/**
 * One window's (or one browser tab's) line to the dispatcher. It keeps the
 * session token on the trusted side of the transport: sign-in answers are
 * stripped of the token before they reach the page, so script in the page
 * never holds a credential it could leak.
 */
export class Connection {
  private token: string | null = null;

  constructor(private readonly target: CallTarget) {}

  call(operation: string, input: unknown): Reply<unknown> {
    const reply = this.target.call(operation, input, this.token);
    if (operation === 'signIn' && reply.ok) {
      const { token, ...rest } = reply.value as { token: string };
      this.token = token;
      return { ok: true, value: rest };
    }
    if (operation === 'signOut' && reply.ok) this.token = null;
    if (!reply.ok && (reply.error.code === 'SESSION_ENDED' || reply.error.code === 'NOT_SIGNED_IN')) this.token = null;
    return reply;
  }

  get signedIn(): boolean {
    return this.token !== null;
  }
}

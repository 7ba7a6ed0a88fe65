/**
 * Desks working straight through the core (setting the scene, not under
 * test): one signed-in connection per role, a reply that must have
 * succeeded, and the id of a demo lot. One copy for every e2e file.
 */
import type { AppConnection } from '../../../src/app/venue-app';
import { DEMO_STAFF } from '../../fixtures/demo';
import type { TestHost } from './host';

import { nextSupervisorCode, type DemoRole } from './desk';

/**
 * A connection to the host's core, signed in as the demo staff member of
 * `role`; the supervisor gives the code of the demo's authenticator app at
 * `coreNowMs` (the host's clock, where a test sets it off).
 */
export function coreDesk(host: Pick<TestHost, 'connect' | 'url'>, role: DemoRole, coreNowMs: number = Date.now()): AppConnection {
  const connection = host.connect();
  const code = role === 'supervisor' ? { code: nextSupervisorCode(new URL(host.url).host, coreNowMs) } : {};
  const reply = connection.call('signIn', { login: DEMO_STAFF[role].login, password: DEMO_STAFF[role].password, ...code });
  if (!reply.ok) throw new Error(`signing in as ${role}: ${reply.error.message.en}`);
  return connection;
}

/** The value of a reply that has to succeed for the scene to be set; its English message otherwise. */
export function must<T>(reply: { ok: true; value: unknown } | { ok: false; error: { message: { en: string } } }): T {
  if (!reply.ok) throw new Error(reply.error.message.en);
  return reply.value as T;
}

/** The id of a lot of the demo venue, by its number. */
export function lotIdOf(host: Pick<TestHost, 'db'>, lotNumber: string): string {
  const row = host.db.prepare(`SELECT id FROM lots WHERE lot_number = ?`).get(lotNumber) as { id: string } | undefined;
  if (!row) throw new Error(`no lot ${lotNumber} in the demo venue`);
  return row.id;
}

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { operations } from '../../src/api/contract';
import { OPERATION_NAMES } from '../../src/api/names';
import { refusesIndividualNumber } from '../../src/privacy/schema';
import type { Reply } from '../../src/api/reply';
import { totpCodeAt } from '../../src/staff/second-factor';
import { DEMO_TOTP_SECRET } from '../fixtures/demo';
import { startTestHost, type TestHost } from '../e2e/support/host';
import { SOCKET_PATH } from '../../host/shim';

/**
 * The contract fuzzed through the browser host's transport: the WebSocket a
 * page uses, signed in as a supervisor. Random and malformed payloads to
 * every operation, plus frames that are not calls at all. The host must
 * keep answering, refuse every malformed call with VALIDATION, write
 * nothing for them, and never fail internally.
 */
let host: TestHost;
let socket: WebSocket;
let nextId = 1;
const waiting = new Map<number, (reply: Reply<unknown>) => void>();

function call(op: string, input: unknown): Promise<Reply<unknown>> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    socket.send(JSON.stringify({ id, op, input }));
  });
}

beforeAll(async () => {
  host = await startTestHost();
  socket = new WebSocket(`ws://127.0.0.1:${host.port}${SOCKET_PATH}?token=${host.token}`, { headers: { Origin: host.origin } });
  socket.on('message', (data) => {
    const { id, reply } = JSON.parse(data.toString()) as { id: number; reply: Reply<unknown> };
    waiting.get(id)?.(reply);
    waiting.delete(id);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  // The demo supervisor's second step: a code of their authenticator app (the demo's published secret) at the host's clock.
  const signedIn = await call('signIn', { login: 'kanri', password: 'kanri-pass-1', code: totpCodeAt(DEMO_TOTP_SECRET, Date.now()) });
  expect(signedIn.ok).toBe(true);
});

afterAll(async () => {
  socket?.close();
  await host?.dispose();
});

const payloads = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'code', 'municipality', 'number', 'lotId', 'recordId', 'password', 'backupId'), fc.jsonValue()),
  fc.record({ code: fc.string({ unit: 'binary', maxLength: 3000 }) }),
);

describe('contract fuzzing through the browser host', () => {
  it('refuses every malformed payload to every operation with VALIDATION and writes nothing', { timeout: 300_000 }, async () => {
    const changes = () => (host.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    let malformed = 0;
    for (const name of OPERATION_NAMES) {
      const schema = operations[name].input;
      const samples = fc.sample(payloads, { numRuns: 40, seed: name.length * 7919 });
      for (const payload of samples) {
        const parsed = schema.safeParse(JSON.parse(JSON.stringify(payload ?? null)));
        if (parsed.success) continue;
        malformed += 1;
        const before = changes();
        const reply = await call(name, payload);
        // An individual number is refused as such (src/privacy); anything else malformed is VALIDATION.
        expect(reply, `${name}`).toMatchObject({ ok: false, error: { code: refusesIndividualNumber(parsed.error) ? 'INDIVIDUAL_NUMBER' : 'VALIDATION' } });
        expect(changes(), `${name} wrote on a malformed payload`).toBe(before);
      }
    }
    console.log(`host fuzz: ${malformed} malformed payloads over ${OPERATION_NAMES.length} operations through the WebSocket, all refused`);
    expect(malformed).toBeGreaterThan(OPERATION_NAMES.length * 20);
    expect(host.logs.some((line) => line.includes('internal error'))).toBe(false);
  });

  it('ignores frames that are not calls and keeps serving', async () => {
    for (const frame of ['not json', '[]', 'null', '{"id":"x","op":"whoAmI"}', '{"op":"whoAmI"}', '{"id":1}', JSON.stringify({ id: 5, op: 42 }), '\u0000\u0001']) socket.send(frame);
    socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    expect(await call('whoAmI', {})).toMatchObject({ ok: true, value: { staff: { login: 'kanri' } } });
  });

  it('answers an unknown operation name without writing', async () => {
    const before = (host.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    for (const name of ['__proto__', 'constructor', 'eval', 'require', 'drop table staff']) {
      expect(await call(name, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
    }
    expect((host.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n).toBe(before);
  });
});

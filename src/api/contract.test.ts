import { describe, expect, it } from 'vitest';
import { contractSamples } from '../../test/support/contract-samples';
import { databaseSnapshot } from '../../test/support/snapshot';
import { useTestVenue, type TestVenue } from '../../test/support/venue';
import { Connection } from './connection';
import { operations } from './contract';
import { OPERATION_NAMES } from './names';

const newVenue = useTestVenue();

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Every refusal a handler gives carries its words for staff in both languages, nothing else in their place. */
function expectStaffWords(reply: { ok: boolean; error?: unknown }, what: string): void {
  if (reply.ok) return;
  expect(reply.error, what).toMatchObject({ code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/), message: { ja: expect.stringMatching(JAPANESE), en: expect.stringMatching(/^[^\u3040-\u30ff]+$/) } });
  expect(Object.keys((reply.error as { message: object }).message).sort(), what).toEqual(['en', 'ja']);
}

function samples(venue: TestVenue): ReturnType<typeof contractSamples> {
  const lot = venue.db.prepare(`SELECT id FROM lots ORDER BY lot_number LIMIT 1`).get() as { id: string };
  return contractSamples(lot.id, venue.today);
}

describe('the contract', () => {
  it('lists exactly the operations the preload exposes', () => {
    expect([...OPERATION_NAMES].sort()).toEqual(Object.keys(operations).sort());
  });

  it('every operation declares its roles or that it is public', () => {
    for (const [name, op] of Object.entries(operations)) {
      const declared = 'public' in op.access ? op.access.public : op.access.roles.length > 0;
      expect(declared, name).toBe(true);
    }
  });

  it('refuses an unknown operation, including prototype names', () => {
    const venue = newVenue();
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const reply = venue.dispatcher.call(name, {}, null);
      expectStaffWords(reply, name);
      expect(reply, name).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
    }
  });
});

describe('every operation × every role', () => {
  const roles = ['reception', 'nurse', 'supervisor'] as const;
  for (const name of OPERATION_NAMES) {
    const op = operations[name];
    it(`${name}: ${'public' in op.access ? 'public' : op.access.roles.join(', ')}`, () => {
      for (const role of roles) {
        const venue = newVenue();
        const desk = venue.signIn(role, role === 'nurse' ? 'N1' : 'R1');
        const reply = desk.call(name, samples(venue)[name] as never);
        expectStaffWords(reply, `${name} as ${role}`);
        const allowed = 'public' in op.access || op.access.roles.includes(role);
        if (allowed) expect(reply.ok || reply.error.code !== 'FORBIDDEN', `${name} as ${role}`).toBe(true);
        else expect(reply, `${name} as ${role}`).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
      // Without a session only public operations run.
      const venue = newVenue();
      const reply = venue.anonymous().call(name, samples(venue)[name] as never);
      expectStaffWords(reply, `${name} without a session`);
      if ('public' in op.access) expect(reply.ok || reply.error.code !== 'NOT_SIGNED_IN').toBe(true);
      else expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    });
  }
});

/** The sample plus an own "__proto__" key, as JSON.parse makes it. */
function withOwnProto(sample: Record<string, unknown>): unknown {
  const rest = JSON.stringify(sample).slice(1);
  return JSON.parse(`{"__proto__":{"polluted":1}${rest === '}' ? '' : ','}${rest}`);
}

/** Ways to break an input: wrong shapes, wrong field types, unknown fields, oversized strings. */
function malformed(sample: Record<string, unknown>): unknown[] {
  const variants: unknown[] = [undefined, null, 42, 'text', [], [sample], { ...sample, unexpected: 1 }, withOwnProto(sample)];
  for (const [key, value] of Object.entries(sample)) {
    const wrong = typeof value === 'string' ? 12345 : typeof value === 'number' ? 'x'.repeat(10) : typeof value === 'boolean' ? 'yes' : 'not-an-object';
    variants.push({ ...sample, [key]: wrong });
    variants.push({ ...sample, [key]: { nested: value } });
    // '%' is outside base64 too, so CSV payload fields are caught by their schema as well.
    if (typeof value === 'string') variants.push({ ...sample, [key]: '%'.repeat(1_000_000) });
    // A NUL character in any text (free text too: a reason, a doctor's name) is refused, never stored.
    if (typeof value === 'string') variants.push({ ...sample, [key]: `${value.slice(0, 1)}\u0000${value.slice(1)}` });
  }
  return variants;
}

describe('malformed input to every operation', () => {
  for (const name of OPERATION_NAMES) {
    it(`${name} refuses it with a validation error and changes nothing`, () => {
      const venue = newVenue();
      const supervisor = venue.signIn('supervisor');
      const sample = samples(venue)[name] as Record<string, unknown>;
      const before = databaseSnapshot(venue.db);
      for (const input of malformed(sample)) {
        const reply = supervisor.connection.call(name, input);
        // Empty-input operations accept {} only; an extra key or a non-object is still invalid.
        expect(reply.ok, `${name} accepted ${JSON.stringify(input)?.slice(0, 80)}`).toBe(false);
        expectStaffWords(reply, name);
        if (!reply.ok) {
          expect(reply.error.code).toBe('VALIDATION');
          expect(reply.error.issues?.length).toBeGreaterThan(0);
        }
      }
      expect(databaseSnapshot(venue.db)).toBe(before);
    });
  }
});

describe('validation errors', () => {
  it('never echo the submitted value', () => {
    const venue = newVenue();
    const supervisor = venue.signIn('supervisor');
    const reply = supervisor.connection.call('createStaff', { login: 'ok.login', displayName: '名前', role: 'boss', password: '123456789018' });
    expect(reply.ok).toBe(false);
    expect(JSON.stringify(reply)).not.toContain('123456789018');
    expect(JSON.stringify(reply)).not.toContain('boss');
  });
});

describe('the connection', () => {
  it('keeps the session token out of what the page receives', () => {
    const venue = newVenue();
    const connection = new Connection(venue.dispatcher);
    const reply = connection.call('signIn', { login: 'uketsuke', password: 'uketsuke-pass-1' });
    expect(reply.ok).toBe(true);
    expect(JSON.stringify(reply)).not.toMatch(/token/);
    expect(connection.call('whoAmI', {})).toMatchObject({ ok: true, value: { staff: { login: 'uketsuke' } } });
  });
});

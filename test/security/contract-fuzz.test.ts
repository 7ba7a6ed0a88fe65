import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { operations } from '../../src/api/contract';
import { OPERATION_NAMES } from '../../src/api/names';
import { refusesIndividualNumber } from '../../src/privacy/schema';
import { databaseSnapshot } from '../support/snapshot';
import { useTestVenue } from '../support/venue';
import { seedFrom } from '../support/random';

/** fast-check's seed for every property in this file: printed, and replayed with VENUE_FC_SEED=<seed>. */
fc.configureGlobal({ seed: seedFrom('VENUE_FC_SEED', 20261205) });

/**
 * Fuzzing the contract: random and malformed payloads to every operation
 * through the real dispatcher, signed in as a supervisor (who may call
 * almost everything). No call may throw, every payload the schema rejects
 * must come back as a VALIDATION refusal (INDIVIDUAL_NUMBER when what the
 * schema refused includes an individual number), and the database must be
 * exactly as it was.
 */
const newVenue = useTestVenue();


/** Payloads: any JSON, objects with hostile keys, huge and odd strings, deep nesting. */
const hostile = fc.oneof(
  fc.jsonValue(),
  fc.anything({ withBigInt: false, withMap: true, withSet: true, withDate: true, withTypedArray: true, withNullPrototype: true }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'login', 'code', 'municipality', 'number', 'lotId', 'recordId', 'password'), fc.jsonValue()),
  fc.record({ code: fc.string({ unit: 'binary', maxLength: 2000 }) }),
  fc.letrec((tie) => ({ node: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 3 })) })).node,
);

const RUNS_PER_OPERATION = 120;

describe('contract fuzzing through the dispatcher', () => {
  it(`${OPERATION_NAMES.length} operations × ${RUNS_PER_OPERATION} payloads: no throw, VALIDATION and no write for every malformed one, never an internal error`, { timeout: 300_000 }, () => {
    const venue = newVenue();
    const supervisor = venue.signIn('supervisor');
    let malformed = 0;
    const changes = () => (venue.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    for (const name of OPERATION_NAMES) {
      const schema = operations[name].input;
      fc.assert(
        fc.property(hostile, (payload) => {
          const parsed = schema.safeParse(payload);
          const valid = parsed.success;
          const written = changes();
          let reply: ReturnType<typeof supervisor.connection.call> | undefined;
          expect(() => (reply = supervisor.connection.call(name, payload))).not.toThrow();
          // Whatever the payload, never an unexpected error: a schema too loose for its handler shows up here.
          expect(reply?.ok === false && reply.error.code === 'INTERNAL', `${name} failed internally`).toBe(false);
          if (valid) return;
          malformed += 1;
          expect(reply).toMatchObject({ ok: false, error: { code: refusesIndividualNumber(parsed.error) ? 'INDIVIDUAL_NUMBER' : 'VALIDATION' } });
          expect(changes(), `${name} wrote on a malformed payload`).toBe(written);
        }),
        { numRuns: RUNS_PER_OPERATION },
      );
    }
    console.log(`contract fuzz: ${malformed} malformed payloads over ${OPERATION_NAMES.length} operations, all refused with VALIDATION`);
    expect(malformed).toBeGreaterThan(OPERATION_NAMES.length * RUNS_PER_OPERATION * 0.8);
  });

  it('refuses what no operation may accept, whatever its schema says: non-objects and unknown keys', () => {
    // An oracle independent of the schemas: every input is a strict object, so a
    // schema loosened by mistake (z.any(), a plain object) is caught here.
    const venue = newVenue();
    const supervisor = venue.signIn('supervisor');
    const neverValid = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.string(),
      fc.boolean(),
      fc.array(fc.jsonValue(), { maxLength: 3 }),
      fc.jsonValue().map((value) => ({ __fuzz_unknown_key__: value })),
    );
    for (const name of OPERATION_NAMES) {
      for (const payload of fc.sample(neverValid, { numRuns: 30, seed: 42 })) {
        expect(supervisor.connection.call(name, payload), `${name} accepted ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      }
    }
  });

  it('unknown operation names are refused without a write', () => {
    const venue = newVenue();
    const supervisor = venue.signIn('supervisor');
    const before = databaseSnapshot(venue.db);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.jsonValue(), (name, payload) => {
        if (Object.hasOwn(operations, name)) return;
        expect(supervisor.connection.call(name, payload)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
      }),
      { numRuns: 500 },
    );
    expect(databaseSnapshot(venue.db)).toBe(before);
  });
});

import { describe, expect, it } from 'vitest';
import { contractSamples } from '../../test/support/contract-samples';
import { issuesAt, pathText, textFields, withValueAt } from '../../test/support/schema-walk';
import { useTestVenue } from '../../test/support/venue';
import { operations } from './contract';
import { OPERATION_NAMES } from './names';

/**
 * Every text field of every operation's input refuses an individual number:
 * the fields are found by walking the input schemas (a field added tomorrow
 * is walked too), and each must refuse every short disguise below at its own
 * path — by the guard of src/privacy/schema.ts, or by a format no disguise
 * fits (a date, a record id, a municipality code). The few fields that are
 * not guarded are listed with the reason, and proven to be refused another
 * way where that applies.
 */

// 123456789018 carries a valid check digit. Short enough for any text field (the shortest limit is 20).
const DISGUISES = [
  '123456789018',
  '1234.5678.9018',
  '1234/5678/9018',
  '1234_5678_9018',
  '1234-5678-9018',
  '1234\u200B5678\u200B9018',
  'L123456789018',
  '山田 123456789018',
  '１２３４５６７８９０１８',
  '1234:5678:9018',
];

/** Fields that are not guarded, and why. */
const NOT_GUARDED: Readonly<Record<string, string>> = {
  'signIn.password': 'a secret: compared with its argon2 hash, never stored or shown; refusing it could lock staff out',
  'unlockSession.password': 'a secret (as signIn.password)',
  'createStaff.password': 'a secret: only its argon2 hash is stored',
  'setupDevice.supervisor.password': 'a secret: only its argon2 hash is stored',
  'restoreBackup.password': 'a secret (as signIn.password)',
  'recoverFromBackup.password': 'a secret (as signIn.password)',
  'leaveTraining.password': 'a secret (as signIn.password), checked by the real database\'s sign-in',
  'requestEnrollment.code': 'a one-time code the central service made; only its hash is ever kept',
  'importRoster.csvBase64': 'a whole file: decoded, and every field checked by the CSV importer (test/privacy/entry-points.test.ts)',
  'importProducts.csvBase64': 'a whole file (as importRoster)',
  'scanTicket.code': 'whatever a scanner sent: read by parseTicketCode, which refuses an individual number itself (below)',
  'scanLot.code': 'whatever a scanner sent: read by parseGs1, which refuses an individual number itself (below)',
};

const newVenue = useTestVenue();
const samples = contractSamples('lot-1', '2026-11-23');

describe('the contract’s input schemas', () => {
  it('every sample is valid, so a refusal below is the field’s own', () => {
    for (const name of OPERATION_NAMES) {
      const parsed = operations[name].input.safeParse(samples[name]);
      expect(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('every text field of every operation refuses an individual number, however written', () => {
    const walked: string[] = [];
    for (const name of OPERATION_NAMES) {
      const schema = operations[name].input;
      for (const path of textFields(schema)) {
        const field = `${name}.${pathText(path)}`;
        walked.push(field);
        if (field in NOT_GUARDED) continue;
        for (const value of DISGUISES) {
          const parsed = schema.safeParse(withValueAt(samples[name], path, value));
          expect(parsed.success, `${field} accepted ${JSON.stringify(value)}`).toBe(false);
          if (!parsed.success) expect(issuesAt(parsed.error, path, value).length, `${field} refused ${JSON.stringify(value)} but not at its own path`).toBeGreaterThan(0);
        }
      }
    }
    console.log(`contract guard: ${walked.length} text fields walked, ${Object.keys(NOT_GUARDED).length} not guarded (listed with reasons)`);
    // The list of exceptions names only fields that exist.
    for (const field of Object.keys(NOT_GUARDED)) expect(walked, field).toContain(field);
  });

  it('the scanned codes that are not guarded by their schema are refused by their parser, without an echo', () => {
    const venue = newVenue();
    const nurse = venue.signIn('nurse', 'N1');
    for (const value of DISGUISES) {
      for (const name of ['scanTicket', 'scanLot'] as const) {
        const reply = nurse.connection.call(name, { code: value });
        expect(reply, `${name} ${JSON.stringify(value)}`).toMatchObject({ ok: true, value: { read: 'error', code: 'INDIVIDUAL_NUMBER' } });
        expect(JSON.stringify(reply)).not.toMatch(/9018|１８/);
      }
    }
  });
});

// A refusal looks the same whoever gives it: the central service's answer body and the venue
// device's reply carry one `error` shape, { code, message: { ja, en }, ...details }, so one parser
// on the device and one helper in the renderer read both. Real parts on both sides: the central
// service on loopback (PGlite) and a venue dispatcher on an encrypted database in a temp folder.
import { describe, expect, it } from 'vitest';
import { useServedCentral } from '../sync/support/central';
import { useTestVenue } from '../support/venue';

const central = useServedCentral();
const newVenue = useTestVenue();

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** The shape of a value: the same keys, each with the type of its value, arrays by their first item. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length > 0 ? shapeOf(value[0]) : null];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, item]) => [key, shapeOf(item)]));
  }
  return typeof value;
}

async function centralRefusal(body: unknown): Promise<unknown> {
  const response = await fetch(`${central.served.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  const answer = (await response.json()) as { error?: unknown };
  expect(Object.keys(answer)).toEqual(['error']);
  return answer.error;
}

const inBothLanguages = (code: string) => ({ code, message: { ja: expect.stringMatching(JAPANESE), en: expect.stringMatching(/^[^\u3040-\u30ff]+$/) } });

describe('one wire shape for refusals', () => {
  it('a refusal of the central service and one of the device are the same shape, with words in both languages', async () => {
    const fromCentral = await centralRefusal({ code: 'ABCDE-FGHJK', credentialHash: 'a'.repeat(64) });
    expect(fromCentral).toEqual(inBothLanguages('ENROLLMENT_CODE_UNKNOWN'));

    const reply = newVenue().anonymous().call('whoAmI', {});
    expect(reply.ok).toBe(false);
    const fromDevice: unknown = reply.ok ? null : reply.error;
    expect(fromDevice).toEqual(inBothLanguages('NOT_SIGNED_IN'));

    expect(shapeOf(fromDevice)).toEqual(shapeOf(fromCentral));
  });

  it('so are their validation refusals, whose details name the fields and never the values', async () => {
    const fromCentral = await centralRefusal({ code: 12345678901, credentialHash: true });
    expect(fromCentral).toMatchObject({ ...inBothLanguages('INVALID_REQUEST'), issues: expect.arrayContaining([expect.objectContaining({ path: 'code' })]) });

    const reply = newVenue().anonymous().connection.call('signIn', { login: 12345678901, password: true });
    const fromDevice: unknown = reply.ok ? null : reply.error;
    expect(fromDevice).toMatchObject({ ...inBothLanguages('VALIDATION'), issues: expect.arrayContaining([expect.objectContaining({ path: 'login' })]) });

    expect(shapeOf(fromDevice)).toEqual(shapeOf(fromCentral));
    expect(JSON.stringify([fromCentral, fromDevice])).not.toContain('12345678901');
  });
});

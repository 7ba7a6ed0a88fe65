import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, LIMITS, type ApiError } from '../src/sync/protocol';
import { DEMO_TICKETS as T } from '../test/fixtures/demo';
import { centralSnapshot, checkinRecord, doseRecord, enrollDirect, seedMunicipality, useServedCentral, type SeededMunicipality } from '../test/sync/support/central';
import { issueEnrollmentCode, revokeDevice } from './enrollment';

/**
 * Bad input at the server, over real HTTP: each refusal is a 4xx with
 * { error: { code, message: { ja, en } } } and leaves the database exactly
 * as it was.
 */
const central = useServedCentral();
let m: SeededMunicipality;
let other: SeededMunicipality;
let device: { deviceId: string; authorization: string };
let revoked: { deviceId: string; authorization: string };

beforeAll(async () => {
  m = await seedMunicipality(central.db, { today: '2026-11-23' });
  other = await seedMunicipality(central.db, { today: '2026-11-23' });
  device = await enrollDirect(central.db, m.venue, 'R1');
  revoked = await enrollDirect(central.db, m.venue, 'R2');
  await revokeDevice(central.db, revoked.deviceId, new Date());
});

interface Call {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
}

async function send(call: Call): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${central.served.url}${call.path}`, {
    method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
    headers: { ...(call.body === undefined ? {} : { 'content-type': 'application/json' }), ...call.headers },
    body: call.body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** The call is refused with this status and code, in the error shape, in both languages, and nothing is written. */
async function refused(call: Call, status: number, code: string): Promise<ApiError> {
  const before = await centralSnapshot(central.db);
  const answer = await send(call);
  expect(answer.status, `${call.path} → ${JSON.stringify(answer.body)}`).toBe(status);
  const parsed = apiErrorSchema.parse(answer.body);
  expect(parsed.error.code).toBe(code);
  expect(parsed.error.message.en.length).toBeGreaterThan(10);
  expect(parsed.error.message.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  expect(await centralSnapshot(central.db)).toBe(before);
  return parsed;
}

const withDevice = (headers: Record<string, string> = {}) => ({ authorization: device.authorization, ...headers });
const upload = (records: unknown[]) => JSON.stringify({ records });

describe('the public endpoints', () => {
  it('answers /healthz and serves an OpenAPI document of every endpoint', async () => {
    expect(await send({ path: '/healthz' })).toMatchObject({ status: 200, body: { ok: true, protocol: 1 } });
    const doc = await send({ path: '/openapi.json' });
    expect(doc.status).toBe(200);
    const body = doc.body as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths).sort()).toEqual(['/healthz', '/openapi.json', '/v1/enroll', '/v1/feed', '/v1/reconcile', '/v1/records']);
    expect(Object.keys(body.components.schemas)).toEqual(expect.arrayContaining(['UploadRequest', 'FeedResponse', 'FeedPerson', 'Error']));
  });

  it('answers unknown paths with a JSON 404', async () => {
    await refused({ path: '/v1/nothing' }, 404, 'NOT_FOUND');
  });
});

describe('enrollment refusals', () => {
  const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

  it('malformed JSON, wrong types, unknown fields and oversized bodies', async () => {
    await refused({ path: '/v1/enroll', body: '{"code": "ABCDE-' }, 400, 'MALFORMED_JSON');
    const typed = await refused({ path: '/v1/enroll', body: JSON.stringify({ code: 12345678901, credentialHash: true }) }, 400, 'INVALID_REQUEST');
    expect(JSON.stringify(typed)).not.toContain('12345678901');
    await refused({ path: '/v1/enroll', body: JSON.stringify({ code: 'ABCDE-FGHJK', credentialHash: hash('x'), admin: true }) }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/enroll', body: `{"code":"${'A'.repeat(LIMITS.enrollBodyBytes)}"}` }, 413, 'BODY_TOO_LARGE');
    await refused({ path: '/v1/enroll', body: '' }, 400, 'EMPTY_BODY');
    await refused({ path: '/v1/enroll', body: 'code=x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await refused({ path: '/v1/enroll', body: '{"__proto__": {"admin": true}, "code": "ABCDE-FGHJK", "credentialHash": "x"}' }, 400, 'MALFORMED_JSON');
  });

  it('an unknown code, a replayed code and an expired code', async () => {
    await refused({ path: '/v1/enroll', body: JSON.stringify({ code: 'AAAAA-BBBBB-CCCCC-DDDDD', credentialHash: hash('a') }) }, 401, 'ENROLLMENT_CODE_UNKNOWN');
    const { code } = await issueEnrollmentCode(central.db, { venueId: m.venue, deskId: 'R1' }, new Date());
    const first = await send({ path: '/v1/enroll', body: JSON.stringify({ code, credentialHash: hash('first') }) });
    expect(first.status).toBe(200);
    // The same device retrying after a lost answer gets the same enrollment…
    const again = await send({ path: '/v1/enroll', body: JSON.stringify({ code, credentialHash: hash('first') }) });
    expect(again).toMatchObject({ status: 200, body: { deviceId: (first.body as { deviceId: string }).deviceId } });
    // …anyone else replaying the code is refused.
    await refused({ path: '/v1/enroll', body: JSON.stringify({ code, credentialHash: hash('thief') }) }, 409, 'ENROLLMENT_CODE_USED');
    await refused({ path: '/v1/enroll', body: JSON.stringify({ code: code.toLowerCase().replace(/-/g, ''), credentialHash: hash('thief') }) }, 409, 'ENROLLMENT_CODE_USED');
    const old = await issueEnrollmentCode(central.db, { venueId: m.venue, deskId: 'R1', hours: 1 }, new Date(Date.now() - 2 * 3_600_000));
    await refused({ path: '/v1/enroll', body: JSON.stringify({ code: old.code, credentialHash: hash('late') }) }, 410, 'ENROLLMENT_CODE_EXPIRED');
  });
});

describe('device calls', () => {
  it('refuse no credential, an unknown device, a wrong secret and a revoked device', async () => {
    await refused({ path: '/v1/feed' }, 401, 'MISSING_CREDENTIAL');
    await refused({ path: '/v1/feed', headers: { authorization: 'Bearer nonsense' } }, 401, 'UNKNOWN_DEVICE');
    await refused({ path: '/v1/feed', headers: { authorization: `Bearer 01a00000-0000-7000-8000-000000000000.${'a'.repeat(43)}` } }, 401, 'UNKNOWN_DEVICE');
    await refused({ path: '/v1/feed', headers: { authorization: `Bearer ${device.deviceId}.${'b'.repeat(43)}` } }, 401, 'UNKNOWN_DEVICE');
    await refused({ path: '/v1/feed', headers: { authorization: revoked.authorization } }, 403, 'DEVICE_REVOKED');
    await refused({ path: '/v1/records', body: upload([checkinRecord(m, T.ok)]), headers: { authorization: revoked.authorization } }, 403, 'DEVICE_REVOKED');
    // The credential is checked before the body is read: an unknown device cannot make the server parse megabytes.
    await refused({ path: '/v1/records', body: 'x'.repeat(LIMITS.uploadBodyBytes + 10) }, 401, 'MISSING_CREDENTIAL');
  });

  it('refuse a bad feed query', async () => {
    await send({ path: '/v1/feed?after=0&limit=1', headers: withDevice() }); // marks the device seen, so the refusals below write nothing at all
    await refused({ path: '/v1/feed?after=-1', headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/feed?limit=0', headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: `/v1/feed?limit=${LIMITS.pageMax + 1}`, headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/feed?wait=3600', headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/feed?after=abc', headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/feed?cursor=5', headers: withDevice() }, 400, 'INVALID_REQUEST');
  });

  it('refuse malformed, mistyped and oversized uploads', async () => {
    await send({ path: '/v1/feed?after=0&limit=1', headers: withDevice() });
    await refused({ path: '/v1/records', body: '{"records": [', headers: withDevice() }, 400, 'MALFORMED_JSON');
    await refused({ path: '/v1/records', body: upload([]), headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/records', body: JSON.stringify({ records: 'all of them' }), headers: withDevice() }, 400, 'INVALID_REQUEST');
    const good = checkinRecord(m, T.ok);
    await refused({ path: '/v1/records', body: upload([{ ...good, data: { ...good.data, doseNumber: '1' } }]), headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/records', body: upload([{ ...good, kind: 'anything' }]), headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/records', body: upload([{ ...good, data: { ...good.data, extra: 1 } }]), headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/records', body: upload(Array.from({ length: LIMITS.uploadRecords + 1 }, () => checkinRecord(m, T.ok))), headers: withDevice() }, 400, 'INVALID_REQUEST');
    await refused({ path: '/v1/records', body: upload([{ ...good, data: { ...good.data, staffId: 'x'.repeat(LIMITS.uploadBodyBytes) } }]), headers: withDevice() }, 413, 'BODY_TOO_LARGE');
    await refused({ path: '/v1/records', body: upload([good]), headers: withDevice({ 'content-type': 'text/plain' }) }, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuse a whole batch holding a record of another venue or municipality: not even the good records are stored', async () => {
    await send({ path: '/v1/feed?after=0&limit=1', headers: withDevice() });
    const good = checkinRecord(m, T.ok);
    const elsewhere = checkinRecord({ code: m.code, venue: m.otherVenue }, T.okSecond);
    const answer = await refused({ path: '/v1/records', body: upload([good, elsewhere]), headers: withDevice() }, 403, 'RECORD_FOR_OTHER_VENUE');
    expect(answer).toMatchObject({ error: { recordId: elsewhere.data.id } });
    await refused({ path: '/v1/records', body: upload([good, doseRecord({ code: other.code, venue: m.venue }, T.ok)]), headers: withDevice() }, 403, 'RECORD_FOR_OTHER_VENUE');
    await refused({ path: '/v1/records', body: upload([{ kind: 'lot', data: { id: 'lot-x', venueId: other.venue, productId: 'PFZ-COMIRNATY', lotNumber: 'X1', expiry: '2027-01-01', addedBy: null, addedAt: '2026-11-23T09:00:00.000+09:00' } }]), headers: withDevice() }, 403, 'RECORD_FOR_OTHER_VENUE');

    // A void of another venue's record, even one the server holds.
    const theirs = await enrollDirect(central.db, m.otherVenue, 'R1');
    const theirDose = doseRecord({ code: m.code, venue: m.otherVenue }, T.otherVenue);
    expect((await send({ path: '/v1/records', body: upload([theirDose]), headers: { authorization: theirs.authorization } })).status).toBe(200);
    const voidTheirs = { kind: 'void', data: { id: '01a00000-0000-7000-8000-0000000000aa', targetKind: 'dose', targetId: theirDose.data.id, reason: '誤り', staffId: 's', at: '2026-11-23T11:00:00.000+09:00' } };
    await refused({ path: '/v1/records', body: upload([voidTheirs]), headers: withDevice() }, 403, 'RECORD_FOR_OTHER_VENUE');
  });
});

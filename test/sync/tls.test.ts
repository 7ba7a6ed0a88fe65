import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venueDate } from '../../src/common/time';
import { formatFingerprint } from '../../src/sync/transport';
import { issueEnrollmentCode } from '../../server/enrollment';
import { InsecureListen, startCentralServer } from '../../server/server';
import { DEMO_NOW } from '../support/venue';
import { DEMO_TICKETS as T, freshCentralDb, seedMunicipality, serveCentral, type FreshCentral, type SeededMunicipality } from './support/central';
import { until, useDevices } from './support/devices';

/**
 * HTTPS with the certificate pinned at enrollment: a server with another
 * certificate gets nothing from the device, not even its credential.
 */
const today = venueDate(new Date(DEMO_NOW));
let central: FreshCentral;
let m: SeededMunicipality;
const newDevice = useDevices();

/** Test-only certificates in fixtures/ (see the README there). */
function certificateFile(name: string): { cert: string; key: string; fingerprint: string } {
  const pem = readFileSync(join(import.meta.dirname, 'fixtures', `${name}.pem`), 'utf8');
  return { cert: pem, key: readFileSync(join(import.meta.dirname, 'fixtures', `${name}.key`), 'utf8'), fingerprint: formatFingerprint(new X509Certificate(pem).fingerprint256) };
}

beforeAll(async () => {
  central = await freshCentralDb();
  m = await seedMunicipality(central.db, { today });
});

afterAll(async () => {
  await central.drop();
});

const genuine = certificateFile('central');
const impostor = certificateFile('impostor');

describe('HTTPS and the pinned certificate', () => {
  it('keeps the certificate seen at enrollment, and refuses another one without sending anything', async () => {
    const served = await serveCentral(central.db, { https: genuine });
    const port = Number(new URL(served.url).port);
    const device = newDevice();
    const { code } = await issueEnrollmentCode(central.db, { venueId: m.venue, deskId: 'R1' }, new Date());
    await device.enroll(served.url, code);
    const reception = device.signIn('reception');
    expect(reception.ok('syncStatus', {})).toMatchObject({ enrolled: true, fingerprint: genuine.fingerprint, serverUrl: served.url });
    reception.ok('checkIn', { municipality: m.code, number: T.ok });
    await until(() => device.open() === 0, 5_000, 'the check-in to be confirmed over HTTPS');

    // Someone else answers at the same address, with another certificate.
    await served.close();
    const seen: string[] = [];
    const fake = await serveCentral(central.db, { https: impostor, port, log: (line) => seen.push(line) });
    try {
      reception.ok('checkIn', { municipality: m.code, number: T.okSecond });
      await until(() => reception.ok('syncStatus', {}).lastError?.code === 'FINGERPRINT_MISMATCH', 10_000, 'the certificate to be refused');
      expect(reception.ok('syncStatus', {}).lastError?.message.en).toContain('different certificate');
      expect(device.open()).toBe(1);
      // Not a single request reached it: the credential never left the device.
      expect(seen).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('checks a fingerprint the administrator gave before enrolling; a wrong one leaves the code unused', async () => {
    const served = await serveCentral(central.db, { https: genuine });
    try {
      const { code } = await issueEnrollmentCode(central.db, { venueId: m.venue, deskId: 'R2' }, new Date());
      const wrong = newDevice({ name: 'wrong pin' });
      wrong.anonymous().ok('requestEnrollment', { serverUrl: served.url, code, fingerprint: impostor.fingerprint });
      wrong.nudge();
      await until(() => wrong.anonymous().ok('enrollmentStatus', {}).state === 'failed', 10_000, 'the enrollment to fail');
      expect(wrong.anonymous().ok('enrollmentStatus', {}).error?.code).toBe('FINGERPRINT_MISMATCH');
      const right = newDevice({ name: 'right pin' });
      await right.enroll(served.url, code, { fingerprint: genuine.fingerprint.replace(/:/g, '').toLowerCase() });
      expect(right.anonymous().ok('enrollmentStatus', {}).state).toBe('enrolled');
    } finally {
      await served.close();
    }
  });

  it('the server listens in plain HTTP on loopback only', async () => {
    await expect(startCentralServer({ dataDir: null, host: '0.0.0.0' })).rejects.toBeInstanceOf(InsecureListen);
    const running = await startCentralServer({ dataDir: null, databaseUrl: central.url, tls: genuine });
    try {
      expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(running.fingerprint).toBe(genuine.fingerprint);
    } finally {
      await running.close();
    }
  });
});

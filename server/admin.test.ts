import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/staff/passwords';
import { staffData } from '../src/sync/protocol';
import { newMunicipalityCode, seedMunicipality, useCentralDb, type SeededMunicipality } from '../test/sync/support/central';
import type { CentralDb } from './db';
import { authenticate, enroll, issueEnrollmentCode, listDevices, newEnrollmentCode, normalizeCode, revokeDevice } from './enrollment';
import { readPage } from './feed';
import { CENTRAL_MIGRATIONS, LATEST_CENTRAL_VERSION, migrate, SchemaTooNew } from './migrations';
import { Problem } from './problems';
import { addDesk, addMunicipality, addVenue, listVenues } from './setup';
import { createStaff, listStaff, setStaffDisabled } from './staff';

const central = useCentralDb();
let db: CentralDb;
let m: SeededMunicipality;

beforeAll(async () => {
  db = central();
  m = await seedMunicipality(db, { today: '2026-11-23' });
});

async function problem(action: () => Promise<unknown>): Promise<Problem> {
  const error = await action().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Problem);
  return error as Problem;
}

describe('the schema', () => {
  it('is migrated once, and a database from a newer program is refused', async () => {
    expect(await migrate(db)).toBe(LATEST_CENTRAL_VERSION);
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schema_migrations`);
    expect(row?.n).toBe(CENTRAL_MIGRATIONS.length);
    await db.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')`, [LATEST_CENTRAL_VERSION + 1]);
    try {
      await expect(migrate(db)).rejects.toBeInstanceOf(SchemaTooNew);
    } finally {
      await db.query(`DELETE FROM schema_migrations WHERE version = $1`, [LATEST_CENTRAL_VERSION + 1]);
    }
  });
});

describe('municipalities, venues and desks', () => {
  it('checks the municipality code’s check digit and the names', async () => {
    expect((await problem(() => addMunicipality(db, { code: '131017', name: '千代田区' }))).code).toBe('INVALID_MUNICIPALITY_CODE');
    expect((await problem(() => addMunicipality(db, { code: newMunicipalityCode(), name: ' ' }))).code).toBe('INVALID_NAME');
    expect((await problem(() => addVenue(db, { municipality: m.code, id: 'bad id!', name: '会場' }))).code).toBe('INVALID_VENUE_ID');
    expect((await problem(() => addVenue(db, { municipality: m.code, id: 'LONG1', name: 'あ'.repeat(31) }))).code).toBe('INVALID_NAME');
    expect((await problem(() => addVenue(db, { municipality: '131016', id: 'V9', name: '会場' }))).code).toBe('UNKNOWN_MUNICIPALITY');
    expect((await problem(() => addDesk(db, { venueId: 'NOPE', id: 'R1', name: '受付' }))).code).toBe('UNKNOWN_VENUE');
  });

  it('keeps a venue in its municipality', async () => {
    const other = newMunicipalityCode();
    await addMunicipality(db, { code: other, name: '別の市' });
    expect((await problem(() => addVenue(db, { municipality: other, id: m.venue, name: '乗っ取り' }))).code).toBe('VENUE_EXISTS');
    expect((await listVenues(db, m.code)).map((v) => [v.id, v.desks])).toEqual([
      [m.venue, ['N1', 'R1', 'R2']],
      [m.otherVenue, ['R1']],
    ]);
  });
});

describe('staff', () => {
  it('are created with an argon2id hash that travels down the feed, and disabling travels too', async () => {
    const staff = await createStaff(db, { municipality: m.code, login: 'new.nurse', displayName: '新人 看護', role: 'nurse', password: 'new-nurse-pass' }, new Date());
    const [{ seq } = { seq: 0 }] = await db.query<{ seq: number }>(`SELECT seq FROM feed WHERE kind = 'staff' AND key = $1`, [staff.id]);
    const page = JSON.parse((await readPage(db, { municipality: m.code, venueId: m.venue, after: seq - 1, limit: 1, count: false })).json) as { changes: { data: unknown }[] };
    const sent = staffData.parse(page.changes[0]?.data);
    expect(sent).toMatchObject({ login: 'new.nurse', role: 'nurse', disabled: false });
    expect(verifyPassword(sent.passwordHash, 'new-nurse-pass')).toBe(true);
    await setStaffDisabled(db, { municipality: m.code, login: 'new.nurse', disabled: true });
    expect((await listStaff(db, m.code)).find((s) => s.login === 'new.nurse')?.disabled).toBe(true);
    const [moved] = await db.query<{ seq: number; body: string }>(`SELECT seq, body FROM feed WHERE kind = 'staff' AND key = $1`, [staff.id]);
    expect(moved?.seq).toBeGreaterThan(seq);
    expect(staffData.parse(JSON.parse(moved?.body ?? '{}')).disabled).toBe(true);
  });

  it('refuses a taken login, a short password, an unknown role and unknown staff', async () => {
    expect((await problem(() => createStaff(db, { municipality: m.code, login: 'kanri', displayName: '二人目', role: 'nurse', password: 'long-enough-pass' }, new Date()))).code).toBe('LOGIN_TAKEN');
    expect((await problem(() => createStaff(db, { municipality: m.code, login: 'short.pw', displayName: '短い', role: 'nurse', password: 'short' }, new Date()))).code).toBe('WEAK_PASSWORD');
    expect((await problem(() => createStaff(db, { municipality: m.code, login: 'boss', displayName: '偉い人', role: 'admin', password: 'long-enough-pass' }, new Date()))).code).toBe('INVALID_ROLE');
    expect((await problem(() => setStaffDisabled(db, { municipality: m.code, login: 'nobody', disabled: true }))).code).toBe('UNKNOWN_STAFF');
  });
});

describe('enrollment codes and devices', () => {
  it('makes codes that are easy to type, and reads them back however they are typed', () => {
    const code = newEnrollmentCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
    expect(normalizeCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code.replace(/-/g, ''));
    expect(normalizeCode('OIL0')).toBe('0110');
  });

  it('issues a code for a desk that exists, and turns it into a device whose credential works until it is revoked', async () => {
    expect((await problem(() => issueEnrollmentCode(db, { venueId: m.venue, deskId: 'R9' }, new Date()))).code).toBe('UNKNOWN_DESK');
    expect((await problem(() => issueEnrollmentCode(db, { venueId: m.venue, deskId: 'R1', hours: 24 * 30 }, new Date()))).code).toBe('INVALID_HOURS');
    const { code, expiresAt } = await issueEnrollmentCode(db, { venueId: m.venue, deskId: 'R2', hours: 2 }, new Date('2026-11-23T00:00:00Z'));
    expect(expiresAt.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    const secret = 'x'.repeat(43);
    const credentialHash = createHash('sha256').update(secret).digest('hex');
    const answer = await enroll(db, { code, credentialHash, deviceName: 'R2 tablet' }, new Date('2026-11-23T01:00:00Z'));
    expect(answer).toMatchObject({ municipality: { code: m.code }, venue: { id: m.venue }, desk: { id: 'R2', name: '受付2' }, servedMunicipalities: [m.code] });
    expect(answer.desks.map((d) => d.id)).toEqual(['N1', 'R1', 'R2']);
    // Only the hash is kept.
    const [row] = await db.query<{ credential_hash: string }>(`SELECT credential_hash FROM devices WHERE id = $1`, [answer.deviceId]);
    expect(row?.credential_hash).toBe(credentialHash);
    const [stored] = await db.query<{ hits: number }>(`SELECT count(*)::int AS hits FROM enrollment_codes WHERE code_hash = $1`, [code]);
    expect(stored?.hits).toBe(0);

    const device = await authenticate(db, `Bearer ${answer.deviceId}.${secret}`, new Date());
    expect(device).toMatchObject({ id: answer.deviceId, venue_id: m.venue, desk_id: 'R2', municipality: m.code });
    expect((await listDevices(db, m.venue)).some((d) => d.id === answer.deviceId && d.name === 'R2 tablet')).toBe(true);
    await revokeDevice(db, answer.deviceId, new Date());
    expect((await problem(() => authenticate(db, `Bearer ${answer.deviceId}.${secret}`, new Date()))).code).toBe('DEVICE_REVOKED');
    // A revoked device cannot come back by replaying its code.
    expect((await problem(() => enroll(db, { code, credentialHash }, new Date()))).code).toBe('ENROLLMENT_CODE_USED');
    expect((await problem(() => revokeDevice(db, 'no-such-device', new Date()))).code).toBe('UNKNOWN_DEVICE');
  });
});

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { uuidv7 } from '../src/common/ids';
import type { EnrollRequest, EnrollResponse } from '../src/sync/protocol';
import type { CentralDb } from './db';
import type { DeviceLookup } from './device-lookup';
import { DEVICE_ROW_SQL, type DeviceRow } from './device-row';
import { Problem, problems, shown } from './problems';
import { requireVenue } from './setup';

export type { DeviceRow } from './device-row';

/**
 * Device enrollment: the administrator issues a one-time code for a venue's
 * desk; the device presents it once, with the SHA-256 of a secret it made,
 * and becomes a device with that credential. Only hashes are stored: of the
 * code and of the credential.
 */

/** Crockford base32: no I, L, O or U, so a code read aloud or typed is hard to get wrong. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 20; // 100 bits

export function newEnrollmentCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[(bytes[i] ?? 0) % 32];
  return code.match(/.{5}/g)?.join('-') ?? code;
}

/** As typed: any case, with or without hyphens and spaces; O, I and L read as 0, 1, 1. */
export function normalizeCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export async function issueEnrollmentCode(
  db: CentralDb,
  input: { venueId: string; deskId: string; hours?: number },
  now: Date,
): Promise<{ code: string; expiresAt: Date; venue: { id: string; name: string }; deskId: string }> {
  const hours = input.hours ?? 24;
  if (!(hours > 0 && hours <= 24 * 14)) throw new Problem(400, 'INVALID_HOURS', 'A code can be valid for up to 14 days.', 'コードの有効期間は最長14日です。');
  const venue = await requireVenue(db, input.venueId);
  const [desk] = await db.query(`SELECT 1 FROM desks WHERE venue_id = $1 AND id = $2`, [venue.id, input.deskId]);
  if (!desk) throw new Problem(404, 'UNKNOWN_DESK', `Venue ${venue.id} has no desk ${shown(input.deskId)}. Add it first.`, `会場 ${venue.id} に受付台 ${shown(input.deskId)} はありません。先に登録してください。`);
  const code = newEnrollmentCode();
  const expiresAt = new Date(now.getTime() + hours * 3_600_000);
  await db.query(`INSERT INTO enrollment_codes (code_hash, venue_id, desk_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
    sha256(normalizeCode(code)),
    venue.id,
    input.deskId,
    now,
    expiresAt,
  ]);
  return { code, expiresAt, venue: { id: venue.id, name: venue.name }, deskId: input.deskId };
}

interface CodeRow {
  venue_id: string;
  desk_id: string;
  expires_at: Date;
  used_at: Date | null;
  device_id: string | null;
  credential_hash: string | null;
}

async function describe(db: Pick<CentralDb, 'query'>, deviceId: string, venueId: string, deskId: string): Promise<EnrollResponse> {
  const [venue] = await db.query<{ id: string; name: string; municipality: string; municipality_name: string }>(
    `SELECT v.id, v.name, v.municipality, m.name AS municipality_name FROM venues v JOIN municipalities m ON m.code = v.municipality WHERE v.id = $1`,
    [venueId],
  );
  if (!venue) throw problems.codeUnknown();
  const desks = await db.query<{ id: string; name: string }>(`SELECT id, name FROM desks WHERE venue_id = $1 ORDER BY id`, [venueId]);
  const desk = desks.find((d) => d.id === deskId) ?? { id: deskId, name: deskId };
  return {
    deviceId,
    municipality: { code: venue.municipality, name: venue.municipality_name },
    venue: { id: venue.id, name: venue.name },
    desk,
    desks,
    servedMunicipalities: [venue.municipality],
  };
}

/**
 * Turns a one-time code into a device. The same code with the same
 * credential hash again (the device retrying after a lost answer) gets the
 * same answer; with any other credential it is refused: a code is used once.
 */
export async function enroll(db: CentralDb, request: EnrollRequest, now: Date): Promise<EnrollResponse> {
  const codeHash = sha256(normalizeCode(request.code));
  return db.transaction(async (tx) => {
    const [code] = await tx.query<CodeRow>(`SELECT venue_id, desk_id, expires_at, used_at, device_id, credential_hash FROM enrollment_codes WHERE code_hash = $1 FOR UPDATE`, [
      codeHash,
    ]);
    if (!code) throw problems.codeUnknown();
    if (code.used_at) {
      const same = code.credential_hash !== null && code.device_id !== null && code.credential_hash === request.credentialHash;
      const [device] = same ? await tx.query<{ revoked_at: Date | null }>(`SELECT revoked_at FROM devices WHERE id = $1`, [code.device_id]) : [];
      if (same && device && !device.revoked_at && code.device_id) return describe(tx, code.device_id, code.venue_id, code.desk_id);
      throw problems.codeUsed();
    }
    if (new Date(code.expires_at).getTime() <= now.getTime()) throw problems.codeExpired();
    const venue = await requireVenue(tx, code.venue_id);
    const deviceId = uuidv7(now.getTime());
    await tx.query(`INSERT INTO devices (id, municipality, venue_id, desk_id, name, credential_hash, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      deviceId,
      venue.municipality,
      venue.id,
      code.desk_id,
      request.deviceName ?? null,
      request.credentialHash,
      now,
    ]);
    await tx.query(`UPDATE enrollment_codes SET used_at = $2, device_id = $3, credential_hash = $4 WHERE code_hash = $1`, [codeHash, now, deviceId, request.credentialHash]);
    return describe(tx, deviceId, venue.id, code.desk_id);
  });
}


const BEARER = /^Bearer ([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,200})$/;

/**
 * The device behind an Authorization header, checked on every call (a
 * revoked device is refused from its next request on).
 */
export async function authenticate(db: CentralDb, header: string | undefined, now: Date, lookup?: DeviceLookup): Promise<DeviceRow> {
  if (!header) throw problems.missingCredential();
  const match = BEARER.exec(header);
  if (!match) throw problems.unknownDevice();
  const [, deviceId = '', secret = ''] = match;
  const [device] = lookup
    ? [await lookup.get(deviceId)]
    : await db.query<DeviceRow>(`${DEVICE_ROW_SQL} WHERE d.id = $1`, [deviceId]);
  const expected = Buffer.from(device?.credential_hash ?? '0'.repeat(64), 'hex');
  const actual = createHash('sha256').update(secret).digest();
  // Compared in constant time, and even for an unknown id, so timing tells nothing.
  const matches = expected.length === actual.length && timingSafeEqual(expected, actual);
  if (!device || !matches) throw problems.unknownDevice();
  if (device.revoked_at) throw problems.revoked();
  if (!device.last_seen_at || now.getTime() - new Date(device.last_seen_at).getTime() > 60_000) {
    if (lookup) lookup.touch(device.id, now);
    else await db.query(`UPDATE devices SET last_seen_at = $2 WHERE id = $1`, [device.id, now]);
  }
  return device;
}

export async function revokeDevice(db: CentralDb, deviceId: string, now: Date): Promise<{ id: string; venueId: string; deskId: string }> {
  const [row] = await db.query<{ id: string; venue_id: string; desk_id: string }>(
    `UPDATE devices SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING id, venue_id, desk_id`,
    [deviceId, now],
  );
  if (!row) throw new Problem(404, 'UNKNOWN_DEVICE', `There is no device ${shown(deviceId)}.`, `端末 ${shown(deviceId)} は登録されていません。`);
  return { id: row.id, venueId: row.venue_id, deskId: row.desk_id };
}

export async function listDevices(db: CentralDb, venueId?: string) {
  return db.query<{ id: string; venue_id: string; desk_id: string; name: string | null; enrolled_at: Date; revoked_at: Date | null; last_seen_at: Date | null }>(
    `SELECT id, venue_id, desk_id, name, enrolled_at, revoked_at, last_seen_at FROM devices WHERE $1::text IS NULL OR venue_id = $1 ORDER BY venue_id, desk_id, enrolled_at`,
    [venueId ?? null],
  );
}

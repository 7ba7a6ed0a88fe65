import { uuidv7 } from '../src/common/ids';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../src/staff/passwords';
import { STAFF_ROLES, type StaffData } from '../src/sync/protocol';
import type { CentralDb, Queryable } from './db';
import { emit, lockFeed, notifyFeed } from './feed';
import { Problem, refuseIndividualNumber, shown } from './problems';
import { checkName, requireMunicipality } from './setup';

/**
 * Staff are made here and travel to every device of their municipality with
 * their argon2id hash, so they sign in at any desk, online or not. Disabling
 * travels the same way and ends their sessions on the devices at once.
 */
export type StaffRole = (typeof STAFF_ROLES)[number];

interface StaffRow {
  id: string;
  login: string;
  display_name: string;
  role: StaffRole;
  password_hash: string;
  disabled: boolean;
}

function doc(row: StaffRow): StaffData {
  return { id: row.id, login: row.login, displayName: row.display_name, role: row.role, passwordHash: row.password_hash, disabled: row.disabled };
}

async function publish(tx: Queryable, municipality: string, row: StaffRow): Promise<void> {
  await emit(tx, municipality, [{ venueId: null, kind: 'staff', key: row.id, body: JSON.stringify(doc(row)) }]);
  await notifyFeed(tx, municipality);
}

export async function createStaff(
  db: CentralDb,
  input: { municipality: string; login: string; displayName: string; role: string; password: string },
  now: Date,
): Promise<{ id: string; login: string; displayName: string; role: StaffRole }> {
  const login = input.login.trim();
  refuseIndividualNumber(login, { en: 'login', ja: 'ログインID' });
  if (!/^[A-Za-z0-9._-]{3,64}$/.test(login)) {
    throw new Problem(400, 'INVALID_LOGIN', 'A login is 3–64 letters, digits or . _ -', 'ログインIDは英数字と . _ - で3〜64文字です。');
  }
  const displayName = checkName(input.displayName, 40, { en: 'display name', ja: '表示名' });
  const role = STAFF_ROLES.find((r) => r === input.role);
  if (!role) throw new Problem(400, 'INVALID_ROLE', 'The role is reception, nurse or supervisor.', '役割は reception（受付）・nurse（接種）・supervisor（管理者）のどれかです。');
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new Problem(400, 'WEAK_PASSWORD', `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`, `パスワードは${MIN_PASSWORD_LENGTH}文字以上にしてください。`);
  }
  const passwordHash = hashPassword(input.password);
  return db.transaction(async (tx) => {
    await requireMunicipality(tx, input.municipality);
    await lockFeed(tx, input.municipality);
    const [taken] = await tx.query(`SELECT 1 FROM staff WHERE municipality = $1 AND login = $2`, [input.municipality, login]);
    if (taken) throw new Problem(409, 'LOGIN_TAKEN', `The login ${shown(login)} is already used in this municipality.`, `ログインID ${shown(login)} はこの市区町村で既に使われています。`);
    const row: StaffRow = { id: uuidv7(now.getTime()), login, display_name: displayName, role, password_hash: passwordHash, disabled: false };
    await tx.query(`INSERT INTO staff (id, municipality, login, display_name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`, [
      row.id,
      input.municipality,
      row.login,
      row.display_name,
      row.role,
      row.password_hash,
    ]);
    await publish(tx, input.municipality, row);
    return { id: row.id, login, displayName, role };
  });
}

export async function setStaffDisabled(db: CentralDb, input: { municipality: string; login: string; disabled: boolean }): Promise<{ id: string; login: string; disabled: boolean }> {
  return db.transaction(async (tx) => {
    await lockFeed(tx, input.municipality);
    const [row] = await tx.query<StaffRow>(
      `UPDATE staff SET disabled = $3, updated_at = now() WHERE municipality = $1 AND login = $2
       RETURNING id, login, display_name, role, password_hash, disabled`,
      [input.municipality, input.login, input.disabled],
    );
    if (!row) throw unknownStaff(input);
    await publish(tx, input.municipality, row);
    return { id: row.id, login: row.login, disabled: row.disabled };
  });
}

/**
 * A new password for a staff member (forgotten, or given away). The new hash
 * travels to every device like any staff change; each device then ends that
 * person's sessions and clears a lock-out, so the old password opens nothing.
 */
export async function setStaffPassword(db: CentralDb, input: { municipality: string; login: string; password: string }): Promise<{ id: string; login: string }> {
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new Problem(400, 'WEAK_PASSWORD', `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`, `パスワードは${MIN_PASSWORD_LENGTH}文字以上にしてください。`);
  }
  const passwordHash = hashPassword(input.password);
  return db.transaction(async (tx) => {
    await lockFeed(tx, input.municipality);
    const [row] = await tx.query<StaffRow>(
      `UPDATE staff SET password_hash = $3, updated_at = now() WHERE municipality = $1 AND login = $2
       RETURNING id, login, display_name, role, password_hash, disabled`,
      [input.municipality, input.login, passwordHash],
    );
    if (!row) throw unknownStaff(input);
    await publish(tx, input.municipality, row);
    return { id: row.id, login: row.login };
  });
}

function unknownStaff(input: { municipality: string; login: string }): Problem {
  return new Problem(404, 'UNKNOWN_STAFF', `There is no staff member ${shown(input.login)} in ${shown(input.municipality)}.`, `${shown(input.municipality)} に職員 ${shown(input.login)} はいません。`);
}

export async function listStaff(db: CentralDb, municipality: string) {
  return db.query<{ id: string; login: string; display_name: string; role: StaffRole; disabled: boolean }>(
    `SELECT id, login, display_name, role, disabled FROM staff WHERE municipality = $1 ORDER BY role, login`,
    [municipality],
  );
}

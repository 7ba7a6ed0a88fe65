import { uuidv7 } from '../src/common/ids';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../src/staff/passwords';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpUri } from '../src/staff/second-factor';
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
  totp_secret: string | null;
  totp_recovery_hashes: string[];
}

/** Every column the feed document needs: each change of a staff member sends the whole of it. */
const STAFF_COLUMNS = 'id, login, display_name, role, password_hash, disabled, totp_secret, totp_recovery_hashes';

function doc(row: StaffRow): StaffData {
  return {
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    role: row.role,
    passwordHash: row.password_hash,
    disabled: row.disabled,
    totp: row.totp_secret ? { secret: row.totp_secret, recoveryHashes: row.totp_recovery_hashes } : null,
  };
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
    const row: StaffRow = { id: uuidv7(now.getTime()), login, display_name: displayName, role, password_hash: passwordHash, disabled: false, totp_secret: null, totp_recovery_hashes: [] };
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
       RETURNING ${STAFF_COLUMNS}`,
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
       RETURNING ${STAFF_COLUMNS}`,
      [input.municipality, input.login, passwordHash],
    );
    if (!row) throw unknownStaff(input);
    await publish(tx, input.municipality, row);
    return { id: row.id, login: row.login };
  });
}

export interface TotpSetup {
  readonly login: string;
  /** The otpauth:// URI to scan (it holds the secret): printed once, never kept anywhere but the database. */
  readonly uri: string;
  readonly secret: string;
  readonly recoveryCodes: readonly string[];
}

/**
 * Sets up a supervisor's second factor: a new TOTP secret and ten recovery
 * codes (only their hashes are kept), sent to every device of the
 * municipality with the staff data; the person's sessions there end, so
 * their next sign-in asks for a code. Refused when one is set already (reset
 * it first: the secret is never shown twice). `fixed` gives a known secret
 * and codes, for tests and the demo only.
 */
export async function setUpStaffTotp(
  db: CentralDb,
  input: { municipality: string; login: string },
  fixed?: { secret: string; recoveryCodes: readonly string[] },
): Promise<TotpSetup> {
  const secret = fixed?.secret ?? newTotpSecret();
  const recoveryCodes = fixed?.recoveryCodes ?? newRecoveryCodes();
  const hashes = recoveryCodes.map(hashRecoveryCode);
  return db.transaction(async (tx) => {
    await lockFeed(tx, input.municipality);
    const [current] = await tx.query<{ role: StaffRole; totp_secret: string | null }>(`SELECT role, totp_secret FROM staff WHERE municipality = $1 AND login = $2`, [
      input.municipality,
      input.login,
    ]);
    if (!current) throw unknownStaff(input);
    if (current.role !== 'supervisor') {
      throw new Problem(400, 'NOT_A_SUPERVISOR', `Two-factor sign-in is for supervisors; ${shown(input.login)} is ${current.role}.`, `2段階認証は管理者のためのものです（${shown(input.login)} は ${current.role}）。`);
    }
    if (current.totp_secret) {
      throw new Problem(
        409,
        'TOTP_ALREADY_SET',
        `${shown(input.login)} already has a second factor; the secret is never shown again. If the phone is lost, run "staff totp-reset" first, then set it up again.`,
        `${shown(input.login)} の2段階認証は設定済みです（秘密鍵は二度と表示しません）。端末を紛失した場合は "staff totp-reset" を実行してから設定し直してください。`,
      );
    }
    const [row] = await tx.query<StaffRow>(
      `UPDATE staff SET totp_secret = $3, totp_recovery_hashes = $4, updated_at = now() WHERE municipality = $1 AND login = $2 RETURNING ${STAFF_COLUMNS}`,
      [input.municipality, input.login, secret, hashes],
    );
    if (!row) throw unknownStaff(input);
    await publish(tx, input.municipality, row);
    return { login: row.login, uri: totpUri(secret, `${row.login}@${input.municipality}`), secret, recoveryCodes };
  });
}

/**
 * Removes a supervisor's second factor (a lost phone, recovery codes used
 * up). Every device of the municipality hears it at its next sync: the
 * person's sessions end there, and at their next sign-in they are asked to
 * have it set up again before any privileged operation.
 */
export async function resetStaffTotp(db: CentralDb, input: { municipality: string; login: string }): Promise<{ id: string; login: string; wasSet: boolean }> {
  return db.transaction(async (tx) => {
    await lockFeed(tx, input.municipality);
    const [before] = await tx.query<{ totp_secret: string | null }>(`SELECT totp_secret FROM staff WHERE municipality = $1 AND login = $2`, [input.municipality, input.login]);
    if (!before) throw unknownStaff(input);
    const [row] = await tx.query<StaffRow>(
      `UPDATE staff SET totp_secret = NULL, totp_recovery_hashes = '{}', updated_at = now() WHERE municipality = $1 AND login = $2 RETURNING ${STAFF_COLUMNS}`,
      [input.municipality, input.login],
    );
    if (!row) throw unknownStaff(input);
    await publish(tx, input.municipality, row);
    return { id: row.id, login: row.login, wasSet: before.totp_secret !== null };
  });
}

function unknownStaff(input: { municipality: string; login: string }): Problem {
  return new Problem(404, 'UNKNOWN_STAFF', `There is no staff member ${shown(input.login)} in ${shown(input.municipality)}.`, `${shown(input.municipality)} に職員 ${shown(input.login)} はいません。`);
}

export async function listStaff(db: CentralDb, municipality: string) {
  return db.query<{ id: string; login: string; display_name: string; role: StaffRole; disabled: boolean; second_factor: boolean }>(
    `SELECT id, login, display_name, role, disabled, totp_secret IS NOT NULL AS second_factor FROM staff WHERE municipality = $1 ORDER BY role, login`,
    [municipality],
  );
}

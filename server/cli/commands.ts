import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { venueDate, venueIso, type Clock } from '../../src/common/time';
import { maskIndividualNumbers } from '../../src/privacy/individual-number';
import type { CsvEncodingOption } from '../../src/roster/csv';
import { heldAuditHead, listAuditMismatches } from '../audit-heads';
import { listConflicts, resolveConflictCentrally } from '../conflicts';
import type { CentralDb } from '../db';
import { issueEnrollmentCode, listDevices, revokeDevice } from '../enrollment';
import { exportDoses } from '../export';
import { Problem, shown } from '../problems';
import { deviceDigest } from '../records';
import { importProducts, importRoster } from '../roster';
import { addDesk, addMunicipality, addVenue, listVenues } from '../setup';
import { createStaff, listStaff, resetStaffTotp, setStaffDisabled, setStaffPassword, setUpStaffTotp } from '../staff';
import { terminalQr } from './terminal-qr';

/**
 * The administrator's commands, run against the central database: directly
 * when no server is running on the data folder, or inside the running server
 * (see server.ts). Output is plain text; errors come in English and Japanese.
 */
export interface CommandContext {
  readonly db: CentralDb;
  readonly clock: Clock;
  /** The server certificate's fingerprint, printed with enrollment codes. */
  readonly fingerprint: string | null;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export const USAGE = `Usage: npm run admin -- --data <folder> [--database-url postgres://…] <command>

  municipality add <code> <name>                     a municipality (6-digit code with check digit)
  municipality list
  venue add <municipality> <venue-code> <name>       a venue (code as in the roster's booking_venue; name ≤ 30)
  venue list [--municipality <code>]
  desk add <venue-code> <desk-id> <name>             a desk of a venue (each desk is its own device)
  products load <municipality> <file.csv> [--encoding auto|utf-8|shift_jis] [--replace]
  roster import <municipality> <file.csv> [--encoding …] [--replace] [--today YYYY-MM-DD]
  staff add <municipality> <login> <display-name> <reception|nurse|supervisor> [--password-stdin]
  staff password <municipality> <login> [--password-stdin]
  staff disable <municipality> <login>
  staff enable <municipality> <login>
  staff list <municipality>
  staff totp <municipality> <login>                  a supervisor's second factor: prints the otpauth URI, a QR code and
                                                     ten recovery codes, this once (never shown again, never logged)
  staff totp-reset <municipality> <login>            removes it (a lost phone): asked to set it up again at next sign-in
  enroll-code <venue-code> <desk-id> [--hours 24]    a one-time device enrollment code
  device list [--venue <venue-code>]
  device revoke <device-id>                          refused from its next call on
  device records <device-id> [--json]                counts and digest of what the device sent (compare with the venue)
  device audit [<device-id>]                         the device's audit-chain head held here, and every head that did not follow it
  conflicts list [--municipality <code>] [--all] [--json]
  conflicts resolve <conflict-id> --note <text> [--by <name>]
  export doses <municipality> <YYYY-MM-DD> [--encoding utf-8|shift_jis] [--out <file.csv>]

Files are read and written on the machine the command runs on. --replace: the file is the whole
roster (or product master); what is not in it is removed, and the venues' devices are told.
`;

class Usage extends Error {}

function need(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new Usage(`missing ${what}`);
  return value;
}

function encodingOption(value: string | undefined, allowed: readonly string[], fallback: string): string {
  const encoding = value ?? fallback;
  if (!allowed.includes(encoding)) throw new Usage(`--encoding must be one of ${allowed.join(', ')}`);
  return encoding;
}

function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const why = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
    throw new Problem(400, 'CANNOT_READ_FILE', `Cannot read the file ${shown(path)}${why}.`, `ファイル ${shown(path)} を読めません${why}。`);
  }
}

function when(value: Date | string | null): string {
  return value === null ? '-' : venueIso(new Date(value)).slice(0, 19).replace('T', ' ');
}

/** Columns a terminal gives the text: full-width (kanji, kana, ｱ) characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x1f300;
    width += wide ? 2 : 1;
  }
  return width;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  return rows.map((row) => row.map((cell, i) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(cell)))).join('  ').trimEnd()).join('\n');
}

/** A first password for staff added without --password-stdin: printed once, to be changed. */
function newPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return [...randomBytes(14)].map((b) => alphabet[b % alphabet.length]).join('');
}

type Out = (line: string) => void;

async function run(ctx: CommandContext, argv: readonly string[], stdin: string, out: Out, write: (bytes: Buffer) => void, warn: Out): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      encoding: { type: 'string' },
      replace: { type: 'boolean' },
      today: { type: 'string' },
      hours: { type: 'string' },
      municipality: { type: 'string' },
      venue: { type: 'string' },
      all: { type: 'boolean' },
      note: { type: 'string' },
      by: { type: 'string' },
      out: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const [group, action, ...args] = positionals;
  const now = ctx.clock.now();
  const { db } = ctx;
  // "enroll-code <venue> <desk>" is one word; everything else is "<group> <action>".
  switch (group === 'enroll-code' ? group : `${group ?? ''} ${action ?? ''}`.trim()) {
    case 'municipality add': {
      const m = await addMunicipality(db, { code: need(args[0], 'code'), name: need(args[1], 'name') });
      out(`Municipality ${m.code} ${m.name} saved. / 市区町村 ${m.code} ${m.name} を登録しました。`);
      return;
    }
    case 'municipality list': {
      const rows = await db.query<{ code: string; name: string }>(`SELECT code, name FROM municipalities ORDER BY code`);
      out(table([['code', 'name'], ...rows.map((r) => [r.code, r.name])]));
      return;
    }
    case 'venue add': {
      const v = await addVenue(db, { municipality: need(args[0], 'municipality'), id: need(args[1], 'venue code'), name: need(args[2], 'name') });
      out(`Venue ${v.id} ${v.name} saved in ${v.municipality}. / 会場 ${v.id} ${v.name} を登録しました。`);
      return;
    }
    case 'venue list': {
      const rows = await listVenues(db, values.municipality);
      out(table([['municipality', 'venue', 'name', 'desks'], ...rows.map((r) => [r.municipality, r.id, r.name, (r.desks ?? []).join(',')])]));
      return;
    }
    case 'desk add': {
      const d = await addDesk(db, { venueId: need(args[0], 'venue code'), id: need(args[1], 'desk id'), name: need(args[2], 'name') });
      out(`Desk ${d.id} ${d.name} saved at venue ${d.venueId}. / 受付台 ${d.id} ${d.name} を登録しました。`);
      return;
    }
    case 'products load': {
      const municipality = need(args[0], 'municipality');
      const csv = readInput(need(args[1], 'file'));
      const encoding = encodingOption(values.encoding, ['auto', 'utf-8', 'shift_jis'], 'auto') as CsvEncodingOption;
      const r = await importProducts(db, { municipality, csv, encoding, replace: values.replace ?? false });
      out(`Product master loaded: ${r.products} products${r.removed ? `, ${r.removed} removed` : ''}. / 製品マスタを取り込みました（${r.products}件${r.removed ? `、削除${r.removed}件` : ''}）。`);
      return;
    }
    case 'roster import': {
      const municipality = need(args[0], 'municipality');
      const csv = readInput(need(args[1], 'file'));
      const encoding = encodingOption(values.encoding, ['auto', 'utf-8', 'shift_jis'], 'auto') as CsvEncodingOption;
      const today = values.today ?? venueDate(now);
      const r = await importRoster(db, { municipality, csv, encoding, replace: values.replace ?? false, today });
      out(
        `Roster imported: ${r.rows} rows, ${r.people} people, ${r.tickets} tickets, ${r.bookings} bookings` +
          (values.replace ? `; removed ${r.removedPeople} people, ${r.removedTickets} tickets, ${r.removedBookings} bookings` : '') +
          `. / 名簿を取り込みました（${r.rows}行、${r.people}人）。`,
      );
      return;
    }
    case 'staff add': {
      const [municipality, login, displayName, role] = [need(args[0], 'municipality'), need(args[1], 'login'), need(args[2], 'display name'), need(args[3], 'role')];
      const generated = values['password-stdin'] ? null : newPassword();
      const password = generated ?? stdin.split(/\r?\n/)[0] ?? '';
      const s = await createStaff(db, { municipality, login, displayName, role, password }, now);
      out(`Staff ${s.login} (${s.role}) added; id ${s.id}. / 職員 ${s.login} を登録しました。`);
      if (generated) out(`First password (give it to ${s.login} in person): ${generated} / 初期パスワード（本人に直接渡してください）: ${generated}`);
      return;
    }
    case 'staff password': {
      const [municipality, login] = [need(args[0], 'municipality'), need(args[1], 'login')];
      const generated = values['password-stdin'] ? null : newPassword();
      const password = generated ?? stdin.split(/\r?\n/)[0] ?? '';
      const s = await setStaffPassword(db, { municipality, login, password });
      out(`New password set for ${s.login}; their sessions end on every device at its next sync. / 職員 ${s.login} のパスワードを変更しました。各端末のセッションは次の同期で終了します。`);
      if (generated) out(`New password (give it to ${s.login} in person): ${generated} / 新しいパスワード（本人に直接渡してください）: ${generated}`);
      return;
    }
    case 'staff disable':
    case 'staff enable': {
      const disabled = action === 'disable';
      const s = await setStaffDisabled(db, { municipality: need(args[0], 'municipality'), login: need(args[1], 'login'), disabled });
      out(
        disabled
          ? `Staff ${s.login} disabled; their sessions end on every device at its next sync. / 職員 ${s.login} を無効にしました。各端末のセッションは次の同期で終了します。`
          : `Staff ${s.login} enabled again. / 職員 ${s.login} を有効に戻しました。`,
      );
      return;
    }
    case 'staff list': {
      const rows = await listStaff(db, need(args[0], 'municipality'));
      out(
        table([
          ['login', 'name', 'role', 'state', 'second factor', 'id'],
          ...rows.map((r) => [r.login, r.display_name, r.role, r.disabled ? 'disabled' : 'active', r.role === 'supervisor' ? (r.second_factor ? 'set' : 'NOT SET') : '-', r.id]),
        ]),
      );
      return;
    }
    case 'staff totp': {
      // Printed to this terminal only: the running server carries it back to the admin command, and logs nothing of it.
      const t = await setUpStaffTotp(db, { municipality: need(args[0], 'municipality'), login: need(args[1], 'login') });
      out(`Two-factor sign-in for ${t.login}: scan this with an authenticator app (or type the URI). Shown this once only. / ${t.login} の2段階認証: 認証アプリで読み取ってください（この一度だけ表示します）。`);
      out(terminalQr(t.uri));
      out(t.uri);
      out(`Recovery codes (each works once; give them to ${t.login} on paper, in person) / リカバリーコード（各1回限り。本人に紙で直接渡してください）:`);
      for (const code of t.recoveryCodes) out(`  ${code}`);
      out('It reaches every device of the municipality at its next sync; the supervisor then signs in with a code. / 各端末には次の同期で届きます。');
      return;
    }
    case 'staff totp-reset': {
      const r = await resetStaffTotp(db, { municipality: need(args[0], 'municipality'), login: need(args[1], 'login') });
      out(
        r.wasSet
          ? `Second factor of ${r.login} removed; their sessions end on every device at its next sync, and they must have it set up again ("staff totp"). / ${r.login} の2段階認証を解除しました。`
          : `${r.login} had no second factor; nothing to reset. / ${r.login} の2段階認証は設定されていません。`,
      );
      return;
    }
    case 'enroll-code': {
      const hours = values.hours === undefined ? 24 : Number(values.hours);
      const c = await issueEnrollmentCode(db, { venueId: need(action, 'venue code'), deskId: need(args[0], 'desk id'), hours }, now);
      out(`Enrollment code for ${c.venue.name} (${c.venue.id}), desk ${c.deskId} / 登録コード（${c.venue.name}・${c.deskId}）:`);
      out(`  ${c.code}`);
      out(`Works once, until ${when(c.expiresAt)} (+09:00). / 1回限り、${when(c.expiresAt)} まで有効。`);
      if (ctx.fingerprint) out(`Server certificate SHA-256 / サーバー証明書の指紋: ${ctx.fingerprint}`);
      return;
    }
    case 'device list': {
      const rows = await listDevices(db, values.venue);
      const mismatches = new Map<string, number>();
      for (const m of await listAuditMismatches(db)) mismatches.set(m.device_id, (mismatches.get(m.device_id) ?? 0) + 1);
      out(
        table([
          ['device', 'venue', 'desk', 'name', 'enrolled', 'last seen', 'revoked', 'audit chain'],
          ...rows.map((r) => {
            const n = mismatches.get(r.id) ?? 0;
            return [r.id, r.venue_id, r.desk_id, r.name ?? '', when(r.enrolled_at), when(r.last_seen_at), when(r.revoked_at), n ? `MISMATCH ×${n} (device audit ${r.id})` : 'ok'];
          }),
        ]),
      );
      return;
    }
    case 'device audit': {
      // Cut or rewritten audit chains: what the venue device's own log no longer shows.
      const deviceId = args[0];
      if (deviceId) {
        const held = await heldAuditHead(db, deviceId);
        out(held ? `Audit chain of ${deviceId}: newest head held #${held.seq} (${held.hash.slice(0, 16)}…). / 操作ログの最新の控え: #${held.seq}` : `No audit-chain head held for ${deviceId}. / 操作ログの控えはまだありません。`);
      }
      const rows = await listAuditMismatches(db, deviceId);
      if (rows.length === 0) {
        out('No mismatch: every head received follows the ones held. / 不一致はありません。');
        return;
      }
      out(
        table([
          ['detected', 'device', 'kind', 'held', 'sent'],
          ...rows.map((m) => [when(m.detected_at), m.device_id, m.kind, `#${m.held_seq}`, `#${m.sent_seq}`]),
        ]),
      );
      out('cut: the device’s log now ends before a head it sent (entries removed); rewritten: the entry at that number is not the one sent. / cut: 送信済みの記録が端末から消えています。rewritten: 記録が書き換えられています。');
      return;
    }
    case 'device records': {
      // Reconciliation with a venue: the venue device shows the same digest for the same records.
      const deviceId = need(args[0], 'device id');
      const d = await deviceDigest(db, deviceId);
      if (values.json) out(JSON.stringify(d));
      else {
        const counts = Object.entries(d.counts).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
        out(`Records from device ${shown(deviceId)}: ${counts}. / 端末から受け取った記録: ${counts}`);
        out(`Digest (SHA-256) / ダイジェスト: ${d.digest}`);
      }
      return;
    }
    case 'device revoke': {
      const d = await revokeDevice(db, need(args[0], 'device id'), now);
      out(`Device ${d.id} (${d.venueId} / ${d.deskId}) revoked: refused from its next call on. / 端末を取り消しました。`);
      return;
    }
    case 'conflicts list': {
      const rows = await listConflicts(db, { municipality: values.municipality, includeResolved: values.all ?? false });
      if (values.json) {
        out(JSON.stringify(rows));
        return;
      }
      out(
        table([
          ['conflict', 'kind', 'ticket', 'dose/day', 'records (venue/desk at)', 'resolved'],
          ...rows.map((c) => [
            c.id,
            c.kind,
            `${c.municipality}-${c.ticketNumber}`,
            c.kind === 'dose' ? String(c.doseNumber ?? '') : (c.venueDate ?? ''),
            c.records.map((r) => `${r.venueId}/${r.deskId} ${r.at.slice(0, 16)}`).join('; '),
            c.resolvedAt ? `${when(c.resolvedAt)} ${c.resolvedBy ?? ''} ${c.note ?? ''}` : 'open',
          ]),
        ]),
      );
      return;
    }
    case 'conflicts resolve': {
      const c = await resolveConflictCentrally(db, { conflictId: need(args[0], 'conflict id'), note: need(values.note, '--note'), by: values.by ?? 'central-admin' }, now);
      out(`Conflict ${c.id} resolved; the venues involved are told. / 競合を解決済みにしました。関係する会場に通知されます。`);
      return;
    }
    case 'export doses': {
      const encoding = encodingOption(values.encoding, ['utf-8', 'shift_jis'], 'utf-8') as 'utf-8' | 'shift_jis';
      const r = await exportDoses(db, { municipality: need(args[0], 'municipality'), date: need(args[1], 'date'), encoding });
      if (values.out) {
        writeFileSync(values.out, r.csv, { mode: 0o600 });
        out(`${r.rows} doses written to ${values.out} (${encoding}). / ${r.rows}件を書き出しました。`);
      } else {
        write(r.csv);
      }
      // Should never happen (uploads refuse individual numbers); if it does, the rest is exported and these are named.
      for (const w of r.withheld) {
        warn(
          `warning: record ${w.recordId} was left out: its ${w.column} may hold an individual number. Have it voided and recorded again, then export again. / ` +
            `記録 ${w.recordId} は「${w.column}」に個人番号と思われる値があるため出力していません。取り消して記録し直してから、もう一度出力してください。`,
        );
      }
      return;
    }
    default:
      throw new Usage(group ? `unknown command: ${positionals.slice(0, 2).map(shown).join(' ')}` : 'no command given');
  }
}

export async function runAdminCommand(ctx: CommandContext, argv: readonly string[], stdin: string): Promise<CommandResult> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const out: Out = (line) => stdout.push(Buffer.from(`${line}\n`, 'utf8'));
  const warn: Out = (line) => stderr.push(Buffer.from(`${line}\n`, 'utf8'));
  let code = 0;
  try {
    await run(ctx, argv, stdin, out, (bytes) => stdout.push(bytes), warn);
  } catch (error) {
    // Errors never repeat an individual number: our own messages quote through shown(); what
    // node:util or the database says (an unknown option, a failed query) is masked as well.
    const say = (text: string) => stderr.push(Buffer.from(maskIndividualNumbers(text), 'utf8'));
    if (error instanceof Usage || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      say(`error: ${error.message}\n\n${USAGE}`);
      code = 2;
    } else if (error instanceof Problem) {
      say(`error (${error.code}): ${error.en}\nエラー（${error.code}）: ${error.ja}\n`);
      code = 1;
    } else {
      say(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      code = 1;
    }
  }
  return { code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
}

/** Arguments that name files, made absolute, so a running server reads and writes the same files. */
export function absolutePaths(argv: readonly string[], cwd: string, resolve: (cwd: string, path: string) => string): string[] {
  const result = [...argv];
  const positionals: number[] = [];
  for (let i = 0; i < result.length; i++) {
    const arg = result[i] ?? '';
    if (arg === '--out' && i + 1 < result.length) {
      result[i + 1] = resolve(cwd, result[i + 1] ?? '');
      i += 1;
    } else if (arg.startsWith('--out=')) {
      result[i] = `--out=${resolve(cwd, arg.slice(6))}`;
    } else if (['--encoding', '--today', '--hours', '--municipality', '--venue', '--note', '--by'].includes(arg)) {
      i += 1;
    } else if (!arg.startsWith('--')) {
      positionals.push(i);
    }
  }
  const [g, a] = positionals.map((i) => result[i]);
  const fileAt = (g === 'products' && a === 'load') || (g === 'roster' && a === 'import') ? positionals[3] : undefined;
  if (fileAt !== undefined) result[fileAt] = resolve(cwd, result[fileAt] ?? '');
  return result;
}

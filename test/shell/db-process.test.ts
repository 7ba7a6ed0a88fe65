/**
 * The shell's own database process, run as it ships: dist/main/db-process.cjs
 * (built from main/ by the same build as `npm start` and `npm run dist`),
 * under Node with Electron's `process.parentPort` emulated over a fork IPC
 * channel (a utilityProcess is a Node process with that port). Driven
 * through the shell's own messages against a real central service on
 * loopback: first-run enrollment, the roster download, a check-in and a dose
 * uploaded, another desk's dose arriving, a disabled staff member's session
 * ending, a closed window's session ending, and an orderly close.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseProcessMessage, ShellMessage } from '../../main/messages';
import type { Reply } from '../../src/api/reply';
import { venueDate } from '../../src/common/time';
import { buildShell, SHELL_OUTDIR } from '../../scripts/shell-build';
import type { CentralDb } from '../../server/db';
import { issueEnrollmentCode } from '../../server/enrollment';
import { setStaffDisabled } from '../../server/staff';
import { DEMO_RECOVERY_CODES, DEMO_STAFF, ticketLine } from '../fixtures/demo';
import { DEMO_TICKETS as T, freshCentralDb, seedMunicipality, serveCentral, type FreshCentral, type SeededMunicipality, type ServedCentral } from '../sync/support/central';
import { until, useDevices } from '../sync/support/devices';

/** Electron's parentPort, over the fork channel: messages arrive as `{ data }`, as in a utilityProcess. */
const PARENT_PORT = `
process.parentPort = {
  on(event, listener) { if (event === 'message') process.on('message', (data) => listener({ data })); },
  postMessage(message) { process.send(message); },
};
`;

class ShellProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply<unknown>) => void>();
  readonly events: { type: string; id?: string }[] = [];
  readonly messages: DatabaseProcessMessage[] = [];
  stderr = '';

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: DatabaseProcessMessage) => {
      this.messages.push(message);
      if (message.kind === 'reply') {
        this.pending.get(message.id)?.(message.reply);
        this.pending.delete(message.id);
      } else if (message.kind === 'event') this.events.push(message.event);
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  send(message: ShellMessage): void {
    this.child.send(message);
  }

  next(kind: DatabaseProcessMessage['kind'], timeoutMs = 30_000): Promise<DatabaseProcessMessage> {
    return until(() => this.messages.some((m) => m.kind === kind), timeoutMs, `the database process to say ${kind}`).then(
      () => this.messages.find((m) => m.kind === kind) as DatabaseProcessMessage,
    );
  }

  call(windowId: number, operation: string, input: unknown = {}): Promise<Reply<unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ kind: 'call', id, windowId, operation, input });
    });
  }

  async ok<T = Record<string, unknown>>(windowId: number, operation: string, input: unknown = {}): Promise<T> {
    const reply = await this.call(windowId, operation, input);
    if (!reply.ok) throw new Error(`${operation} was refused: ${reply.error.code} ${reply.error.message.en}`);
    return reply.value as T;
  }

  /** Polls a call until the check holds (the process answers asynchronously). */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> {
    return until(check, timeoutMs, what, 25).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${this.stderr}`);
    });
  }
}

const today = venueDate(new Date());
let work: string;
let central: FreshCentral;
let served: ServedCentral;
let db: CentralDb;
let m: SeededMunicipality;
let shell: ShellProcess;
const newDevice = useDevices();

const WINDOW = 1;
const OTHER_WINDOW = 2;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'venue-shell-'));
  // Built where the shell ships it from (dist/main), so its packages resolve from node_modules as in the app.
  await buildShell(SHELL_OUTDIR);
  writeFileSync(join(work, 'parent-port.cjs'), PARENT_PORT);
  central = await freshCentralDb();
  db = central.db;
  served = await serveCentral(db);
  m = await seedMunicipality(db, { today });
  // The built file itself, as Electron's utilityProcess.fork would start it; 'advanced' serialization is the structured clone.
  const child = fork(join(SHELL_OUTDIR, 'db-process.cjs'), [], {
    execArgv: ['--require', join(work, 'parent-port.cjs')],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  shell = new ShellProcess(child);
  shell.send({ kind: 'open', dataDir: join(work, 'data'), key: new Uint8Array(randomBytes(32)), auditKey: new Uint8Array(randomBytes(32)) });
  await until(
    () => {
      if (child.exitCode !== null) throw new Error(`the database process exited (${child.exitCode}):\n${shell.stderr}`);
      return shell.messages.some((m) => m.kind === 'opened' || m.kind === 'failed');
    },
    30_000,
    'the database process to open',
  );
  const failed = shell.messages.find((m) => m.kind === 'failed');
  if (failed) throw new Error(`the database process could not open: ${failed.message.en}`);
});

afterAll(async () => {
  if (shell && shell.child.exitCode === null) shell.child.kill('SIGKILL');
  await served?.close();
  await central?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the shell’s database process (dist/main/db-process.cjs under Node)', () => {
  it('enrolls on first run, downloads the roster, uploads a check-in and a dose, hears of another desk’s dose and of disabled staff', async () => {
    expect(await shell.ok(WINDOW, 'deviceStatus')).toMatchObject({ needsSetup: true });
    const { code } = await issueEnrollmentCode(db, { venueId: m.venue, deskId: 'R1' }, new Date());
    await shell.ok(WINDOW, 'requestEnrollment', { serverUrl: served.url, code });
    await shell.until('the enrollment and the first download', async () => {
      const status = await shell.ok<{ state: string; error?: { code: string }; download: { done: number; active: boolean } }>(WINDOW, 'enrollmentStatus');
      if (status.state === 'failed') throw new Error(`enrollment failed: ${status.error?.code ?? '?'}`);
      return status.state === 'enrolled' && status.download.done > 0 && !status.download.active;
    });
    expect(await shell.ok(WINDOW, 'deviceStatus')).toMatchObject({ needsSetup: false, venueId: m.venue, deskId: 'R1', defaultMunicipality: m.code });

    // Staff and roster came from the central service.
    await shell.ok(WINDOW, 'signIn', { login: DEMO_STAFF.reception.login, password: DEMO_STAFF.reception.password });
    expect(await shell.ok(WINDOW, 'scanTicket', { code: ticketLine(T.ok, 1, m.code) })).toMatchObject({ read: 'ticket', verdict: { code: 'OK' } });
    const checkin = await shell.ok<{ checkedIn: boolean; checkinId: string }>(WINDOW, 'checkIn', { municipality: m.code, number: T.ok });
    expect(checkin.checkedIn).toBe(true);

    // The supervisor's second step: recovery codes as set centrally (the process runs on the real clock; each code once).
    await shell.ok(OTHER_WINDOW, 'signIn', { login: DEMO_STAFF.supervisor.login, password: DEMO_STAFF.supervisor.password, code: DEMO_RECOVERY_CODES[0] });
    const lot = await shell.ok<{ id: string }>(OTHER_WINDOW, 'addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'SH0001', expiry: '2027-06-30' });
    await shell.ok(OTHER_WINDOW, 'signOut');
    await shell.ok(OTHER_WINDOW, 'signIn', { login: DEMO_STAFF.nurse.login, password: DEMO_STAFF.nurse.password });
    const dose = await shell.ok<{ id: string }>(OTHER_WINDOW, 'recordDose', { municipality: m.code, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });

    // Uploaded: the central service holds both, and the device counts them confirmed.
    await shell.until('the check-in and the dose at the central service', async () => {
      const [row] = await db.query<{ checkins: number; doses: number }>(
        `SELECT (SELECT count(*)::int FROM checkins WHERE id = $1) AS checkins, (SELECT count(*)::int FROM dose_records WHERE id = $2) AS doses`,
        [checkin.checkinId, dose.id],
      );
      return row?.checkins === 1 && row.doses === 1;
    });
    await shell.until('the outbox to empty', async () => {
      const status = await shell.ok<{ records: { pending: number; sent: number } }>(WINDOW, 'syncStatus');
      return status.records.pending + status.records.sent === 0;
    });

    // Another desk of the venue records a dose; it arrives here and the page is told.
    const other = newDevice({ name: 'N1' });
    const otherCode = await issueEnrollmentCode(db, { venueId: m.venue, deskId: 'N1' }, new Date());
    await other.enroll(served.url, otherCode.code);
    const otherLot = other.signIn('supervisor').ok('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'SH0002', expiry: '2027-06-30' });
    other.signIn('nurse').ok('recordDose', { municipality: m.code, ticketNumber: T.okSecond, doseNumber: 2, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: otherLot.id });
    const syncEventsBefore = shell.events.filter((e) => e.type === 'sync').length;
    const arrived = await shell.until('the other desk’s dose here', async () => {
      const scan = await shell.ok<{ read: string; verdict?: { code: string } }>(WINDOW, 'scanTicket', { code: ticketLine(T.okSecond, 2, m.code) });
      return scan.verdict?.code === 'ALREADY_VACCINATED';
    });
    console.log(`another desk's dose arrived in the database process after ${arrived.toFixed(0)} ms`);
    expect(shell.events.filter((e) => e.type === 'sync').length).toBeGreaterThan(syncEventsBefore);

    // Disabled centrally: the session at this desk ends.
    await setStaffDisabled(db, { municipality: m.code, login: DEMO_STAFF.reception.login, disabled: true });
    await shell.until('the disabled member’s session to end', async () => {
      const reply = await shell.call(WINDOW, 'whoAmI');
      return !reply.ok && reply.error.code === 'SESSION_ENDED';
    });
    expect(await shell.call(WINDOW, 'signIn', { login: DEMO_STAFF.reception.login, password: DEMO_STAFF.reception.password })).toMatchObject({ ok: false });
  });

  it('ends a closed window’s session, and closes in order when the app quits', async () => {
    expect(await shell.ok(OTHER_WINDOW, 'whoAmI')).toMatchObject({ staff: { login: DEMO_STAFF.nurse.login } });
    shell.send({ kind: 'window-closed', windowId: OTHER_WINDOW });
    // The same window id again is a new line with no session: the old one was signed out, not left open.
    expect(await shell.call(OTHER_WINDOW, 'whoAmI')).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    // The nurse's session was ended when the window went, as the audit log says.
    await shell.ok(WINDOW, 'signIn', { login: DEMO_STAFF.supervisor.login, password: DEMO_STAFF.supervisor.password, code: DEMO_RECOVERY_CODES[1] });
    const log = await shell.ok<{ entries: { action: string; staffName: string | null }[] }>(WINDOW, 'auditLog', { action: 'signOut' });
    expect(log.entries.filter((e) => e.staffName === DEMO_STAFF.nurse.displayName)).toHaveLength(1);

    shell.send({ kind: 'close' });
    await shell.next('closed');
    const exited = new Promise<number | null>((resolve) => shell.child.once('exit', (code) => resolve(code)));
    shell.child.kill('SIGTERM');
    await exited;
    expect(shell.stderr).not.toMatch(/internal error/);
  });
});

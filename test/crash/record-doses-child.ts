/**
 * Child process for the crash tests: the venue app as it ships (the
 * composition root, src/app) records doses as fast as it can and prints
 * "ACK <record id>" to stdout after each one is acknowledged. The parent
 * kills it with SIGKILL at a random moment.
 *
 * With CRASH_STOP_AFTER=n it first merges the log and turns the automatic
 * merge off (so what follows lives only in the -wal file), records n doses,
 * prints "HELD" and waits for the kill.
 */
import { writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { startVenueApp } from '../../src/app/venue-app';

const path = process.env.CRASH_DB;
const keyHex = process.env.CRASH_KEY;
const auditKeyHex = process.env.CRASH_AUDIT_KEY;
if (!path || !keyHex || !auditKeyHex) throw new Error('CRASH_DB, CRASH_KEY and CRASH_AUDIT_KEY are required');

const app = startVenueApp({ dataDir: dirname(path), key: Buffer.from(keyHex, 'hex'), auditKey: Buffer.from(auditKeyHex, 'hex') });
const db = app.runtime.database;
if (!db) throw new Error(`the database did not open: ${app.runtime.recoveryProblem?.code ?? '?'}`);
const connection = app.connect();
const signedIn = connection.call('signIn', { login: 'kango', password: 'kango-pass-1' });
if (!signedIn.ok) throw new Error(`sign-in failed: ${signedIn.error.code}`);
const lot = db.prepare(`SELECT id FROM lots WHERE lot_number = 'FB5678'`).get() as { id: string };
const pending = db
  .prepare(
    `SELECT t.municipality, t.number FROM tickets t
     WHERE t.number LIKE '9%' AND NOT EXISTS (SELECT 1 FROM dose_records d WHERE d.municipality = t.municipality AND d.ticket_number = t.number)
     ORDER BY t.number LIMIT 2000`,
  )
  .all() as { municipality: string; number: string }[];

const stopAfter = Number(process.env.CRASH_STOP_AFTER ?? 0);
if (stopAfter > 0) {
  // Everything so far into the database file, and no automatic merge after: the doses that
  // follow live only in the log (the app merges every 2 MiB, which these stay under anyway).
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
}

writeSync(1, 'READY\n');
for (const ticket of stopAfter > 0 ? pending.slice(0, stopAfter) : pending) {
  const reply = connection.call('recordDose', { municipality: ticket.municipality, ticketNumber: ticket.number, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot.id });
  if (!reply.ok) {
    writeSync(2, `refused: ${reply.error.code}\n`);
    process.exit(3);
  }
  writeSync(1, `ACK ${(reply.value as { id: string }).id}\n`);
}
if (stopAfter > 0) {
  writeSync(1, 'HELD\n');
  // Held open, the log unmerged, until the parent's SIGKILL.
  setInterval(() => undefined, 60_000);
} else {
  writeSync(1, 'DONE\n');
}

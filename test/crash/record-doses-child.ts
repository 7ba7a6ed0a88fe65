/**
 * Child process for the crash test: records doses as fast as it can and
 * prints "ACK <record id>" to stdout after each one is acknowledged by the
 * dispatcher. The parent kills it with SIGKILL at a random moment.
 */
import { writeSync } from 'node:fs';
import { Connection } from '../../src/api/connection';
import { operations } from '../../src/api/contract';
import { Dispatcher } from '../../src/api/dispatcher';
import { openVenueDatabase } from '../../src/store/database';

const path = process.env.CRASH_DB;
const keyHex = process.env.CRASH_KEY;
if (!path || !keyHex) throw new Error('CRASH_DB and CRASH_KEY are required');

const db = openVenueDatabase({ path, key: Buffer.from(keyHex, 'hex'), verify: false });
const connection = new Connection(new Dispatcher({ db, operations }));
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

writeSync(1, 'READY\n');
for (const ticket of pending) {
  const reply = connection.call('recordDose', { municipality: ticket.municipality, ticketNumber: ticket.number, doseNumber: 1, status: 'performed', lotId: lot.id });
  if (!reply.ok) {
    writeSync(2, `refused: ${reply.error.code}\n`);
    process.exit(3);
  }
  writeSync(1, `ACK ${(reply.value as { id: string }).id}\n`);
}
writeSync(1, 'DONE\n');

import { createHash } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import type { VenueDb } from './venue-db';
import { writeFileAtomic } from './files';

/**
 * The high-water mark of what this device has acknowledged: the newest audit
 * entry and the newest outbox row (every record made here enters the outbox
 * in its own transaction) as of the last answered call, in a small file
 * beside the database, written in place and fsynced before the answer goes
 * out. After a crash the database must hold at least that much; if it holds
 * less, part of what staff were told was saved is gone (a log cut short, a
 * file swapped for an older copy), and the database is not opened silently.
 *
 * Why a file of its own: a damaged or truncated write-ahead log takes its
 * own evidence with it, and SQLite replays what is left without a word.
 * The mark lives outside both files. It holds counters only, never records.
 */
export interface AckMark {
  /** The newest audit entry (audit_log.seq). */
  readonly audit: number;
  /** The newest outbox row (sync_outbox.seq). */
  readonly outbox: number;
}

const MAGIC = 'VACK';
const BYTES = 32;

export function ackMarkFile(databasePath: string): string {
  return `${databasePath}.ack`;
}

function encode(mark: AckMark): Buffer {
  const buffer = Buffer.alloc(BYTES);
  buffer.write(MAGIC, 0, 'ascii');
  buffer.writeUInt32LE(1, 4);
  buffer.writeBigUInt64LE(BigInt(mark.audit), 8);
  buffer.writeBigUInt64LE(BigInt(mark.outbox), 16);
  createHash('sha256').update(buffer.subarray(0, 24)).digest().copy(buffer, 24, 0, 8);
  return buffer;
}

/** The mark kept for this database; null when there is none or it cannot be read (a torn write is no evidence). */
export function readAckMark(databasePath: string): AckMark | null {
  const file = ackMarkFile(databasePath);
  if (!existsSync(file)) return null;
  try {
    const buffer = readFileSync(file);
    if (buffer.length !== BYTES || buffer.toString('ascii', 0, 4) !== MAGIC) return null;
    const check = createHash('sha256').update(buffer.subarray(0, 24)).digest().subarray(0, 8);
    if (!check.equals(buffer.subarray(24, 32))) return null;
    return { audit: Number(buffer.readBigUInt64LE(8)), outbox: Number(buffer.readBigUInt64LE(16)) };
  } catch {
    return null;
  }
}

/** The counters as the database holds them now. */
export function markOf(db: VenueDb): AckMark {
  const max = (table: string) => {
    const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table);
    return exists ? ((db.prepare(`SELECT max(seq) AS n FROM ${table}`).get() as { n: number | null }).n ?? 0) : 0;
  };
  return { audit: max('audit_log'), outbox: max('sync_outbox') };
}

/** Whether the database holds less than the mark: which counter fell short, or null. */
export function shortOf(held: AckMark, mark: AckMark | null): { readonly held: AckMark; readonly mark: AckMark } | null {
  if (!mark) return null;
  return held.audit < mark.audit || held.outbox < mark.outbox ? { held, mark } : null;
}

/** Forgets the mark (a supervisor restored a backup: from now on that is what this device holds). */
export function clearAckMark(databasePath: string): void {
  rmSync(ackMarkFile(databasePath), { force: true });
}

/**
 * Keeps the mark up to date for an open database; cheap when nothing new was
 * acknowledged. Never throws: a mark that cannot be written (a full disk) is
 * reported and the call's answer goes out all the same.
 */
export class AckMarkKeeper {
  private fd: number | null = null;
  private last: AckMark;

  constructor(
    private readonly db: VenueDb,
    private readonly databasePath: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.last = readAckMark(databasePath) ?? { audit: -1, outbox: -1 };
    this.note();
  }

  /** After a call was answered: moves the mark up to what the database now holds (written and synced). */
  note(): void {
    if (!this.db.open) return;
    try {
      const now = markOf(this.db);
      if (now.audit <= this.last.audit && now.outbox <= this.last.outbox) return;
      const next = { audit: Math.max(now.audit, this.last.audit), outbox: Math.max(now.outbox, this.last.outbox) };
      const file = ackMarkFile(this.databasePath);
      if (this.fd === null && !existsSync(file)) {
        // Made whole (and its folder synced) once; from then on 32 bytes are written over in place.
        writeFileAtomic(file, encode(next));
      } else {
        this.fd ??= openSync(file, 'r+');
        writeSync(this.fd, encode(next), 0, BYTES, 0);
        fdatasyncSync(this.fd);
      }
      this.last = next;
    } catch (error) {
      this.onError(error);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

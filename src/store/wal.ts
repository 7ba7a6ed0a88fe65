import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads a SQLite write-ahead log (the `-wal` file) the way SQLite's own
 * recovery does, without SQLite: header, salts and the cumulative checksums of
 * its frames. SQLite replays frames up to the first one that does not check
 * out and silently ignores the rest; when committed frames follow that one,
 * the rest is acknowledged data that would be lost. This module says so
 * before SQLite is ever given the file.
 *
 * SQLite3 Multiple Ciphers encrypts only the page images: the 32-byte WAL
 * header and each frame's 24-byte header are plain, and the checksums are
 * taken over the encrypted page (measured: a WAL written by the app shows the
 * magic, the page size and the salts in the clear, and no plaintext of the
 * records). So the walk needs no key.
 *
 * Format (sqlite.org/fileformat2.html#walformat): header = magic (0x377f0682:
 * checksums over little-endian words, 0x377f0683: big-endian), version
 * 3007000, page size, checkpoint sequence, salt-1, salt-2, checksum-1,
 * checksum-2 of the first 24 bytes. Frame = page number, database size in
 * pages after a commit (0 for other frames), salt-1, salt-2, checksum-1,
 * checksum-2 over the first 8 bytes of the frame header and the page, carried
 * on from the previous frame (the header's checksum for the first).
 */
export const WAL_HEADER_BYTES = 32;
export const WAL_FRAME_HEADER_BYTES = 24;
const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;
const WAL_VERSION = 3007000;
/** The page size every database of the app uses (database.ts; not imported, to keep this module free of the driver). */
const APP_PAGE_SIZE = 8192;

export type WalDamage =
  /** Shorter than its own header, but not empty. */
  | 'cut-header'
  /** Not a WAL header, or its checksum (which covers the salts) is wrong while frames follow. */
  | 'header'
  /** A frame that does not check out, with committed frames of the same log after it. */
  | 'frame';

export interface WalReport {
  /** Whole frames in the file (valid or not). */
  readonly frames: number;
  /** Frames SQLite will replay: up to and including the last commit frame before the first bad one. */
  readonly replayable: number;
  /** Commit frames among them: transactions SQLite will replay. */
  readonly commits: number;
  /** Why the log would lose data that was committed to it, or null. */
  readonly damage: { readonly kind: WalDamage; readonly frame: number; readonly committedAfter: number } | null;
}

const CLEAN: WalReport = { frames: 0, replayable: 0, commits: 0, damage: null };

/** SQLite's WAL checksum: s1 += x0 + s2; s2 += x1 + s1 over pairs of 32-bit words, mod 2^32. */
function checksum(data: Buffer, bigEndian: boolean, s1: number, s2: number): [number, number] {
  let a = s1;
  let b = s2;
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    a = (a + x0 + b) >>> 0;
    b = (b + x1 + a) >>> 0;
  }
  return [a, b];
}

/**
 * Walks the log next to a database file. A missing or empty log is clean.
 * Reads only: the file is opened read-only and never changed.
 */
export function inspectWal(databasePath: string): WalReport {
  const path = `${databasePath}-wal`;
  if (!existsSync(path)) return CLEAN;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return CLEAN;
    if (size < WAL_HEADER_BYTES) return { ...CLEAN, damage: { kind: 'cut-header', frame: 0, committedAfter: 0 } };
    const header = Buffer.alloc(WAL_HEADER_BYTES);
    readSync(fd, header, 0, WAL_HEADER_BYTES, 0);
    const magic = header.readUInt32BE(0);
    const pageSize = header.readUInt32BE(8);
    const pageSizeOk = pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0;
    // With a header that cannot be trusted, frames are counted at the app's page size.
    const frameBytes = WAL_FRAME_HEADER_BYTES + (pageSizeOk ? pageSize : APP_PAGE_SIZE);
    const frames = Math.floor((size - WAL_HEADER_BYTES) / frameBytes);
    const bigEndian = magic === MAGIC_BE;
    const [h1, h2] = checksum(header.subarray(0, 24), bigEndian, 0, 0);
    const headerOk =
      (magic === MAGIC_LE || magic === MAGIC_BE) &&
      header.readUInt32BE(4) === WAL_VERSION &&
      pageSizeOk &&
      header.readUInt32BE(24) === h1 &&
      header.readUInt32BE(28) === h2;
    if (!headerOk) {
      // SQLite ignores a log whose header does not check out, frames and all: damage when any of them committed.
      const committedAfter = countCommits(fd, frames, frameBytes, null);
      return { frames, replayable: 0, commits: 0, damage: committedAfter > 0 ? { kind: 'header', frame: 0, committedAfter } : null };
    }
    const salt1 = header.readUInt32BE(16);
    const salt2 = header.readUInt32BE(20);
    let [s1, s2] = [h1, h2];
    const frame = Buffer.alloc(frameBytes);
    let replayable = 0;
    let commits = 0;
    let index = 0;
    for (; index < frames; index++) {
      readSync(fd, frame, 0, frameBytes, WAL_HEADER_BYTES + index * frameBytes);
      if (frame.readUInt32BE(8) !== salt1 || frame.readUInt32BE(12) !== salt2 || frame.readUInt32BE(0) === 0) break;
      [s1, s2] = checksum(frame.subarray(0, 8), bigEndian, s1, s2);
      [s1, s2] = checksum(frame.subarray(WAL_FRAME_HEADER_BYTES), bigEndian, s1, s2);
      if (frame.readUInt32BE(16) !== s1 || frame.readUInt32BE(20) !== s2) break;
      if (frame.readUInt32BE(4) !== 0) {
        commits += 1;
        replayable = index + 1;
      }
    }
    if (index >= frames) return { frames, replayable, commits, damage: null };
    // Frames of this log (its salts) that commit after the one that broke the chain: data that was
    // committed, hence acknowledged. A torn tail (a crash while an uncommitted transaction was being
    // written) has none, and is what SQLite is right to drop. Frames of an earlier log (other salts)
    // are leftovers SQLite overwrites; they do not count.
    const committedAfter = countCommits(fd, frames, frameBytes, { salt1, salt2, from: index + 1 });
    return { frames, replayable, commits, damage: committedAfter > 0 ? { kind: 'frame', frame: index, committedAfter } : null };
  } finally {
    closeSync(fd);
  }
}

/** Commit frames from a frame on, of this log's salts (or of any salts, when the header cannot say which). */
function countCommits(fd: number, frames: number, frameBytes: number, of: { salt1: number; salt2: number; from: number } | null): number {
  const head = Buffer.alloc(WAL_FRAME_HEADER_BYTES);
  let committed = 0;
  for (let index = of?.from ?? 0; index < frames; index++) {
    readSync(fd, head, 0, WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES + index * frameBytes);
    if (of && (head.readUInt32BE(8) !== of.salt1 || head.readUInt32BE(12) !== of.salt2)) continue;
    if (head.readUInt32BE(4) !== 0 && head.readUInt32BE(0) !== 0) committed += 1;
  }
  return committed;
}

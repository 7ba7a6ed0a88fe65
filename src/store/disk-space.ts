import { closeSync, existsSync, fsyncSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { text, type StaffText } from '../common/messages';

/**
 * Disk space for the venue's data folder: how much is free, whether an
 * error means the disk is full, and a reserve file that keeps a little
 * space back for the moment it is.
 *
 * Why a reserve: when the disk fills, SQLite refuses every commit, and every
 * call the app answers commits something (a session, an audit entry). The
 * reserve is given back at once then, so signing in and out and the audit
 * entries of reads still fit while staff free space; it is made again once
 * there is room.
 */
export const RESERVE_FILE = 'space-reserve';

/** Below this much free space supervisors are warned on screen. */
export const LOW_SPACE_BYTES = 500 * 1024 * 1024;
/** Kept back for sign-in, sign-out and audit entries when the disk fills. */
export const RESERVE_BYTES = 16 * 1024 * 1024;

export const DISK_FULL = text(
  'ディスクがいっぱいです。この操作は保存されていません。ログイン・ログアウトと画面の表示は使えます。管理者は不要なファイルを削除するか、端末の担当者に連絡して空きを作ってから、もう一度操作してください。',
  'The disk is full: this was not saved. Signing in and out and reading the screens still work. A supervisor must free space (delete files that are not needed, or call IT), then try again.',
);

export function diskNeeds(what: StaffText, neededBytes: number, freeBytes: number): StaffText {
  const mb = (bytes: number) => Math.ceil(bytes / (1024 * 1024));
  return text(
    `ディスクの空きが足りないため${what.ja}を行いません（約${mb(neededBytes)} MB必要、空き${mb(freeBytes)} MB）。何も変更していません。不要なファイルを削除して空きを作ってください。`,
    `Not enough free disk space for ${what.en} (about ${mb(neededBytes)} MB needed, ${mb(freeBytes)} MB free). Nothing was changed. Free space by deleting files that are not needed.`,
  );
}

/** SQLite's "database or disk is full", or the file system's ENOSPC / EDQUOT, anywhere in the cause chain. */
export function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = 'code' in e ? String((e as { code: unknown }).code) : '';
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}

/** Free bytes for this user in the file system holding the folder. */
export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

export interface DiskView {
  readonly freeBytes: number;
  /** Under the low-space threshold: supervisors are warned. */
  readonly low: boolean;
  /** A write failed for lack of space and has not had room since: records are refused, sign-in and reads go on. */
  readonly full: boolean;
}

/**
 * The disk state of one data folder. `full` starts when a write fails for
 * lack of space (the reserve is given back then) and ends when `check()`
 * finds room for the reserve again (which it then makes again).
 */
export class DiskSpace {
  private isFull = false;

  constructor(
    readonly dir: string,
    readonly options: { readonly lowBytes?: number; readonly reserveBytes?: number } = {},
  ) {}

  get reserveBytes(): number {
    return this.options.reserveBytes ?? RESERVE_BYTES;
  }

  get full(): boolean {
    return this.isFull;
  }

  free(): number {
    try {
      return freeBytes(this.dir);
    } catch {
      return Number.MAX_SAFE_INTEGER;
    }
  }

  view(): DiskView {
    const free = this.free();
    return { freeBytes: free, low: this.isFull || free < (this.options.lowBytes ?? LOW_SPACE_BYTES), full: this.isFull };
  }

  /** A write failed for lack of space: gives the reserve back (room for sign-ins and audit entries). */
  noteFull(): void {
    this.isFull = true;
    rmSync(join(this.dir, RESERVE_FILE), { force: true });
  }

  /**
   * Looks at the free space: makes the reserve when there is room for it (and
   * as much again), which ends the full state. Returns whether the state changed.
   */
  check(): boolean {
    const wasFull = this.isFull;
    const reserve = join(this.dir, RESERVE_FILE);
    const have = existsSync(reserve) ? statSync(reserve).size : 0;
    if (have < this.reserveBytes && this.free() >= 2 * (this.reserveBytes - have)) {
      try {
        writeReserve(reserve, this.reserveBytes);
      } catch {
        rmSync(reserve, { force: true });
        return false;
      }
    }
    if (this.isFull && existsSync(reserve) && statSync(reserve).size >= this.reserveBytes) this.isFull = false;
    return wasFull !== this.isFull;
  }
}

/** Real blocks (zeros written, not a sparse file), synced. */
function writeReserve(file: string, bytes: number): void {
  const fd = openSync(file, 'w', 0o600);
  try {
    const chunk = Buffer.alloc(Math.min(bytes, 1024 * 1024));
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

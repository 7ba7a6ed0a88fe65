/** Filling a small file system on purpose, for the full-disk tests. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Fills the file system holding `dir` with a file of its own (filler.bin)
 * until it takes no more, in smaller and smaller pieces so the last bytes go
 * too; returns the file's path (remove it to free the room).
 */
export function fillDisk(dir: string): string {
  const filler = join(dir, 'filler.bin');
  const fd = openSync(filler, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch {
        // ENOSPC: on to smaller pieces.
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

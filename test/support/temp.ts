import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openVenueDatabase, type VenueDb } from '../../src/store/database';

/** A fresh folder under the OS temp dir, removed after the test. */
export function useTempDir(prefix = 'venue-test-'): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

export interface TestDatabase {
  db: VenueDb;
  path: string;
  key: Buffer;
}

/** A real encrypted database in a temp folder, closed after the test. */
export function useTestDatabase(): () => TestDatabase {
  const newDir = useTempDir('venue-db-');
  const open: VenueDb[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
  });
  return () => {
    const path = join(newDir(), 'venue.db');
    const key = randomBytes(32);
    const db = openVenueDatabase({ path, key });
    open.push(db);
    return { db, path, key };
  };
}

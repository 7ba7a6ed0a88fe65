import { createHash } from 'node:crypto';
import type { VenueDb } from '../../src/store/database';

/** Everything in the database, as one hash: a test compares it before and after to prove nothing was written. */
export function databaseSnapshot(db: VenueDb): string {
  const hash = createHash('sha256');
  const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
  for (const { name } of tables) {
    const rows = (db.prepare(`SELECT * FROM "${name}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
    hash.update(name).update(rows.join('\n'));
  }
  return hash.digest('hex');
}

import { m001Initial } from './001-initial';
import { m003WalkIns } from './003-walk-ins';
import { m004Day } from './004-day';

export interface Migration {
  /** Recorded in PRAGMA user_version once applied; strictly increasing. */
  readonly version: number;
  readonly name: string;
  /** Runs in one transaction together with the user_version bump. */
  readonly sql: string;
}

/** Every migration the app knows, oldest first. Append only: never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  m001Initial,
  m003WalkIns,
  m004Day,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** One schema step (a leaf: each migration file and the list in index.ts import it). */
export interface Migration {
  /** Recorded in PRAGMA user_version once applied; strictly increasing. */
  readonly version: number;
  readonly name: string;
  /** Runs in one transaction together with the user_version bump. */
  readonly sql: string;
}

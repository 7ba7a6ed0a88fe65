/**
 * The central database: PostgreSQL through `pg`, or PGlite (PostgreSQL in
 * WebAssembly, in-process) as the embedded default when no database URL is
 * given. Both run the same SQL, so everything above this file is written
 * once. Query parameters are $1, $2, …; bigint comes back as a JS number.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface CentralDb extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls back on NOTIFY to the channel, from any connection (the admin CLI's
   * too, or another process's). Resolves once listening; if the connection is
   * lost later it is made again, with backoff, for as long as it takes:
   * onState(false) when notices may be missed, onState(true) when they are
   * heard again (anything may have changed in between).
   */
  listen(channel: string, onPayload: (payload: string) => void, onState?: (listening: boolean) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Statements run so often that parsing and planning them each time costs
 * PostgreSQL more than running them: a single-dose upload took 0.7 ms of
 * planning against 0.2 ms of execution (pg_stat_statements with
 * track_planning). A text passed through `prepared()` is prepared once on
 * each PostgreSQL connection (a named statement), and PostgreSQL may keep a
 * generic plan for it (see FEW_ITEMS). Mark only statements whose best plan
 * does not hang on their parameters' values beyond their number: lookups by
 * key, arrays of ids. Texts built from parts count each shape once; beyond
 * MAX_PREPARED shapes the rest run unprepared, so a connection never holds
 * more. PGlite runs them as they are.
 */
const MAX_PREPARED = 64;
const preparedNames = new Map<string, string>();

export function prepared(sql: string): string {
  if (!preparedNames.has(sql) && preparedNames.size < MAX_PREPARED) preparedNames.set(sql, `venue_${preparedNames.size + 1}`);
  return sql;
}

/**
 * A kept plan is made for the few rows a statement usually has (one dose),
 * and a plan good for one row can be ruinous for two hundred (measured: 200-
 * dose uploads took 350 ms each instead of 22 under the kept plan). So a
 * statement goes by its name only while every array among its parameters
 * holds at most FEW_ITEMS; a larger batch is planned for itself, which costs
 * little beside its execution.
 */
export const FEW_ITEMS = 8;

/** The statement name to run a text under with these parameters: set if it was marked and its arrays are small. */
export function preparedName(sql: string, params: readonly unknown[]): string | undefined {
  if (params.some((p) => Array.isArray(p) && p.length > FEW_ITEMS)) return undefined;
  return preparedNames.get(sql);
}

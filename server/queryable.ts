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
 * Statements run so often that sending, parsing and analysing their text each
 * time is worth saving: an upload's. A text passed through `prepared()` is
 * prepared once on each PostgreSQL connection (a named statement) and then
 * only bound and run. Every run is still planned for its own parameters
 * (openPostgres sets plan_cache_mode to force_custom_plan): a plan PostgreSQL
 * kept for a statement was made for the tables and rows it saw then, and one
 * kept from single doses on a fresh database made the clash check take 45 ms
 * a call instead of under 1, and 200-dose uploads 350 ms instead of 22, as
 * the tables grew. Texts built from parts count each shape once; beyond
 * MAX_PREPARED shapes the rest run unprepared, so a connection never holds
 * more. PGlite runs them as they are.
 */
const MAX_PREPARED = 64;
const preparedNames = new Map<string, string>();

export function prepared(sql: string): string {
  if (!preparedNames.has(sql) && preparedNames.size < MAX_PREPARED) preparedNames.set(sql, `venue_${preparedNames.size + 1}`);
  return sql;
}

/** The statement name a text was prepared under, if it was marked. */
export function preparedName(sql: string): string | undefined {
  return preparedNames.get(sql);
}

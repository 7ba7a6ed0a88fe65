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

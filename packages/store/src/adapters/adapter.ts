/**
 * The SQLite driver seam. All store logic talks to SQLite only through these
 * synchronous interfaces, so the same store runs on better-sqlite3 (Node), WASM SQLite
 * (browser) or an in-memory database. Drivers never see events or tables.
 */

/**
 * A prepared statement with positional (`?`) parameters.
 * @example
 * const rows = driver.prepare('SELECT * FROM todos WHERE done = ?').all([0])
 */
export interface PreparedStatement {
  run(params?: readonly unknown[]): { changes: number }
  all(params?: readonly unknown[]): Record<string, unknown>[]
  get(params?: readonly unknown[]): Record<string, unknown> | undefined
}

/**
 * What a driver reports when it had to recover while opening.
 * @example
 * if (store.boot.recovery) console.warn('state rebuilt; damaged file kept at', store.boot.recovery.movedTo)
 */
export interface DriverRecovery {
  /** Only the state database was damaged; the log is intact, state will be rebuilt. */
  readonly reason: 'state-corrupt'
  /** The damaged file. */
  readonly file: string
  /** Where the damaged file was kept. */
  readonly movedTo: string
  /** The SQLite error text. */
  readonly error: string
}

/**
 * One open SQLite connection.
 * @example
 * const driver = await memoryAdapter().open({ storeId: 's' })
 * driver.exec('CREATE TABLE t (x)')
 * driver.prepare('INSERT INTO t VALUES (?)').run([1])
 */
export interface SqliteDriver {
  /** Run DDL / several statements. */
  exec(sql: string): void
  /** Prepare a statement (the store caches them). */
  prepare(sql: string): PreparedStatement
  /** BEGIN IMMEDIATE … COMMIT, ROLLBACK on throw. */
  transaction<T>(fn: () => T): T
  close(): void
  /** `'better-sqlite3' | 'wasm' | 'memory' | …` */
  readonly kind: string
  /**
   * The schema name that holds the event log. A driver that keeps the log in a separate
   * file ATTACHes it as `log`; default `'main'` (log and state in one database).
   */
  readonly logSchema?: string
  /** Set when the driver recovered from a damaged state file while opening. */
  readonly recovery?: DriverRecovery
  /** File path or URL, for devtools and error messages. */
  readonly location?: string
  /**
   * Optional: make every committed transaction survive a power cut before returning (a
   * driver that commits with relaxed syncing, such as WAL with `synchronous=NORMAL`).
   * The store calls it only on rare paths whose loss after a push would duplicate
   * events on the server: after it renumbered pending events (decision 0065).
   */
  durableNow?(): void
}

/**
 * Opens drivers for stores. Node: `nodeAdapter()` / `memoryAdapter()` from
 * `@strata/store/node`; browser: `browserAdapter()` from `@strata/store/browser`.
 * @example
 * const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'app' })
 */
export interface StoreAdapter {
  open(opts: { readonly storeId: string }): SqliteDriver | Promise<SqliteDriver>
}

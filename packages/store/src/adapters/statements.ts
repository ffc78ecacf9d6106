/**
 * Prepared-statement cache. Every SQL text the store runs is prepared once per
 * connection; hot paths (commit, by-id reads) never re-parse SQL.
 */
import type { PreparedStatement, SqliteDriver } from './adapter.js'

/**
 * Cache of prepared statements keyed by SQL text.
 * @example
 * const stmts = new StatementCache(driver)
 * stmts.get('SELECT 1 AS x').get()
 */
export class StatementCache {
  readonly #driver: SqliteDriver
  readonly #cache = new Map<string, PreparedStatement>()

  /** @param driver the connection */
  constructor(driver: SqliteDriver) {
    this.#driver = driver
  }

  /** @param sql SQL text @returns the cached prepared statement */
  get(sql: string): PreparedStatement {
    let s = this.#cache.get(sql)
    if (s === undefined) {
      s = this.#driver.prepare(sql)
      this.#cache.set(sql, s)
    }
    return s
  }

  /** Drop every cached statement (after DDL changes). */
  clear(): void {
    this.#cache.clear()
  }

  /** Number of cached statements. */
  get size(): number {
    return this.#cache.size
  }
}

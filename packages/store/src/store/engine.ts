/**
 * The store engine: one SQLite connection with its statement cache, the event log, the
 * state metadata and the materializer runner. Everything that changes state goes
 * through here; the public `Store` adds validation, notification and API shape.
 *
 * State metadata (`main.__strata_state`): `hash` (DDL hash of the tables), `applied`
 * (highest log id reflected), `epoch` (log epoch reflected), `rebuilding` (1 while a
 * rebuild runs — left behind by an interrupted rebuild, which boot then redoes).
 */
import type { PreparedStatement, SqliteDriver } from '../adapters/adapter.js'
import { StatementCache } from '../adapters/statements.js'
import { NotLeaderError } from '../browser/errors.js'
import { MaterializerError, QueryError, SchemaError } from '../errors.js'
import type { AnyMaterializer } from '../materializers/define.js'
import { Writer } from '../materializers/writer.js'
import type { CompiledQuery } from '../query/query.js'
import type { StoreSchema } from '../schema/make-schema.js'
import type { Table } from '../tables/table.js'
import { EventLog } from './log.js'

/** @internal */
export class Engine {
  readonly driver: SqliteDriver
  readonly stmts: StatementCache
  readonly writer: Writer
  readonly log: EventLog
  readonly schema: StoreSchema
  readonly #setApplied: PreparedStatement
  /** Highest log id (in memory, authoritative while open). */
  maxId = 0
  /** Open transaction depth: 0 none, 1 BEGIN, >1 savepoints. */
  depth = 0
  /** Materializers running (a store write from one of them is refused). */
  materializing = 0
  /** Set by `Store.close()` before the driver closes (lazy readers check it). */
  closed = false

  constructor(driver: SqliteDriver, schema: StoreSchema) {
    this.driver = driver
    this.schema = schema
    this.stmts = new StatementCache(driver)
    this.log = new EventLog(driver, this.stmts)
    driver.exec('CREATE TABLE IF NOT EXISTS main.__strata_state (key TEXT PRIMARY KEY, value) WITHOUT ROWID')
    this.#setApplied = this.stmts.get(
      `INSERT OR REPLACE INTO main.__strata_state (key, value) VALUES ('applied', ?)`,
    )
    this.writer = new Writer(this.stmts, {
      table: (name: string): Table => {
        const t = schema.tablesByName.get(name)
        if (!t) throw new SchemaError(`Unknown table "${name}"`)
        return t
      },
    })
  }

  /** Read a state meta value. */
  stateMeta(key: string): unknown {
    return this.stmts.get('SELECT value FROM main.__strata_state WHERE key = ?').get([key])?.value
  }

  /** Write a state meta value. */
  setStateMeta(key: string, value: unknown): void {
    this.stmts.get('INSERT OR REPLACE INTO main.__strata_state (key, value) VALUES (?, ?)').run([key, value])
  }

  /** Record that state reflects the log up to `id` (same transaction as the writes). */
  setApplied(id: number): void {
    this.#setApplied.run([id])
  }

  /**
   * Run the materializer of `name`; wraps any throw in MaterializerError, except a
   * NotLeaderError from the driver: that is not the materializer's fault, and the caller
   * of `commit` in a read-replica tab must be able to catch it as such.
   */
  materialize(name: string, args: unknown): void {
    const fn = this.schema.materializers.get(name) as
      | ((a: unknown, db: Writer) => void)
      | AnyMaterializer
      | undefined
    if (fn === undefined) throw new MaterializerError(name, new Error('no materializer'))
    this.materializing++
    try {
      const r: unknown = (fn as (a: unknown, db: Writer) => unknown)(args, this.writer)
      // An async materializer would write outside the commit's transaction.
      if (typeof (r as { then?: unknown } | undefined)?.then === 'function')
        throw new Error('materializers must be synchronous (it returned a promise)')
    } catch (e) {
      throw e instanceof MaterializerError || e instanceof NotLeaderError ? e : new MaterializerError(name, e)
    } finally {
      this.materializing--
    }
  }

  /** Run a compiled query. */
  run<R>(q: CompiledQuery<R>): R {
    let rows: Record<string, unknown>[]
    try {
      rows = this.stmts.get(q.sql).all(q.params)
    } catch (e) {
      throw new QueryError(`Query failed: ${e instanceof Error ? e.message : String(e)} — SQL: ${q.sql}`, {
        cause: e,
      })
    }
    return q.decode(rows)
  }

  /** Begin a transaction, or a savepoint when one is open. */
  begin(): void {
    this.stmts.get(this.depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT s${this.depth}`).run()
    this.depth++
  }

  /** Commit the innermost transaction level. */
  commit(): void {
    this.depth--
    this.stmts.get(this.depth === 0 ? 'COMMIT' : `RELEASE s${this.depth}`).run()
  }

  /** Roll back the innermost transaction level. */
  rollback(): void {
    this.depth--
    if (this.depth === 0) this.stmts.get('ROLLBACK').run()
    else {
      this.stmts.get(`ROLLBACK TO s${this.depth}`).run()
      this.stmts.get(`RELEASE s${this.depth}`).run()
    }
  }

  /** Run `fn` in a transaction level. */
  tx<T>(fn: () => T): T {
    this.begin()
    let r: T
    try {
      r = fn()
    } catch (e) {
      this.rollback()
      throw e
    }
    this.commit()
    return r
  }

  /** User tables present in the state database (excluding internal ones). */
  existingUserTables(): string[] {
    return (
      this.stmts
        .get(
          `SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_strata%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'`,
        )
        .all() as { name: string }[]
    ).map((r) => r.name)
  }
}

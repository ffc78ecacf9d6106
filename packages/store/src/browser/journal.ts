/**
 * The journaled driver: a `SqliteDriver` over an in-memory engine that records the write
 * statements of every committed transaction as a `JournalRecord`. Reads and writes stay
 * synchronous (the store's seam); the records go to a persister that makes them durable
 * asynchronously. Replaying records in order onto the last snapshot rebuilds the database
 * exactly, because the store's SQL is deterministic (no random()/now() in statements —
 * ids and timestamps come in event payloads).
 *
 * Glossary: "head" = seq of the last committed record; "op" = one captured write.
 */
import type { PreparedStatement, SqliteDriver } from '../adapters/adapter.js'
import type { JournalOp, JournalRecord } from './codec.js'
import type { EngineStatement, MemoryEngine } from './engine.js'

/**
 * Options of a journaled driver.
 * @example
 * const options: JournaledDriverOptions = { onRecord: (r) => persister.enqueue(r), head: 0 }
 */
export interface JournaledDriverOptions {
  /** Called synchronously after each committed transaction that wrote something. */
  readonly onRecord?: (record: JournalRecord) => void
  /** Called after each record made elsewhere was applied (boot replay, the leader tab). */
  readonly onApplied?: (record: JournalRecord) => void
  /**
   * Called inside each transaction this driver journals, just before it commits: writes
   * made here belong to the same record (the ids of forwarded commits, commit-ids.ts).
   */
  readonly beforeCommit?: () => void
  /** Throw this instead of writing (read replicas); `undefined` = writes allowed. */
  readonly refuseWrite?: (sql: string) => Error | undefined
  /** The head to continue numbering from (the loaded state's last record). */
  readonly head?: number
  /** Storage location, shown by devtools and errors. */
  readonly location?: string
}

const copyParam = (v: unknown): unknown => (v instanceof Uint8Array ? v.slice() : v)

/**
 * A synchronous SQLite driver that journals its writes.
 * @example
 * const driver = new JournaledDriver(openWasmEngine(await loadSqliteWasm()), {
 *   onRecord: (r) => persister.enqueue(r),
 * })
 * driver.transaction(() => driver.prepare('INSERT INTO t VALUES (?)').run([1]))
 */
export class JournaledDriver implements SqliteDriver {
  readonly kind: string
  readonly location?: string
  readonly #engine: MemoryEngine
  readonly #options: JournaledDriverOptions
  #head: number
  /** Captured writes of the open transaction (`undefined` = autocommit). */
  #ops: JournalOp[] | undefined
  /** Open savepoints, innermost last; `opensTx` = a SAVEPOINT that began the transaction. */
  #marks: { name: string; length: number; opensTx: boolean }[] = []
  #savepoints = 0
  #replaying = false
  #closed = false
  readonly #replayStatements = new Map<string, EngineStatement>()

  /**
   * @param engine the in-memory database
   * @param options record sink, write refusal, starting head
   */
  constructor(engine: MemoryEngine, options: JournaledDriverOptions = {}) {
    this.#engine = engine
    this.#options = options
    this.#head = options.head ?? 0
    this.kind = engine.kind
    if (options.location !== undefined) this.location = options.location
  }

  /** Seq of the last committed record. */
  get head(): number {
    return this.#head
  }

  /** The engine underneath (snapshots serialize it). */
  get engine(): MemoryEngine {
    return this.#engine
  }

  /** True while a transaction is open (a snapshot must not be taken then). */
  get inTransaction(): boolean {
    return this.#ops !== undefined
  }

  /** @param sql statements to run; journaled as one op (transaction control is tracked, not journaled) */
  exec(sql: string): void {
    const control = parseControl(sql)
    if (control !== undefined) {
      this.#control(control, () => this.#engine.exec(sql))
      return
    }
    this.#write(sql, undefined, () => this.#engine.exec(sql))
  }

  /** @param sql one statement @returns a statement whose writes are journaled */
  prepare(sql: string): PreparedStatement {
    const control = parseControl(sql)
    const stmt = this.#engine.prepare(sql)
    if (control !== undefined) {
      // The store drives transactions with prepared BEGIN/COMMIT/SAVEPOINT statements.
      return {
        run: (params) => this.#control(control, () => stmt.run(params)),
        all: (params) => this.#control(control, () => stmt.all(params)),
        get: (params) => this.#control(control, () => stmt.get(params)),
      }
    }
    if (stmt.readonly) return stmt
    return journaledStatement(this, sql, stmt)
  }

  /**
   * Run `fn` in one transaction (nested calls become savepoints); its writes form one record.
   * @param fn the transaction body
   * @returns what `fn` returns
   */
  transaction<T>(fn: () => T): T {
    if (this.#ops !== undefined) {
      const name = `strata_sp_${++this.#savepoints}`
      this.exec(`SAVEPOINT ${name}`)
      try {
        const result = fn()
        this.exec(`RELEASE ${name}`)
        return result
      } catch (e) {
        this.exec(`ROLLBACK TO ${name}`)
        this.exec(`RELEASE ${name}`)
        throw e
      }
    }
    this.exec('BEGIN IMMEDIATE')
    try {
      const result = fn()
      this.exec('COMMIT')
      return result
    } catch (e) {
      if (this.#ops !== undefined) this.exec('ROLLBACK')
      throw e
    }
  }

  /** Run a transaction-control statement: `beforeCommit` first when it commits, then track it. */
  #control<T>(control: Control, run: () => T): T {
    if (this.#ops !== undefined && !this.#replaying && this.#commits(control)) this.#options.beforeCommit?.()
    const result = run()
    this.#track(control)
    return result
  }

  /** Whether `control` ends the open transaction with a commit. */
  #commits(control: Control): boolean {
    if (control.kind === 'commit') return true
    if (control.kind !== 'release') return false
    const i = this.#findMark(control.name)
    return i >= 0 && this.#marks[i]!.opensTx
  }

  #track(control: Control): void {
    if (this.#replaying) return
    switch (control.kind) {
      case 'begin':
        this.#ops = []
        this.#marks = []
        return
      case 'commit': {
        const ops = this.#ops ?? []
        this.#ops = undefined
        this.#marks = []
        this.#emit(ops)
        return
      }
      case 'rollback':
        this.#ops = undefined
        this.#marks = []
        return
      case 'savepoint': {
        const opensTx = this.#ops === undefined
        if (opensTx) this.#ops = []
        this.#marks.push({ name: control.name, length: this.#ops?.length ?? 0, opensTx })
        return
      }
      case 'release': {
        const i = this.#findMark(control.name)
        if (i < 0) return
        const opensTx = this.#marks[i]!.opensTx
        this.#marks.length = i
        if (opensTx) this.#track({ kind: 'commit' })
        return
      }
      case 'rollback-to': {
        const i = this.#findMark(control.name)
        if (i < 0 || this.#ops === undefined) return
        this.#ops.length = this.#marks[i]!.length
        this.#marks.length = i + 1
        return
      }
    }
  }

  #findMark(name: string): number {
    for (let i = this.#marks.length - 1; i >= 0; i--)
      if (this.#marks[i]!.name.toLowerCase() === name.toLowerCase()) return i
    return -1
  }

  /** @internal used by journaled statements */
  write<T>(sql: string, params: readonly unknown[] | undefined, run: () => T): T {
    return this.#write(sql, params, run)
  }

  #write<T>(sql: string, params: readonly unknown[] | undefined, run: () => T): T {
    if (this.#replaying) return run()
    const refusal = this.#options.refuseWrite?.(sql)
    if (refusal !== undefined) return this.#probe(run, refusal)
    // exec() of DDL such as CREATE TABLE IF NOT EXISTS usually changes nothing on reopen:
    // such statements are not journaled (the store runs them at every boot).
    const before = params === undefined ? this.#engine.changeStamp() : undefined
    const result = run()
    if (before !== undefined && this.#engine.changeStamp() === before) return result
    const op: JournalOp = params === undefined ? { sql } : { sql, params: params.map(copyParam) }
    if (this.#ops !== undefined) this.#ops.push(op)
    else this.#emit([op]) // autocommit: its own record
    return result
  }

  /** A replica may run a write only if it changes nothing (e.g. the store's boot DDL). */
  #probe<T>(run: () => T, refusal: Error): T {
    this.#engine.exec('SAVEPOINT strata_probe')
    const before = this.#engine.changeStamp()
    let result: T
    try {
      result = run()
    } catch (e) {
      this.#engine.exec('ROLLBACK TO strata_probe')
      this.#engine.exec('RELEASE strata_probe')
      throw e
    }
    if (this.#engine.changeStamp() !== before) {
      this.#engine.exec('ROLLBACK TO strata_probe')
      this.#engine.exec('RELEASE strata_probe')
      throw refusal
    }
    this.#engine.exec('RELEASE strata_probe')
    return result
  }

  #emit(ops: JournalOp[]): void {
    if (ops.length === 0) return
    this.#head++
    this.#options.onRecord?.({ seq: this.#head, ops })
  }

  /**
   * Apply records made elsewhere (boot replay, the leader tab) without journaling them again.
   * @param records consecutive records starting at `head + 1`
   */
  apply(records: readonly JournalRecord[]): void {
    this.#replaying = true
    try {
      for (const record of records) {
        if (record.seq !== this.#head + 1) {
          throw new Error(`journal record ${record.seq} does not follow head ${this.#head}`)
        }
        this.#engine.exec('BEGIN IMMEDIATE')
        try {
          for (const op of record.ops) {
            if (op.params === undefined) this.#engine.exec(op.sql)
            else {
              let stmt = this.#replayStatements.get(op.sql)
              if (stmt === undefined) {
                stmt = this.#engine.prepare(op.sql)
                this.#replayStatements.set(op.sql, stmt)
              }
              stmt.run(op.params)
            }
          }
          this.#engine.exec('COMMIT')
        } catch (e) {
          this.#engine.exec('ROLLBACK')
          throw e
        }
        this.#head = record.seq
        this.#options.onApplied?.(record)
      }
    } finally {
      this.#replaying = false
    }
  }

  /**
   * Replace the whole database with a snapshot image at `head`.
   * @param image a serialized database
   * @param head the seq the image contains
   */
  restore(image: Uint8Array, head: number): void {
    this.#replayStatements.clear()
    this.#engine.deserialize(image)
    this.#head = head
  }

  /** Close the engine (pending persistence is the persister's business). */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#engine.close()
  }
}

type Control =
  | { readonly kind: 'begin' | 'commit' | 'rollback' }
  | { readonly kind: 'savepoint' | 'release' | 'rollback-to'; readonly name: string }

const CONTROL =
  /^\s*(?:(BEGIN)(?:\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE))?(?:\s+TRANSACTION)?|(COMMIT|END)(?:\s+TRANSACTION)?|(ROLLBACK)(?:\s+TRANSACTION)?(?:\s+TO(?:\s+SAVEPOINT)?\s+("?)(\w+)\4)?|(SAVEPOINT)\s+("?)(\w+)\7|(RELEASE)(?:\s+SAVEPOINT)?\s+("?)(\w+)\10)\s*;?\s*$/i

/** Classify a transaction-control statement; `undefined` for everything else. */
const parseControl = (sql: string): Control | undefined => {
  const m = CONTROL.exec(sql)
  if (m === null) return undefined
  if (m[1]) return { kind: 'begin' }
  if (m[2]) return { kind: 'commit' }
  if (m[3]) return m[5] ? { kind: 'rollback-to', name: m[5] } : { kind: 'rollback' }
  if (m[6]) return { kind: 'savepoint', name: m[8]! }
  return { kind: 'release', name: m[11]! }
}

const journaledStatement = (
  driver: JournaledDriver,
  sql: string,
  stmt: EngineStatement,
): PreparedStatement => ({
  run: (params) => driver.write(sql, params ?? [], () => stmt.run(params)),
  all: (params) => driver.write(sql, params ?? [], () => stmt.all(params)),
  get: (params) => driver.write(sql, params ?? [], () => stmt.get(params)),
})

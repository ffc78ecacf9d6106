/**
 * The WASM SQLite engine: `@sqlite.org/sqlite-wasm` (3.41) opened as an in-memory
 * database in the calling thread, so every read and write is synchronous, as the store's
 * driver seam requires. It knows nothing about persistence (see `journal.ts`).
 *
 * Glossary: `oo1` is sqlite-wasm's object API (DB, Stmt); `capi` its C API mirror;
 * an "image" is the byte-for-byte SQLite file that `sqlite3_js_db_export` produces.
 */
import type { EngineStatement, MemoryEngine } from './engine.js'
import { WasmEngineError } from './errors.js'

interface WasmStmt {
  readonly pointer: number
  bind(values: readonly unknown[]): WasmStmt
  step(): boolean
  get(target: object): Record<string, unknown>
  reset(clearBindings?: boolean): WasmStmt
  finalize(): void
}
interface WasmDb {
  readonly pointer: number
  exec(sql: string): void
  prepare(sql: string): WasmStmt
  close(): void
}
/**
 * The loaded sqlite-wasm module (opaque outside this file).
 * @example
 * const sqlite3: SqliteWasm = await loadSqliteWasm()
 * sqlite3.version.libVersion // '3.41.2'
 */
export interface SqliteWasm {
  readonly version: { readonly libVersion: string }
  readonly oo1: { DB: new (filename: string, flags: string) => WasmDb }
  readonly capi: {
    sqlite3_changes(db: number): number
    sqlite3_total_changes(db: number): number
    sqlite3_stmt_readonly(stmt: number): number
    sqlite3_js_db_export(db: number): Uint8Array
    sqlite3_deserialize(
      db: number,
      schema: string,
      data: number,
      size: number,
      bufSize: number,
      flags: number,
    ): number
    sqlite3_js_rc_str(rc: number): string
    readonly SQLITE_DESERIALIZE_FREEONCLOSE: number
    readonly SQLITE_DESERIALIZE_RESIZEABLE: number
  }
  readonly wasm: { allocFromTypedArray(bytes: Uint8Array): number }
}

/**
 * Where to find `sqlite3.wasm`: a URL the page can fetch, or the bytes themselves.
 * @example
 * const options: LoadSqliteWasmOptions = { wasmUrl: new URL('/assets/sqlite3.wasm', location.href) }
 */
export interface LoadSqliteWasmOptions {
  /** URL of `sqlite3.wasm` (default: beside the module, which bundlers rarely keep). */
  readonly wasmUrl?: string | URL
  /** The wasm bytes, when the caller already has them (Node, tests, inlined builds). */
  readonly wasmBinary?: Uint8Array
}

let loaded: Promise<SqliteWasm> | undefined

/**
 * Load sqlite-wasm once per page (later calls share the first load).
 * @param options where the `.wasm` file is
 * @returns the initialised module
 * @example
 * const sqlite3 = await loadSqliteWasm({ wasmUrl: '/assets/sqlite3.wasm' })
 * const engine = openWasmEngine(sqlite3)
 */
export function loadSqliteWasm(options: LoadSqliteWasmOptions = {}): Promise<SqliteWasm> {
  loaded ??= (async () => {
    const quiet = () => {}
    // sqlite-wasm logs every failed step to the console; the driver throws typed errors
    // carrying the same text, so its own logging is switched off (read at init time).
    const g = globalThis as { sqlite3ApiConfig?: object }
    g.sqlite3ApiConfig ??= { debug: quiet, log: quiet, warn: quiet, error: quiet }
    const { default: init } = await import('@sqlite.org/sqlite-wasm')
    const binary = options.wasmBinary
    const url = options.wasmUrl
    const module = await init({
      print: quiet,
      printErr: quiet,
      ...(url !== undefined ? { locateFile: () => String(url) } : {}),
      ...(binary !== undefined
        ? {
            instantiateWasm: (imports, onSuccess) => {
              WebAssembly.instantiate(binary as Uint8Array<ArrayBuffer>, imports).then(
                (r) => onSuccess(r.instance, r.module),
                (e: unknown) => {
                  throw new WasmEngineError('sqlite3.wasm failed to instantiate', { cause: e })
                },
              )
              return {}
            },
          }
        : {}),
    })
    return module as SqliteWasm
  })().catch((e: unknown) => {
    loaded = undefined
    throw e instanceof WasmEngineError
      ? e
      : new WasmEngineError('could not load @sqlite.org/sqlite-wasm', { cause: e })
  })
  return loaded
}

class WasmStatement implements EngineStatement {
  readonly readonly: boolean
  readonly #stmt: WasmStmt
  readonly #sqlite3: SqliteWasm
  readonly #db: WasmDb
  readonly #sql: string

  constructor(sqlite3: SqliteWasm, db: WasmDb, sql: string) {
    this.#sqlite3 = sqlite3
    this.#db = db
    this.#sql = sql
    this.#stmt = wrap(sql, () => db.prepare(sql))
    this.readonly = sqlite3.capi.sqlite3_stmt_readonly(this.#stmt.pointer) !== 0
  }

  #bind(params: readonly unknown[] | undefined): void {
    if (params !== undefined && params.length > 0) this.#stmt.bind(params.map(toSqlValue))
  }

  run(params?: readonly unknown[]): { changes: number } {
    return wrap(this.#sql, () => {
      try {
        this.#bind(params)
        while (this.#stmt.step()) {
          // drain rows of e.g. INSERT … RETURNING run for its effect
        }
        return { changes: this.readonly ? 0 : this.#sqlite3.capi.sqlite3_changes(this.#db.pointer) }
      } finally {
        this.#stmt.reset(true)
      }
    })
  }

  all(params?: readonly unknown[]): Record<string, unknown>[] {
    return wrap(this.#sql, () => {
      try {
        this.#bind(params)
        const rows: Record<string, unknown>[] = []
        while (this.#stmt.step()) rows.push(this.#stmt.get({}))
        return rows
      } finally {
        this.#stmt.reset(true)
      }
    })
  }

  get(params?: readonly unknown[]): Record<string, unknown> | undefined {
    return wrap(this.#sql, () => {
      try {
        this.#bind(params)
        return this.#stmt.step() ? this.#stmt.get({}) : undefined
      } finally {
        this.#stmt.reset(true)
      }
    })
  }
}

// SQLite has no boolean; sqlite-wasm rejects `undefined`. Match better-sqlite3's mapping
// closely enough that the same store code behaves the same on both engines.
const toSqlValue = (v: unknown): unknown => {
  if (v === undefined) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  return v
}

const wrap = <T>(sql: string, fn: () => T): T => {
  try {
    return fn()
  } catch (e) {
    if (e instanceof WasmEngineError) throw e
    // Keep SQLite's own message (constraint names etc.) first: callers match on it.
    const message = e instanceof Error ? e.message : String(e)
    throw new WasmEngineError(`${message} (in: ${sql.slice(0, 120)})`, { cause: e })
  }
}

/**
 * Open an empty in-memory database on a loaded sqlite-wasm module.
 * @param sqlite3 the module from `loadSqliteWasm`
 * @returns an engine whose reads and writes are synchronous
 * @example
 * const engine = openWasmEngine(await loadSqliteWasm())
 * engine.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
 * engine.prepare('SELECT x FROM t').all() // [{ x: 1 }]
 */
export function openWasmEngine(sqlite3: SqliteWasm): MemoryEngine {
  const db = new sqlite3.oo1.DB(':memory:', 'c')
  let schemaVersion: WasmStatement | undefined
  return {
    kind: 'wasm',
    exec(sql) {
      wrap(sql, () => db.exec(sql))
    },
    prepare(sql) {
      return new WasmStatement(sqlite3, db, sql)
    },
    changeStamp() {
      schemaVersion ??= new WasmStatement(sqlite3, db, 'PRAGMA schema_version')
      return `${sqlite3.capi.sqlite3_total_changes(db.pointer)}:${String(schemaVersion.get()?.schema_version)}`
    },
    serialize() {
      return sqlite3.capi.sqlite3_js_db_export(db.pointer)
    },
    deserialize(image) {
      // Same connection: statements prepared earlier re-prepare on the new schema.
      const p = sqlite3.wasm.allocFromTypedArray(image)
      const rc = sqlite3.capi.sqlite3_deserialize(
        db.pointer,
        'main',
        p,
        image.byteLength,
        image.byteLength,
        sqlite3.capi.SQLITE_DESERIALIZE_FREEONCLOSE | sqlite3.capi.SQLITE_DESERIALIZE_RESIZEABLE,
      )
      if (rc !== 0)
        throw new WasmEngineError(`sqlite3_deserialize failed: ${sqlite3.capi.sqlite3_js_rc_str(rc)}`)
    },
    close() {
      db.close()
    },
  }
}

/**
 * Node drivers on better-sqlite3. Node-only (imports `node:` modules and the native
 * addon) — reached through `@strata/store/node`, never from the main entry.
 *
 * File layout (decision 0032): the materialized state is `<name>.db` (main schema) and
 * the event log is a separate file `<name>.log.db` ATTACHed as `log`. A damaged state
 * file is moved aside and rebuilt from the log; a damaged log is reported, not touched.
 * Both files use WAL with synchronous=NORMAL, and the open store holds them exclusively
 * (decision 0056).
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { StoreCorruptError, StoreError } from '../errors.js'
import type { DriverRecovery, PreparedStatement, SqliteDriver, StoreAdapter } from './adapter.js'

type DB = Database.Database

class BetterSqliteDriver implements SqliteDriver {
  readonly kind: string
  readonly logSchema: string
  readonly recovery?: DriverRecovery
  readonly location: string
  readonly #db: DB

  constructor(
    db: DB,
    kind: string,
    logSchema: string,
    location: string,
    recovery: DriverRecovery | undefined,
  ) {
    this.#db = db
    this.kind = kind
    this.logSchema = logSchema
    this.location = location
    if (recovery) this.recovery = recovery
  }

  exec(sql: string): void {
    this.#db.exec(sql)
  }

  /** The main database as bytes (`sqlite3_serialize`). */
  serialize(): Uint8Array {
    return this.#db.serialize()
  }

  prepare(sql: string): PreparedStatement {
    const s = this.#db.prepare(sql)
    const reader = s.reader
    return {
      run: (params) => (params?.length ? s.run(params as unknown[]) : s.run()),
      all: (params) => {
        if (!reader) {
          s.run(params ? (params as unknown[]) : [])
          return []
        }
        return (params?.length ? s.all(params as unknown[]) : s.all()) as Record<string, unknown>[]
      },
      get: (params) =>
        (params?.length ? s.get(params as unknown[]) : s.get()) as Record<string, unknown> | undefined,
    }
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate()
  }

  /** A full WAL checkpoint: it syncs the WAL, copies it into the files and syncs them. */
  durableNow(): void {
    if (this.#db.memory) return
    this.#db.pragma('wal_checkpoint(FULL)')
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }
}

const isCorruption = (e: unknown): boolean => {
  const code = (e as { code?: unknown })?.code
  return (
    code === 'SQLITE_NOTADB' ||
    code === 'SQLITE_CORRUPT' ||
    (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))
  )
}

/**
 * WAL pages between automatic checkpoints (SQLite's default is 1,000). A checkpoint
 * fsyncs the WAL and the database file (4–5 ms each on the development machine); with
 * the default each file checkpointed every few hundred single commits, tens of µs per
 * commit in stalls. 10,000 pages (≤ 40 MB of WAL per file while open; `close()`
 * checkpoints and removes it) makes that ten times rarer without changing what a
 * returned commit survives (decision 0056).
 */
const WAL_AUTOCHECKPOINT_PAGES = 10_000

/**
 * Page size of new store files (SQLite's default is 4,096 bytes). Every commit writes
 * each page it dirties to the WAL as a whole frame, and a single event dirties about
 * four (its row, its key's index entry, the `applied` marker, the log row); the WAL is
 * fsynced at every checkpoint, so those bytes are the disk's share of a commit. At 2 KiB
 * a small-event commit writes half the bytes (~1.3× single-commit throughput here) while
 * bulk writes (an initial sync of 100k events) cost the same as at 4 KiB; 1 KiB goes
 * further for single commits (~1.6×) but makes bulk writes ~12% slower (4× the frames).
 * Existing files keep their page size (decision 0060).
 */
const DEFAULT_PAGE_SIZE = 2048

function tune(db: DB, schema: string, pageSize = DEFAULT_PAGE_SIZE): void {
  // Only takes effect while the file is still empty (before WAL mode writes its header).
  db.pragma(`${schema}.page_size = ${pageSize}`)
  db.pragma(`${schema}.journal_mode = WAL`)
  db.pragma(`${schema}.synchronous = NORMAL`)
  db.pragma(`${schema}.wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`)
}

/**
 * One connection owns the store files while open (decision 0056): SQLite's EXCLUSIVE
 * locking mode takes the file locks once instead of around every transaction and keeps
 * the WAL index in process memory rather than a shared-memory file, which removed about
 * a fifth of the CPU time of a single commit. It also enforces what the store assumes
 * anyway — it caches the log position in memory, so a second writer would corrupt it:
 * opening a store that is already open, in this process or another, fails with
 * `store_locked`. Must be set before the first read of a WAL database.
 */
function exclusive(db: DB): void {
  db.pragma('locking_mode = EXCLUSIVE')
}

const lockedError = (file: string, cause: unknown): StoreError =>
  new StoreError(
    'store_locked',
    `Store file "${file}" is open in another store (this process or another); close that one first`,
    { cause },
  )

function probe(db: DB, schema: string, integrity: boolean): void {
  db.prepare(`SELECT count(*) AS c FROM ${schema}.sqlite_master`).get()
  if (integrity) {
    const r = db.prepare(`PRAGMA ${schema}.quick_check`).pluck().all() as string[]
    if (r[0] !== 'ok') {
      const err = new Error(`quick_check: ${r.slice(0, 3).join('; ')}`) as Error & { code: string }
      err.code = 'SQLITE_CORRUPT'
      throw err
    }
  }
}

function moveAside(file: string, stamp: number): string {
  const to = `${file}.corrupt-${stamp}`
  renameSync(file, to)
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, to + suffix)
  return to
}

/**
 * Options of {@link nodeAdapter}.
 * @example
 * nodeAdapter({ directory: './data', integrityCheck: true })
 */
export interface NodeAdapterOptions {
  /** Directory holding `<storeId>.db` and `<storeId>.log.db` (created if missing). */
  readonly directory?: string
  /** Explicit state file; the log goes to `<filename>.log.db`. */
  readonly filename?: string
  /** Run `PRAGMA quick_check` on open (slower boot, catches damage in any page). */
  readonly integrityCheck?: boolean
  /**
   * Keep the log inside the state file (one WAL instead of two: ~40% more single-commit
   * throughput) at the price of corruption isolation: a damaged file cannot be rebuilt
   * and is reported as StoreCorruptError. Default false (decision 0032).
   */
  readonly singleFile?: boolean
  /**
   * Page size in bytes of store files created by this adapter: a power of two from 512
   * to 65,536. Default 2,048 (decision 0060): 1,024 commits small events faster still but
   * bulk-loads slower; apps whose rows are mostly several KB may prefer 4,096. Existing
   * files keep the size they were created with.
   */
  readonly pageSize?: number
}

function checkPageSize(pageSize: number | undefined): number {
  if (pageSize === undefined) return DEFAULT_PAGE_SIZE
  if (!Number.isInteger(pageSize) || pageSize < 512 || pageSize > 65_536 || (pageSize & (pageSize - 1)) !== 0)
    throw new StoreError(
      'option_invalid',
      `nodeAdapter({ pageSize: ${String(pageSize)} }): must be a power of two from 512 to 65536`,
    )
  return pageSize
}

/**
 * better-sqlite3 files: state + separate event log, WAL, synchronous=NORMAL.
 * @param options directory or filename
 * @returns the adapter for `createStore`
 * @example
 * import { nodeAdapter } from '@strata/store/node'
 * const store = await createStore({ schema, adapter: nodeAdapter({ directory: './data' }), storeId: 'app' })
 */
export function nodeAdapter(options: NodeAdapterOptions): StoreAdapter {
  const pageSize = checkPageSize(options.pageSize)
  return {
    open({ storeId }) {
      const stateFile = options.filename ?? join(options.directory ?? '.', `${storeId}.db`)
      const logFile = `${stateFile.replace(/\.db$/, '')}.log.db`
      mkdirSync(dirname(stateFile), { recursive: true })
      let recovery: DriverRecovery | undefined
      // Probe each file on its own connection first: SQLite loads every attached
      // schema at once, so a damaged file must be identified before attaching.
      const check = (file: string): unknown => {
        let db: DB | undefined
        try {
          db = new Database(file)
          probe(db, 'main', options.integrityCheck === true)
          tune(db, 'main', pageSize)
          return undefined
        } catch (e) {
          if (isCorruption(e)) return e
          if ((e as { code?: unknown })?.code === 'SQLITE_BUSY') throw lockedError(file, e)
          throw e
        } finally {
          db?.close()
        }
      }
      if (options.singleFile) {
        const error = check(stateFile)
        if (error !== undefined) throw new StoreCorruptError(stateFile, undefined, error)
        const db = new Database(stateFile)
        exclusive(db)
        tune(db, 'main', pageSize)
        return new BetterSqliteDriver(db, 'better-sqlite3', 'main', stateFile, undefined)
      }
      const logError = check(logFile)
      if (logError !== undefined) throw new StoreCorruptError(logFile, undefined, logError)
      const stateError = check(stateFile)
      if (stateError !== undefined) {
        const movedTo = moveAside(stateFile, Date.now())
        recovery = {
          reason: 'state-corrupt',
          file: stateFile,
          movedTo,
          error: stateError instanceof Error ? stateError.message : String(stateError),
        }
      }
      const open = (): DB => {
        const db = new Database(stateFile)
        exclusive(db)
        db.prepare('ATTACH DATABASE ? AS log').run(logFile)
        tune(db, 'main', pageSize)
        tune(db, 'log', pageSize)
        return db
      }
      const db = open()
      return new BetterSqliteDriver(db, 'better-sqlite3', 'log', stateFile, recovery)
    },
  }
}

/**
 * Options of {@link memoryAdapter}.
 * @example const options: MemoryAdapterOptions = { image: memoryImage(otherStore) }
 */
export interface MemoryAdapterOptions {
  /**
   * Start from this image of an in-memory store (from {@link memoryImage}) instead of an
   * empty database. The store boots from it as from a file: a table schema that changed
   * since rebuilds state from the image's log.
   */
  readonly image?: Uint8Array
}

/**
 * In-memory better-sqlite3 database (log and state in one connection). Fast; gone on close.
 * @param options - `image` to start from a copy of another in-memory store
 * @returns the adapter
 * @throws StoreError `option_invalid` when `image` is not a SQLite database image
 * @example const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'test' })
 */
export function memoryAdapter(options: MemoryAdapterOptions = {}): StoreAdapter {
  const { image } = options
  if (image !== undefined && !(image instanceof Uint8Array))
    throw new StoreError('option_invalid', 'memoryAdapter: image must be a Uint8Array from memoryImage()')
  return {
    open() {
      let db: DB
      try {
        db = new Database(image ? Buffer.from(image.buffer, image.byteOffset, image.byteLength) : ':memory:')
        // Deserializing checks nothing: read the schema now so a bad image fails here.
        if (image) db.prepare('SELECT count(*) FROM sqlite_master').get()
      } catch (cause) {
        throw new StoreError(
          'option_invalid',
          `memoryAdapter: image is not a SQLite database (${String(cause)})`,
          {
            cause,
          },
        )
      }
      return new BetterSqliteDriver(db, 'memory', 'main', ':memory:', undefined)
    },
  }
}

/**
 * A byte copy of an open in-memory store (log, state and metadata: one database), for
 * `memoryAdapter({ image })` — e.g. to keep a materialized replica across restarts
 * without replaying its events. Take it between commits.
 * @param store - a store opened with {@link memoryAdapter}
 * @returns the database image
 * @throws StoreError `option_invalid` when the store is not an in-memory better-sqlite3 store
 * @example
 * const bytes = memoryImage(replica)
 * const copy = await createStore({ schema, adapter: memoryAdapter({ image: bytes }), storeId })
 */
export function memoryImage(store: { readonly driver: unknown }): Uint8Array {
  const driver = store.driver
  if (!(driver instanceof BetterSqliteDriver) || driver.kind !== 'memory')
    throw new StoreError('option_invalid', 'memoryImage: the store was not opened with memoryAdapter()')
  return driver.serialize()
}

/**
 * The in-memory adapter under the name LiveStore tests use (seed 003 "Test Store Setup").
 * @returns a fresh in-memory adapter
 * @example const store = await createStore({ schema, adapter: makeTestAdapter(), storeId: 'test' })
 */
export const makeTestAdapter = memoryAdapter

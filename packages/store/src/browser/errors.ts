/**
 * Typed errors of the browser driver (`@strata/store/browser`): the WASM engine, the
 * durable journal and tab leadership. Each extends the package's `StoreError`, carries a
 * stable `code`, and names the store and the file or storage involved.
 */
import { StoreError } from '../errors.js'

/**
 * The WASM SQLite engine could not be loaded or a database operation in it failed.
 * @example
 * try { await loadSqliteWasm({ wasmUrl: '/missing.wasm' }) }
 * catch (e) { if (e instanceof WasmEngineError) console.log(e.code) } // 'wasm_engine'
 */
export class WasmEngineError extends StoreError {
  /**
   * @param message what failed
   * @param options standard error options (`cause`)
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('wasm_engine', message, options)
  }
}

/**
 * A persisted journal or snapshot file cannot be decoded (truncated, altered, or written
 * by an incompatible version). Files are never deleted because of this error.
 * @example
 * catch (e) { if (e instanceof JournalCorruptError) console.log(e.file) }
 */
export class JournalCorruptError extends StoreError {
  /** The storage file (OPFS / IndexedDB / directory entry) that failed to decode. */
  readonly file: string
  /**
   * @param storeId the store whose persisted data is damaged
   * @param file the damaged entry
   * @param reason what is wrong with it
   * @param options standard error options (`cause`)
   */
  constructor(storeId: string, file: string, reason: string, options?: { cause?: unknown }) {
    super('journal_corrupt', `Store "${storeId}": persisted file "${file}" is damaged: ${reason}`, options)
    this.file = file
  }
}

/**
 * Writing the journal or a snapshot to durable storage failed (quota, storage evicted,
 * permission). The in-memory state is intact; `flush()` rejects with this error.
 * @example
 * await driver.flush().catch((e) => { if (e instanceof PersistenceError) alert(e.message) })
 */
export class PersistenceError extends StoreError {
  /**
   * @param storeId the store being persisted
   * @param message what failed
   * @param options standard error options (`cause`)
   */
  constructor(storeId: string, message: string, options?: { cause?: unknown }) {
    super('persistence_failed', `Store "${storeId}": ${message}`, options)
  }
}

/**
 * A write was attempted in a tab that does not own the database. Another tab is the
 * leader (it holds the Web Lock); this tab is a synchronous read replica kept current
 * over BroadcastChannel. `store.commit` throws it as is (never wrapped in
 * MaterializerError), and nothing is written. See docs/decisions/0038.
 * @example
 * catch (e) { if (e instanceof NotLeaderError) showBanner('Open in the main tab to edit') }
 */
export class NotLeaderError extends StoreError {
  /**
   * @param storeId the store
   * @param sql the refused statement (first 80 characters are shown)
   */
  constructor(storeId: string, sql: string) {
    super(
      'not_leader',
      `Store "${storeId}": this tab is a read replica; another tab owns the database, so "${sql.slice(0, 80)}" was refused`,
    )
  }
}

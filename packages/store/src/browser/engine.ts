/**
 * The in-memory SQLite engine seam of the journaled drivers. An engine is a plain
 * SQLite connection that can also hand out its whole image (`serialize`) and load one
 * (`deserialize`); durability is added on top by `journal.ts`, never by the engine.
 * Two engines exist: WASM SQLite (`wasm-engine.ts`, browser) and better-sqlite3 in
 * memory (`../encryption/better-sqlite3-engine.ts`, Node).
 */
import type { PreparedStatement } from '../adapters/adapter.js'

/**
 * A prepared statement that knows whether it can write.
 * @example
 * engine.prepare('SELECT 1').readonly // true
 */
export interface EngineStatement extends PreparedStatement {
  /** True when SQLite reports the statement cannot change the database. */
  readonly readonly: boolean
}

/**
 * One in-memory SQLite database.
 * @example
 * const engine = await openWasmEngine()
 * engine.exec('CREATE TABLE t (x)')
 * const image = engine.serialize()
 */
export interface MemoryEngine {
  /** `'wasm'`, `'better-sqlite3-memory'`, … */
  readonly kind: string
  /** Run one or more statements. */
  exec(sql: string): void
  /** Prepare one statement. */
  prepare(sql: string): EngineStatement
  /** The full database image (a valid SQLite file). */
  serialize(): Uint8Array
  /** Replace the whole database with an image made by `serialize`. */
  deserialize(image: Uint8Array): void
  /**
   * A value that changes whenever rows or the schema change (total_changes() and the
   * schema cookie): lets the journal skip no-op statements and probe replica writes.
   */
  changeStamp(): string
  /** Free the database. */
  close(): void
}

/**
 * better-sqlite3 as an in-memory `MemoryEngine` (Node only): the engine under the
 * encrypted Node adapter, where the database file on disk is replaced by an encrypted
 * journal + snapshots and the live database exists only in process memory.
 */
import Database from 'better-sqlite3'
import type { EngineStatement, MemoryEngine } from '../browser/engine.js'

type DB = Database.Database

/**
 * Open an empty in-memory better-sqlite3 database as an engine.
 * @returns the engine
 * @example
 * const engine = betterSqliteMemoryEngine()
 * engine.exec('CREATE TABLE t (x)')
 * engine.serialize() // a SQLite image
 */
export function betterSqliteMemoryEngine(): MemoryEngine {
  let db: DB = new Database(':memory:')
  let stamp = prepareStamp(db)
  return {
    kind: 'better-sqlite3-memory',
    exec(sql) {
      db.exec(sql)
    },
    prepare(sql): EngineStatement {
      const s = db.prepare(sql)
      const bind = (params: readonly unknown[] | undefined): unknown[] =>
        params === undefined ? [] : [...params]
      // better-sqlite3 refuses all()/get() on statements that return no rows: run those.
      const rows = (params: readonly unknown[] | undefined): Record<string, unknown>[] => {
        if (s.reader) return s.all(...bind(params)) as Record<string, unknown>[]
        s.run(...bind(params))
        return []
      }
      return {
        readonly: s.readonly,
        run: (params) => ({ changes: s.run(...bind(params)).changes }),
        all: rows,
        get: (params) => {
          if (s.reader) return s.get(...bind(params)) as Record<string, unknown> | undefined
          s.run(...bind(params))
          return undefined
        },
      }
    },
    changeStamp() {
      return stamp()
    },
    serialize() {
      return new Uint8Array(db.serialize())
    },
    deserialize(image) {
      // better-sqlite3 opens an image as a new connection; only done before the store
      // prepares statements (at boot), so nothing holds the old connection's statements.
      db.close()
      db = new Database(Buffer.from(image.buffer, image.byteOffset, image.byteLength))
      stamp = prepareStamp(db)
    },
    close() {
      if (db.open) db.close()
    },
  }
}

const prepareStamp = (db: DB) => {
  const changes = db.prepare('SELECT total_changes() AS t')
  const schema = db.prepare('PRAGMA schema_version')
  return () =>
    `${(changes.get() as { t: number }).t}:${(schema.get() as { schema_version: number }).schema_version}`
}

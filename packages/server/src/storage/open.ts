/**
 * Picks a storage backend from a database location: a `postgres://` URL selects
 * Postgres, anything else is a SQLite file path.
 */
import { ConfigError } from '../errors.js'
import { openPostgresStorage } from './postgres.js'
import { openSqliteStorage } from './sqlite.js'
import type { SyncStorage } from './storage.js'

/**
 * Opens the storage named by `db`.
 *
 * @param db - `./strata.db`, `:memory:`, or `postgres://user@host:5432/db[?schema=name]`
 * @returns the opened {@link SyncStorage}
 * @example
 * ```ts
 * const storage = await openStorage(process.env.DATABASE_URL ?? './strata.db')
 * ```
 */
export async function openStorage(db: string): Promise<SyncStorage> {
  if (/^postgres(ql)?:\/\//.test(db)) {
    const url = new URL(db)
    const schema = url.searchParams.get('schema')
    url.searchParams.delete('schema')
    return openPostgresStorage({ connectionString: url.toString(), ...(schema ? { schema } : {}) })
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db))
    throw new ConfigError('bad_db_url', `unsupported database URL ${db} (use a file path or postgres://…)`)
  return openSqliteStorage({ filename: db })
}

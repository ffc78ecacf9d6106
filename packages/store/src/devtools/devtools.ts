/**
 * The devtools hooks of a store: the event log, table contents, live queries with run
 * counts, and a commit feed. Read-only; the devtools page and loggers use it.
 */
import type { EventRecord } from '../events/record.js'
import type { LiveQueryInfo } from '../live/live-query.js'
import { ident } from '../query/builder.js'
import type { Engine } from '../store/engine.js'
import { toRecord } from '../store/log.js'

/**
 * One log entry as shown by devtools.
 * @example
 * store.devtools.events().filter((e) => e.pending).map((e) => e.seq)
 */
export interface DevtoolsEvent extends EventRecord {
  /** Local log position. */
  readonly id: number
  /** Synced and not yet confirmed by the server. */
  readonly pending: boolean
  readonly clientOnly: boolean
}

/**
 * What the commit feed reports.
 * @example
 * store.devtools.onCommit((c: CommitInfo) => console.log(c.events.length, 'events in', c.ms, 'ms'))
 */
export interface CommitInfo {
  readonly events: readonly EventRecord[]
  /** Tables the commit wrote. */
  readonly tables: readonly string[]
  /** Commit duration (ms), validation to notification. */
  readonly ms: number
}

/**
 * `store.devtools`. The methods that read the database (`events`, `tables`, `tableRows`,
 * `stats`) throw StoreClosedError after `store.close()`.
 * @example
 * store.devtools.events({ limit: 20 })
 * store.devtools.tables() // [{ name: 'todos', rows: 3 }]
 * store.devtools.liveQueries().map((q) => [q.label, q.runs])
 * const off = store.devtools.onCommit((c) => console.log(c.events.map((e) => e.name), c.ms))
 */
export interface StoreDevtools {
  /** Log entries, newest first. */
  events(opts?: { readonly limit?: number; readonly offset?: number }): DevtoolsEvent[]
  /** Every user table with its row count. */
  tables(): { readonly name: string; readonly rows: number }[]
  /** Rows of one table (raw SQLite values). */
  tableRows(
    name: string,
    opts?: { readonly limit?: number; readonly offset?: number },
  ): Record<string, unknown>[]
  /** Live queries with their run counts. */
  liveQueries(): LiveQueryInfo[]
  /** Subscribe to commits. @returns unsubscribe */
  onCommit(fn: (info: CommitInfo) => void): () => void
  /** Counters. */
  stats(): {
    readonly commits: number
    readonly events: number
    readonly preparedStatements: number
    readonly logSize: number
  }
}

/** @internal */
export interface DevtoolsSource {
  readonly engine: Engine
  /** Throws StoreClosedError after `close()`. */
  assertOpen(): void
  liveInfo(): LiveQueryInfo[]
  readonly commitListeners: Set<(info: CommitInfo) => void>
  counters(): { commits: number; events: number }
}

/** Build the devtools object of a store. @internal */
export function createDevtools(src: DevtoolsSource): StoreDevtools {
  const { engine } = src
  return {
    events({ limit = 100, offset = 0 } = {}) {
      src.assertOpen()
      return engine.log.page(limit, offset).map((row) => ({
        ...toRecord(row),
        id: row.id,
        pending: row.synced === 1 && row.gseq === null,
        clientOnly: row.synced === 0,
      }))
    },
    tables() {
      src.assertOpen()
      return [...engine.schema.tablesByName.keys()].map((name) => ({
        name,
        rows: Number(engine.stmts.get(`SELECT count(*) AS c FROM ${ident(name)}`).get()?.c ?? 0),
      }))
    },
    tableRows(name, { limit = 100, offset = 0 } = {}) {
      src.assertOpen()
      if (!engine.schema.tablesByName.has(name)) return []
      return engine.stmts.get(`SELECT * FROM ${ident(name)} LIMIT ? OFFSET ?`).all([limit, offset])
    },
    liveQueries: () => src.liveInfo(),
    onCommit(fn) {
      src.commitListeners.add(fn)
      return () => src.commitListeners.delete(fn)
    },
    stats() {
      src.assertOpen()
      return { ...src.counters(), preparedStatements: engine.stmts.size, logSize: engine.log.count() }
    },
  }
}

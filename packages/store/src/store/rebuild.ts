/**
 * Rebuild materialized state from the event log (after a table-schema change, a
 * corrupt state file, a crash between log and state, or an interrupted rebuild).
 * Order: latest snapshot, confirmed events in server order, then local events in
 * commit order (pending ones get fresh undo entries). A `rebuilding` marker is
 * committed first and cleared last, so an interrupted rebuild is redone at next boot.
 */
import { ident } from '../query/builder.js'
import { replayPending } from '../sync/rebase.js'
import type { Engine } from './engine.js'
import { exactParse } from './exact-json.js'
import type { LogRow } from './log.js'

const CHUNK = 5000

/** A confirmed or client-only event whose materializer failed during a rebuild. */
export interface RebuildFailure {
  readonly id: number
  readonly name: string
  readonly error: string
}

/**
 * Whether no compaction dropped events `snap` covers. Compaction marks the log
 * (`compacted`); a log compacted before that mark existed lacks confirmed gseqs up to the
 * snapshot's head (a client's log holds every gseq from 1), or, when nothing was confirmed
 * yet, has an id floor (which a reject also sets: then the snapshot is used, as before).
 */
function holdsAllOf(engine: Engine, snap: { head: number }): boolean {
  const log = engine.log
  if (log.meta('compacted') !== undefined) return false
  if (snap.head === 0) return log.meta('idFloor') === undefined
  return log.confirmedCount(snap.head) === snap.head
}

/** Drop and recreate every user table, then replay. @internal */
export function rebuildState(engine: Engine, epoch: number): { events: number; failures: RebuildFailure[] } {
  const { schema, stmts } = engine
  engine.tx(() => {
    engine.setStateMeta('rebuilding', 1)
    for (const name of engine.existingUserTables())
      engine.driver.exec(`DROP TABLE IF EXISTS main.${ident(name)}`)
    engine.setStateMeta('hash', schema.hash)
  })
  stmts.clear()
  engine.tx(() => {
    for (const ddl of schema.ddl) engine.driver.exec(ddl)
  })
  const failures: RebuildFailure[] = []
  let events = 0
  let snap = engine.log.latestSnapshot()
  // A snapshot taken under another schema hash holds rows the old tables or materializers
  // wrote. While the log still holds every event it covers, replay them instead, so a
  // table change or a `stateVersion` bump re-materializes everything (decision 0067).
  if (snap && snap.schema_hash !== schema.hash && holdsAllOf(engine, snap)) snap = undefined
  let head = 0
  let lastLocal = 0
  if (snap) {
    head = snap.head
    lastLocal = snap.last_local_id
    const data = exactParse<Record<string, Record<string, unknown>[]>>(snap.data)
    engine.tx(() => {
      for (const [name, rows] of Object.entries(data)) {
        const t = schema.tablesByName.get(name)
        if (!t) continue
        for (const row of rows) {
          const cols = t.columnNames.filter((c) => c in row)
          stmts
            .get(
              `INSERT OR REPLACE INTO ${ident(name)} (${cols.map(ident).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
            )
            .run(cols.map((c) => row[c]))
        }
      }
    })
  }
  const apply = (row: LogRow) => {
    try {
      engine.begin()
      engine.materialize(row.name, JSON.parse(row.args))
      engine.commit()
    } catch (e) {
      engine.rollback()
      failures.push({ id: row.id, name: row.name, error: e instanceof Error ? e.message : String(e) })
    }
    events++
  }
  engine.writer.undo = null
  for (;;) {
    const page = engine.log.confirmedAfter(head, CHUNK)
    if (page.length === 0) break
    engine.tx(() => {
      for (const row of page) apply(row)
    })
    head = (page[page.length - 1] as LogRow).gseq ?? head
  }
  let after = 0
  const pending: LogRow[] = []
  for (;;) {
    const page = engine.log.localAfter(after, CHUNK)
    if (page.length === 0) break
    engine.tx(() => {
      for (const row of page) {
        if (row.synced === 1) pending.push(row)
        else if (row.id > lastLocal) apply(row)
      }
    })
    after = (page[page.length - 1] as LogRow).id
  }
  engine.tx(() => {
    for (const f of replayPending(engine, pending))
      failures.push({ id: 0, name: f.name, error: String(f.error) })
    events += pending.length
    engine.maxId = engine.log.maxId()
    engine.setApplied(engine.maxId)
    engine.setStateMeta('epoch', epoch)
    engine.setStateMeta('rebuilding', 0)
  })
  engine.writer.touched = new Map()
  return { events, failures }
}

/**
 * The event log and its metadata, in the schema the driver names (`log` when the log is
 * a separate file, else `main`). Owns every SQL statement that touches the log tables;
 * the rest of the store calls these methods.
 *
 * Glossary:
 * - id: local log position (assigned by this store, monotonic).
 * - seq: per-client sequence of synced events; gseq: server order (null = pending).
 * - confirmed: gseq set. pending: synced, gseq null. client-only: synced = 0.
 * - epoch: bumped whenever the log is reordered or shrunk (rebase, reject, compaction);
 *   the state database stores the (id, epoch) it reflects so boot can detect drift.
 * - pending floor (meta `pendingFloor`): an id no pending event is below. Pending events
 *   are found by scanning ids from it, not through an index — an index over pending rows
 *   cost every commit a b-tree insert and a WAL page (decision 0056). A new event's id is
 *   above every existing id, so commits never move the floor; `replayPending` (the end of
 *   every upstream application and rejection) raises it, in the same transaction.
 */
import type { PreparedStatement, SqliteDriver } from '../adapters/adapter.js'
import type { StatementCache } from '../adapters/statements.js'
import type { EventRecord } from '../events/record.js'

/** A log row as stored. */
export interface LogRow {
  readonly id: number
  readonly name: string
  readonly args: string
  readonly client_id: string
  readonly seq: number | null
  readonly gseq: number | null
  readonly ts: number | null
  readonly synced: number
  readonly undo: string | null
}

/** A stored snapshot of confirmed state. */
export interface SnapshotRow {
  readonly id: number
  /** confirmedHead (gseq) the snapshot reflects. */
  readonly head: number
  /** Highest log id whose client-only events are included. */
  readonly last_local_id: number
  readonly schema_hash: string
  readonly created_at: number
  readonly data: string
}

/**
 * Event log access.
 * @internal
 */
export class EventLog {
  readonly schema: string
  readonly #stmts: StatementCache
  readonly #insert: PreparedStatement
  readonly #t: string

  constructor(driver: SqliteDriver, stmts: StatementCache) {
    this.schema = driver.logSchema ?? 'main'
    this.#stmts = stmts
    const L = this.schema
    driver.exec(
      `CREATE TABLE IF NOT EXISTS ${L}.__strata_events (id INTEGER PRIMARY KEY, name TEXT NOT NULL, args TEXT NOT NULL, client_id TEXT NOT NULL, seq INTEGER, gseq INTEGER, ts INTEGER, synced INTEGER NOT NULL, undo TEXT);
       CREATE UNIQUE INDEX IF NOT EXISTS ${L}.__strata_events_gseq ON __strata_events (gseq) WHERE gseq IS NOT NULL;
       CREATE TABLE IF NOT EXISTS ${L}.__strata_log_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
       CREATE TABLE IF NOT EXISTS ${L}.__strata_snapshots (id INTEGER PRIMARY KEY, head INTEGER NOT NULL, last_local_id INTEGER NOT NULL, schema_hash TEXT NOT NULL, created_at INTEGER NOT NULL, data TEXT NOT NULL);`,
    )
    this.#t = `${L}.__strata_events`
    // Logs written before decision 0056 carry indexes over pending rows that every append
    // paid for; pending rows are found from the pending floor now.
    const legacy = stmts
      .get(
        `SELECT name FROM ${L}.sqlite_master WHERE type = 'index' AND name IN ('__strata_events_pending', '__strata_events_pending_order', '__strata_events_unconfirmed')`,
      )
      .all()
    for (const { name } of legacy) driver.exec(`DROP INDEX IF EXISTS ${L}.${String(name)}`)
    this.#insert = stmts.get(
      `INSERT INTO ${this.#t} (id, name, args, client_id, seq, gseq, ts, synced, undo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
  }

  /** Read a meta value. */
  meta(key: string): unknown {
    return this.#stmts.get(`SELECT value FROM ${this.schema}.__strata_log_meta WHERE key = ?`).get([key])
      ?.value
  }

  /** Write a meta value. */
  setMeta(key: string, value: unknown): void {
    this.#stmts
      .get(`INSERT OR REPLACE INTO ${this.schema}.__strata_log_meta (key, value) VALUES (?, ?)`)
      .run([key, value])
  }

  /** Append one event row. */
  append(
    id: number,
    name: string,
    args: string,
    clientId: string,
    seq: number | null,
    gseq: number | null,
    ts: number | null,
    synced: boolean,
    undo: string | null,
  ): void {
    this.#insert.run([id, name, args, clientId, seq, gseq, ts, synced ? 1 : 0, undo])
  }

  /** Highest local id (0 when empty). */
  maxId(): number {
    const floor = Number(this.meta('idFloor') ?? 0)
    return Math.max(
      floor,
      Number(this.#stmts.get(`SELECT coalesce(max(id), 0) AS m FROM ${this.#t}`).get()?.m ?? 0),
    )
  }

  /**
   * Highest seq committed by `clientId` still in the log (0 when none), among rows with
   * an id above `afterId` (a rowid range scan; 0 reads the whole log).
   */
  maxSeq(clientId: string, afterId = 0): number {
    return Number(
      this.#stmts
        .get(`SELECT coalesce(max(seq), 0) AS m FROM ${this.#t} WHERE id > ? AND client_id = ?`)
        .get([afterId, clientId])?.m ?? 0,
    )
  }

  /** Number of events in the log. */
  count(): number {
    return Number(this.#stmts.get(`SELECT count(*) AS c FROM ${this.#t}`).get()?.c ?? 0)
  }

  /**
   * Pending synced events, in commit (id) order: a rowid range scan from the pending
   * floor, so the cost follows the events since the oldest pending one, not the log size.
   */
  pendingRows(): LogRow[] {
    return this.#stmts
      .get(`SELECT * FROM ${this.#t} WHERE id >= ? AND gseq IS NULL AND synced = 1 ORDER BY id`)
      .all([this.#pendingFloor()]) as unknown as LogRow[]
  }

  /** Number of pending synced events (the same range scan as `pendingRows`, counted). */
  pendingCount(): number {
    return Number(
      this.#stmts
        .get(`SELECT count(*) AS c FROM ${this.#t} WHERE id >= ? AND gseq IS NULL AND synced = 1`)
        .get([this.#pendingFloor()])?.c ?? 0,
    )
  }

  #pendingFloor(): number {
    return Number(this.meta('pendingFloor') ?? 0)
  }

  /**
   * Record that no pending event has an id below `id` (inside the transaction that made
   * it true; pass `maxId + 1` when nothing is pending).
   */
  setPendingFloor(id: number): void {
    if (id !== this.#pendingFloor()) this.setMeta('pendingFloor', id)
  }

  /** Confirm the pending event with log id `id` (found through `pendingRows`). */
  confirm(id: number, gseq: number): void {
    this.#stmts.get(`UPDATE ${this.#t} SET gseq = ?, undo = NULL WHERE id = ?`).run([gseq, id])
  }

  /**
   * Highest server sequence in the log (0 when none): one probe of the gseq index. The
   * index is partial (`WHERE gseq IS NOT NULL`), so the query must say so, or SQLite
   * scans the whole table (~1 ms per 20k events, on every upstream page).
   */
  maxGseq(): number {
    return Number(
      this.#stmts.get(`SELECT max(gseq) AS m FROM ${this.#t} WHERE gseq IS NOT NULL`).get()?.m ?? 0,
    )
  }

  /** Whether an event with this gseq is already in the log. */
  hasGseq(gseq: number): boolean {
    return this.#stmts.get(`SELECT 1 AS x FROM ${this.#t} WHERE gseq = ?`).get([gseq]) !== undefined
  }

  /**
   * Give the pending rows from the first one `from` matches on, in commit order, the seqs
   * `first`, `first + 1`, … (their seqs were the server's for other events, decision 0065).
   * @returns the seqs given, or undefined when no pending row matched
   */
  renumberPendingFrom(
    from: (row: LogRow) => boolean,
    first: number,
  ): { first: number; last: number } | undefined {
    const rows = this.pendingRows()
    const start = rows.findIndex(from)
    if (start < 0) return undefined
    let seq = first
    const set = this.#stmts.get(`UPDATE ${this.#t} SET seq = ? WHERE id = ?`)
    for (const row of rows.slice(start)) set.run([seq++, row.id])
    return { first, last: seq - 1 }
  }

  /** Replace the undo entries of a pending row. */
  setUndo(id: number, undo: string | null): void {
    this.#stmts.get(`UPDATE ${this.#t} SET undo = ? WHERE id = ?`).run([undo, id])
  }

  /** Remove one pending event of this client. @returns the removed row */
  removePending(clientId: string, seq: number): LogRow | undefined {
    const row = this.#stmts
      .get(
        `SELECT * FROM ${this.#t} WHERE id >= ? AND client_id = ? AND seq = ? AND gseq IS NULL AND synced = 1`,
      )
      .get([this.#pendingFloor(), clientId, seq]) as LogRow | undefined
    if (row) this.#stmts.get(`DELETE FROM ${this.#t} WHERE id = ?`).run([row.id])
    return row
  }

  /** Confirmed events after `gseq`, in server order, paged. */
  confirmedAfter(gseq: number, limit: number): LogRow[] {
    return this.#stmts
      .get(`SELECT * FROM ${this.#t} WHERE gseq > ? ORDER BY gseq LIMIT ?`)
      .all([gseq, limit]) as unknown as LogRow[]
  }

  /** Local (unconfirmed) events after `id`, in commit order, paged. */
  localAfter(id: number, limit: number): LogRow[] {
    return this.#stmts
      .get(`SELECT * FROM ${this.#t} WHERE gseq IS NULL AND id > ? ORDER BY id LIMIT ?`)
      .all([id, limit]) as unknown as LogRow[]
  }

  /** Every event after `id` in id order (crash-recovery tail). */
  tailAfter(id: number): LogRow[] {
    return this.#stmts
      .get(`SELECT * FROM ${this.#t} WHERE id > ? ORDER BY id`)
      .all([id]) as unknown as LogRow[]
  }

  /** A page of the log for devtools, newest first. */
  page(limit: number, offset: number): LogRow[] {
    return this.#stmts
      .get(`SELECT * FROM ${this.#t} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all([limit, offset]) as unknown as LogRow[]
  }

  /** Number of confirmed events with gseq ≤ `head` (a probe of the gseq index). */
  confirmedCount(head: number): number {
    return Number(
      this.#stmts.get(`SELECT count(*) AS c FROM ${this.#t} WHERE gseq IS NOT NULL AND gseq <= ?`).get([head])
        ?.c ?? 0,
    )
  }

  /** Latest snapshot, if any. */
  latestSnapshot(): SnapshotRow | undefined {
    return this.#stmts
      .get(`SELECT * FROM ${this.schema}.__strata_snapshots ORDER BY id DESC LIMIT 1`)
      .get() as SnapshotRow | undefined
  }

  /** Store a snapshot. */
  addSnapshot(head: number, lastLocalId: number, hash: string, createdAt: number, data: string): void {
    this.#stmts
      .get(
        `INSERT INTO ${this.schema}.__strata_snapshots (head, last_local_id, schema_hash, created_at, data) VALUES (?, ?, ?, ?, ?)`,
      )
      .run([head, lastLocalId, hash, createdAt, data])
  }

  /**
   * Drop what the latest snapshot makes redundant: confirmed events with gseq ≤ its head
   * and client-only events with id ≤ its last local id. Pending events are never dropped.
   * @returns number of events removed
   */
  compact(snapshot: SnapshotRow): number {
    const a = this.#stmts
      .get(`DELETE FROM ${this.#t} WHERE gseq IS NOT NULL AND gseq <= ?`)
      .run([snapshot.head]).changes
    const b = this.#stmts
      .get(`DELETE FROM ${this.#t} WHERE synced = 0 AND id <= ?`)
      .run([snapshot.last_local_id]).changes
    this.#stmts.get(`DELETE FROM ${this.schema}.__strata_snapshots WHERE id < ?`).run([snapshot.id])
    return a + b
  }
}

/** Turn a stored row into the wire record. */
export function toRecord(row: LogRow): EventRecord {
  const rec: { name: string; args: unknown; clientId: string; seq: number; gseq?: number; ts?: number } = {
    name: row.name,
    args: JSON.parse(row.args),
    clientId: row.client_id,
    seq: row.seq ?? 0,
  }
  if (row.gseq !== null) rec.gseq = row.gseq
  if (row.ts !== null) rec.ts = row.ts
  return rec
}

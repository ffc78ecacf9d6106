/**
 * SQLite backend (better-sqlite3): the embedded default. WAL journal with
 * `synchronous=FULL`, so a committed push survives power loss before it is acked
 * (decision 0040). One writer; every push is one IMMEDIATE transaction.
 */
import Database from 'better-sqlite3'
import type { AckResult, ConfirmedEvent, PushedEvent } from '@strata/sync'
import { StorageError } from '../errors.js'
import {
  type AppendResult,
  buildResults,
  clientClaim,
  clientTaken,
  encodeStoredEvent,
  type Judge,
  judgeFresh,
  planPush,
  type SyncStorage,
  type Verdict,
} from './storage.js'

/**
 * Options of {@link openSqliteStorage}.
 *
 * @example
 * ```ts
 * const opts: SqliteStorageOptions = { filename: './strata.db' }
 * ```
 */
export interface SqliteStorageOptions {
  /** Database file, or `':memory:'` (tests only: not durable). */
  filename: string
  /**
   * `'full'` (default): fsync the WAL on every commit — an acked push survives power
   * loss. `'normal'`: faster, an acked push survives a process crash but maybe not a
   * power loss.
   */
  synchronous?: 'full' | 'normal'
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS strata_stores (
  store_id TEXT PRIMARY KEY,
  head INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS strata_events (
  store_id TEXT NOT NULL,
  gseq INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  ts REAL,
  PRIMARY KEY (store_id, gseq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS strata_events_client_seq ON strata_events (store_id, client_id, seq);
CREATE TABLE IF NOT EXISTS strata_clients (
  store_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  user_id TEXT,
  PRIMARY KEY (store_id, client_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS strata_replica_images (
  store_id TEXT PRIMARY KEY,
  head INTEGER NOT NULL,
  schema_hash TEXT NOT NULL,
  image BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS strata_rejections (
  store_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (store_id, client_id, seq)
) WITHOUT ROWID;
`

/**
 * Brings a database created by an older version up to date. The tables carry no schema
 * version: each table is created if missing (SCHEMA), and a column added later is added
 * when absent, in one IMMEDIATE transaction so two processes opening the file serialize.
 */
function migrate(db: Database.Database): void {
  const hasColumn = (table: string, column: string): boolean =>
    (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).some(
      (c) => c.name === column,
    )
  if (hasColumn('strata_clients', 'user_id')) return
  db.transaction(() => {
    // Client ids bound to users (decision 0043, its amendment "client ids are bound to users"). Existing rows stay
    // unbound (NULL) until a push appends an accepted event under them.
    if (!hasColumn('strata_clients', 'user_id')) db.exec('ALTER TABLE strata_clients ADD COLUMN user_id TEXT')
  }).immediate()
}

interface EventRow {
  gseq: number
  client_id: string
  seq: number
  name: string
  args: string
  ts: number | null
}

function rowToEvent(r: EventRow): ConfirmedEvent {
  const e: ConfirmedEvent = {
    name: r.name,
    args: JSON.parse(r.args),
    clientId: r.client_id,
    seq: r.seq,
    gseq: r.gseq,
  }
  if (r.ts !== null) e.ts = r.ts
  return e
}

/**
 * Opens (creating if needed) a SQLite event store.
 *
 * @param options - file and durability
 * @returns a {@link SyncStorage}
 * @example
 * ```ts
 * const storage = openSqliteStorage({ filename: './strata.db' })
 * console.log(await storage.head('user:ada'))
 * await storage.close()
 * ```
 */
export function openSqliteStorage(options: SqliteStorageOptions): SyncStorage {
  let db: Database.Database
  try {
    db = new Database(options.filename)
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
    db.pragma('busy_timeout = 5000')
    db.exec(SCHEMA)
    migrate(db)
  } catch (cause) {
    throw new StorageError(
      'open_failed',
      `cannot open SQLite database ${options.filename}: ${String(cause)}`,
      { cause },
    )
  }
  const q = {
    head: db.prepare<[string], { head: number }>('SELECT head FROM strata_stores WHERE store_id = ?'),
    setHead: db.prepare(
      'INSERT INTO strata_stores (store_id, head) VALUES (?, ?) ON CONFLICT (store_id) DO UPDATE SET head = excluded.head',
    ),
    client: db.prepare<[string, string], { last_seq: number; user_id: string | null }>(
      'SELECT last_seq, user_id FROM strata_clients WHERE store_id = ? AND client_id = ?',
    ),
    // A binding, once set, is never changed (coalesce keeps the first).
    setLastSeq: db.prepare(
      `INSERT INTO strata_clients (store_id, client_id, last_seq, user_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (store_id, client_id) DO UPDATE SET last_seq = excluded.last_seq,
         user_id = coalesce(strata_clients.user_id, excluded.user_id)`,
    ),
    insert: db.prepare(
      'INSERT INTO strata_events (store_id, gseq, client_id, seq, name, args, ts) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    reject: db.prepare(
      'INSERT INTO strata_rejections (store_id, client_id, seq, code, reason) VALUES (?, ?, ?, ?, ?)',
    ),
    saveImage: db.prepare(
      `INSERT INTO strata_replica_images (store_id, head, schema_hash, image) VALUES (?, ?, ?, ?)
       ON CONFLICT (store_id) DO UPDATE SET head = excluded.head, schema_hash = excluded.schema_hash, image = excluded.image
       WHERE excluded.head >= strata_replica_images.head OR excluded.schema_hash <> strata_replica_images.schema_hash`,
    ),
    loadImage: db.prepare<[string], { head: number; schema_hash: string; image: Buffer }>(
      'SELECT head, schema_hash, image FROM strata_replica_images WHERE store_id = ?',
    ),
    appliedRange: db.prepare<[string, string, number, number], { seq: number; gseq: number }>(
      'SELECT seq, gseq FROM strata_events WHERE store_id = ? AND client_id = ? AND seq BETWEEN ? AND ?',
    ),
    rejectedRange: db.prepare<
      [string, string, number, number],
      { seq: number; code: string; reason: string }
    >(
      'SELECT seq, code, reason FROM strata_rejections WHERE store_id = ? AND client_id = ? AND seq BETWEEN ? AND ?',
    ),
    read: db.prepare<[string, number, number], EventRow>(
      'SELECT gseq, client_id, seq, name, args, ts FROM strata_events WHERE store_id = ? AND gseq > ? ORDER BY gseq LIMIT ?',
    ),
    readRaw: db
      .prepare<[string, number, number], [number, string, number, string, string, number | null]>(
        'SELECT gseq, client_id, seq, name, args, ts FROM strata_events WHERE store_id = ? AND gseq > ? ORDER BY gseq LIMIT ?',
      )
      .raw(true),
  }

  const appendTx = db.transaction(
    (
      storeId: string,
      clientId: string,
      events: readonly PushedEvent[],
      given: readonly (Verdict | undefined)[],
      judge: Judge | undefined,
      userId: string | undefined,
    ): AppendResult => {
      const row = q.client.get(storeId, clientId)
      const before = row?.last_seq ?? 0
      let head = q.head.get(storeId)?.head ?? 0
      if (clientTaken(row?.user_id, userId))
        return { results: [], lastSeq: before, appended: [], head, taken: true }
      const plan = planPush(before, events)
      const verdicts = judgeFresh(head, events, plan, given, judge)
      if (!verdicts) return { results: [], lastSeq: before, appended: [], head, stale: true }
      const stored = new Map<number, AckResult>()
      if (plan.duplicates.length > 0) {
        const lo = (events[plan.duplicates[0] as number] as PushedEvent).seq
        const hi = (events[plan.duplicates[plan.duplicates.length - 1] as number] as PushedEvent).seq
        for (const r of q.appliedRange.all(storeId, clientId, lo, hi))
          stored.set(r.seq, { seq: r.seq, ok: true, gseq: r.gseq })
        for (const r of q.rejectedRange.all(storeId, clientId, lo, hi)) {
          stored.set(r.seq, { seq: r.seq, ok: false, code: r.code as Verdict['code'], reason: r.reason })
        }
      }
      const fresh = new Map<number, AckResult>()
      const appended: ConfirmedEvent[] = []
      let lastSeq = before
      for (const i of plan.fresh) {
        const e = events[i] as PushedEvent
        const verdict = verdicts[i]
        if (verdict) {
          q.reject.run(storeId, clientId, e.seq, verdict.code, verdict.reason)
          fresh.set(e.seq, { seq: e.seq, ok: false, code: verdict.code, reason: verdict.reason })
        } else {
          head++
          q.insert.run(storeId, head, clientId, e.seq, e.name, JSON.stringify(e.args ?? null), e.ts ?? null)
          const c: ConfirmedEvent = { name: e.name, args: e.args, clientId, seq: e.seq, gseq: head }
          if (e.ts !== undefined) c.ts = e.ts
          appended.push(c)
          fresh.set(e.seq, { seq: e.seq, ok: true, gseq: head })
        }
        lastSeq = e.seq
      }
      if (appended.length > 0) q.setHead.run(storeId, head)
      if (lastSeq !== before) {
        const claim = clientClaim(row !== undefined, row?.user_id ?? null, userId, true, appended.length > 0)
        q.setLastSeq.run(storeId, clientId, lastSeq, claim)
      }
      return { results: buildResults(events, plan, fresh, stored, before), lastSeq, appended, head }
    },
  )

  let closed = false
  const guard = (): void => {
    if (closed) throw new StorageError('closed', `SQLite storage ${options.filename} is closed`)
  }

  // Group commit: pushes that arrive in the same turn of the event loop share one
  // transaction and therefore one fsync. Each push runs in its own savepoint (a nested
  // better-sqlite3 transaction), so one failing push does not undo the others.
  type Job = {
    args: [
      string,
      string,
      readonly PushedEvent[],
      readonly (Verdict | undefined)[],
      Judge | undefined,
      string | undefined,
    ]
    resolve: (r: AppendResult) => void
    reject: (e: unknown) => void
  }
  let queue: Job[] = []
  const flush = (): void => {
    const jobs = queue
    queue = []
    const outcomes: Array<{ ok: true; value: AppendResult } | { ok: false; error: unknown }> = []
    try {
      // IMMEDIATE takes the write lock up front so two processes on one file serialize cleanly.
      db.transaction(() => {
        for (const job of jobs) {
          try {
            outcomes.push({ ok: true, value: appendTx(...job.args) })
          } catch (error) {
            outcomes.push({ ok: false, error })
          }
        }
      }).immediate()
    } catch (cause) {
      const error = new StorageError('append_failed', `SQLite commit failed: ${String(cause)}`, { cause })
      for (const job of jobs) job.reject(error)
      return
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i]
      if (o?.ok) job.resolve(o.value)
      else
        job.reject(
          new StorageError(
            'append_failed',
            `push to ${job.args[0]} by ${job.args[1]} failed: ${String(o?.error)}`,
            { cause: o?.error },
          ),
        )
    })
  }

  return {
    kind: 'sqlite',
    append(storeId, clientId, events, verdicts, judge, userId) {
      try {
        guard()
      } catch (e) {
        return Promise.reject(e)
      }
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ args: [storeId, clientId, events, verdicts, judge, userId], resolve, reject })
        if (queue.length === 1) setImmediate(flush)
      })
    },
    async read(storeId, after, limit) {
      guard()
      return q.read.all(storeId, after, limit).map(rowToEvent)
    },
    async readEncoded(storeId, after, limit) {
      guard()
      const rows = q.readRaw.all(storeId, after, limit)
      const parts = rows.map((r) => encodeStoredEvent(r[0], r[1], r[2], r[3], r[4], r[5]))
      const last = rows[rows.length - 1]
      return { json: `[${parts.join(',')}]`, count: rows.length, last: last ? last[0] : 0 }
    },
    async head(storeId) {
      guard()
      return q.head.get(storeId)?.head ?? 0
    },
    async lastSeq(storeId, clientId) {
      guard()
      return q.client.get(storeId, clientId)?.last_seq ?? 0
    },
    async clientOwner(storeId, clientId) {
      guard()
      return q.client.get(storeId, clientId)?.user_id ?? undefined
    },
    async saveImage(storeId, image) {
      guard()
      q.saveImage.run(storeId, image.head, image.schemaHash, image.bytes)
    },
    async loadImage(storeId) {
      guard()
      const row = q.loadImage.get(storeId)
      return row
        ? { head: row.head, schemaHash: row.schema_hash, bytes: new Uint8Array(row.image) }
        : undefined
    },
    async close() {
      if (closed) return
      closed = true
      if (queue.length > 0) flush()
      db.close()
    },
  }
}

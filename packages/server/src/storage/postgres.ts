/**
 * Postgres backend (`pg`): for servers that outgrow one machine. Several server
 * processes may share one database; a per-store row lock (`strata_stores`) serializes
 * pushes to one store across all nodes, so gseq stays gap-free and commit order equals
 * gseq order (which the fan-out relies on). A push is acked after `COMMIT` returns.
 */
import pg from 'pg'
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
 * Options of {@link openPostgresStorage}.
 *
 * @example
 * ```ts
 * const opts: PostgresStorageOptions = { connectionString: 'postgres://postgres@127.0.0.1/test', schema: 'strata' }
 * ```
 */
export interface PostgresStorageOptions {
  /** `postgres://user@host:port/db`. */
  connectionString: string
  /** Schema holding the tables (created if missing). Default `public`. */
  schema?: string
  /** Pool size. Default 10. */
  maxConnections?: number
}

interface EventRow {
  gseq: number
  client_id: string
  seq: number
  name: string
  args: string
  ts: number | null
}

const INT8_OID = 20
const typeParser = (oid: number, format?: 'text' | 'binary'): ((v: string) => unknown) =>
  // gseq/seq are bigint columns; they stay far below 2^53, so plain numbers are safe.
  oid === INT8_OID ? Number : (pg.types.getTypeParser(oid, format ?? 'text') as (v: string) => unknown)

/**
 * Quotes an SQL identifier.
 * @internal
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/**
 * Opens a Postgres event store, creating its schema and tables if needed.
 *
 * @param options - connection and schema
 * @returns a {@link SyncStorage}
 * @example
 * ```ts
 * const storage = await openPostgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' })
 * await storage.close()
 * ```
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<SyncStorage> {
  const schema = quoteIdent(options.schema ?? 'public')
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    types: { getTypeParser: typeParser } as pg.CustomTypesConfig,
  })
  // An idle client erroring (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  const t = (name: string): string => `${schema}.${name}`
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    await pool.query(`
      CREATE TABLE IF NOT EXISTS ${t('strata_stores')} (store_id TEXT PRIMARY KEY, head BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${t('strata_events')} (
        store_id TEXT NOT NULL, gseq BIGINT NOT NULL, client_id TEXT NOT NULL, seq BIGINT NOT NULL,
        name TEXT NOT NULL, args TEXT NOT NULL, ts DOUBLE PRECISION,
        PRIMARY KEY (store_id, gseq));
      CREATE UNIQUE INDEX IF NOT EXISTS strata_events_client_seq ON ${t('strata_events')} (store_id, client_id, seq);
      CREATE TABLE IF NOT EXISTS ${t('strata_clients')} (
        store_id TEXT NOT NULL, client_id TEXT NOT NULL, last_seq BIGINT NOT NULL, user_id TEXT,
        PRIMARY KEY (store_id, client_id));
      CREATE TABLE IF NOT EXISTS ${t('strata_replica_images')} (
        store_id TEXT PRIMARY KEY, head BIGINT NOT NULL, schema_hash TEXT NOT NULL, image BYTEA NOT NULL);
      CREATE TABLE IF NOT EXISTS ${t('strata_rejections')} (
        store_id TEXT NOT NULL, client_id TEXT NOT NULL, seq BIGINT NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,
        PRIMARY KEY (store_id, client_id, seq));
    `)
    // Starts a push in one round trip instead of three (BEGIN, lock, lastSeq; decision
    // 0057): the upsert takes the store's row lock, and the lastSeq read that follows is
    // a separate statement of a VOLATILE function, so under READ COMMITTED it sees what a
    // push that held the lock before us committed. Created under an advisory lock:
    // concurrent CREATE OR REPLACE FUNCTION from nodes starting together can fail.
    const ddl = await pool.connect()
    try {
      await ddl.query('BEGIN')
      await ddl.query(`SELECT pg_advisory_xact_lock(hashtext(${ddl.escapeLiteral(`strata:${schema}`)}))`)
      // Migrations of databases made by older versions. The tables carry no schema
      // version: each is created if missing (above), and a column added later is added
      // here when absent — looked up first, so a node joining a running cluster does not
      // take strata_clients' exclusive lock for nothing.
      // Client ids bound to users (decision 0043, its amendment "client ids are bound to users"): existing rows stay
      // unbound (NULL) until a push appends an accepted event under them.
      const bound = await ddl.query(
        `SELECT 1 FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'strata_clients' AND column_name = 'user_id'`,
        [options.schema ?? 'public'],
      )
      if (bound.rowCount === 0)
        await ddl.query(`ALTER TABLE ${t('strata_clients')} ADD COLUMN IF NOT EXISTS user_id TEXT`)
      await ddl.query(`
        CREATE OR REPLACE FUNCTION ${t('strata_begin_push')}(p_store TEXT, p_client TEXT, OUT head BIGINT, OUT last_seq BIGINT)
        LANGUAGE plpgsql VOLATILE AS $fn$
        BEGIN
          INSERT INTO ${t('strata_stores')} AS s (store_id, head) VALUES (p_store, 0)
            ON CONFLICT (store_id) DO UPDATE SET head = s.head RETURNING s.head INTO head;
          SELECT c.last_seq INTO last_seq FROM ${t('strata_clients')} c
            WHERE c.store_id = p_store AND c.client_id = p_client;
          last_seq := coalesce(last_seq, 0);
        END $fn$`)
      await ddl.query('COMMIT')
    } catch (e) {
      await ddl.query('ROLLBACK').catch(() => {})
      throw e
    } finally {
      ddl.release()
    }
  } catch (cause) {
    await pool.end().catch(() => {})
    throw new StorageError('open_failed', `cannot prepare Postgres schema ${schema}: ${String(cause)}`, {
      cause,
    })
  }

  const sql = {
    lastSeq: `SELECT last_seq FROM ${t('strata_clients')} WHERE store_id = $1 AND client_id = $2`,
    owner: `SELECT user_id FROM ${t('strata_clients')} WHERE store_id = $1 AND client_id = $2`,
    saveImage: `INSERT INTO ${t('strata_replica_images')} AS i (store_id, head, schema_hash, image) VALUES ($1, $2, $3, $4)
      ON CONFLICT (store_id) DO UPDATE SET head = excluded.head, schema_hash = excluded.schema_hash, image = excluded.image
      WHERE excluded.head >= i.head OR excluded.schema_hash <> i.schema_hash`,
    loadImage: `SELECT head, schema_hash, image FROM ${t('strata_replica_images')} WHERE store_id = $1`,
    applied: `SELECT seq, gseq FROM ${t('strata_events')} WHERE store_id = $1 AND client_id = $2 AND seq BETWEEN $3 AND $4`,
    rejected: `SELECT seq, code, reason FROM ${t('strata_rejections')} WHERE store_id = $1 AND client_id = $2 AND seq BETWEEN $3 AND $4`,
    // Appended events, the new head and the client's lastSeq in one statement (one round
    // trip instead of three on every push that appends; decision 0057).
    insert: `WITH appended AS (
        INSERT INTO ${t('strata_events')} (store_id, gseq, client_id, seq, name, args, ts)
        SELECT $1, g, $2, s, n, a, ts FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::float8[]) AS u(g, s, n, a, ts)
      ), moved AS (
        UPDATE ${t('strata_stores')} SET head = $8 WHERE store_id = $1
      )
      INSERT INTO ${t('strata_clients')} AS c (store_id, client_id, last_seq, user_id) VALUES ($1, $2, $9, $10)
      ON CONFLICT (store_id, client_id) DO UPDATE SET last_seq = excluded.last_seq,
        user_id = coalesce(c.user_id, excluded.user_id)`,
    reject: `INSERT INTO ${t('strata_rejections')} (store_id, client_id, seq, code, reason)
      SELECT $1, $2, s, c, r FROM unnest($3::bigint[], $4::text[], $5::text[]) AS u(s, c, r)`,
    // A binding, once set, is never changed (coalesce keeps the first).
    setLastSeq: `INSERT INTO ${t('strata_clients')} AS c (store_id, client_id, last_seq, user_id) VALUES ($1, $2, $3, $4)
      ON CONFLICT (store_id, client_id) DO UPDATE SET last_seq = excluded.last_seq,
        user_id = coalesce(c.user_id, excluded.user_id)`,
    read: `SELECT gseq, client_id, seq, name, args, ts FROM ${t('strata_events')} WHERE store_id = $1 AND gseq > $2 ORDER BY gseq LIMIT $3`,
    head: `SELECT head FROM ${t('strata_stores')} WHERE store_id = $1`,
  }

  let closed = false
  const guard = (): void => {
    if (closed) throw new StorageError('closed', 'Postgres storage is closed')
  }

  async function append(
    storeId: string,
    clientId: string,
    events: readonly PushedEvent[],
    given: readonly (Verdict | undefined)[],
    judge?: Judge,
    userId?: string,
  ): Promise<AppendResult> {
    guard()
    const client = await pool.connect()
    try {
      // BEGIN and the push's start in one simple-protocol round trip: the store's row lock
      // (pushes to one store serialize across nodes), its head and the client's lastSeq,
      // then the client's binding — a statement of its own after the lock, so it sees what
      // a push that held the lock before us committed.
      const store = client.escapeLiteral(storeId)
      const id = client.escapeLiteral(clientId)
      const started = (await client.query(
        `BEGIN; SELECT head, last_seq FROM ${t('strata_begin_push')}(${store}, ${id});
         SELECT user_id FROM ${t('strata_clients')} WHERE store_id = ${store} AND client_id = ${id}`,
      )) as unknown as [
        pg.QueryResult,
        pg.QueryResult<{ head: number; last_seq: number }>,
        pg.QueryResult<{ user_id: string | null }>,
      ]
      const row = started[1]?.rows[0]
      const binding = started[2]?.rows[0]
      let head = Number(row?.head ?? 0)
      const before = Number(row?.last_seq ?? 0)
      if (clientTaken(binding?.user_id, userId)) {
        await client.query('ROLLBACK')
        return { results: [], lastSeq: before, appended: [], head, taken: true }
      }
      const plan = planPush(before, events)
      const verdicts = judgeFresh(head, events, plan, given, judge)
      if (!verdicts) {
        await client.query('ROLLBACK')
        return { results: [], lastSeq: before, appended: [], head, stale: true }
      }
      const stored = new Map<number, AckResult>()
      if (plan.duplicates.length > 0) {
        const lo = (events[plan.duplicates[0] as number] as PushedEvent).seq
        const hi = (events[plan.duplicates[plan.duplicates.length - 1] as number] as PushedEvent).seq
        const [applied, rejected] = await Promise.all([
          client.query<{ seq: number; gseq: number }>(sql.applied, [storeId, clientId, lo, hi]),
          client.query<{ seq: number; code: string; reason: string }>(sql.rejected, [
            storeId,
            clientId,
            lo,
            hi,
          ]),
        ])
        for (const r of applied.rows) stored.set(r.seq, { seq: r.seq, ok: true, gseq: r.gseq })
        for (const r of rejected.rows)
          stored.set(r.seq, { seq: r.seq, ok: false, code: r.code as Verdict['code'], reason: r.reason })
      }
      const fresh = new Map<number, AckResult>()
      const appended: ConfirmedEvent[] = []
      const ins = {
        g: [] as number[],
        s: [] as number[],
        n: [] as string[],
        a: [] as string[],
        ts: [] as (number | null)[],
      }
      const rej = { s: [] as number[], c: [] as string[], r: [] as string[] }
      let lastSeq = before
      for (const i of plan.fresh) {
        const e = events[i] as PushedEvent
        const verdict = verdicts[i]
        if (verdict) {
          rej.s.push(e.seq)
          rej.c.push(verdict.code)
          rej.r.push(verdict.reason)
          fresh.set(e.seq, { seq: e.seq, ok: false, code: verdict.code, reason: verdict.reason })
        } else {
          head++
          ins.g.push(head)
          ins.s.push(e.seq)
          ins.n.push(e.name)
          ins.a.push(JSON.stringify(e.args ?? null))
          ins.ts.push(e.ts ?? null)
          const c: ConfirmedEvent = { name: e.name, args: e.args, clientId, seq: e.seq, gseq: head }
          if (e.ts !== undefined) c.ts = e.ts
          appended.push(c)
          fresh.set(e.seq, { seq: e.seq, ok: true, gseq: head })
        }
        lastSeq = e.seq
      }
      if (rej.s.length > 0) await client.query(sql.reject, [storeId, clientId, rej.s, rej.c, rej.r])
      const claim = clientClaim(
        binding !== undefined,
        binding?.user_id ?? null,
        userId,
        lastSeq !== before,
        ins.g.length > 0,
      )
      // An appended event always moves lastSeq, so the combined statement covers all three.
      if (ins.g.length > 0)
        await client.query(sql.insert, [
          storeId,
          clientId,
          ins.g,
          ins.s,
          ins.n,
          ins.a,
          ins.ts,
          head,
          lastSeq,
          claim,
        ])
      else if (lastSeq !== before) await client.query(sql.setLastSeq, [storeId, clientId, lastSeq, claim])
      await client.query('COMMIT')
      return { results: buildResults(events, plan, fresh, stored, before), lastSeq, appended, head }
    } catch (cause) {
      await client.query('ROLLBACK').catch(() => {})
      throw new StorageError(
        'append_failed',
        `push to store ${storeId} by client ${clientId} failed: ${String(cause)}`,
        { cause },
      )
    } finally {
      client.release()
    }
  }

  return {
    kind: 'postgres',
    append,
    async read(storeId, after, limit) {
      guard()
      const rows = (await pool.query<EventRow>(sql.read, [storeId, after, limit])).rows
      return rows.map((r) => {
        const e: ConfirmedEvent = {
          name: r.name,
          args: JSON.parse(r.args),
          clientId: r.client_id,
          seq: r.seq,
          gseq: r.gseq,
        }
        if (r.ts !== null) e.ts = r.ts
        return e
      })
    },
    async readEncoded(storeId, after, limit) {
      guard()
      const rows = (await pool.query<EventRow>(sql.read, [storeId, after, limit])).rows
      const parts = rows.map((r) => encodeStoredEvent(r.gseq, r.client_id, r.seq, r.name, r.args, r.ts))
      const last = rows[rows.length - 1]
      return { json: `[${parts.join(',')}]`, count: rows.length, last: last ? last.gseq : 0 }
    },
    async head(storeId) {
      guard()
      return (await pool.query<{ head: number }>(sql.head, [storeId])).rows[0]?.head ?? 0
    },
    async lastSeq(storeId, clientId) {
      guard()
      return (await pool.query<{ last_seq: number }>(sql.lastSeq, [storeId, clientId])).rows[0]?.last_seq ?? 0
    },
    async clientOwner(storeId, clientId) {
      guard()
      return (
        (await pool.query<{ user_id: string | null }>(sql.owner, [storeId, clientId])).rows[0]?.user_id ??
        undefined
      )
    },
    async saveImage(storeId, image) {
      guard()
      await pool.query(sql.saveImage, [storeId, image.head, image.schemaHash, Buffer.from(image.bytes)])
    },
    async loadImage(storeId) {
      guard()
      const row = (
        await pool.query<{ head: number; schema_hash: string; image: Buffer }>(sql.loadImage, [storeId])
      ).rows[0]
      return row
        ? { head: row.head, schemaHash: row.schema_hash, bytes: new Uint8Array(row.image) }
        : undefined
    },
    async close() {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}

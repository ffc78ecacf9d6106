/**
 * The typed write API materializers use (`insert` / `upsert` / `update` / `delete`,
 * plus reads). Besides writing, it records two things for the store:
 * - touched rows per table (primary keys, or "whole table" when unknown), which drive
 *   live-query invalidation;
 * - for pending synced events, undo entries (pre-images) so `sync/rebase.ts` can roll
 *   state back to the confirmed head without replaying the log.
 */
import type { StatementCache } from '../adapters/statements.js'
import { SchemaError } from '../errors.js'
import type { Columns, InsertOf, RowOf, WhereObject } from '../query/builder.js'
import { ident } from '../query/builder.js'
import type { Query } from '../query/query.js'
import { encodeValue } from '../tables/columns.js'
import type { Table } from '../tables/table.js'

/**
 * A partial row for `update`; `undefined` fields are left unchanged.
 * @example
 * db.update(todos, { id }, { title: updates.title }) // undefined fields are left alone
 */
export type Patch<R> = { [K in keyof R]?: R[K] | undefined }

/** Undo entry: delete a row by key, or restore a raw pre-image. */
export type UndoEntry = readonly ['d', string, unknown] | readonly ['r', string, Record<string, unknown>]

/** Per-table touched keys; `null` means rows unknown (whole table). */
export type Touched = Map<string, Set<unknown> | null>

/**
 * What a materializer receives besides its payload: the only way it may touch state.
 * Materializers must be deterministic: ids and timestamps come in the payload.
 * @example
 * materializers: {
 *   'v1.TodoCompleted': ({ id }, db) => { db.update(tables.todos, { id }, { done: true }) },
 * }
 */
export interface MaterializerContext {
  /** Insert a row (throws on a duplicate primary key → the commit fails). */
  insert<N extends string, C extends Columns>(table: Table<N, C>, row: InsertOf<C>): void
  /** Insert, or on primary-key conflict update the columns given in `row`. */
  upsert<N extends string, C extends Columns>(table: Table<N, C>, row: InsertOf<C>): void
  /** Update matching rows with `patch`. @returns rows changed */
  update<N extends string, C extends Columns>(
    table: Table<N, C>,
    where: WhereObject<RowOf<C>>,
    patch: Patch<RowOf<C>>,
  ): number
  /** Delete matching rows. @returns rows deleted */
  delete<N extends string, C extends Columns>(table: Table<N, C>, where: WhereObject<RowOf<C>>): number
  /** Read one row by primary key. */
  get<N extends string, C extends Columns>(table: Table<N, C>, id: RowOf<C>[keyof C]): RowOf<C> | undefined
  /** Run any query against current (in-transaction) state. */
  query<R>(q: Query<R>): R
}

/** @internal resolves table objects by name for undo. */
export interface TableLookup {
  table(name: string): Table
}

/**
 * Keys tracked per table and transaction before the writer reports "unknown rows" (the
 * whole table): far above what a live query patches row by row (`MAX_PATCH_KEYS`).
 */
const TOUCHED_KEYS_MAX = 1024

/**
 * Implementation of {@link MaterializerContext} over a statement cache.
 * @internal
 */
export class Writer implements MaterializerContext {
  readonly #stmts: StatementCache
  readonly #tables: TableLookup
  /** Undo entries of the current event, or null when not recording. */
  undo: UndoEntry[] | null = null
  touched: Touched = new Map()
  readonly #sqlCache = new Map<string, string>()

  constructor(stmts: StatementCache, tables: TableLookup) {
    this.#stmts = stmts
    this.#tables = tables
  }

  #touch(table: string, id: unknown): void {
    const t = this.touched.get(table)
    if (t === null) return
    if (t === undefined) this.touched.set(table, new Set([id]))
    else if (t.size < TOUCHED_KEYS_MAX) t.add(id)
    // A bulk write (an upstream page of thousands of events): tracking every key would
    // cost a Set entry per row to tell live queries what they re-run anyway.
    else this.touched.set(table, null)
  }

  #touchAll(table: string): void {
    this.touched.set(table, null)
  }

  #insertSql(table: Table): string {
    const key = `i\u0000${table.name}`
    let sql = this.#sqlCache.get(key)
    if (sql === undefined) {
      sql = `INSERT INTO ${ident(table.name)} (${table.columnNames.map(ident).join(', ')}) VALUES (${table.columnNames.map(() => '?').join(', ')})`
      this.#sqlCache.set(key, sql)
    }
    return sql
  }

  insert<N extends string, C extends Columns>(table: Table<N, C>, row: InsertOf<C>): void {
    const t = table as unknown as Table
    const params = t.encodeInsert(row as Record<string, unknown>)
    this.#stmts.get(this.#insertSql(t)).run(params)
    const id = (row as Record<string, unknown>)[t.primaryKey]
    this.#touch(t.name, id)
    this.undo?.push(['d', t.name, id])
  }

  upsert<N extends string, C extends Columns>(table: Table<N, C>, row: InsertOf<C>): void {
    const t = table as unknown as Table
    const r = row as Record<string, unknown>
    const id = r[t.primaryKey]
    if (id === undefined)
      throw new SchemaError(`upsert into "${t.name}" needs the primary key "${t.primaryKey}"`)
    if (this.undo) {
      const pre = this.#stmts.get(`SELECT * FROM ${ident(t.name)} WHERE ${ident(t.primaryKey)} = ?`).get([id])
      this.undo.push(pre ? ['r', t.name, pre] : ['d', t.name, id])
    }
    const given = t.columnNames.filter((c) => c !== t.primaryKey && r[c] !== undefined)
    const key = `u\u0000${t.name}\u0000${given.join(',')}`
    let sql = this.#sqlCache.get(key)
    if (sql === undefined) {
      sql =
        `${this.#insertSql(t)} ON CONFLICT(${ident(t.primaryKey)}) DO ` +
        (given.length
          ? `UPDATE SET ${given.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}`
          : 'NOTHING')
      this.#sqlCache.set(key, sql)
    }
    this.#stmts.get(sql).run(t.encodeInsert(r))
    this.#touch(t.name, id)
  }

  update<N extends string, C extends Columns>(
    table: Table<N, C>,
    where: WhereObject<RowOf<C>>,
    patch: Patch<RowOf<C>>,
  ): number {
    const t = table as unknown as Table
    const p = patch as Record<string, unknown>
    const cols: string[] = []
    const values: unknown[] = []
    for (const c of Object.keys(p)) {
      const v = p[c]
      if (v === undefined) continue
      cols.push(c)
      values.push(v)
    }
    if (cols.length === 0) return 0
    if (cols.includes(t.primaryKey))
      throw new SchemaError(`update of "${t.name}" may not change the primary key "${t.primaryKey}"`)
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i] as string
      values[i] = encodeValue(t.kindOf(c), values[i], t.columns[c]?.nullable)
    }
    const { clause, params, pinned } = this.#target(t, where as Record<string, unknown>)
    this.#preImages(t, clause, params, pinned)
    const sql = this.#sql(
      `U\u0000${t.name}\u0000${cols.join(',')}\u0000${clause}`,
      () => `UPDATE ${ident(t.name)} SET ${cols.map((c) => `${ident(c)} = ?`).join(', ')}${clause}`,
    )
    for (const v of params) values.push(v)
    return this.#stmts.get(sql).run(values).changes
  }

  delete<N extends string, C extends Columns>(table: Table<N, C>, where: WhereObject<RowOf<C>>): number {
    const t = table as unknown as Table
    const { clause, params, pinned } = this.#target(t, where as Record<string, unknown>)
    this.#preImages(t, clause, params, pinned)
    const sql = this.#sql(`D\u0000${t.name}\u0000${clause}`, () => `DELETE FROM ${ident(t.name)}${clause}`)
    return this.#stmts.get(sql).run(params).changes
  }

  /** SQL text cached under `key`, so the statement cache is handed the same string each time. */
  #sql(key: string, build: () => string): string {
    let sql = this.#sqlCache.get(key)
    if (sql === undefined) {
      sql = build()
      this.#sqlCache.set(key, sql)
    }
    return sql
  }

  /**
   * WHERE clause, parameters and pinned primary keys of a write filter. The common
   * `{ [primaryKey]: value }` filter skips the query builder (most of an update's
   * JavaScript cost); any other filter compiles through `table.where`.
   */
  #target(
    t: Table,
    where: Record<string, unknown>,
  ): { clause: string; params: unknown[]; pinned: readonly unknown[] | undefined } {
    const keys = Object.keys(where)
    if (keys.length === 1 && keys[0] === t.primaryKey) {
      const id = where[t.primaryKey]
      if (typeof id === 'string' || typeof id === 'number') {
        const clause = this.#sql(`W\u0000${t.name}`, () => ` WHERE ${ident(t.primaryKey)} = ?`)
        return { clause, params: [encodeValue(t.kindOf(t.primaryKey), id)], pinned: [id] }
      }
    }
    const q = t.where(where as WhereObject<RowOf<Columns>>)
    const { clause, params } = q.whereClause()
    return { clause, params, pinned: q.pinnedIds()?.ids }
  }

  /** Record pre-images (when recording undo) and touched keys before a write by filter. */
  #preImages(t: Table, clause: string, params: unknown[], pinned: readonly unknown[] | undefined): void {
    if (this.undo) {
      const sql = this.#sql(
        `S\u0000${t.name}\u0000${clause}`,
        () => `SELECT * FROM ${ident(t.name)}${clause}`,
      )
      const rows = this.#stmts.get(sql).all(params)
      for (const row of rows) {
        this.undo.push(['r', t.name, row])
        this.#touch(t.name, row[t.primaryKey])
      }
      if (pinned) for (const id of pinned) this.#touch(t.name, id)
      return
    }
    if (pinned) for (const id of pinned) this.#touch(t.name, id)
    else if (clause === '') this.#touchAll(t.name)
    else {
      const rows = this.#stmts
        .get(`SELECT ${ident(t.primaryKey)} AS k FROM ${ident(t.name)}${clause}`)
        .all(params)
      for (const row of rows) this.#touch(t.name, row.k)
    }
  }

  get<N extends string, C extends Columns>(table: Table<N, C>, id: RowOf<C>[keyof C]): RowOf<C> | undefined {
    const t = table as unknown as Table
    const row = this.#stmts.get(`SELECT * FROM ${ident(t.name)} WHERE ${ident(t.primaryKey)} = ?`).get([id])
    return row === undefined ? undefined : (t.decode(row) as RowOf<C>)
  }

  query<R>(q: Query<R>): R {
    const c = q.compile()
    return c.decode(this.#stmts.get(c.sql).all(c.params))
  }

  /**
   * Apply undo entries in reverse order (restoring pre-images), recording touches.
   * @internal used by sync/rebase.ts
   */
  applyUndo(entries: readonly UndoEntry[]): void {
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i] as UndoEntry
      const t = this.#tables.table(e[1])
      if (e[0] === 'd') {
        this.#stmts.get(`DELETE FROM ${ident(t.name)} WHERE ${ident(t.primaryKey)} = ?`).run([e[2]])
        this.#touch(t.name, e[2])
      } else {
        const row = e[2]
        const cols = t.columnNames.filter((c) => c in row)
        this.#stmts
          .get(
            `INSERT OR REPLACE INTO ${ident(t.name)} (${cols.map(ident).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          )
          .run(cols.map((c) => row[c]))
        this.#touch(t.name, row[t.primaryKey])
      }
    }
  }
}

/**
 * The typed, immutable query builder behind `table.where(...).orderBy(...).limit(...)`.
 * It only produces a {@link CompiledQuery}; it never touches SQLite. Each method
 * returns a new builder, so partial queries can be shared and extended.
 */
import { QueryError } from '../errors.js'
import type { ColumnDef, ColumnKind } from '../tables/columns.js'
import { encodeValue } from '../tables/columns.js'
import type { CompiledQuery, PatchPlan, Query, QueryIds } from './query.js'
import { queryKey } from './query.js'

/**
 * Column map of a table.
 * @example
 * const cols = { id: Column.text({ primaryKey: true }) } satisfies Columns
 */
export type Columns = Record<string, ColumnDef>

/** The JS value type of a column. */
export type ValueOfColumn<C> = C extends ColumnDef<infer T, boolean> ? T : never

/**
 * A full row of a table with columns `C`.
 * @example
 * type Todo = RowOf<typeof todos.columns> // or typeof todos.Row
 */
export type RowOf<C extends Columns> = { -readonly [K in keyof C]: ValueOfColumn<C[K]> }

type OptionalKeys<C extends Columns> = {
  [K in keyof C]: C[K] extends ColumnDef<unknown, true> ? K : never
}[keyof C]
type RequiredKeys<C extends Columns> = Exclude<keyof C, OptionalKeys<C>>

/**
 * What an insert must supply: columns without default and not nullable are required.
 * @example
 * const row: InsertOf<typeof todos.columns> = { id: 'a', title: 'A' } // defaults may be omitted
 */
export type InsertOf<C extends Columns> = { -readonly [K in RequiredKeys<C>]: ValueOfColumn<C[K]> } & {
  -readonly [K in OptionalKeys<C>]?: ValueOfColumn<C[K]>
}

/**
 * Comparison operators of `where(column, op, value)`.
 * @example
 * todos.where('position', '>=', 3)
 */
export type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not in' | 'like'

/**
 * Operator object form: `{ importance: { gte: 50 } }`.
 * @example
 * todos.where({ importance: { gte: 50, lt: 90 }, deletedAt: { isNull: true } })
 */
export interface OpObject<T> {
  readonly eq?: T
  readonly ne?: T
  readonly gt?: T
  readonly gte?: T
  readonly lt?: T
  readonly lte?: T
  readonly in?: readonly T[]
  readonly notIn?: readonly T[]
  readonly like?: string
  readonly isNull?: boolean
}

/**
 * Object form of a filter: equality (`null` means IS NULL) or an {@link OpObject}.
 * @example
 * todos.where({ done: false, deletedAt: null, id: { in: ['a', 'b'] } })
 */
export type WhereObject<R> = { readonly [K in keyof R]?: R[K] | OpObject<NonNullable<R[K]>> }

/**
 * Sort direction.
 * @example
 * todos.orderBy('createdAt', 'desc')
 */
export type Direction = 'asc' | 'desc'

/** A single condition after normalisation. */
export interface Condition {
  readonly column: string
  readonly op: Operator | 'is null' | 'is not null'
  readonly value: unknown
}

/** Runtime metadata the builder needs from its table. */
export interface TableMeta {
  readonly name: string
  readonly columns: Columns
  readonly primaryKey: string
  /** Decode a raw row in place (booleans, json). */
  readonly decodeRow: (row: Record<string, unknown>) => Record<string, unknown>
}

interface BuilderState {
  readonly where: readonly Condition[]
  readonly order: readonly (readonly [string, Direction])[]
  readonly limit: number | undefined
  readonly offset: number | undefined
  readonly select: readonly string[] | undefined
}

const EMPTY: BuilderState = { where: [], order: [], limit: undefined, offset: undefined, select: undefined }

const OPS: Record<string, Operator> = {
  eq: '=',
  ne: '!=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  in: 'in',
  notIn: 'not in',
  like: 'like',
}

/** `null` compares only with `=` (IS NULL) and `!=` (IS NOT NULL); with any other operator it matches nothing, as in SQL. */
const cond = (column: string, op: Operator, value: unknown): Condition =>
  value === null && (op === '=' || op === '!=')
    ? { column, op: op === '=' ? 'is null' : 'is not null', value }
    : { column, op, value }

/** Quote an identifier for SQLite. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * Immutable typed query over one table. `C` are the table's columns, `S` the selected
 * row shape. A builder is itself a query returning `S[]`.
 * @example
 * const recent = tables.todos.where({ done: false }).where('createdAt', '>=', since).orderBy('createdAt', 'desc').limit(50)
 * const rows = store.query(recent)           // { id, title, done, createdAt }[]
 * const one = store.query(tables.todos.where({ id: 't1' }).first())
 * const n = store.query(tables.todos.where({ done: true }).count())
 */
export class QueryBuilder<C extends Columns, S = RowOf<C>> implements Query<S[]> {
  declare readonly __result?: S[]
  /** @internal */
  protected readonly meta: TableMeta
  /** @internal */
  protected readonly state: BuilderState
  #compiled: CompiledQuery<S[]> | undefined

  /** @internal use `table(...)` to create builders */
  constructor(meta: TableMeta, state: BuilderState = EMPTY) {
    this.meta = meta
    this.state = state
  }

  /**
   * Add filters (AND). Object form: `{ col: value }` (equality, `null` → IS NULL) or
   * `{ col: { gte: 5 } }`. Triple form: `where('col', '>=', 5)`.
   * @returns a new builder
   * @example
   * tables.memories.where({ personaId, deletedAt: null }).where('importance', '>=', 50)
   */
  where(filter: WhereObject<RowOf<C>>): QueryBuilder<C, S>
  where<K extends keyof C & string>(
    column: K,
    op: Operator,
    value: ValueOfColumn<C[K]> | readonly NonNullable<ValueOfColumn<C[K]>>[],
  ): QueryBuilder<C, S>
  where(a: WhereObject<RowOf<C>> | string, op?: Operator, value?: unknown): QueryBuilder<C, S> {
    const added: Condition[] = []
    if (typeof a === 'string') {
      this.#column(a)
      if (op === undefined || !Object.values(OPS).includes(op))
        throw new QueryError(`Unknown operator "${String(op)}" on "${this.meta.name}.${a}"`)
      added.push(cond(a, op, value))
    } else {
      for (const key of Object.keys(a)) {
        const v = (a as Record<string, unknown>)[key]
        if (v === undefined) continue
        const col = this.#column(key)
        if (v === null) added.push({ column: key, op: 'is null', value: null })
        else if (typeof v === 'object' && !Array.isArray(v)) {
          const entries = Object.entries(v as Record<string, unknown>)
          // An object on a JSON column is a JSON value; one that looks like an operator
          // object would silently match nothing, so it is refused.
          if (col.kind === 'json') {
            if (entries.length > 0 && entries.every(([k]) => k === 'isNull' || Object.hasOwn(OPS, k)))
              throw new QueryError(`JSON column ${this.meta.name}.${key}: use where('${key}', op, value)`)
            added.push({ column: key, op: '=', value: v })
          } else
            for (const [k, ov] of entries) {
              if (ov === undefined) continue
              if (k === 'isNull') added.push({ column: key, op: ov ? 'is null' : 'is not null', value: null })
              else {
                const mapped = OPS[k]
                if (mapped === undefined)
                  throw new QueryError(`Unknown operator "${k}" on "${this.meta.name}.${key}"`)
                added.push(cond(key, mapped, ov))
              }
            }
        } else added.push({ column: key, op: '=', value: v })
      }
    }
    return this.#with({ where: [...this.state.where, ...added] })
  }

  /**
   * Sort by a column (call again for secondary keys).
   * @param column column name
   * @param direction 'asc' (default) or 'desc'
   * @returns a new builder
   * @example tables.todos.orderBy('createdAt', 'desc')
   */
  orderBy(column: keyof C & string, direction: Direction = 'asc'): QueryBuilder<C, S> {
    this.#column(column)
    if (direction !== 'asc' && direction !== 'desc')
      throw new QueryError(`Unknown sort direction "${String(direction)}"`)
    return this.#with({ order: [...this.state.order, [column, direction]] })
  }

  /**
   * Return at most `n` rows.
   * @param n non-negative integer
   * @returns a new builder
   * @example tables.todos.limit(50)
   */
  limit(n: number): QueryBuilder<C, S> {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new QueryError(`limit must be a non-negative integer, got ${n}`)
    return this.#with({ limit: n })
  }

  /**
   * Skip the first `n` rows.
   * @param n non-negative integer
   * @returns a new builder
   * @example tables.todos.orderBy('id').offset(20).limit(10)
   */
  offset(n: number): QueryBuilder<C, S> {
    if (!Number.isInteger(n) || n < 0) throw new QueryError(`offset must be a non-negative integer, got ${n}`)
    return this.#with({ offset: n })
  }

  /**
   * Select only some columns.
   * @param columns column names
   * @returns a builder of partial rows
   * @example tables.todos.select('id', 'title') // { id, title }[]
   */
  select<K extends keyof C & string>(...columns: K[]): QueryBuilder<C, Pick<RowOf<C>, K>> {
    for (const c of columns) this.#column(c)
    return new QueryBuilder<C, Pick<RowOf<C>, K>>(this.meta, { ...this.state, select: columns })
  }

  /**
   * The first matching row, or `undefined`.
   * @returns a query of one row
   * @example store.query(tables.todos.where({ id }).first())
   */
  first(): Query<S | undefined> {
    // Never widen a smaller limit: limit(0).first() is undefined.
    const inner = this.limit(Math.min(this.state.limit ?? 1, 1))
    let compiled: CompiledQuery<S | undefined> | undefined
    return {
      compile: () => {
        if (compiled) return compiled
        const base = inner.compile()
        compiled = {
          ...base,
          mode: 'first',
          decode: (rows) => base.decode(rows)[0],
          // Not the limit(1) query's key: a live first() must not share its node (array result).
          key: queryKey(base.sql, base.params, 'first'),
        }
        return compiled
      },
    }
  }

  /**
   * The number of matching rows (ignores select/order; respects limit/offset).
   * @returns a query of a number
   * @example store.query(tables.todos.where({ done: false }).count())
   */
  count(): Query<number> {
    let compiled: CompiledQuery<number> | undefined
    return {
      compile: () => {
        if (compiled) return compiled
        const { clause, params } = this.#whereSql()
        const t = ident(this.meta.name)
        let sql: string
        if (this.state.limit !== undefined || this.state.offset !== undefined) {
          const lim = this.#limitSql(params)
          sql = `SELECT count(*) AS c FROM (SELECT 1 FROM ${t}${clause}${lim})`
        } else sql = `SELECT count(*) AS c FROM ${t}${clause}`
        compiled = {
          sql,
          params,
          tables: [this.meta.name],
          ids: this.#ids(),
          mode: 'count',
          decode: (rows) => Number(rows[0]?.c ?? 0),
          key: queryKey(sql, params, 'count'),
        }
        return compiled
      },
    }
  }

  /** @returns the compiled SQL (memoized) @example tables.todos.limit(1).compile().sql */
  compile(): CompiledQuery<S[]> {
    if (this.#compiled) return this.#compiled
    const { clause, params } = this.#whereSql()
    const cols = this.state.select ? this.state.select.map(ident).join(', ') : '*'
    let sql = `SELECT ${cols} FROM ${ident(this.meta.name)}${clause}`
    const pk = this.meta.primaryKey
    // A sorted query is made total by the primary key, so ties have one defined order
    // (and live patching can place rows exactly where a fresh run would).
    const order: readonly (readonly [string, Direction])[] =
      this.state.order.length > 0 && !this.state.order.some(([c]) => c === pk)
        ? [...this.state.order, [pk, 'asc']]
        : this.state.order
    if (order.length > 0)
      sql += ` ORDER BY ${order.map(([c, d]) => `${ident(c)} ${d === 'desc' ? 'DESC' : 'ASC'}`).join(', ')}`
    const whereParams = [...params]
    sql += this.#limitSql(params)
    const decodeRow = this.meta.decodeRow
    let patch: PatchPlan | undefined
    // Patching needs the primary key and every sort column in the rows (it sorts on them).
    const sel = this.state.select
    const patchable =
      (sel === undefined || (sel.includes(pk) && order.every(([c]) => sel.includes(c)))) &&
      order.every(([c]) => this.#column(c).kind !== 'json')
    if (this.state.limit === undefined && this.state.offset === undefined && patchable) {
      patch = {
        table: this.meta.name,
        primaryKey: pk,
        selectSql: `SELECT ${cols} FROM ${ident(this.meta.name)}${clause}`,
        join: clause ? ' AND ' : ' WHERE ',
        params: whereParams,
        order: order.map(([c, d]) => {
          const kind = this.#column(c).kind
          return {
            column: c,
            desc: d === 'desc',
            kind: kind === 'text' ? 'text' : kind === 'boolean' ? 'boolean' : 'number',
          }
        }),
        decodeRow,
      }
    }
    this.#compiled = {
      sql,
      params,
      tables: [this.meta.name],
      ids: this.#ids(),
      mode: 'rows',
      decode: (rows) => {
        for (const r of rows) decodeRow(r)
        return rows as S[]
      },
      key: queryKey(sql, params),
      ...(patch ? { patch } : {}),
    }
    return this.#compiled
  }

  /** The WHERE clause and its parameters. @internal used by the materializer write API */
  whereClause(): { clause: string; params: unknown[] } {
    return this.#whereSql()
  }

  /** Primary keys the filter pins, if any. @internal */
  pinnedIds(): QueryIds | undefined {
    return this.#ids()
  }

  #limitSql(params: unknown[]): string {
    let s = ''
    // The limit is written into the SQL (it is a checked non-negative integer): SQLite
    // re-prepares a statement on every run when its LIMIT is a bound parameter, which
    // made a by-id `first()` 3× slower than the same query without a limit.
    if (this.state.limit !== undefined) s += ` LIMIT ${this.state.limit}`
    else if (this.state.offset !== undefined) s += ' LIMIT -1'
    if (this.state.offset !== undefined) {
      s += ' OFFSET ?'
      params.push(this.state.offset)
    }
    return s
  }

  #whereSql(): { clause: string; params: unknown[] } {
    const params: unknown[] = []
    const parts: string[] = []
    for (const c of this.state.where) {
      const kind: ColumnKind = this.#column(c.column).kind
      const col = ident(c.column)
      switch (c.op) {
        case 'is null':
          parts.push(`${col} IS NULL`)
          break
        case 'is not null':
          parts.push(`${col} IS NOT NULL`)
          break
        case 'in':
        case 'not in': {
          if (!Array.isArray(c.value))
            throw new QueryError(`"${c.op}" on "${this.meta.name}.${c.column}" needs an array`)
          const list = c.value as unknown[]
          if (list.length === 0) {
            parts.push(c.op === 'in' ? '0' : '1')
            break
          }
          parts.push(`${col} ${c.op === 'in' ? 'IN' : 'NOT IN'} (${list.map(() => '?').join(', ')})`)
          for (const v of list) params.push(encodeValue(kind, v))
          break
        }
        case 'like':
          parts.push(`${col} LIKE ?`)
          params.push(c.value)
          break
        default:
          parts.push(`${col} ${c.op} ?`)
          params.push(encodeValue(kind, c.value))
      }
    }
    return { clause: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', params }
  }

  #ids(): QueryIds | undefined {
    const pk = this.meta.primaryKey
    for (const c of this.state.where) {
      if (c.column !== pk) continue
      if (c.op === '=') return { table: this.meta.name, ids: [c.value] }
      if (c.op === 'in' && Array.isArray(c.value)) return { table: this.meta.name, ids: c.value as unknown[] }
    }
    return undefined
  }

  #column(name: string): ColumnDef {
    const col = this.meta.columns[name]
    if (col === undefined) throw new QueryError(`Unknown column "${name}" on table "${this.meta.name}"`)
    return col
  }

  #with(patch: Partial<BuilderState>): QueryBuilder<C, S> {
    return new QueryBuilder<C, S>(this.meta, { ...this.state, ...patch })
  }
}

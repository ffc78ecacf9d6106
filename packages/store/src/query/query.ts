/**
 * The compiled form every query takes before it reaches SQLite, shared by the typed
 * builder, raw SQL and collections. The store only ever sees `CompiledQuery`: SQL,
 * parameters, which tables it reads (for invalidation), the primary keys it is limited
 * to (finer invalidation), and how to decode rows.
 */
import { QueryError } from '../errors.js'

/** Restriction of a query to known primary-key values of one table. */
export interface QueryIds {
  readonly table: string
  readonly ids: readonly unknown[]
}

/**
 * What the store runs. `R` is the decoded result type.
 * @example
 * const { sql, params } = tables.todos.where({ done: false }).compile()
 */
export interface CompiledQuery<R> {
  readonly sql: string
  readonly params: readonly unknown[]
  /** Tables the result depends on. */
  readonly tables: readonly string[]
  /** Set when the result depends only on these primary keys of `ids.table`. */
  readonly ids: QueryIds | undefined
  /** How the rows become the result. */
  readonly mode: 'rows' | 'first' | 'count' | 'raw'
  /** Decode raw SQLite rows to the result. */
  decode(rows: Record<string, unknown>[]): R
  /** Stable identity: result shape + SQL + exact parameters. Live queries with equal keys share one node. */
  readonly key: string
  /** Set when live results can be patched row by row instead of re-running (see live/patch.ts). */
  readonly patch?: PatchPlan
}

/** What a live query needs to patch its previous rows for a few changed primary keys. */
export interface PatchPlan {
  readonly table: string
  readonly primaryKey: string
  /** SELECT … WHERE (filter) AND pk IN (…): everything but the IN list. */
  readonly selectSql: string
  /** `' AND '` or `' WHERE '`, joining the filter and the pk list. */
  readonly join: string
  readonly params: readonly unknown[]
  /** Sort keys, last one the primary key; empty for unordered queries. */
  readonly order: readonly {
    readonly column: string
    readonly desc: boolean
    readonly kind: 'text' | 'number' | 'boolean'
  }[]
  readonly decodeRow: (row: Record<string, unknown>) => Record<string, unknown>
}

/**
 * Anything `store.query` accepts: a builder, a table, raw SQL or a collection query.
 * @example
 * const q: Query<number> = tables.todos.count()
 * store.query(q)
 */
export interface Query<R> {
  /** Compile (memoized). @returns the compiled query */
  compile(): CompiledQuery<R>
  /** Phantom: result type. */
  readonly __result?: R
}

/**
 * The result type of a query.
 * @example
 * type Rows = ResultOf<typeof openTodos> // { id: string, … }[]
 */
export type ResultOf<Q> = Q extends Query<infer R> ? R : never

/**
 * One parameter, tagged by type, so no two bindable values share a key (JSON turned
 * ±Infinity and NaN into null and threw a TypeError on bigint): strings quoted, bigints
 * `1n`, blobs `x1 2`, numbers, booleans and null as `String()` gives them (and `-0`).
 */
function paramKey(v: unknown, i: number): string {
  const t = typeof v
  if (t === 'string') return JSON.stringify(v)
  if (t === 'bigint') return `${v}n`
  if (v instanceof Uint8Array) return `x${v.join(' ')}`
  if ((t === 'object' && v !== null) || t === 'function' || t === 'symbol')
    throw new QueryError(`Query parameter ${i + 1} cannot be bound to SQLite`)
  return Object.is(v, -0) ? '-0' : String(v)
}

/**
 * Build the stable key of a query: its result shape, SQL and exact parameters.
 * @param sql the SQL text
 * @param params the bound parameters
 * @param shape how rows become the result (`rows`, `first`, `count`, a raw decoder's id …)
 * @returns the key live queries are cached by
 * @throws QueryError for a parameter SQLite cannot bind
 * @example queryKey('SELECT * FROM todos WHERE position < ?', [Infinity], 'rows')
 */
export function queryKey(sql: string, params: readonly unknown[], shape = 'rows'): string {
  return `${shape}\u0000${sql}\u0000${params.map(paramKey).join(',')}`
}

const decoders = new WeakMap<object, number>()
let decoderIds = 0
const asRows = <R>(rows: Record<string, unknown>[]) => rows as R

/**
 * Options of {@link rawSql}.
 * @example
 * rawSql('SELECT * FROM todos JOIN tags USING (id)', [], { tables: ['todos', 'tags'] })
 */
export interface RawSqlOptions<R> {
  /** Tables read; detected from the SQL text against the schema when omitted. */
  readonly tables?: readonly string[]
  /** Map raw rows to the result; defaults to returning the rows. */
  readonly decode?: (rows: Record<string, unknown>[]) => R
}

/**
 * Raw SQL escape hatch. Parameters are positional (`?`). The query re-runs whenever a
 * listed table changes (or, without `tables`, any schema table named in the SQL).
 * @param sql a SELECT statement
 * @param params positional parameters
 * @param options tables read and a decoder
 * @returns a query usable with `store.query` and `store.queryDb`
 * @example
 * const stats = rawSql<{ n: number }[]>('SELECT count(*) AS n FROM todos WHERE done = ?', [1], { tables: ['todos'] })
 * store.query(stats)[0]?.n
 */
export function rawSql<R = Record<string, unknown>[]>(
  sql: string,
  params: readonly unknown[] = [],
  options: RawSqlOptions<R> = {},
): Query<R> {
  const decode = options.decode ?? asRows<R>
  if (!decoders.has(decode)) decoders.set(decode, decoderIds++)
  const bound = params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p))
  const tables = options.tables ?? []
  const compiled: CompiledQuery<R> = {
    sql,
    params: bound,
    tables,
    ids: undefined,
    mode: 'raw',
    decode,
    // A raw query's result depends on its decoder and (re-run rule) its tables as well.
    key: queryKey(sql, bound, `raw ${decoders.get(decode)} ${JSON.stringify(tables)}`),
  }
  return { compile: () => compiled }
}

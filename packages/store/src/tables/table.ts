/**
 * Table definitions: typed columns, one primary key, indexes, and the DDL derived from
 * them. A table is also the root of its query builder (`tables.todos.where(...)`), and
 * `store.query(tables.todos)` returns every row.
 */
import { SchemaError } from '../errors.js'
import type { Columns, InsertOf, RowOf } from '../query/builder.js'
import { ident, QueryBuilder } from '../query/builder.js'
import type { ColumnKind } from './columns.js'
import { decodeValue, encodeValue, sqlType } from './columns.js'

/**
 * An index over one or more columns.
 * @example
 * table('messages', cols, { indexes: [{ columns: ['projectId', 'sequence'], unique: true }] })
 */
export interface IndexDef<K extends string = string> {
  readonly columns: readonly K[]
  readonly unique?: boolean
  /** Defaults to `<table>_<col>_<col>_idx`; `makeSchema` refuses a name another index or a table has. */
  readonly name?: string
}

/**
 * Options of {@link table}.
 * @example
 * table('t', cols, { indexes: [{ columns: ['createdAt'] }] })
 */
export interface TableOptions<K extends string> {
  readonly indexes?: readonly IndexDef<K>[]
  /** Extra DDL run after CREATE TABLE (e.g. expression indexes); part of the schema hash. */
  readonly extraDdl?: readonly string[]
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * A store table. Query it like a builder; write to it from materializers.
 * @example
 * const todos = table('todos', { id: Column.text({ primaryKey: true }), title: Column.text() })
 * store.query(todos.where({ title: 'x' }))
 */
export class Table<Name extends string = string, C extends Columns = Columns> extends QueryBuilder<
  C,
  RowOf<C>
> {
  /** SQL table name. */
  readonly name: Name
  readonly columns: C
  readonly primaryKey: keyof C & string
  readonly indexes: readonly IndexDef[]
  readonly extraDdl: readonly string[]
  /** Column names in definition order. */
  readonly columnNames: readonly string[]
  /** Phantom row types for inference. */
  declare readonly Row: RowOf<C>
  declare readonly Insert: InsertOf<C>
  readonly #encoders: readonly (readonly [string, ColumnKind, unknown])[]

  /** @internal use {@link table} */
  constructor(name: Name, columns: C, options: TableOptions<keyof C & string>) {
    if (!NAME_RE.test(name)) throw new SchemaError(`Table name "${name}" must match ${NAME_RE}`)
    // SQLite names ignore case: `__Strata_state` is the store's own table
    if (name.toLowerCase().startsWith('__strata')) throw new SchemaError(`Table name "${name}" is reserved`)
    const names = Object.keys(columns)
    distinctNames(`Table "${name}"`, names)
    const pks = names.filter((n) => columns[n]?.primaryKey)
    if (pks.length !== 1)
      throw new SchemaError(`Table "${name}" needs exactly one primary key column, found ${pks.length}`)
    for (const n of names)
      if (!NAME_RE.test(n)) throw new SchemaError(`Column name "${name}.${n}" must match ${NAME_RE}`)
    const pk = pks[0] as keyof C & string
    const decoders = names.flatMap((n) => {
      const kind = columns[n]?.kind
      return kind === 'boolean' || kind === 'json' ? [[n, kind] as const] : []
    })
    const decodeRow =
      decoders.length === 0
        ? (row: Record<string, unknown>) => row
        : (row: Record<string, unknown>) => {
            for (const [n, kind] of decoders) if (n in row) row[n] = decodeValue(kind, row[n])
            return row
          }
    super({ name, columns, primaryKey: pk, decodeRow })
    this.name = name
    this.columns = columns
    this.primaryKey = pk
    this.columnNames = names
    for (const idx of options.indexes ?? [])
      for (const c of idx.columns)
        if (!(c in columns)) throw new SchemaError(`Index on "${name}" names unknown column "${c}"`)
    this.indexes = options.indexes ?? []
    this.extraDdl = options.extraDdl ?? []
    this.#encoders = names.map((n) => {
      const c = columns[n]
      if (c === undefined) throw new SchemaError(`Column "${n}" missing`)
      // A default of null in a json column that is not nullable is the JSON text `null`.
      return [n, c.kind, c.hasDefault ? encodeValue(c.kind, c.default, c.nullable) : undefined] as const
    })
  }

  /** Decode a raw SQLite row (in place) to its JS shape. */
  decode(row: Record<string, unknown>): RowOf<C> {
    return this.meta.decodeRow(row) as RowOf<C>
  }

  /**
   * Encode a full insert row into bind parameters in column order, applying defaults.
   * @internal
   */
  encodeInsert(row: Record<string, unknown>): unknown[] {
    const out: unknown[] = new Array(this.#encoders.length)
    for (let i = 0; i < this.#encoders.length; i++) {
      const [n, kind, def] = this.#encoders[i] as readonly [string, ColumnKind, unknown]
      const v = row[n]
      if (v === undefined) {
        if (def !== undefined) out[i] = def
        else if (this.columns[n]?.nullable) out[i] = null
        else throw new SchemaError(`Insert into "${this.name}" misses required column "${n}"`)
      } else out[i] = encodeValue(kind, v, this.columns[n]?.nullable)
    }
    return out
  }

  /** Kind of a column (throws for unknown columns). @internal */
  kindOf(column: string): ColumnKind {
    const c = this.columns[column]
    if (c === undefined) throw new SchemaError(`Unknown column "${column}" on table "${this.name}"`)
    return c.kind
  }

  /** The SQL name of one of its indexes. @internal */
  indexName(idx: IndexDef): string {
    return idx.name ?? `${this.name}_${idx.columns.join('_')}_idx`
  }

  /** The CREATE TABLE + CREATE INDEX statements. Their text is hashed to detect schema changes. */
  ddl(): string[] {
    const cols = this.columnNames.map((n) => {
      const c = this.columns[n]
      if (c === undefined) return ''
      let s = `${ident(n)} ${sqlType(c.kind)}`
      if (c.primaryKey) s += ' PRIMARY KEY'
      if (!c.nullable) s += ' NOT NULL'
      if (c.hasDefault) s += ` DEFAULT ${sqlLiteral(encodeValue(c.kind, c.default, c.nullable))}`
      return s
    })
    const out = [`CREATE TABLE IF NOT EXISTS ${ident(this.name)} (${cols.join(', ')})`]
    for (const idx of this.indexes) {
      const iname = this.indexName(idx)
      out.push(
        `CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${ident(iname)} ON ${ident(this.name)} (${idx.columns.map(ident).join(', ')})`,
      )
    }
    out.push(...this.extraDdl)
    return out
  }
}

/**
 * Throw a SchemaError if two of `names` differ only in case (one name to SQLite).
 * @internal
 */
export function distinctNames(where: string, names: readonly string[]): void {
  const seen = new Map<string, string>()
  for (const n of names) {
    const prev = seen.get(n.toLowerCase())
    if (prev !== undefined) throw new SchemaError(`${where}: "${prev}" and "${n}" are one name to SQLite`)
    seen.set(n.toLowerCase(), n)
  }
}

function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number') return String(v)
  return `'${String(v).replaceAll("'", "''")}'`
}

/**
 * Define a table.
 * @param name SQL name (letters, digits, underscore)
 * @param columns typed columns; exactly one has `primaryKey: true`
 * @param options indexes
 * @returns the table, which is also a query builder over all its rows
 * @example
 * const messages = table('messages', {
 *   id: Column.text({ primaryKey: true }),
 *   projectId: Column.text(),
 *   content: Column.text(),
 *   sequence: Column.integer(),
 * }, { indexes: [{ columns: ['projectId', 'sequence'] }] })
 */
export function table<const Name extends string, const C extends Columns>(
  name: Name,
  columns: C,
  options: TableOptions<keyof C & string> = {},
): Table<Name, C> {
  return new Table(name, columns, options)
}

/**
 * Any table, whatever its columns (for schema records).
 * @example
 * const all: Record<string, AnyTable> = { todos, messages }
 */
// biome-ignore lint/suspicious/noExplicitAny: a table's column map appears in method parameters, so only `any` admits every table
export type AnyTable = Table<string, any>

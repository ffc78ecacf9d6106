/**
 * Column definitions for store tables: SQLite storage class, TypeScript value type,
 * nullability and static default. Owns encoding of JS values to SQLite values and back
 * (booleans as 0/1, json as TEXT) — nothing else here touches SQL.
 */
import { SchemaError } from '../errors.js'

/**
 * SQLite-level kind of a column.
 * @example
 * const kind: ColumnKind = todos.columns.done.kind // 'boolean'
 */
export type ColumnKind = 'text' | 'integer' | 'real' | 'boolean' | 'json'

/**
 * A typed column. `T` is the JS value type (includes `null` when nullable); `Opt` is
 * `true` when an insert may omit it (it has a default or is nullable).
 * @example
 * const col: ColumnDef<string, false> = Column.text()
 */
export interface ColumnDef<T = unknown, Opt extends boolean = boolean> {
  readonly kind: ColumnKind
  readonly nullable: boolean
  readonly primaryKey: boolean
  /** Static default (deterministic by construction: no functions). */
  readonly default: T | undefined
  readonly hasDefault: boolean
  /** Phantom fields carrying the types; never set at runtime. */
  readonly __type?: T
  readonly __optional?: Opt
}

/**
 * Options shared by every column factory.
 * @example
 * Column.integer({ default: 0 }); Column.text({ nullable: true }); Column.text({ primaryKey: true })
 */
export interface ColumnOptions<T> {
  /** Allow `null` (and make the column optional on insert). */
  readonly nullable?: boolean
  /** Static default used when an insert omits the column. */
  readonly default?: T
  /** Mark as the table's primary key (exactly one column per table). */
  readonly primaryKey?: boolean
}

type ValueOf<T, O> = O extends { nullable: true } ? T | null : T
type OptionalOf<O> = O extends { nullable: true } ? true : O extends { default: unknown } ? true : false

function make<T, O extends ColumnOptions<unknown>>(
  kind: ColumnKind,
  opts: O | undefined,
): ColumnDef<ValueOf<T, O>, OptionalOf<O>> {
  const o: ColumnOptions<unknown> = opts ?? {}
  if (o.primaryKey && o.nullable) throw new SchemaError('A primary key column cannot be nullable')
  return {
    kind,
    nullable: o.nullable === true,
    primaryKey: o.primaryKey === true,
    default: o.default as ValueOf<T, O> | undefined,
    hasDefault: 'default' in o && o.default !== undefined,
  }
}

/**
 * Column factories. Each returns a typed {@link ColumnDef}.
 * @example
 * const todos = table('todos', {
 *   id: Column.text({ primaryKey: true }),
 *   title: Column.text({ default: '' }),
 *   done: Column.boolean({ default: false }),
 *   priority: Column.integer({ nullable: true }),
 *   meta: Column.json<{ tags: string[] }>({ default: { tags: [] } }),
 * })
 */
export const Column = {
  /** TEXT column holding a string. @param opts nullability, default, primary key @returns column @example Column.text({ primaryKey: true }) */
  text<const O extends ColumnOptions<string> = {}>(opts?: O) {
    return make<string, O>('text', opts)
  },
  /** INTEGER column holding a JS number (safe integers). @param opts options @returns column @example Column.integer({ default: 0 }) */
  integer<const O extends ColumnOptions<number> = {}>(opts?: O) {
    return make<number, O>('integer', opts)
  },
  /** REAL column holding a float. @param opts options @returns column @example Column.real({ nullable: true }) */
  real<const O extends ColumnOptions<number> = {}>(opts?: O) {
    return make<number, O>('real', opts)
  },
  /** Boolean stored as INTEGER 0/1, read back as `boolean`. @param opts options @returns column @example Column.boolean({ default: false }) */
  boolean<const O extends ColumnOptions<boolean> = {}>(opts?: O) {
    return make<boolean, O>('boolean', opts)
  },
  /**
   * Any JSON value stored as TEXT, parsed on read. Give the value type explicitly. When
   * not nullable it can hold the JSON value `null`, also as its default (as the text
   * `null`, so a `where({ col: null })` does not find it: that matches SQL NULL).
   * @param opts `{ default }`, `{ nullable: true }` or nothing (required)
   * @returns column
   * @example Column.json<string[]>({ default: [] })
   */
  json: jsonColumn,
}

function jsonColumn<T>(opts: { readonly default: T; readonly nullable?: false }): ColumnDef<T, true>
function jsonColumn<T>(opts: { readonly nullable: true; readonly default?: T }): ColumnDef<T | null, true>
function jsonColumn<T>(opts?: { readonly nullable?: false }): ColumnDef<T, false>
function jsonColumn<T>(opts?: ColumnOptions<T>): ColumnDef<T | null, boolean> {
  return make<T, ColumnOptions<T>>('json', opts) as ColumnDef<T | null, boolean>
}

/** SQL type affinity used in DDL. */
export function sqlType(kind: ColumnKind): string {
  switch (kind) {
    case 'text':
    case 'json':
      return 'TEXT'
    case 'integer':
    case 'boolean':
      return 'INTEGER'
    case 'real':
      return 'REAL'
  }
}

/**
 * Encode a JS value for binding. Booleans → 0/1, json → text, undefined → null; `null`
 * in a json column that is not nullable is the JSON text `null` (SQL NULL elsewhere).
 */
export function encodeValue(kind: ColumnKind, value: unknown, nullable = true): unknown {
  if (value === undefined) return null
  if (value === null) return kind === 'json' && !nullable ? 'null' : null
  if (kind === 'boolean') return value ? 1 : 0
  if (kind === 'json') return JSON.stringify(value)
  return value
}

/** Decode a stored SQLite value back to its JS type. */
export function decodeValue(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (kind === 'boolean') return value === 1 || value === 1n || value === true
  if (kind === 'json') return typeof value === 'string' ? JSON.parse(value) : value
  return value
}

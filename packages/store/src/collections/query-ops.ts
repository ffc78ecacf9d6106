/**
 * Appwrite-style query operators for collections (`Query.equal('status', 'active')`,
 * `Query.orderDesc('lastMessageAt')`, `Query.limit(20)`), compiled to SQL over the
 * collection's JSON documents. Fields are document fields, or `$id` / `$createdAt` /
 * `$updatedAt`.
 */
import { QueryError } from '../errors.js'

/**
 * One operator.
 * @example
 * const ops: QueryOp[] = [Query.equal('status', 'active'), Query.limit(10)]
 */
export type QueryOp =
  | { readonly op: 'equal' | 'notEqual'; readonly field: string; readonly value: unknown }
  | {
      readonly op: 'lessThan' | 'lessThanEqual' | 'greaterThan' | 'greaterThanEqual'
      readonly field: string
      readonly value: unknown
    }
  | { readonly op: 'isNull' | 'isNotNull'; readonly field: string }
  | { readonly op: 'startsWith' | 'search'; readonly field: string; readonly value: string }
  | { readonly op: 'orderAsc' | 'orderDesc'; readonly field: string }
  | { readonly op: 'limit' | 'offset'; readonly value: number }

/**
 * Query operator factories (Appwrite names).
 * @example
 * projects.list([Query.equal('status', 'active'), Query.orderDesc('lastMessageAt'), Query.limit(10)])
 */
export const Query = {
  /** Field equals a value (or any of an array of values). @param field field @param value value(s) @returns operator @example Query.equal('status', ['active', 'draft']) */
  equal: (field: string, value: unknown): QueryOp => ({ op: 'equal', field, value }),
  /** Field differs. @param field field @param value value @returns operator @example Query.notEqual('status', 'archived') */
  notEqual: (field: string, value: unknown): QueryOp => ({ op: 'notEqual', field, value }),
  /** @param field field @param value bound @returns operator @example Query.lessThan('sequence', 10) */
  lessThan: (field: string, value: unknown): QueryOp => ({ op: 'lessThan', field, value }),
  /** @param field field @param value bound @returns operator @example Query.lessThanEqual('sequence', 10) */
  lessThanEqual: (field: string, value: unknown): QueryOp => ({ op: 'lessThanEqual', field, value }),
  /** @param field field @param value bound @returns operator @example Query.greaterThan('sequence', 10) */
  greaterThan: (field: string, value: unknown): QueryOp => ({ op: 'greaterThan', field, value }),
  /** @param field field @param value bound @returns operator @example Query.greaterThanEqual('sequence', 10) */
  greaterThanEqual: (field: string, value: unknown): QueryOp => ({ op: 'greaterThanEqual', field, value }),
  /** @param field field @returns operator @example Query.isNull('language') */
  isNull: (field: string): QueryOp => ({ op: 'isNull', field }),
  /** @param field field @returns operator @example Query.isNotNull('content') */
  isNotNull: (field: string): QueryOp => ({ op: 'isNotNull', field }),
  /** Text prefix. @param field field @param value prefix @returns operator @example Query.startsWith('path', 'src/') */
  startsWith: (field: string, value: string): QueryOp => ({ op: 'startsWith', field, value }),
  /** Substring match. @param field field @param value text @returns operator @example Query.search('title', 'app') */
  search: (field: string, value: string): QueryOp => ({ op: 'search', field, value }),
  /** @param field field @returns operator @example Query.orderAsc('sequence') */
  orderAsc: (field: string): QueryOp => ({ op: 'orderAsc', field }),
  /** @param field field @returns operator @example Query.orderDesc('$createdAt') */
  orderDesc: (field: string): QueryOp => ({ op: 'orderDesc', field }),
  /** @param n max documents @returns operator @example Query.limit(25) */
  limit: (n: number): QueryOp => ({ op: 'limit', value: n }),
  /** @param n documents to skip @returns operator @example Query.offset(25) */
  offset: (n: number): QueryOp => ({ op: 'offset', value: n }),
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/

/** SQL expression of a document field (must match the expression indexes exactly). */
export function fieldSql(field: string): string {
  if (field === '$id') return 'id'
  if (field === '$createdAt') return 'createdAt'
  if (field === '$updatedAt') return 'updatedAt'
  if (!FIELD.test(field)) throw new QueryError(`Invalid collection field "${field}"`)
  return `json_extract(data, '$.${field}')`
}

const bind = (v: unknown): unknown => {
  if (typeof v === 'boolean') return v ? 1 : 0
  if (v === undefined) return null
  if (typeof v === 'object' && v !== null)
    throw new QueryError('Collection queries compare scalar values only')
  return v
}

const CMP = { lessThan: '<', lessThanEqual: '<=', greaterThan: '>', greaterThanEqual: '>=' } as const

/** Compiled parts of a collection query. */
export interface CompiledOps {
  readonly where: string
  readonly params: unknown[]
  readonly order: string
  readonly limit: string
  readonly limitParams: unknown[]
  /** Ids pinned by `Query.equal('$id', …)`. */
  readonly ids: readonly unknown[] | undefined
}

/** Compile operators to SQL fragments. @internal */
export function compileOps(ops: readonly QueryOp[]): CompiledOps {
  const parts: string[] = []
  const params: unknown[] = []
  const order: string[] = []
  let limit: number | undefined
  let offset: number | undefined
  let ids: unknown[] | undefined
  for (const o of ops) {
    switch (o.op) {
      case 'equal':
      case 'notEqual': {
        const all: unknown[] = Array.isArray(o.value) ? o.value : [o.value]
        const eq = o.op === 'equal'
        if (eq && o.field === '$id') ids = all
        // null (or undefined: a missing field) compiles to IS [NOT] NULL; `IN (NULL)` never matches.
        const list = all.filter((v) => v != null)
        const f = fieldSql(o.field)
        const terms: string[] = []
        if (list.length < all.length) terms.push(`${f} IS ${eq ? '' : 'NOT '}NULL`)
        if (list.length > 0) terms.push(`${f} ${eq ? 'IN' : 'NOT IN'} (${list.map(() => '?').join(', ')})`)
        parts.push(terms.length === 0 ? (eq ? '0' : '1') : `(${terms.join(eq ? ' OR ' : ' AND ')})`)
        for (const v of list) params.push(bind(v))
        break
      }
      case 'lessThan':
      case 'lessThanEqual':
      case 'greaterThan':
      case 'greaterThanEqual':
        parts.push(`${fieldSql(o.field)} ${CMP[o.op]} ?`)
        params.push(bind(o.value))
        break
      case 'isNull':
        parts.push(`${fieldSql(o.field)} IS NULL`)
        break
      case 'isNotNull':
        parts.push(`${fieldSql(o.field)} IS NOT NULL`)
        break
      case 'startsWith':
        // SQLite counts the prefix's characters itself (JS length counts UTF-16 units).
        parts.push(`substr(${fieldSql(o.field)}, 1, length(?)) = ?`)
        params.push(o.value, o.value)
        break
      case 'search':
        parts.push(`instr(${fieldSql(o.field)}, ?) > 0`)
        params.push(o.value)
        break
      case 'orderAsc':
      case 'orderDesc':
        order.push(`${fieldSql(o.field)} ${o.op === 'orderAsc' ? 'ASC' : 'DESC'}`)
        break
      case 'limit':
      case 'offset':
        if (!Number.isSafeInteger(o.value) || o.value < 0)
          throw new QueryError(`Query.${o.op} needs a non-negative integer`)
        if (o.op === 'limit') limit = o.value
        else offset = o.value
        break
      default:
        throw new QueryError(`Unknown collection query operator ${JSON.stringify(o)}`)
    }
  }
  // Stable default order: creation time, then creation order (seq, see collection.ts), then id.
  order.push('createdAt ASC', 'seq ASC', 'id ASC')
  const limitParams: unknown[] = []
  let lim = ''
  if (limit !== undefined || offset !== undefined) {
    // The limit is written into the SQL (a checked integer): a bound LIMIT makes SQLite
    // re-prepare the statement on every run (see query/builder.ts).
    lim = ` LIMIT ${limit ?? -1} OFFSET ?`
    limitParams.push(offset ?? 0)
  }
  return {
    where: parts.length ? ` WHERE ${parts.join(' AND ')}` : '',
    params,
    order: ` ORDER BY ${order.join(', ')}`,
    limit: lim,
    limitParams,
    ids,
  }
}

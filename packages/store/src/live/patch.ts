/**
 * Row-level patching of live query results (decision 0031). When a commit touched a
 * few known primary keys of a patchable query (builder query without limit/offset),
 * the live query re-reads only those rows — `filter AND pk IN (…)` — and splices them
 * into its previous result: replace in place, remove, or insert at the sorted position
 * (sort keys are made total by the primary key, compared exactly as SQLite's BINARY
 * collation does). Unordered queries keep existing rows in place and append new ones
 * (SQL leaves their order unspecified). Unchanged rows keep their object identity, and
 * a patch that changes nothing returns the previous array itself.
 */
import type { PreparedStatement } from '../adapters/adapter.js'
import type { PatchPlan } from '../query/query.js'
import { equalResult } from './equality.js'

/** Most keys patched per run; beyond this a full re-run is cheaper. */
export const MAX_PATCH_KEYS = 64

const SURROGATE = /[\uD800-\uDFFF]/

/** SQLite BINARY order of UTF-8 text == Unicode code point order. */
function cmpText(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0
  const ia = a[Symbol.iterator]()
  const ib = b[Symbol.iterator]()
  for (;;) {
    const x = ia.next()
    const y = ib.next()
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0)
    if (d !== 0) return d
  }
}

/** Compare two rows by the plan's sort keys (NULL first ascending, as SQLite). */
export function compareRows(plan: PatchPlan, a: Record<string, unknown>, b: Record<string, unknown>): number {
  for (const k of plan.order) {
    const x = a[k.column]
    const y = b[k.column]
    let c: number
    if (x === y) c = 0
    else if (x === null || x === undefined) c = -1
    else if (y === null || y === undefined) c = 1
    else if (k.kind === 'text') c = cmpText(String(x), String(y))
    else c = Number(x) - Number(y)
    if (c !== 0) return k.desc ? -c : c
  }
  return 0
}

/**
 * Patch `prev` for the changed keys.
 * @param plan the query's patch plan
 * @param stmt prepared `selectSql + join + pk IN (?, …)` for this many keys
 * @param prev previous result rows
 * @param keys changed primary keys
 * @returns the new rows (`prev` itself when nothing changed)
 */
export function patchRows(
  plan: PatchPlan,
  stmt: PreparedStatement,
  prev: readonly Record<string, unknown>[],
  keys: readonly unknown[],
): readonly Record<string, unknown>[] {
  const fresh = stmt.all([...plan.params, ...keys])
  const byKey = new Map<unknown, Record<string, unknown>>()
  for (const r of fresh) byKey.set(r[plan.primaryKey], plan.decodeRow(r))
  let next: Record<string, unknown>[] | undefined
  const pk = plan.primaryKey
  const ordered = plan.order.length > 0
  for (const key of keys) {
    const rows = next ?? prev
    const at = rows.findIndex((r) => r[pk] === key)
    const row = byKey.get(key)
    if (at >= 0) {
      const old = rows[at] as Record<string, unknown>
      if (row !== undefined && equalResult(old, row)) continue
      next ??= prev.slice()
      if (row === undefined) {
        next.splice(at, 1)
        continue
      }
      if (
        !ordered ||
        ((at === 0 || compareRows(plan, next[at - 1] as Record<string, unknown>, row) <= 0) &&
          (at === next.length - 1 || compareRows(plan, row, next[at + 1] as Record<string, unknown>) <= 0))
      ) {
        next[at] = row
        continue
      }
      next.splice(at, 1)
    } else if (row === undefined) continue
    next ??= prev.slice()
    if (!ordered) {
      next.push(row)
      continue
    }
    let lo = 0
    let hi = next.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compareRows(plan, next[mid] as Record<string, unknown>, row) <= 0) lo = mid + 1
      else hi = mid
    }
    next.splice(lo, 0, row)
  }
  return next ?? prev
}

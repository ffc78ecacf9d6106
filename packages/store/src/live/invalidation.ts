/**
 * The invalidation rule of live queries (decision 0031). After a commit the writer
 * reports, per table, the primary keys it touched (or "unknown rows" → whole table).
 * A live query is re-run only if
 *   1. it reads a touched table, and
 *   2. it is not pinned to primary keys of that table that the commit provably missed
 *      (a `where({ id })` / `where(id IN …)` query ignores writes to other ids).
 * After a re-run, a structurally equal result is cut off (nothing downstream runs).
 */
import type { Touched } from '../materializers/writer.js'
import type { CompiledQuery } from '../query/query.js'

/**
 * Whether a commit's writes may change a query's result.
 * @param q the compiled query (its tables and pinned ids)
 * @param touched per-table touched keys (`null` = unknown rows)
 * @returns false only when the result provably cannot change
 * @example
 * mayAffect(todos.where({ id: 'a' }).compile(), new Map([['todos', new Set(['b'])]])) // false
 */
export function mayAffect(q: Pick<CompiledQuery<unknown>, 'tables' | 'ids'>, touched: Touched): boolean {
  for (const t of q.tables) {
    if (!touched.has(t)) continue
    const keys = touched.get(t)
    if (keys === null || keys === undefined) return true
    const pinned = q.ids
    if (pinned === undefined || pinned.table !== t) return true
    for (const id of pinned.ids) if (keys.has(id)) return true
  }
  return false
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g

/**
 * Tables named in raw SQL (by matching words against known table names, ignoring
 * letter case as SQLite does: `FROM Todos` reads `todos`).
 * @param sql SQL text
 * @param known table names in the schema
 * @returns the tables the SQL mentions, as the schema spells them
 * @example tablesInSql('SELECT * FROM Todos JOIN tags', new Set(['todos', 'tags'])) // ['todos', 'tags']
 */
export function tablesInSql(sql: string, known: ReadonlySet<string>): string[] {
  const names = new Map([...known].map((t) => [t.toLowerCase(), t]))
  const out = new Set<string>()
  for (const [w] of sql.matchAll(WORD)) {
    const t = names.get(w.toLowerCase())
    if (t) out.add(t)
  }
  return [...out]
}

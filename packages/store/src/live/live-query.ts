/**
 * Live queries as core nodes. Each live query is a `computed` of @strata/core, so
 * `computed`/`effect` and every framework binding compose with it. While observed
 * Every cached live query is registered per table and re-runs (lazily, when read or
 * observed) only when {@link mayAffect} says a commit could change it; its result is
 * cut off by structural equality. The cache is bounded: an evicted, unobserved node
 * keeps working but falls back to re-running after any commit.
 */
import type { Computed, ReadableStore, Signal } from '@strata/core'
import { batch, computed, onMount, signal } from '@strata/core'
import type { PreparedStatement } from '../adapters/adapter.js'
import { QueryError } from '../errors.js'
import type { Touched } from '../materializers/writer.js'
import type { CompiledQuery, Query } from '../query/query.js'
import { equalResult } from './equality.js'
import { mayAffect, tablesInSql } from './invalidation.js'
import { MAX_PATCH_KEYS, patchRows } from './patch.js'

/**
 * A live query: a read-only core store whose value is the query result.
 * @example
 * const open$: LiveQuery<number> = store.queryDb(todos.where({ done: false }).count())
 */
export type LiveQuery<R> = ReadableStore<R>

/**
 * Options of `store.queryDb`.
 * @example
 * store.queryDb(q, { label: 'activePersonaMemories$', deps: [personaId] })
 */
export interface LiveQueryOptions {
  /** Name shown in devtools. */
  readonly label?: string
  /**
   * Accepted for LiveStore compatibility. Not needed: live queries are keyed by their
   * compiled SQL and parameters, so a forgotten dependency cannot serve stale results.
   */
  readonly deps?: readonly unknown[]
}

/**
 * Devtools view of one live query.
 * @example
 * store.devtools.liveQueries().map((q) => `${q.label}: ${q.runs} runs, ${q.patches} patches`)
 */
export interface LiveQueryInfo {
  readonly label: string
  readonly sql: string
  readonly params: readonly unknown[]
  readonly tables: readonly string[]
  /** Times the SQL ran. */
  readonly runs: number
  /** Times the result was patched row by row instead of re-run. */
  readonly patches: number
  /** Duration of the last run (ms). */
  readonly lastRunMs: number
  /** Whether something observes it now. */
  readonly mounted: boolean
}

interface Entry {
  readonly compiled: CompiledQuery<unknown>
  readonly label: string
  readonly ver: Signal<number>
  readonly node: Computed<unknown>
  runs: number
  lastRunMs: number
  mounted: boolean
  evicted: boolean
  /** Keys changed since the last run (patchable queries); null: re-run in full. */
  pending: Set<unknown> | null | undefined
  patches: number
  /** Whether the last value came from a patch (then identity is equality, see below). */
  patched: boolean
}

const MAX_CACHED = 1000

/**
 * The store's registry of live queries.
 * @internal
 */
export class LiveRegistry {
  readonly #run: (q: CompiledQuery<unknown>) => unknown
  readonly #prepare: (sql: string) => PreparedStatement
  readonly #known: ReadonlySet<string>
  readonly #now: () => number
  readonly #byTable = new Map<string, Set<Entry>>()
  readonly #cache = new Map<string, Entry>()
  /** Bumped on every commit; evicted live queries depend on it. */
  readonly #version: Signal<number> = signal(0)

  constructor(
    run: (q: CompiledQuery<unknown>) => unknown,
    prepare: (sql: string) => PreparedStatement,
    knownTables: ReadonlySet<string>,
    now: () => number,
  ) {
    this.#run = run
    this.#prepare = prepare
    this.#known = knownTables
    this.#now = now
  }

  /** `rawSql`'s `tables` option as the schema spells them (SQLite ignores letter case). */
  #named(tables: readonly string[]): string[] {
    const named = tablesInSql(tables.join(' '), this.#known)
    const unknown = tables.filter((t) => !named.some((n) => n.toLowerCase() === t.toLowerCase()))
    if (unknown.length > 0)
      throw new QueryError(
        `rawSql tables: no table named ${unknown.map((t) => `"${t}"`).join(', ')} in the schema`,
      )
    return named
  }

  /** Get (or create) the live node of a query. */
  get<R>(query: Query<R> | (() => Query<R>), opts: LiveQueryOptions = {}): LiveQuery<R> {
    const q = typeof query === 'function' ? query() : query
    let compiled = q.compile() as CompiledQuery<unknown>
    const hit = this.#cache.get(compiled.key)
    if (hit) return hit.node as LiveQuery<R>
    if (compiled.tables.length === 0)
      compiled = { ...compiled, tables: tablesInSql(compiled.sql, this.#known) }
    else if (compiled.mode === 'raw') compiled = { ...compiled, tables: this.#named(compiled.tables) }
    const ver = signal(0)
    const entry: Entry = {
      compiled,
      label: opts.label ?? compiled.sql,
      ver,
      runs: 0,
      lastRunMs: 0,
      mounted: false,
      evicted: false,
      pending: undefined,
      patches: 0,
      patched: false,
      node: computed<unknown>(
        (prev) => {
          ver.get()
          // An evicted entry no longer gets precise invalidation: depend on every commit.
          if (entry.evicted) this.#version.get()
          const t0 = this.#now()
          const pending = entry.pending
          entry.pending = undefined
          const plan = compiled.patch
          let r: unknown
          if (plan && pending instanceof Set && Array.isArray(prev) && entry.runs > 0) {
            const keys = [...pending]
            const stmt = this.#prepare(
              `${plan.selectSql}${plan.join}"${plan.primaryKey}" IN (${keys.map(() => '?').join(', ')})`,
            )
            r = patchRows(plan, stmt, prev as Record<string, unknown>[], keys)
            entry.patches++
            entry.patched = true
          } else {
            r = this.#run(compiled)
            entry.runs++
            entry.patched = false
          }
          entry.lastRunMs = this.#now() - t0
          return r
        },
        {
          // A patch returns the previous array itself when no row changed and a new array
          // only when one did, so comparing 10,000 rows again would only confirm that.
          equals: (a, b) => (entry.patched ? a === b : equalResult(a, b)),
          name: opts.label ?? 'queryDb',
        },
      ),
    }
    onMount(entry.node, () => {
      entry.mounted = true
      return () => {
        entry.mounted = false
      }
    })
    if (this.#cache.size >= MAX_CACHED) {
      for (const [k, e] of this.#cache)
        if (!e.mounted) {
          this.#evict(k, e)
          break
        }
    }
    for (const t of compiled.tables) {
      let set = this.#byTable.get(t)
      if (!set) this.#byTable.set(t, (set = new Set()))
      set.add(entry)
    }
    this.#cache.set(compiled.key, entry)
    return entry.node as LiveQuery<R>
  }

  #evict(key: string, e: Entry): void {
    this.#cache.delete(key)
    for (const t of e.compiled.tables) this.#byTable.get(t)?.delete(e)
    e.evicted = true
    e.pending = null
    e.ver.set(e.ver.peek() + 1)
  }

  /** Re-run (or mark for patching) the live queries a commit may have changed. */
  notify(touched: Touched): void {
    if (touched.size === 0) return
    batch(() => {
      this.#version.set(this.#version.peek() + 1)
      const hit = new Set<Entry>()
      for (const [t] of touched) {
        const set = this.#byTable.get(t)
        if (set) for (const e of set) if (!hit.has(e) && mayAffect(e.compiled, touched)) hit.add(e)
      }
      for (const e of hit) {
        const plan = e.compiled.patch
        const keys = plan ? touched.get(plan.table) : null
        if (!keys || e.pending === null) e.pending = null
        else {
          const acc = e.pending ?? new Set<unknown>()
          for (const k of keys) acc.add(k)
          e.pending = acc.size > MAX_PATCH_KEYS ? null : acc
        }
        e.ver.set(e.ver.peek() + 1)
      }
    })
  }

  /** Devtools listing. */
  info(): LiveQueryInfo[] {
    return [...this.#cache.values()].map((e) => ({
      label: e.label,
      sql: e.compiled.sql,
      params: e.compiled.params,
      tables: e.compiled.tables,
      runs: e.runs,
      patches: e.patches,
      lastRunMs: e.lastRunMs,
      mounted: e.mounted,
    }))
  }
}

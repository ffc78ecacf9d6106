/**
 * Collections: an Appwrite-like document API (`create`, `get`, `update` with field
 * patches, `delete`, `list` with `Query.*`) built on synced events, so a seed-000
 * `BaseStore` or a seed-004 projects/messages/files store is a few lines — and gets
 * validation, offline commits, sync and live lists for free.
 *
 * Storage: one table `col_<name>` (id, data JSON, createdAt, updatedAt, seq: creation
 * order); declared indexes become expression indexes on `json_extract(data, '$.field')`.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { ForwardedWrites } from '../browser/forwarded-writes.js'
import { DocumentNotFoundError, DocumentValidationError, SchemaError } from '../errors.js'
import type { EventDef, EventInput } from '../events/define.js'
import { Events } from '../events/define.js'
import { jsonEqual } from '../events/json-equal.js'
import { runSchema } from '../events/validate.js'
import type { LiveQuery, LiveQueryOptions } from '../live/live-query.js'
import type { CompiledQuery, Query as StoreQuery } from '../query/query.js'
import { queryKey, rawSql } from '../query/query.js'
import type { SchemaModule } from '../schema/make-schema.js'
import { type Issue, isRecord, nested, standardSchema } from '../schema/standard.js'
import { Column } from '../tables/columns.js'
import type { Table } from '../tables/table.js'
import { table } from '../tables/table.js'
import type { QueryOp } from './query-ops.js'
import { compileOps, fieldSql } from './query-ops.js'

const columns = {
  id: Column.text({ primaryKey: true }),
  data: Column.json<Record<string, unknown>>(),
  createdAt: Column.text(),
  updatedAt: Column.text(),
  /** Creation order (1, 2, … in log order; 0 for rows restored from an older snapshot). */
  seq: Column.integer({ default: 0 }),
}

/**
 * A stored document: the fields plus Appwrite-style system attributes.
 * @example
 * const p: Doc<Project> = projects.create({ title: 'App', status: 'active' }) // p.$id, p.$createdAt
 */
export type Doc<T> = T & { readonly $id: string; readonly $createdAt: string; readonly $updatedAt: string }

/**
 * A collection definition.
 * @example
 * const projects: CollectionDef<Project> = defineCollection({ name: 'projects', schema: ProjectSchema })
 */
export interface CollectionDef<T extends Record<string, unknown>> {
  readonly name: string
  readonly schema: StandardSchemaV1<unknown, T>
  readonly table: Table<string, typeof columns>
  readonly events: {
    readonly created: EventDef<string, { id: string; data: T; at: string }>
    readonly updated: EventDef<string, { id: string; patch: Partial<T>; at: string }>
    readonly deleted: EventDef<string, { id: string }>
  }
  /** Pass in `makeSchema({ modules: [...] })`. */
  readonly module: SchemaModule
}

/**
 * Options of {@link defineCollection}.
 * @example
 * defineCollection({ name: 'messages', schema: Message, indexes: [['projectId', 'sequence']] })
 */
export interface CollectionOptions<T> {
  /** Letters, digits, underscore. */
  readonly name: string
  /** Standard Schema of a whole document (without `$id` etc.). */
  readonly schema: StandardSchemaV1<unknown, T> | StandardSchemaV1<T, T>
  /** Fields (or field lists) to index, e.g. `['status', ['projectId', 'sequence']]`. */
  readonly indexes?: readonly (string | readonly string[])[]
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/

/**
 * Define a collection.
 * @param opts name, document schema, indexes
 * @returns the definition; add it to `makeSchema({ modules: [projects] })`
 * @example
 * const projects = defineCollection({ name: 'projects', schema: ProjectSchema, indexes: ['status', 'userId'] })
 * const schema = makeSchema({ events: {}, tables: {}, materializers: {}, modules: [projects] })
 * const p = store.collection(projects).create({ title: 'My app', status: 'active' })
 */
export function defineCollection<T extends Record<string, unknown>>(
  opts: CollectionOptions<T>,
): CollectionDef<T> {
  if (!NAME.test(opts.name)) throw new SchemaError(`Collection name "${opts.name}" must match ${NAME}`)
  const schema = opts.schema as StandardSchemaV1<unknown, T>
  const tname = `col_${opts.name}`
  const extraDdl = (opts.indexes ?? []).map((idx) => {
    const fields = typeof idx === 'string' ? [idx] : [...idx]
    return `CREATE INDEX IF NOT EXISTS "${tname}_${fields.join('_').replaceAll('.', '_')}_idx" ON "${tname}" (${fields.map(fieldSql).join(', ')})`
  })
  // named so that no field index (`<table>_<fields>_idx`) can take its name
  const t = table(tname, columns, {
    extraDdl,
    indexes: [{ columns: ['seq'], name: `${tname}__creation_order` }],
  })
  const lastSeq = rawSql<number>(`SELECT max(seq) AS s FROM "${tname}"`, [], {
    tables: [tname],
    decode: (rows) => Number(rows[0]?.s ?? 0),
  })
  const envelope = <P>(check: (v: Record<string, unknown>) => { value: P } | { issues: readonly Issue[] }) =>
    standardSchema<P>((v) => {
      if (!isRecord(v) || typeof v.id !== 'string' || v.id === '')
        return { issues: [{ message: 'expected a non-empty string id', path: ['id'] }] }
      return check(v)
    })
  const atOk = (v: Record<string, unknown>) => typeof v.at === 'string'
  // The events carry the document schema's *output* (`create`/`update` validate and
  // transform once). A Created event is checked against the schema on every replica and
  // on the sync server, and its data must be exactly what the schema outputs for it: a
  // client cannot push a document the schema refuses, keys it would drop or values it
  // would trim, and nothing is ever transformed twice. So the schema must give its own
  // output back unchanged (checks, defaults, coercions and trims do; `x => x + 1` does not).
  const created = Events.synced({
    name: `v1.${opts.name}.Created`,
    schema: envelope<{ id: string; data: T; at: string }>((v) => {
      if (!atOk(v)) return { issues: [{ message: 'expected an ISO time', path: ['at'] }] }
      const r = nested(schema, v.data, 'data')
      if ('issues' in r) return r
      if (!jsonEqual(r.value, v.data))
        return {
          issues: [
            {
              message:
                "is not the document schema's output for itself (unknown keys, untrimmed values, or a transform that changes its own output)",
              path: ['data'],
            },
          ],
        }
      return { value: { id: v.id as string, data: r.value as T, at: v.at as string } }
    }),
  })
  const updated = Events.synced({
    name: `v1.${opts.name}.Updated`,
    schema: envelope<{ id: string; patch: Partial<T>; at: string }>((v) => {
      if (!atOk(v)) return { issues: [{ message: 'expected an ISO time', path: ['at'] }] }
      if (!isRecord(v.patch)) return { issues: [{ message: 'expected an object', path: ['patch'] }] }
      return { value: { id: v.id as string, patch: v.patch as Partial<T>, at: v.at as string } }
    }),
  })
  const deleted = Events.synced({
    name: `v1.${opts.name}.Deleted`,
    schema: envelope<{ id: string }>((v) => ({ value: { id: v.id as string } })),
  })
  type M = SchemaModule['materializers'][string]
  return {
    name: opts.name,
    schema,
    table: t,
    events: { created, updated, deleted },
    module: {
      tables: [t],
      events: [created, updated, deleted],
      materializers: {
        [created.eventName]: ((a: { id: string; data: T; at: string }, db) => {
          const seq = db.query(lastSeq) + 1
          db.insert(t, { id: a.id, data: a.data, createdAt: a.at, updatedAt: a.at, seq })
        }) as M,
        // A patch to a document deleted concurrently is a no-op (deterministic on every replica).
        [updated.eventName]: ((a: { id: string; patch: Partial<T>; at: string }, db) => {
          const row = db.get(t, a.id)
          if (!row) return
          db.update(t, { id: a.id }, { data: { ...row.data, ...a.patch }, updatedAt: a.at })
        }) as M,
        [deleted.eventName]: ((a: { id: string }, db) => {
          db.delete(t, { id: a.id })
        }) as M,
      },
    },
  }
}

/** What a collection needs from the store. @internal */
export interface CollectionHost {
  query<R>(q: StoreQuery<R>): R
  queryDb<R>(q: StoreQuery<R>, options?: LiveQueryOptions): LiveQuery<R>
  /** @returns the events' arguments as validated */
  commitAny(events: readonly EventInput[]): readonly unknown[]
  /** Browser tabs: this tab's forwarded writes its replica does not show yet. */
  readonly forwarded?: ForwardedWrites | undefined
}

/**
 * Result of `list`.
 * @example
 * const { total, documents } = store.collection(projects).list([Query.limit(20)])
 */
export interface DocumentList<T> {
  /** Matching documents ignoring limit/offset. */
  readonly total: number
  readonly documents: Doc<T>[]
}

/**
 * The document API of one collection in one store (`store.collection(def)`). Methods
 * are synchronous (local-first); `await` works on them too.
 * @example
 * const projects = store.collection(projectsDef)
 * const p = projects.create({ title: 'App', status: 'active' })
 * projects.update(p.$id, { status: 'archived' })
 * const { documents } = projects.list([Query.equal('status', 'active'), Query.orderDesc('$updatedAt')])
 */
export interface Collection<T extends Record<string, unknown>> {
  readonly def: CollectionDef<T>
  /**
   * Validate and create; returns the stored document (built from the committed event, so
   * also in a browser follower tab, where it shows in queries a moment later).
   */
  create(data: T, options?: { readonly id?: string }): Doc<T>
  /** Create several documents in one atomic commit. */
  createMany(items: readonly T[]): Doc<T>[]
  get(id: string): Doc<T> | undefined
  /** Patch fields; the merged document must pass the schema. @throws DocumentNotFoundError */
  update(id: string, patch: Partial<T>): Doc<T>
  /** @throws DocumentNotFoundError */
  delete(id: string): void
  list(queries?: readonly QueryOp[]): DocumentList<T>
  count(queries?: readonly QueryOp[]): number
  /** Live list (core store). */
  live(queries?: readonly QueryOp[], options?: LiveQueryOptions): LiveQuery<Doc<T>[]>
  /** Live single document (re-runs only when this id is written). */
  liveDoc(id: string): LiveQuery<Doc<T> | undefined>
}

function decodeDoc<T>(row: Record<string, unknown>): Doc<T> {
  return {
    ...(JSON.parse(row.data as string) as T),
    $id: row.id as string,
    $createdAt: row.createdAt as string,
    $updatedAt: row.updatedAt as string,
  }
}

function docsQuery<T>(tname: string, ops: readonly QueryOp[]): StoreQuery<Doc<T>[]> {
  const c = compileOps(ops)
  const sql = `SELECT id, data, createdAt, updatedAt FROM "${tname}"${c.where}${c.order}${c.limit}`
  const params = [...c.params, ...c.limitParams]
  const compiled: CompiledQuery<Doc<T>[]> = {
    sql,
    params,
    tables: [tname],
    ids: c.ids ? { table: tname, ids: c.ids } : undefined,
    mode: 'rows',
    decode: (rows) => rows.map((r) => decodeDoc<T>(r)),
    key: queryKey(sql, params),
  }
  return { compile: () => compiled }
}

function countQuery(tname: string, ops: readonly QueryOp[]): StoreQuery<number> {
  const c = compileOps(
    ops.filter((o) => o.op !== 'limit' && o.op !== 'offset' && o.op !== 'orderAsc' && o.op !== 'orderDesc'),
  )
  const sql = `SELECT count(*) AS c FROM "${tname}"${c.where}`
  const compiled: CompiledQuery<number> = {
    sql,
    params: c.params,
    tables: [tname],
    ids: c.ids ? { table: tname, ids: c.ids } : undefined,
    mode: 'count',
    decode: (rows) => Number(rows[0]?.c ?? 0),
    key: queryKey(sql, c.params, 'count'),
  }
  return { compile: () => compiled }
}

function newId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`
}

/**
 * Bind a collection to a store. @internal use `store.collection(def)`
 * @example
 * const col = bindCollection(store, projects) // same as store.collection(projects)
 */
export function bindCollection<T extends Record<string, unknown>>(
  host: CollectionHost,
  def: CollectionDef<T>,
): Collection<T> {
  const tname = def.table.name
  const validate = (data: unknown): T => {
    const r = runSchema(def.schema, data)
    if (!r.ok) throw new DocumentValidationError(def.name, r.issues)
    return r.value
  }
  const get = (id: string) => host.query(docsQuery<T>(tname, [{ op: 'equal', field: '$id', value: id }]))[0]
  // A browser follower tab's commits show in its replica one message hop later (decision
  // 0058): writes read the document as this tab's own forwarded writes leave it, and
  // return what the leader's materializer stores (built from the committed payload).
  const current = (id: string): Doc<T> | undefined => {
    const w = host.forwarded?.get(`${tname}:${id}`) as Doc<T> | null | undefined
    return w === undefined ? get(id) : (w ?? undefined)
  }
  const commit = (events: readonly EventInput[], doc: (args: never) => Doc<T> | null) =>
    host.commitAny(events).map((a, i) => {
      const d = doc(a as never)
      host.forwarded?.note(`${tname}:${(events[i]!.args as { id: string }).id}`, d)
      return d
    })
  const created = (a: { id: string; data: T; at: string }) =>
    decodeDoc<T>({ id: a.id, data: JSON.stringify(a.data), createdAt: a.at, updatedAt: a.at })
  const col: Collection<T> = {
    def,
    create(data, options = {}) {
      const at = new Date().toISOString()
      return commit(
        [def.events.created({ id: options.id ?? newId(), data: validate(data), at })],
        created,
      )[0]!
    },
    createMany(items) {
      const at = new Date().toISOString()
      return commit(
        items.map((data) => def.events.created({ id: newId(), data: validate(data), at })),
        created,
      ) as Doc<T>[]
    },
    get,
    update(id, patch) {
      const doc = current(id)
      if (!doc) throw new DocumentNotFoundError(def.name, id)
      const { $id: _i, $createdAt, $updatedAt: _u, ...fields } = doc
      const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>
      // The merged document is validated once; the patch carries the schema's output for
      // the patched fields only, so an update never rewrites a field nobody edited (a
      // concurrent edit of it on another device stands).
      const out = validate({ ...fields, ...clean }) as Record<string, unknown>
      const ev = def.events.updated({
        id,
        patch: Object.fromEntries(Object.keys(clean).map((k) => [k, out[k]])) as Partial<T>,
        at: new Date().toISOString(),
      })
      return commit([ev], (a: { patch: Partial<T>; at: string }) =>
        decodeDoc<T>({
          id,
          data: JSON.stringify({ ...fields, ...a.patch }),
          createdAt: $createdAt,
          updatedAt: a.at,
        }),
      )[0]!
    },
    delete(id) {
      if (!current(id)) throw new DocumentNotFoundError(def.name, id)
      commit([def.events.deleted({ id })], () => null)
    },
    list(queries = []) {
      return {
        total: host.query(countQuery(tname, queries)),
        documents: host.query(docsQuery<T>(tname, queries)),
      }
    },
    count: (queries = []) => host.query(countQuery(tname, queries)),
    live: (queries = [], options) => host.queryDb(docsQuery<T>(tname, queries), options),
    liveDoc(id) {
      const q = docsQuery<T>(tname, [{ op: 'equal', field: '$id', value: id }])
      const c = q.compile()
      return host.queryDb({
        compile: () => ({
          ...c,
          mode: 'first',
          decode: (rows) => c.decode(rows)[0],
          key: queryKey(c.sql, c.params, 'first'),
        }),
      })
    },
  }
  return col
}

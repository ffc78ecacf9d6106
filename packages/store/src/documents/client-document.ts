/**
 * Client documents: local-only, per-key, persisted UI state (forms, filters, the
 * current view). Each document type is a small table plus one client-only event; a
 * handle is a core store of the value with `set`/`update`. Never pending, never synced.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { ReadableStore } from '@strata/core'
import { computed } from '@strata/core'
import type { ForwardedWrites } from '../browser/forwarded-writes.js'
import type { EventDef, EventInput } from '../events/define.js'
import { Events } from '../events/define.js'
import type { LiveQuery } from '../live/live-query.js'
import type { Query } from '../query/query.js'
import type { SchemaModule } from '../schema/make-schema.js'
import { isRecord, nested, standardSchema } from '../schema/standard.js'
import { Column } from '../tables/columns.js'
import type { Table } from '../tables/table.js'
import { table } from '../tables/table.js'

// `value` is nullable so a schema that allows null can store it (a row with NULL is the
// value null; no row is the default). Stores made with the NOT NULL column rebuild their
// state from the log once, as for any table change (decisions 0033, 0067).
const docColumns = { id: Column.text({ primaryKey: true }), value: Column.json<unknown>({ nullable: true }) }

/**
 * A client document type.
 * @example
 * const uiState: ClientDocumentDef<UiState> = clientDocument({ name: 'uiState', schema: UiState, default: initial })
 */
export interface ClientDocumentDef<T> {
  readonly name: string
  readonly default: T
  readonly table: Table<string, typeof docColumns>
  readonly setEvent: EventDef<string, { id: string; value: T }, { id: string; value: T }>
  /** Pass in `makeSchema({ modules: [...] })`. */
  readonly module: SchemaModule
}

/**
 * Options of {@link clientDocument}.
 * @example
 * clientDocument({ name: 'draft', schema: z.object({ text: z.string() }), default: { text: '' } })
 */
export interface ClientDocumentOptions<T> {
  /** Letters, digits, underscore. */
  readonly name: string
  readonly schema: StandardSchemaV1<unknown, T> | StandardSchemaV1<T, T>
  /** Value before anything was set. */
  readonly default: T
}

/**
 * Define a client document type.
 * @param opts name, Standard Schema of the value, default value
 * @returns the definition; add it to `makeSchema({ modules: [uiState] })`
 * @example
 * const uiState = clientDocument({ name: 'uiState', schema: UiState, default: { view: 'dashboard', search: '' } })
 * const ui = store.document(uiState)      // per-key: store.document(uiState, 'tab-2')
 * ui.update({ search: 'milk' })
 * ui.get().search // 'milk'
 */
export function clientDocument<T>(opts: ClientDocumentOptions<T>): ClientDocumentDef<T> {
  const t = table(`doc_${opts.name}`, docColumns)
  const schema = opts.schema as StandardSchemaV1<unknown, T>
  const setEvent = Events.clientOnly({
    name: `v1.${opts.name}.DocumentSet`,
    schema: standardSchema<{ id: string; value: T }>((v) => {
      if (!isRecord(v) || typeof v.id !== 'string')
        return { issues: [{ message: 'expected { id: string, value }', path: ['id'] }] }
      const r = nested(schema, v.value, 'value')
      return 'issues' in r ? r : { value: { id: v.id, value: r.value } }
    }),
  })
  return {
    name: opts.name,
    default: opts.default,
    table: t,
    setEvent,
    module: {
      tables: [t],
      events: [setEvent],
      materializers: {
        [setEvent.eventName]: ((args: { id: string; value: T }, db) => {
          db.upsert(t, { id: args.id, value: args.value })
        }) as SchemaModule['materializers'][string],
      },
    },
  }
}

/**
 * A client document value as a core store, plus writers.
 * @example
 * const ui = store.document(uiState)
 * effect(() => render(ui.get().view))
 * ui.set({ ...ui.get(), view: 'memory' })
 */
export interface ClientDocumentHandle<T> extends ReadableStore<T> {
  /** Replace the value (validated by the document's schema). */
  set(value: T): void
  /**
   * Shallow-merge a patch, or map the current value. In a browser follower tab the
   * current value includes this tab's own writes that do not show yet (decision 0058),
   * so successive updates compose.
   */
  update(patch: Partial<T> | ((current: T) => T)): void
  /** The underlying core node (for bindings that want the node itself). */
  readonly node: ReadableStore<T>
}

/** What a handle needs from the store. @internal */
export interface DocumentHost {
  queryDb<R>(q: Query<R>): LiveQuery<R>
  /** @returns the events' arguments as validated */
  commitAny(events: readonly EventInput[]): readonly unknown[]
  /** Browser tabs: this tab's forwarded writes its replica does not show yet. */
  readonly forwarded?: ForwardedWrites | undefined
}

/** Create a handle. @internal use `store.document(def, id)` */
export function documentHandle<T>(
  host: DocumentHost,
  def: ClientDocumentDef<T>,
  id: string,
): ClientDocumentHandle<T> {
  const row$ = host.queryDb(def.table.where({ id }).first())
  const node = computed<T>(() => {
    const row = row$.get()
    return row === undefined ? def.default : (row.value as T)
  })
  const key = `${def.table.name}:${id}`
  const set = (value: T) => {
    const [args] = host.commitAny([def.setEvent({ id, value })])
    host.forwarded?.note(key, (args as { value: T }).value)
  }
  return {
    node,
    get: () => node.get(),
    peek: () => node.peek(),
    subscribe: (fn) => node.subscribe(fn),
    listen: (fn) => node.listen(fn),
    set,
    update(patch) {
      const w = host.forwarded?.get(key) as T | undefined
      const current = w === undefined ? node.peek() : w
      set(typeof patch === 'function' ? patch(current) : ({ ...current, ...patch } as T))
    },
  }
}

/**
 * The store schema: events, tables and materializers (plus what client documents and
 * collections contribute), checked for consistency and hashed. The hash of the table
 * DDL (and of `stateVersion`, which users bump when a materializer changes) decides at
 * boot whether materialized state can be reused or must be rebuilt.
 */

import { SchemaError } from '../errors.js'
import type { AnyEventDef } from '../events/define.js'
import type { EventResolver } from '../events/validate.js'
import type { AnyMaterializer, MaterializersFor } from '../materializers/define.js'
import type { AnyTable, Table } from '../tables/table.js'
import { distinctNames } from '../tables/table.js'

/**
 * A piece of schema contributed by a client document or a collection.
 * @example
 * makeSchema({ events, tables, materializers, modules: [uiState, projects] }) // each has a `.module`
 */
export interface SchemaModule {
  readonly tables: readonly AnyTable[]
  readonly events: readonly AnyEventDef[]
  readonly materializers: Readonly<Record<string, AnyMaterializer>>
}

/**
 * Input of {@link makeSchema}.
 * @example
 * const input: SchemaInput<typeof events, typeof tables> = { events, tables, materializers }
 */
export interface SchemaInput<E extends Record<string, AnyEventDef>, T extends Record<string, AnyTable>> {
  readonly events: E
  readonly tables: T
  readonly materializers: NoInfer<MaterializersFor<E>>
  /** Client documents and collections (anything with a `module`). */
  readonly modules?: readonly { readonly module: SchemaModule }[]
  /**
   * Bump it when a materializer changes what it writes while no table changes: it is
   * part of `hash`, so the next boot rebuilds state from the log with the new
   * materializers (reason `'schema-changed'`). Function code is not hashed (a bundler
   * rewrites it on every build, which would rebuild for nothing; decision 0067).
   * A finite number or a non-empty string; leaving it out keeps the DDL-only hash.
   */
  readonly stateVersion?: number | string
}

/**
 * A checked store schema.
 * @example
 * const schema = makeSchema({ events, tables, materializers })
 * schema.hash // changes when any table's DDL (or the `stateVersion` given) changes
 */
export interface StoreSchema<
  E extends Record<string, AnyEventDef> = Record<string, AnyEventDef>,
  T extends Record<string, AnyTable> = Record<string, AnyTable>,
> extends EventResolver {
  readonly events: E
  readonly tables: T
  readonly tablesByName: ReadonlyMap<string, Table>
  readonly materializers: ReadonlyMap<string, AnyMaterializer>
  /** Every DDL statement of the state database, in order. */
  readonly ddl: readonly string[]
  /** Hash of `ddl` and `stateVersion`; a change rebuilds state from the log. */
  readonly hash: string
}

/** FNV-1a 32-bit, hex. Enough to detect DDL changes; not a security hash. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

/**
 * Build and check a store schema.
 * @param input events, tables, one materializer per event name, optional modules and
 *   `stateVersion`
 * @returns the schema used by `createStore`
 * @example
 * const schema = makeSchema({
 *   events: { todoCreated },
 *   tables: { todos },
 *   materializers: { 'v1.TodoCreated': ({ id, title }, db) => db.insert(todos, { id, title }) },
 * })
 */
export function makeSchema<
  const E extends Record<string, AnyEventDef>,
  const T extends Record<string, AnyTable>,
>(input: SchemaInput<E, T>): StoreSchema<E, T> {
  const eventsByName = new Map<string, AnyEventDef>()
  const tablesByName = new Map<string, Table>()
  const materializers = new Map<string, AnyMaterializer>()
  const addEvent = (def: AnyEventDef) => {
    if (eventsByName.has(def.eventName)) throw new SchemaError(`Event "${def.eventName}" is defined twice`)
    eventsByName.set(def.eventName, def)
  }
  const addTable = (t: Table) => {
    const prev = tablesByName.get(t.name)
    if (prev && prev !== t) throw new SchemaError(`Table "${t.name}" is defined twice`)
    tablesByName.set(t.name, t)
  }
  for (const def of Object.values(input.events)) addEvent(def)
  for (const t of Object.values(input.tables)) addTable(t)
  for (const [name, fn] of Object.entries(input.materializers as Record<string, AnyMaterializer>)) {
    if (!eventsByName.has(name)) throw new SchemaError(`Materializer "${name}" has no matching event`)
    materializers.set(name, fn)
  }
  for (const { module } of input.modules ?? []) {
    for (const def of module.events) addEvent(def)
    for (const t of module.tables) addTable(t)
    for (const [name, fn] of Object.entries(module.materializers)) materializers.set(name, fn)
  }
  for (const name of eventsByName.keys())
    if (!materializers.has(name)) throw new SchemaError(`Event "${name}" has no materializer`)
  // Tables and indexes share one namespace in SQLite, which ignores case; an index whose
  // name is taken would be skipped by IF NOT EXISTS (a unique one then never enforced).
  const tables = [...tablesByName.values()]
  distinctNames('Tables and indexes', [
    ...tables.map((t) => t.name),
    ...tables.flatMap((t) => t.indexes.map((i) => t.indexName(i))),
  ])
  const ddl = tables.flatMap((t) => t.ddl())
  const version = input.stateVersion
  if (
    version !== undefined &&
    !(typeof version === 'number' ? Number.isFinite(version) : typeof version === 'string' && version !== '')
  ) {
    throw new SchemaError(
      `stateVersion must be a finite number or a non-empty string, got ${String(version)}`,
    )
  }
  const hashed = version === undefined ? ddl : [...ddl, `-- state version ${typeof version} ${version}`]
  return {
    events: input.events,
    tables: input.tables,
    eventsByName,
    tablesByName,
    materializers,
    ddl,
    hash: fnv1a(hashed.join(';\n')),
  }
}

/**
 * @strata/store — public entry point. This file only re-exports; each concept lives in
 * its own module beside its test. No `node:` imports here (drivers live in
 * `@strata/store/node` and `@strata/store/browser`).
 * @packageDocumentation
 */
export type { DriverRecovery, PreparedStatement, SqliteDriver, StoreAdapter } from './adapters/adapter.js'
export { StatementCache } from './adapters/statements.js'
export {
  bindCollection,
  type Collection,
  type CollectionDef,
  type CollectionOptions,
  type Doc,
  type DocumentList,
  defineCollection,
} from './collections/collection.js'
export { Query, type QueryOp } from './collections/query-ops.js'
export type { CommitInfo, DevtoolsEvent, StoreDevtools } from './devtools/devtools.js'
export {
  type ClientDocumentDef,
  type ClientDocumentHandle,
  type ClientDocumentOptions,
  clientDocument,
} from './documents/client-document.js'
export {
  DocumentNotFoundError,
  DocumentValidationError,
  EventRejectedError,
  EventValidationError,
  MaterializerError,
  QueryError,
  SchemaError,
  StoreClosedError,
  StoreCorruptError,
  StoreError,
  UnknownEventError,
  type ValidationIssue,
} from './errors.js'
export {
  type AnyEventDef,
  type EventDef,
  type EventInput,
  type EventOptions,
  Events,
} from './events/define.js'
export type { EventRecord } from './events/record.js'
export { validateEvent } from './events/validate.js'
export { equalResult } from './live/equality.js'
export { mayAffect } from './live/invalidation.js'
export type { LiveQuery, LiveQueryInfo, LiveQueryOptions } from './live/live-query.js'
export type { Materializer, MaterializersFor, OutOf } from './materializers/define.js'
export type { MaterializerContext, Patch } from './materializers/writer.js'
export {
  type Columns,
  type Direction,
  type InsertOf,
  type Operator,
  type OpObject,
  QueryBuilder,
  type RowOf,
  type WhereObject,
} from './query/builder.js'
export {
  type CompiledQuery,
  type Query as StoreQuery,
  type RawSqlOptions,
  type ResultOf,
  rawSql,
} from './query/query.js'
export { makeSchema, type SchemaInput, type SchemaModule, type StoreSchema } from './schema/make-schema.js'
export { type Issue, standardSchema } from './schema/standard.js'
export type { SnapshotInfo } from './snapshot/snapshot.js'
export type { BootReport, RebuildReason } from './store/boot.js'
export { type CreateStoreOptions, createStore, createStorePromise } from './store/create-store.js'
export { type CommitEvent, Store, type SyncState } from './store/store.js'
export type { RebaseFailure } from './sync/rebase.js'
export { Column, type ColumnDef, type ColumnKind, type ColumnOptions } from './tables/columns.js'
export { type AnyTable, type IndexDef, Table, type TableOptions, table } from './tables/table.js'
/**
 * Package version.
 * @example
 * import { VERSION } from '@strata/store' // '0.1.0'
 */
export const VERSION = '0.1.0'

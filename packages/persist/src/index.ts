/**
 * @strata/persist — public entry point. This file only re-exports; each concept lives in
 * its own module beside its test. Importing it touches no browser or Node globals.
 * @packageDocumentation
 */
export { asAsync } from './engines/as-async.js'
export { type EncryptionOptions, deriveKey, encryptedEngine } from './engines/encrypted.js'
export { type IndexedDBEngineOptions, indexedDBEngine } from './engines/indexeddb.js'
export { MemoryArea, type MemoryEngineOptions, memoryEngine } from './engines/memory.js'
export { type OpfsEngineOptions, opfsEngine } from './engines/opfs.js'
export type { AsyncEngine, EngineChange, StorageEngine, SyncEngine } from './engines/types.js'
export { localStorageEngine, sessionStorageEngine, webStorageEngine } from './engines/web-storage.js'
export {
  ConfigError,
  DecodeError,
  DecryptError,
  isQuotaError,
  MigrationError,
  PersistError,
  type PersistErrorCode,
  QuarantineError,
  ReadError,
  SchemaError,
  VersionError,
  WriteError,
} from './errors.js'
export { flushAllPending } from './lifecycle.js'
export type { Migrate } from './load.js'
export type { CommonOptions, HydrationStatus, PersistControls, PersistOptions } from './options.js'
export { type Persistent, persistent, type StoreValue } from './persistent.js'
export { type PersistentMap, type PersistMapOptions, persistentMap } from './persistent-map.js'
export { quarantineKey } from './quarantine.js'

/**
 * Package version.
 * @example
 * ```ts
 * console.log(VERSION) // '0.1.0'
 * ```
 */
export const VERSION = '0.1.0'

/**
 * @strata/store/browser — the browser driver (WASM SQLite in memory, journal + snapshots
 * in OPFS or IndexedDB, one leader tab) and encryption at rest. Re-exports only; no
 * `node:` imports, so it bundles for browsers.
 * @packageDocumentation
 */
export { type BrowserAdapterOptions, type BrowserStoreAdapter, browserAdapter } from '../adapters/browser.js'
export {
  aesGcmCipher,
  type Cipher,
  DEFAULT_PBKDF2_ITERATIONS,
  deriveKeyFromPassphrase,
  generateKey,
  isSealed,
} from '../encryption/cipher.js'
export { DecryptionError, EncryptionMismatchError, WrongKeyError } from '../encryption/errors.js'
export { type EncryptionOptions, openStoreCipher } from '../encryption/store-key.js'
export type { JournalOp, JournalRecord } from './codec.js'
export type { EngineStatement, MemoryEngine } from './engine.js'
export { JournalCorruptError, NotLeaderError, PersistenceError, WasmEngineError } from './errors.js'
export { JournaledDriver, type JournaledDriverOptions } from './journal.js'
export { type JournaledStoreDriver, type OpenJournaledOptions, openJournaledDriver } from './open.js'
export { type LoadReport, Persister, type PersisterOptions } from './persister.js'
export { indexedDbStorage } from './storage/indexeddb.js'
export { memoryStorage } from './storage/memory.js'
export { opfsAvailable, opfsStorage } from './storage/opfs.js'
export type { DurableStorage } from './storage/storage.js'
export { claimLeadership, type Leadership } from './tabs.js'
export { type LoadSqliteWasmOptions, loadSqliteWasm, openWasmEngine, type SqliteWasm } from './wasm-engine.js'

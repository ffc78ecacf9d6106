/**
 * @strata/store/node — Node drivers (better-sqlite3), plain and encrypted at rest.
 * Re-exports only.
 * @packageDocumentation
 */
export {
  type MemoryAdapterOptions,
  makeTestAdapter,
  memoryAdapter,
  memoryImage,
  type NodeAdapterOptions,
  nodeAdapter,
} from './adapters/node.js'
export { DecryptionError, EncryptionMismatchError, WrongKeyError } from './encryption/errors.js'
export { type EncryptedNodeAdapterOptions, encryptedNodeAdapter } from './encryption/node.js'
export type { EncryptionOptions } from './encryption/store-key.js'

/**
 * @strata/sync — public entry point. This file only re-exports; each concept lives in
 * its own module beside its test.
 * @packageDocumentation
 */
export const VERSION = '0.1.0'
export * from './protocol/index.js'
export * from './client/index.js'
export {
  SyncClientError,
  SyncConfigError,
  SyncConnectionError,
  SyncEventRejectedError,
  SyncEventTooLargeError,
  SyncServerError,
} from './errors.js'

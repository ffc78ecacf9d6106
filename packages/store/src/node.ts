/**
 * @strata/store/node — Node drivers (better-sqlite3). Re-exports only.
 * @packageDocumentation
 */
export { makeTestAdapter, memoryAdapter, type NodeAdapterOptions, nodeAdapter } from './adapters/node.js'

/**
 * @strata/core — public entry point. This file only re-exports; each concept lives in
 * its own module beside its test, and the graph algorithm lives in `system.ts`.
 * @packageDocumentation
 */
export { batch } from './batch.js'
export { computed } from './computed.js'
export { effect, onCleanup } from './effect.js'
export { CycleError, NotAStoreError } from './errors.js'
export { onMount, setUnmountDelay } from './lifecycle.js'
export { listenKeys, type MapStore, map } from './map.js'
export { effectScope } from './scope.js'
export { signal } from './signal.js'
export { isStore } from './store.js'
export type { Computed, NodeOptions, ReadableStore, Signal, WritableStore } from './types.js'
export { untrack } from './untrack.js'

/**
 * The options and the control surface shared by `persistent` and `persistentMap`.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { ReadableStore } from '@strata/core'
import type { StorageEngine } from './engines/types.js'
import type { PersistError } from './errors.js'
import type { Migrate } from './load.js'

/**
 * Where a persistent store is in loading its stored value.
 * @example
 * ```ts
 * const loading = computed(() => store.hydration.get() === 'hydrating')
 * ```
 */
export type HydrationStatus = 'idle' | 'hydrating' | 'ready' | 'error'

/**
 * Options common to every persistent store.
 * @example
 * ```ts
 * const common: CommonOptions = { engine: memoryEngine(), version: 2, debounce: 300 }
 * ```
 */
export interface CommonOptions {
  /** Where values live; default `localStorageEngine()` (memory on servers). */
  engine?: StorageEngine
  /** Version of the stored shape; default 0. Stored data from a newer version is never overwritten. */
  version?: number
  /** How to upgrade data stored by an older version: a function or a chain of steps. */
  migrate?: Migrate
  /** Custom text encoder for the persisted value (default JSON). */
  encode?: (value: never) => string
  /** Custom text decoder, the inverse of `encode`. */
  decode?: (text: string) => unknown
  /** Coalesce writes for this many ms (flushed on pagehide / process exit / `flush()`). Default 0. */
  debounce?: number
  /** Follow writes made by other tabs; default true. */
  crossTab?: boolean
  /** Called for every error (also available as the `errors` store and `onError`). */
  onError?: (error: PersistError) => void
}

/**
 * Options of `persistent(initialOrStore, key, options)`.
 * @example
 * ```ts
 * const options: PersistOptions<{ theme: string; dragging: boolean }> = {
 *   partialize: ({ dragging, ...rest }) => rest,
 * }
 * ```
 */
export interface PersistOptions<T> extends CommonOptions {
  /** Standard Schema the loaded value must pass (checked on every load, after migrations). */
  schema?: StandardSchemaV1<unknown, T>
  /** Persist only part of the value (e.g. drop runtime fields). Loaded parts are merged back. */
  partialize?: (value: T) => unknown
  /** Combine a loaded value with the current one; default: shallow merge when `partialize` is set, else replace. */
  merge?: (stored: unknown, current: T) => T
}

/**
 * What every persistent store adds to the core store it wraps.
 *
 * @example
 * ```ts
 * const s = persistent(0, 'n', { engine: indexedDBEngine() })
 * s.hydration.subscribe((h) => console.log(h)) // hydrating … ready
 * await s.ready
 * ```
 */
export interface PersistControls {
  /** The storage key (or key prefix for per-key maps). */
  readonly storageKey: string
  /** The engine in use (after SSR fallback). */
  readonly engine: StorageEngine
  /**
   * Hydration status as a store: `idle | hydrating | ready | error`. `error` after a read
   * that failed; a later read that succeeds makes it `ready` again (`persistentMap`: once
   * no entry holds its writes).
   */
  readonly hydration: ReadableStore<HydrationStatus>
  /** Resolves when the first hydration finished (`ready` or `error`); never rejects. */
  readonly ready: Promise<void>
  /** Recent errors, newest last (at most 20). */
  readonly errors: ReadableStore<readonly PersistError[]>
  /** Listen to errors; returns unsubscribe. */
  onError(fn: (error: PersistError) => void): () => void
  /**
   * Write pending (debounced or held) changes now; resolves when stored, or when writes
   * are held (see `rehydrate`). A write that failed before is retried; if it fails again,
   * rejects with its `WriteError` (the value stays in memory; in a map, the first entry's).
   */
  flush(): Promise<void>
  /**
   * Read storage again (e.g. after a read error). Edits made while writes were held
   * (read error, newer-version value, failed quarantine) win: the value read is checked
   * (a newer version keeps holding them, damaged text is quarantined) but not applied,
   * and the edits are written.
   */
  rehydrate(): Promise<void>
  /**
   * Remove the stored value(s) and reset to the initial value. The removal waits for a
   * write in flight; a change made before the returned promise settles is kept (not
   * reset) and written after the removal.
   */
  clear(): Promise<void>
  /**
   * Stop persisting and listening to other tabs. Changes made before still reach
   * storage: a debounced write is started at once, and a write held by a hydration in
   * flight or queued behind a write in flight runs when they end. Later changes stay in
   * memory only.
   */
  dispose(): void
}

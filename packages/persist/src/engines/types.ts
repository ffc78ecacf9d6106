/**
 * The one small interface every storage engine implements. Values are strings (what the
 * codec produced); engines know nothing of stores, versions or schemas.
 *
 * Glossary:
 * - sync engine: answers reads at once, so a store hydrates before its first read.
 * - async engine: answers with promises; the store reports `hydrating` meanwhile.
 * - change: a write made by someone else (another tab, another process) that the engine
 *   noticed; `key: null` means "anything may have changed" (a `clear()` elsewhere, a page
 *   restored from the back/forward cache).
 */

/**
 * A change the engine saw from outside this engine instance.
 * @example
 * ```ts
 * engine.watch?.((change: EngineChange) => console.log(change.key ?? 'everything'))
 * ```
 */
export interface EngineChange {
  /** The key that changed, or `null` when every key may have changed. */
  readonly key: string | null
}

/** What every engine shares. */
interface EngineBase {
  /** Human name shown in errors and benchmarks ("localStorage", "indexedDB", …). */
  readonly name: string
  /**
   * Subscribe to changes made outside this engine instance (other tabs). Optional: an
   * engine without it simply does not sync across tabs.
   */
  watch?(listener: (change: EngineChange) => void): () => void
}

/**
 * An engine whose operations complete synchronously (Web Storage, memory, the Node
 * file engine).
 *
 * @example
 * ```ts
 * const engine: SyncEngine = memoryEngine()
 * engine.setItem('a', '1')
 * engine.getItem('a') // '1'
 * ```
 */
export interface SyncEngine extends EngineBase {
  readonly sync: true
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
  /** Every stored key that starts with `prefix`. */
  keys(prefix: string): string[]
}

/**
 * An engine whose operations return promises (IndexedDB, OPFS, encrypted wrappers).
 *
 * @example
 * ```ts
 * const engine: AsyncEngine = indexedDBEngine()
 * await engine.setItem('a', '1')
 * await engine.getItem('a') // '1'
 * ```
 */
export interface AsyncEngine extends EngineBase {
  readonly sync: false
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string): Promise<void>
  removeItem(key: string): Promise<void>
  /** Every stored key that starts with `prefix`. */
  keys(prefix: string): Promise<string[]>
  /**
   * Optional: every `[key, value]` whose key starts with `prefix`, in one round trip.
   * `persistentMap` uses it to hydrate many entries at once.
   */
  entries?(prefix: string): Promise<[string, string][]>
}

/**
 * Any storage engine. Write a custom one by implementing either shape.
 *
 * @example
 * ```ts
 * const logged: SyncEngine = { name: 'logged', sync: true, ...memoryEngine(), setItem(k, v) { console.log(k); inner.setItem(k, v) } }
 * ```
 */
export type StorageEngine = SyncEngine | AsyncEngine

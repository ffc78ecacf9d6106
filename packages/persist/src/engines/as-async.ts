/**
 * Adapter presenting a sync engine through the async interface: the server-side fallback
 * of the async browser engines, and a way to test async code paths on memory.
 */
import type { AsyncEngine, SyncEngine } from './types.js'

/**
 * Present a sync engine through the async interface (used for fallbacks and benchmarks).
 *
 * @param engine a {@link SyncEngine}
 * @returns the same storage as an {@link AsyncEngine}
 * @example
 * ```ts
 * const engine = asAsync(memoryEngine())
 * await engine.setItem('a', '1')
 * ```
 */
export function asAsync(engine: SyncEngine): AsyncEngine & { close(): void } {
  const base: AsyncEngine & { close(): void } = {
    name: engine.name,
    sync: false,
    getItem: async (key) => engine.getItem(key),
    setItem: async (key, value) => engine.setItem(key, value),
    removeItem: async (key) => engine.removeItem(key),
    keys: async (prefix) => engine.keys(prefix),
    close() {},
  }
  if (engine.watch) base.watch = engine.watch.bind(engine)
  return base
}

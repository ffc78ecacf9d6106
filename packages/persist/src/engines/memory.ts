/**
 * The memory engine: a Map, optionally shared between several engine instances through
 * a `MemoryArea` so tests and Node examples can play "two tabs" — a write through one
 * engine is reported to the others' `watch` listeners, never to its own.
 */
import type { EngineChange, SyncEngine } from './types.js'

/**
 * A shared in-memory storage area: what `localStorage` is to the tabs of one origin.
 *
 * @example
 * ```ts
 * const area = new MemoryArea()
 * const tabA = memoryEngine({ area })
 * const tabB = memoryEngine({ area })
 * ```
 */
export class MemoryArea {
  /** The stored entries. */
  readonly data = new Map<string, string>()
  /** @internal listeners keyed by the engine that registered them */
  readonly listeners = new Set<{ owner: object; fn: (change: EngineChange) => void }>()

  /** Notify every listener not owned by `from`. */
  notify(from: object, change: EngineChange): void {
    for (const l of [...this.listeners]) if (l.owner !== from) l.fn(change)
  }

  /**
   * Clear the area as another tab would: every engine hears `key: null`.
   * @example
   * ```ts
   * area.clear()
   * ```
   */
  clear(): void {
    this.data.clear()
    this.notify(this, { key: null })
  }
}

/**
 * Options of {@link memoryEngine}.
 * @example
 * ```ts
 * const options: MemoryEngineOptions = { area: new MemoryArea(), name: 'tab A' }
 * ```
 */
export interface MemoryEngineOptions {
  /** Share storage (and change notifications) with other engines on the same area. */
  area?: MemoryArea
  /** Name shown in errors; default "memory". */
  name?: string
}

/**
 * A synchronous in-memory engine. The server-side fallback of the browser engines and
 * the engine of choice in tests.
 *
 * @param options optional shared {@link MemoryArea}
 * @returns a {@link SyncEngine}
 * @example
 * ```ts
 * const count = persistent(0, 'count', { engine: memoryEngine() })
 * ```
 */
export function memoryEngine(options: MemoryEngineOptions = {}): SyncEngine {
  const area = options.area ?? new MemoryArea()
  const self = {}
  return {
    name: options.name ?? 'memory',
    sync: true,
    getItem: (key) => area.data.get(key) ?? null,
    setItem(key, value) {
      area.data.set(key, value)
      area.notify(self, { key })
    },
    removeItem(key) {
      if (area.data.delete(key)) area.notify(self, { key })
    },
    keys: (prefix) => [...area.data.keys()].filter((k) => k.startsWith(prefix)),
    watch(fn) {
      const entry = { owner: self, fn }
      area.listeners.add(entry)
      return () => {
        area.listeners.delete(entry)
      }
    },
  }
}

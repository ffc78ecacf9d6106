/**
 * Test doubles for unit tests of this package (not exported from the entry point):
 * an async engine whose reads and writes the test resolves by hand, and a sync engine
 * that can be told to fail. Used only to drive one unit into a precise interleaving.
 */
import { MemoryArea, memoryEngine } from '../src/engines/memory.js'
import type { AsyncEngine, SyncEngine } from '../src/engines/types.js'

/** A sync engine over a memory area that fails writes while `failWrites` is set. */
export function flakyEngine(area = new MemoryArea()): SyncEngine & { failWrites: unknown; writes: string[] } {
  const inner = memoryEngine({ area })
  const e = {
    ...inner,
    name: 'flaky',
    failWrites: null as unknown,
    writes: [] as string[],
    setItem(key: string, value: string) {
      if (e.failWrites) throw e.failWrites
      e.writes.push(key)
      inner.setItem(key, value)
    },
  }
  return e
}

/** A sync engine over `inner` whose reads throw (`EIO`) while `failReads` is set. */
export function failingReads(inner: SyncEngine, failReads = true): SyncEngine & { failReads: boolean } {
  const e = {
    ...inner,
    failReads,
    getItem(key: string) {
      if (e.failReads) throw new Error('EIO')
      return inner.getItem(key)
    },
  }
  return e
}

/** An async engine whose reads wait until the test calls `release()` (once; then it stays open). */
export function gatedEngine(area = new MemoryArea()): AsyncEngine & { release(): void; reads: number } {
  const inner = memoryEngine({ area })
  let open!: () => void
  const gate = new Promise<void>((r) => {
    open = r
  })
  const e: AsyncEngine & { release(): void; reads: number } = {
    name: 'gated',
    sync: false,
    reads: 0,
    async getItem(key) {
      e.reads++
      const value = inner.getItem(key)
      await gate
      return value
    },
    setItem: async (key, value) => inner.setItem(key, value),
    removeItem: async (key) => inner.removeItem(key),
    async keys(prefix) {
      const keys = inner.keys(prefix)
      await gate
      return keys
    },
    watch: (fn) => inner.watch?.(fn) ?? (() => {}),
    release() {
      open()
    },
  }
  return e
}

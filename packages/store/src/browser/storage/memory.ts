/**
 * In-memory `DurableStorage` for tests and for stores that only need the journaled
 * driver's semantics without durability. Shares its map when given one, so a test can
 * "reload" by opening a second driver on the same files.
 */
import type { DurableStorage } from './storage.js'

/**
 * Durable storage kept in a Map (lost with the page / process).
 * @param files the backing map (pass the same map to simulate a reload)
 * @returns the storage
 * @example
 * const files = new Map<string, Uint8Array>()
 * const adapter = browserAdapter({ storage: memoryStorage(files) })
 */
export function memoryStorage(files: Map<string, Uint8Array> = new Map()): DurableStorage {
  return {
    kind: 'memory',
    location: 'memory',
    list: async () => [...files.keys()],
    read: async (name) => files.get(name)?.slice(),
    write: async (name, bytes) => {
      files.set(name, bytes.slice())
    },
    remove: async (names) => {
      for (const n of names) files.delete(n)
    },
    close: () => {},
  }
}

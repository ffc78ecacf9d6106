/**
 * Durable storage seam of the journaled drivers: a flat set of named byte files where
 * each `write` is atomic (the file is afterwards either wholly there or absent). The
 * persister stores journal batches and snapshots in it. Implementations: OPFS
 * (`opfs.ts`), IndexedDB (`indexeddb.ts`), memory (`memory.ts`, tests) and a Node
 * directory (`../../encryption/node-storage.ts`).
 */

/**
 * A place to keep a store's journal and snapshots.
 * @example
 * const storage = await opfsStorage('todos')
 * await storage.write('a', new Uint8Array([1]))
 * await storage.list() // ['a']
 */
export interface DurableStorage {
  /** `'opfs' | 'indexeddb' | 'memory' | 'directory'` */
  readonly kind: string
  /** Human-readable location for errors and devtools. */
  readonly location: string
  /** Names of every complete file. */
  list(): Promise<string[]>
  /** A file's bytes, `undefined` when absent. */
  read(name: string): Promise<Uint8Array | undefined>
  /** Create or replace a file atomically and durably. */
  write(name: string, bytes: Uint8Array): Promise<void>
  /** Delete files (missing names are ignored). */
  remove(names: readonly string[]): Promise<void>
  /** Release handles. */
  close(): void
}

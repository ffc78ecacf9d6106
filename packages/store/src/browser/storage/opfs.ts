/**
 * OPFS (origin private file system) `DurableStorage`: one directory per store, one file
 * per journal batch or snapshot. Uses the async file API, which works on the main thread
 * (sync access handles would need a worker). `createWritable()` writes to a swap file and
 * swaps it in on `close()`, so a write is atomic; a file left empty by a tab killed
 * between create and close is treated as never written.
 */
import type { DurableStorage } from './storage.js'

interface DirectoryHandle {
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandle>
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandle>
  removeEntry(name: string): Promise<void>
  keys(): AsyncIterable<string>
}
interface FileHandle {
  getFile(): Promise<Blob>
  createWritable(): Promise<{ write(data: Uint8Array): Promise<void>; close(): Promise<void> }>
}

/**
 * True when this context can use OPFS (secure context with `navigator.storage.getDirectory`).
 * @returns whether `opfsStorage` can open
 * @example
 * const storage = opfsAvailable() ? await opfsStorage('app') : await indexedDbStorage('app')
 */
export function opfsAvailable(): boolean {
  const storage = (globalThis as { navigator?: { storage?: { getDirectory?: unknown } } }).navigator?.storage
  return typeof storage?.getDirectory === 'function'
}

const isNotFound = (e: unknown) => e instanceof Error && e.name === 'NotFoundError'

/**
 * Open (creating if needed) the OPFS directory `strata/<storeId>`.
 * @param storeId the store; its files live in their own directory
 * @returns the storage
 * @example
 * const storage = await opfsStorage('todos')
 */
export async function opfsStorage(storeId: string): Promise<DurableStorage> {
  const nav = globalThis.navigator as unknown as { storage: { getDirectory(): Promise<DirectoryHandle> } }
  const root = await nav.storage.getDirectory()
  const dir = await (await root.getDirectoryHandle('strata', { create: true })).getDirectoryHandle(
    encodeURIComponent(storeId),
    { create: true },
  )
  return {
    kind: 'opfs',
    location: `opfs:/strata/${encodeURIComponent(storeId)}`,
    async list() {
      const names: string[] = []
      for await (const name of dir.keys()) names.push(name)
      return names
    },
    async read(name) {
      try {
        const file = await (await dir.getFileHandle(name)).getFile()
        return new Uint8Array(await file.arrayBuffer())
      } catch (e) {
        if (isNotFound(e)) return undefined
        throw e
      }
    },
    async write(name, bytes) {
      const handle = await dir.getFileHandle(name, { create: true })
      const writable = await handle.createWritable()
      await writable.write(bytes)
      await writable.close()
    },
    async remove(names) {
      for (const name of names) {
        try {
          await dir.removeEntry(name)
        } catch (e) {
          if (!isNotFound(e)) throw e
        }
      }
    },
    close() {},
  }
}

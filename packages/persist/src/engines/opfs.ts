/**
 * The Origin Private File System engine: one file per key in a directory of the OPFS.
 * `createWritable()` writes to a swap file that replaces the old one only on `close()`,
 * so a crash mid-write leaves the previous value intact. Operations on one key run in
 * order; other tabs are told through a BroadcastChannel. Without OPFS (server, old
 * browsers) it falls back to memory.
 */
import { asAsync } from './as-async.js'
import { changeChannel } from './broadcast.js'
import { memoryEngine } from './memory.js'
import type { AsyncEngine } from './types.js'

/**
 * Options of {@link opfsEngine}.
 * @example
 * ```ts
 * const options: OpfsEngineOptions = { directory: 'notes' }
 * ```
 */
export interface OpfsEngineOptions {
  /** Directory inside the origin private file system; default "strata". */
  directory?: string
  /** Tell other tabs about writes; default true. */
  broadcast?: boolean
}

type Dir = {
  getDirectoryHandle(name: string, o?: { create?: boolean }): Promise<Dir>
  getFileHandle(name: string, o?: { create?: boolean }): Promise<FileHandle>
  removeEntry(name: string): Promise<void>
  keys(): AsyncIterable<string>
}
type FileHandle = {
  getFile(): Promise<{ text(): Promise<string> }>
  createWritable(): Promise<{ write(data: string): Promise<void>; close(): Promise<void> }>
}

// File names may not contain "/" and may not be "." or "..": percent-encode, then prefix.
const fileName = (key: string) => `k${encodeURIComponent(key)}`
const keyOf = (file: string) => (file.startsWith('k') ? decodeURIComponent(file.slice(1)) : null)
const isNotFound = (e: unknown) => (e as { name?: unknown } | null)?.name === 'NotFoundError'

/**
 * An async engine on the Origin Private File System, for large values (files, exports,
 * snapshots) where IndexedDB's structured-clone overhead is not wanted.
 *
 * @param options directory name, broadcast switch
 * @returns an {@link AsyncEngine}; memory fallback where OPFS is missing
 * @example
 * ```ts
 * const doc = persistent('', 'draft.md', { engine: opfsEngine({ directory: 'notes' }) })
 * await doc.ready
 * ```
 */
export function opfsEngine(options: OpfsEngineOptions = {}): AsyncEngine & { close(): void } {
  const storage = (
    globalThis as unknown as { navigator?: { storage?: { getDirectory?: () => Promise<Dir> } } }
  ).navigator?.storage
  if (!storage || typeof storage.getDirectory !== 'function')
    return asAsync(memoryEngine({ name: 'memory (no OPFS)' }))
  const getRoot = storage.getDirectory.bind(storage)
  const dirName = options.directory ?? 'strata'
  const channel = options.broadcast === false ? null : changeChannel(`strata:opfs:${dirName}`)
  let dirPromise: Promise<Dir> | null = null
  const dir = () => {
    dirPromise ??= getRoot().then((root) => root.getDirectoryHandle(dirName, { create: true }))
    dirPromise.catch(() => {
      dirPromise = null
    })
    return dirPromise
  }
  // Per-key chains keep a key's reads and writes in call order.
  const chains = new Map<string, Promise<unknown>>()
  const serial = <T>(key: string, op: () => Promise<T>): Promise<T> => {
    const prev = chains.get(key) ?? Promise.resolve()
    const next = prev.then(op, op)
    const tail = next.catch(() => {})
    chains.set(key, tail)
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key)
    })
    return next
  }

  return {
    name: 'opfs',
    sync: false,
    getItem: (key) =>
      serial(key, async () => {
        try {
          const fh = await (await dir()).getFileHandle(fileName(key))
          return await (await fh.getFile()).text()
        } catch (e) {
          if (isNotFound(e)) return null
          throw e
        }
      }),
    setItem: (key, value) =>
      serial(key, async () => {
        const fh = await (await dir()).getFileHandle(fileName(key), { create: true })
        const w = await fh.createWritable()
        await w.write(value)
        await w.close()
        channel?.post(key)
      }),
    removeItem: (key) =>
      serial(key, async () => {
        try {
          await (await dir()).removeEntry(fileName(key))
        } catch (e) {
          if (!isNotFound(e)) throw e
        }
        channel?.post(key)
      }),
    async keys(prefix) {
      const out: string[] = []
      for await (const name of (await dir()).keys()) {
        const k = keyOf(name)
        if (k?.startsWith(prefix)) out.push(k)
      }
      return out
    },
    watch: (fn) => (channel ? channel.watch(fn) : () => {}),
    close() {
      channel?.close()
    },
  }
}

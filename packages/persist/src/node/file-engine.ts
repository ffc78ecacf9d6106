/**
 * The Node file engine (entry `@strata/persist/node`): one file per key in a directory,
 * written atomically — temp file, fsync, rename over the old file, fsync the directory —
 * so a crash or power loss leaves either the old or the new value, never a torn one.
 * Synchronous on purpose: a CLI or Electron main process hydrates before its first read,
 * and pending debounced writes can still be flushed from `process.on('exit')`.
 * Lives apart from the main entry so browser bundles never see `node:` imports.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import type { SyncEngine } from '../engines/types.js'

/**
 * Options of {@link fileEngine}.
 * @example
 * ```ts
 * const options: FileEngineOptions = { directory: '.state', durable: true }
 * ```
 */
export interface FileEngineOptions {
  /** Directory holding one file per key; created if missing. */
  directory: string
  /** fsync file and directory on every write; default true. Turn off only for scratch data. */
  durable?: boolean
}

// Keys may contain "/" or be "."; percent-encode and prefix so every key is one safe name.
const encoded = (key: string) => `k${encodeURIComponent(key).replace(/\*/g, '%2A')}`
// Temp files start with "t", key files with "k", so no key is ever mistaken for a temp file.
// Earlier releases named temp files `k<key>.<pid>.<n>.tmp`: a crash may have left some, so
// names of that shape are still not keys. A key of that shape (rare: "b.2024.1.tmp") is
// stored with its last "." escaped, so its file is listed; a file an earlier release wrote
// for it under the plain name is still read (and removed with it).
const OLD_TMP = /\.\d+\.\d+\.tmp$/
const fileName = (key: string) => {
  const name = encoded(key)
  return OLD_TMP.test(name) ? `${name.slice(0, -4)}%2Etmp` : name
}
const keyOf = (name: string): string | null => {
  if (!name.startsWith('k') || OLD_TMP.test(name)) return null
  try {
    return decodeURIComponent(name.slice(1))
  } catch {
    return null // not a name this engine wrote (undecodable): not a key
  }
}
const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return null
    throw e
  }
}
/** Unlink `path`; false if it did not exist. */
const unlink = (path: string): boolean => {
  try {
    unlinkSync(path)
    return true
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return false
    throw e
  }
}
let tmpCounter = 0

function fsyncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * A synchronous, crash-safe file engine for Node: CLIs, Electron, tests.
 *
 * @param options the directory, and whether to fsync
 * @returns a {@link SyncEngine}
 * @example
 * ```ts
 * import { persistent } from '@strata/persist'
 * import { fileEngine } from '@strata/persist/node'
 * const config = persistent({ theme: 'dark' }, 'config', { engine: fileEngine({ directory: '.state' }) })
 * ```
 */
export function fileEngine(options: FileEngineOptions): SyncEngine {
  const dir = options.directory
  const durable = options.durable !== false
  mkdirSync(dir, { recursive: true })
  return {
    name: 'file',
    sync: true,
    getItem(key) {
      const name = fileName(key)
      const value = read(join(dir, name))
      return value === null && name !== encoded(key) ? read(join(dir, encoded(key))) : value
    },
    setItem(key, value) {
      const name = fileName(key)
      const tmp = join(dir, `t${name.slice(1)}.${process.pid}.${++tmpCounter}`)
      const fd = openSync(tmp, 'w')
      try {
        writeSync(fd, value)
        if (durable) fsyncSync(fd)
      } catch (e) {
        closeSync(fd)
        try {
          unlinkSync(tmp)
        } catch {}
        throw e
      }
      closeSync(fd)
      renameSync(tmp, join(dir, name))
      if (durable) fsyncDir(dir)
    },
    removeItem(key) {
      const name = fileName(key)
      const removed = unlink(join(dir, name))
      const removedOld = name !== encoded(key) && unlink(join(dir, encoded(key)))
      if (durable && (removed || removedOld)) fsyncDir(dir)
    },
    keys(prefix) {
      const out: string[] = []
      for (const name of readdirSync(dir)) {
        const k = keyOf(name)
        if (k?.startsWith(prefix)) out.push(k)
      }
      return out
    },
  }
}

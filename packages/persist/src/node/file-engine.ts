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

const TMP = '.tmp'
// Keys may contain "/" or be "."; percent-encode and prefix so every key is one safe name.
const fileName = (key: string) => `k${encodeURIComponent(key).replace(/\*/g, '%2A')}`
const keyOf = (name: string) =>
  name.startsWith('k') && !name.endsWith(TMP) ? decodeURIComponent(name.slice(1)) : null
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
      try {
        return readFileSync(join(dir, fileName(key)), 'utf8')
      } catch (e) {
        if ((e as { code?: unknown }).code === 'ENOENT') return null
        throw e
      }
    },
    setItem(key, value) {
      const target = join(dir, fileName(key))
      const tmp = `${target}.${process.pid}.${++tmpCounter}${TMP}`
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
      renameSync(tmp, target)
      if (durable) fsyncDir(dir)
    },
    removeItem(key) {
      try {
        unlinkSync(join(dir, fileName(key)))
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'ENOENT') throw e
        return
      }
      if (durable) fsyncDir(dir)
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

/**
 * A directory as `DurableStorage` (Node only). Each write goes to a temporary file that
 * is fsynced and renamed over the target, then the directory is fsynced: after a crash
 * a file is either the old version, the new one, or absent — never half-written.
 */
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { DurableStorage } from '../browser/storage/storage.js'

const TMP = '.tmp-'

const isMissing = (e: unknown) => (e as { code?: unknown })?.code === 'ENOENT'

/**
 * Open (creating if needed) a directory for one store's journal and snapshots.
 * @param directory the directory (one per store)
 * @returns the storage
 * @example
 * const storage = await directoryStorage('./data/notes')
 */
export async function directoryStorage(directory: string): Promise<DurableStorage> {
  await mkdir(directory, { recursive: true })
  const syncDir = async () => {
    const handle = await open(directory, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }
  return {
    kind: 'directory',
    location: directory,
    async list() {
      return (await readdir(directory)).filter((n) => !n.includes(TMP))
    },
    async read(name) {
      try {
        return new Uint8Array(await readFile(join(directory, name)))
      } catch (e) {
        if (isMissing(e)) return undefined
        throw e
      }
    },
    async write(name, bytes) {
      const tmp = join(directory, `${name}${TMP}${process.pid}-${Math.random().toString(36).slice(2)}`)
      const handle = await open(tmp, 'w')
      try {
        await handle.writeFile(bytes)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(tmp, join(directory, name))
      await syncDir()
    },
    async remove(names) {
      for (const name of names) {
        try {
          await unlink(join(directory, name))
        } catch (e) {
          if (!isMissing(e)) throw e
        }
      }
      if (names.length > 0) await syncDir()
    },
    close() {},
  }
}

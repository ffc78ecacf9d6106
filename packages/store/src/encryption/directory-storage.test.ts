import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { directoryStorage } from './directory-storage.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-dir-storage-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('directoryStorage', () => {
  it('writes atomically through a temp file + rename and leaves no temp files', async () => {
    const storage = await directoryStorage(join(dir, 'store'))
    await storage.write('j-1', new Uint8Array([1]))
    await storage.write('j-1', new Uint8Array([2, 2]))
    expect(readdirSync(join(dir, 'store'))).toEqual(['j-1'])
    expect(await storage.read('j-1')).toEqual(new Uint8Array([2, 2]))
    expect(await storage.read('nope')).toBeUndefined()
    await storage.remove(['j-1', 'nope'])
    expect(await storage.list()).toEqual([])
  })

  it('does not list temp files left by a crashed write', async () => {
    const storage = await directoryStorage(dir)
    writeFileSync(join(dir, 's-000000000001.tmp-1-x'), 'partial')
    await storage.write('s-000000000002', new Uint8Array([1]))
    expect(await storage.list()).toEqual(['s-000000000002'])
  })
})

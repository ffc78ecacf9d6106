import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setUnmountDelay } from '@strata/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { createStore } from '../store/create-store.js'
import { generateKey } from './cipher.js'
import { EncryptionMismatchError, WrongKeyError } from './errors.js'
import { encryptedNodeAdapter } from './node.js'

let dir: string
beforeEach(() => {
  setUnmountDelay(0)
  dir = mkdtempSync(join(tmpdir(), 'strata-encrypted-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const encryption = { passphrase: 'node passphrase', iterations: 2000 }
const allBytes = (d: string) =>
  readdirSync(d)
    .map((n) => new TextDecoder('latin1').decode(readFileSync(join(d, n))))
    .join('\n')

describe('encryptedNodeAdapter', () => {
  it('persists an encrypted journal and snapshot; the right passphrase reads everything back', async () => {
    const adapter = encryptedNodeAdapter({ directory: dir, encryption, snapshotEvery: 10 })
    const store = await createStore({ schema, adapter, storeId: 'notes' })
    for (let i = 0; i < 25; i++) store.commit(events.todoCreated({ id: `n${i}`, title: `Private note ${i}` }))
    await adapter.flush()
    store.close()
    await adapter.drivers.get('notes')?.closeAsync()
    const files = readdirSync(join(dir, 'notes'))
    expect(files.some((f) => f.startsWith('s-'))).toBe(true)
    const raw = allBytes(join(dir, 'notes'))
    expect(raw).not.toContain('Private note')
    expect(raw).not.toContain('SQLite format 3')
    expect(raw).not.toContain('todos')

    const again = await createStore({
      schema,
      adapter: encryptedNodeAdapter({ directory: dir, encryption }),
      storeId: 'notes',
    })
    expect(again.query(todos.count())).toBe(25)
    expect(again.query(todos.where({ id: 'n7' }).first())?.title).toBe('Private note 7')
    again.close()
  })

  it('a wrong passphrase fails with WrongKeyError and leaves the files as they were', async () => {
    const adapter = encryptedNodeAdapter({ directory: dir, encryption })
    const store = await createStore({ schema, adapter, storeId: 'notes' })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    await adapter.flush()
    store.close()
    const before = allBytes(join(dir, 'notes'))
    await expect(
      createStore({
        schema,
        adapter: encryptedNodeAdapter({ directory: dir, encryption: { passphrase: 'guess' } }),
        storeId: 'notes',
      }),
    ).rejects.toBeInstanceOf(WrongKeyError)
    await expect(
      createStore({
        schema,
        adapter: encryptedNodeAdapter({ directory: dir, encryption: { key: await generateKey() } }),
        storeId: 'notes',
      }),
    ).rejects.toThrow(WrongKeyError)
    expect(allBytes(join(dir, 'notes'))).toBe(before)
  })

  it('works with a CryptoKey the app keeps in its keychain', async () => {
    const key = await generateKey()
    const adapter = encryptedNodeAdapter({ directory: dir, encryption: { key } })
    const store = await createStore({ schema, adapter, storeId: 'k' })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    await adapter.flush()
    store.close()
    const again = await createStore({
      schema,
      adapter: encryptedNodeAdapter({ directory: dir, encryption: { key } }),
      storeId: 'k',
    })
    expect(again.query(todos.count())).toBe(1)
    again.close()
  })

  it('a write killed before its rename leaves only a temp file, which is ignored: the commit is absent, the rest intact', async () => {
    const adapter = encryptedNodeAdapter({ directory: dir, encryption })
    const store = await createStore({ schema, adapter, storeId: 'notes' })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    await adapter.flush()
    store.close()
    // What a process killed mid-write leaves behind: a partial temp file.
    writeFileSync(join(dir, 'notes', 'j-000000000099-000000000099.tmp-123-abc'), new Uint8Array([0x53, 0x47]))
    const again = await createStore({
      schema,
      adapter: encryptedNodeAdapter({ directory: dir, encryption }),
      storeId: 'notes',
    })
    expect(again.query(todos.select('id'))).toEqual([{ id: 'a' }])
    again.close()
  })

  it('refuses to open an encrypted directory without encryption in the browser-style adapter path', async () => {
    const adapter = encryptedNodeAdapter({ directory: dir, encryption })
    const store = await createStore({ schema, adapter, storeId: 'notes' })
    store.close()
    await adapter.drivers.get('notes')?.closeAsync()
    const { directoryStorage } = await import('./directory-storage.js')
    const { openStoreCipher } = await import('./store-key.js')
    await expect(
      openStoreCipher(await directoryStorage(join(dir, 'notes')), 'notes', undefined),
    ).rejects.toBeInstanceOf(EncryptionMismatchError)
  })
})

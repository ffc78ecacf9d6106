// Two tabs opening a NEW encrypted store at the same time. Before, each listed no key
// files, made its own salt and wrote key.json/key.check: the leader journaled with its key,
// the other tab then replaced the key files with its own, and after a reload every data
// file failed to decrypt (JournalCorruptError): all durable data lost. Now the key is
// created under a Web Lock of its own; a tab that waited for it adopts the key it finds.
import { describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { closeTab as close, role, tabHarness } from '../../test/tabs.js'
import { memoryStorage } from '../browser/storage/memory.js'
import type { DurableStorage } from '../browser/storage/storage.js'
import { EncryptionMismatchError } from './errors.js'
import { openStoreCipher } from './store-key.js'

const { openTab } = tabHarness(schema) // installs the fake Web Locks for this file
const passphrase = 'same passphrase for both tabs!'

describe('two tabs create a new encrypted store at the same time', () => {
  it('what the leader flushed is readable after a reload', async () => {
    const files = new Map<string, Uint8Array>()
    const opts = { encryption: { passphrase, iterations: 1000 } }
    const [a, b] = await Promise.all([
      openTab('enc-race', () => memoryStorage(files), opts),
      openTab('enc-race', () => memoryStorage(files), opts),
    ])
    const leader = role(a) === 'leader' ? a : b
    const follower = leader === a ? b : a
    leader.store.commit(events.todoCreated({ id: 't1', title: 'secret' }))
    await leader.adapter.flush() // acknowledged durable
    follower.store.commit(events.todoCreated({ id: 't2', title: 'from the follower' }))
    await follower.adapter.flush()
    await close(follower)
    await close(leader)
    const again = await openTab('enc-race', () => memoryStorage(files), opts)
    expect(again.store.query(todos.orderBy('id', 'asc')).map((t) => t.title)).toEqual([
      'secret',
      'from the follower',
    ])
    await close(again)
  })

  it('the key files are written once; both openers get the same key', async () => {
    const files = new Map<string, Uint8Array>()
    const writes: string[] = []
    const counting = (): DurableStorage => {
      const s = memoryStorage(files)
      return {
        ...s,
        write: async (name, bytes) => {
          writes.push(name)
          await s.write(name, bytes)
        },
      }
    }
    const [x, y] = await Promise.all([
      openStoreCipher(counting(), 'k1', { passphrase, iterations: 1000 }),
      openStoreCipher(counting(), 'k1', { passphrase, iterations: 1000 }),
    ])
    expect(writes.sort()).toEqual(['key.check', 'key.json'])
    const sealed = await x!.encrypt(new Uint8Array([7]), 'f')
    expect(await y!.decrypt(sealed, 'f')).toEqual(new Uint8Array([7]))
  })

  it('a store whose creator died between key.check and key.json is never taken for a plain one', async () => {
    const files = new Map<string, Uint8Array>()
    await openStoreCipher(memoryStorage(files), 'half', { passphrase, iterations: 1000 })
    files.delete('key.json') // killed after writing key.check
    await expect(openStoreCipher(memoryStorage(files), 'half', undefined)).rejects.toBeInstanceOf(
      EncryptionMismatchError,
    )
    // With its key it is set up again (nothing was stored under the lost key).
    const cipher = await openStoreCipher(memoryStorage(files), 'half', { passphrase, iterations: 1000 })
    const again = await openStoreCipher(memoryStorage(files), 'half', { passphrase })
    expect(await again!.decrypt(await cipher!.encrypt(new Uint8Array([1]), 'f'), 'f')).toEqual(
      new Uint8Array([1]),
    )
  })
})

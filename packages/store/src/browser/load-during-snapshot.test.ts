// A tab that opens while the leader replaces its journal by a new snapshot: OPFS removes
// the old files one at a time, so the snapshot the new tab listed can be gone when it reads
// it. Before, the load fell back to "no snapshot", saw a gap and failed with
// JournalCorruptError (nothing was lost, but an app that resets on that error destroys
// data); now it lists again and opens.
import { describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { closeTab as close, tabHarness } from '../../test/tabs.js'
import { JournalCorruptError } from './errors.js'
import { JournaledDriver } from './journal.js'
import { Persister } from './persister.js'
import { memoryStorage } from './storage/memory.js'
import type { DurableStorage } from './storage/storage.js'
import { betterSqliteMemoryEngine } from '../encryption/better-sqlite3-engine.js'

const { openTab } = tabHarness(schema)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('a tab opens while the leader replaces its journal by a new snapshot', () => {
  it('the snapshot it listed vanishes before it reads it: the tab still opens, with everything', async () => {
    const files = new Map<string, Uint8Array>()
    let removedSnapshot: (name: string) => void = () => {}
    // OPFS-like: removeEntry is one async round trip per file
    const leaderStorage = (): DurableStorage => {
      const s = memoryStorage(files)
      return {
        ...s,
        remove: async (names) => {
          for (const n of names) {
            await s.remove([n])
            if (n.startsWith('s-')) removedSnapshot(n)
            await sleep(20)
          }
        },
      }
    }
    const a = await openTab('sr1', leaderStorage, { snapshotEvery: 3 })
    for (let i = 0; i < 4; i++) a.store.commit(events.todoCreated({ id: `a${i}`, title: `t${i}` }))
    await a.adapter.flush()
    a.store.commit(events.todoCreated({ id: 'a4', title: 't4' }))
    await a.adapter.flush()
    const names = [...files.keys()].sort()
    expect(names.some((n) => n.startsWith('s-'))).toBe(true)
    expect(names.some((n) => n.startsWith('j-'))).toBe(true)
    // The new tab's first read of the (big, slow) snapshot finishes after the leader removed it.
    let slowed = false
    const followerStorage = (): DurableStorage => {
      const s = memoryStorage(files)
      return {
        ...s,
        read: async (name) => {
          if (name.startsWith('s-') && !slowed) {
            slowed = true
            const gone = new Promise<void>((r) => {
              removedSnapshot = (n) => n === name && r()
            })
            // meanwhile the leader commits enough for its next snapshot
            for (let i = 5; i < 9; i++) a.store.commit(events.todoCreated({ id: `a${i}`, title: `t${i}` }))
            await gone
          }
          return s.read(name)
        },
      }
    }
    const b = await openTab('sr1', followerStorage)
    expect(slowed).toBe(true)
    expect(b.store.query(todos.count())).toBe(9)
    await close(b)
    await close(a)
  })

  it('a gap that stays is still reported, after listing again (a non-owner load)', async () => {
    const files = new Map<string, Uint8Array>()
    const storage = memoryStorage(files)
    const writer = new JournaledDriver(betterSqliteMemoryEngine(), {
      onRecord: (r) => persister.enqueue(r),
    })
    const persister = new Persister({ storeId: 'gap', storage })
    await persister.load(writer)
    persister.attach(writer)
    writer.exec('CREATE TABLE t (a)')
    for (let i = 0; i < 3; i++) {
      writer.transaction(() => writer.prepare('INSERT INTO t VALUES (?)').run([i]))
      await persister.flush() // one file each
    }
    const journal = [...files.keys()].filter((n) => n.startsWith('j-')).sort()
    expect(journal).toHaveLength(3)
    files.delete(journal[1]!) // a real hole
    let lists = 0
    const counting: DurableStorage = {
      ...storage,
      list: () => {
        lists++
        return storage.list()
      },
    }
    const reader = new JournaledDriver(betterSqliteMemoryEngine())
    await expect(new Persister({ storeId: 'gap', storage: counting }).load(reader, false)).rejects.toThrow(
      JournalCorruptError,
    )
    expect(lists).toBeGreaterThan(1)
  })
})

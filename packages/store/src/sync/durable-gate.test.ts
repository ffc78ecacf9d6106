import { describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { browserAdapter } from '../adapters/browser.js'
import type { JournaledStoreDriver } from '../browser/open.js'
import { memoryStorage } from '../browser/storage/memory.js'
import type { DurableStorage } from '../browser/storage/storage.js'
import { betterSqliteMemoryEngine } from '../encryption/better-sqlite3-engine.js'
import { createStore } from '../store/create-store.js'
import { DurableGate } from './durable-gate.js'

/** A promise with its resolver. */
const deferred = () => {
  let resolve: () => void = () => {}
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/**
 * Memory storage whose writes land only when the test says so (`hold()` … `release()`);
 * a write still held when the "tab" is abandoned never lands, like a tab that crashed
 * before OPFS wrote the bytes.
 */
function heldStorage(files: Map<string, Uint8Array>) {
  const inner = memoryStorage(files)
  let gate: Promise<void> | undefined
  let open = () => {}
  const storage: DurableStorage = {
    ...inner,
    write: async (name, bytes) => {
      if (gate !== undefined) await gate
      await inner.write(name, bytes)
    },
  }
  return {
    storage,
    hold() {
      const d = deferred()
      gate = d.promise
      open = d.resolve
    },
    release() {
      gate = undefined
      open()
    },
  }
}

/** Wait until everything the store committed is durable (its driver's flush). */
const flushed = (store: { readonly driver: unknown }) => (store.driver as JournaledStoreDriver).flush()

const seqs = (rows: readonly { seq: number | null }[]) => rows.map((r) => r.seq)

describe('DurableGate', () => {
  it('holds committed seqs until the driver says they are durable, in order', async () => {
    const writes: ReturnType<typeof deferred>[] = []
    let durable = 0
    const gate = new DurableGate(
      () => {
        const d = deferred()
        writes.push(d)
        return d.promise
      },
      () => durable++,
    )
    const rows = [{ seq: 1 }, { seq: 2 }, { seq: 3 }]
    expect(gate.visible(rows)).toBe(rows) // nothing committed here: loaded = durable
    gate.committed(2, 2)
    gate.committed(3, 3) // while the first wait is on: coalesced into the next one
    expect(seqs(gate.visible(rows))).toEqual([1])
    expect(writes).toHaveLength(1)
    writes[0]!.resolve()
    await writes[0]!.promise
    await Promise.resolve()
    expect(durable).toBe(1)
    expect(seqs(gate.visible(rows))).toEqual([1, 2]) // 3 came after that wait began
    writes[1]!.resolve()
    await writes[1]!.promise
    await Promise.resolve()
    expect(durable).toBe(2)
    expect(gate.visible(rows)).toBe(rows)
  })

  it('renumbered seqs (at or below ones given before) are held again, even from a wait under way', async () => {
    const writes: ReturnType<typeof deferred>[] = []
    const gate = new DurableGate(
      () => {
        const d = deferred()
        writes.push(d)
        return d.promise
      },
      () => {},
    )
    const rows = [{ seq: 4 }, { seq: 5 }, { seq: 6 }, { seq: 7 }]
    gate.committed(5, 5) // a commit whose write is under way
    // A collision renumbers pending events 2–5 to 4–7 (decision 0065) during that wait.
    gate.committed(4, 7)
    expect(seqs(gate.visible(rows))).toEqual([])
    writes[0]!.resolve() // the write of seq 5 landed; the renumbering's write came later
    await writes[0]!.promise
    await Promise.resolve()
    expect(seqs(gate.visible(rows))).toEqual([])
    expect(writes).toHaveLength(2) // it waits again
    writes[1]!.resolve()
    await writes[1]!.promise
    await Promise.resolve()
    expect(gate.visible(rows)).toBe(rows)
  })

  it('keeps events held after a failed write; the next commit retries', async () => {
    let fail = true
    let durable = 0
    const gate = new DurableGate(
      () => (fail ? Promise.reject(new Error('quota')) : Promise.resolve()),
      () => durable++,
      60_000,
    )
    gate.committed(1, 1)
    await new Promise((r) => setTimeout(r, 0))
    expect(gate.visible([{ seq: 1 }])).toEqual([])
    fail = false
    gate.committed(2, 2)
    await new Promise((r) => setTimeout(r, 0))
    expect(durable).toBe(1)
    expect(seqs(gate.visible([{ seq: 1 }, { seq: 2 }]))).toEqual([1, 2])
    gate.close()
  })

  it('asks again after a pause when no commit follows the failed write', async () => {
    let calls = 0
    let durable = 0
    const gate = new DurableGate(
      () => (++calls < 3 ? Promise.reject(new Error('quota')) : Promise.resolve()),
      () => durable++,
      5,
    )
    gate.committed(1, 1)
    // fails, 5 ms, fails, 10 ms, lands
    for (const start = Date.now(); durable === 0 && Date.now() - start < 5000; )
      await new Promise((r) => setTimeout(r, 2))
    expect(calls).toBe(3)
    expect(durable).toBe(1)
    expect(seqs(gate.visible([{ seq: 1 }]))).toEqual([1])
  })

  it('stops asking once closed', async () => {
    let calls = 0
    const gate = new DurableGate(
      () => {
        calls++
        return Promise.reject(new Error('quota'))
      },
      () => {},
      5,
    )
    gate.committed(1, 1)
    await new Promise((r) => setTimeout(r, 0))
    gate.close()
    await new Promise((r) => setTimeout(r, 30))
    expect(calls).toBe(1)
  })
})

describe('the browser driver pushes only durable events (decision 0036)', () => {
  const open = (storage: DurableStorage) =>
    createStore({
      schema,
      adapter: browserAdapter({ engine: betterSqliteMemoryEngine, storage: () => storage, multiTab: false }),
      storeId: 'durable-seam',
    })

  it('a commit is pending (counted) at once, pushable only once its journal write landed', async () => {
    const files = new Map<string, Uint8Array>()
    const disk = heldStorage(files)
    const store = await open(disk.storage)
    let notified = 0
    store.sync.onPending(() => notified++)

    disk.hold()
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(notified).toBe(1) // the count changed
    expect(store.sync.pendingCount?.()).toBe(1)
    expect(store.sync.pending()).toEqual([]) // not on disk yet: must not be pushed
    await new Promise((r) => setTimeout(r, 5))
    expect(store.sync.pending()).toEqual([])

    disk.release()
    await flushed(store)
    expect(notified).toBe(2) // now pushable
    expect(store.sync.pending().map((e) => [e.name, e.seq])).toEqual([['v1.TodoCreated', 1]])
    store.close()
  })

  it('a tab killed before its write landed pushed nothing, so its reused seq is fresh', async () => {
    const files = new Map<string, Uint8Array>()
    const first = heldStorage(files)
    const crashed = await open(first.storage)
    crashed.commit(events.todoCreated({ id: 'kept', title: 'durable' }))
    await flushed(crashed)
    first.hold()
    crashed.commit(events.todoCreated({ id: 'lost', title: 'never written' }))
    // Everything a sync client could have pushed before the crash:
    const pushable = crashed.sync.pending().map((e) => e.seq)
    expect(pushable).toEqual([1])
    // The tab dies here: the held write never lands (the store is not closed).

    const again = await open(heldStorage(files).storage)
    expect(again.query(todos).map((t) => t.id)).toEqual(['kept'])
    again.commit(events.todoCreated({ id: 'new', title: 'after reload' }))
    const reused = again.sync.lastSeq()
    expect(reused).toBe(2) // the dead tab's seq 2 is allocated again…
    expect(pushable).not.toContain(reused) // …which is safe: it never left the dead tab
    await flushed(again)
    expect(again.sync.pending().map((e) => [e.seq, (e.args as { id: string }).id])).toEqual([
      [1, 'kept'],
      [2, 'new'],
    ])
    again.close()
  })
})

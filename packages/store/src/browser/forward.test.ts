// Commit forwarding between tabs under Node: each "tab" is a store on its own driver
// (better-sqlite3 in memory), all sharing one storage map, with Node's real
// BroadcastChannel and an in-test FIFO Web Locks manager. The same flows run in headless
// Chromium with OPFS in test/browser-tabs.test.ts.
import { describe, expect, it, vi } from 'vitest'
import { wasmEngine } from '../../test/browser-support.js'
import { events, schema, todos } from '../../test/fixtures.js'
import { closeTab as close, role, type Tab as TabOf, tabHarness, until } from '../../test/tabs.js'
import { EventValidationError, MaterializerError, StoreError } from '../errors.js'
import { CommitForwarder } from './forward.js'
import { memoryStorage } from './storage/memory.js'
import type { DurableStorage } from './storage/storage.js'
import type { TabMessage } from './tabs.js'

const { locks, openTab } = tabHarness(schema)
type Tab = TabOf<typeof schema>
const titles = (tab: Tab) => tab.store.query(todos.orderBy('id', 'asc')).map((t) => t.title)
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  )
const logged = (tab: Tab) => tab.store.sync.pending().map((e) => `${e.name} ${(e.args as { id: string }).id}`)

/**
 * A leader's storage whose writes, between `hang()` and `wake()`, do not finish: it
 * applies forwarded commits but cannot answer them (answers wait for durability), like a
 * tab whose page is frozen while it holds the lock. `'after'`: the bytes land first.
 */
const hangingStorage = (files: Map<string, Uint8Array>, land: 'before' | 'after' = 'before') => {
  let hung: Promise<void> | undefined
  let wake = () => {}
  return {
    storage: (): DurableStorage => {
      const s = memoryStorage(files)
      return {
        ...s,
        write: async (name, bytes) => {
          if (land === 'after') await s.write(name, bytes)
          await hung
          if (land === 'before') await s.write(name, bytes)
        },
      }
    },
    hang() {
      hung = new Promise<void>((r) => {
        wake = r
      })
    },
    wake() {
      hung = undefined
      wake()
    },
  }
}

/**
 * Makes the tabs opened while `deafen` runs miss the records other tabs broadcast while
 * `deaf.on` is true (as if delivered to nobody, e.g. the sender died first).
 */
const deaf = { on: false }
const deafen = async <T>(open: () => Promise<T>): Promise<T> => {
  const Real = globalThis.BroadcastChannel
  class Deaf extends Real {
    override set onmessage(fn: ((ev: MessageEvent) => void) | null) {
      super.onmessage = (ev: MessageEvent) => {
        if (deaf.on && (ev.data as TabMessage).t === 'records') return
        fn?.call(this, ev)
      }
    }
  }
  globalThis.BroadcastChannel = Deaf
  try {
    return await open()
  } finally {
    globalThis.BroadcastChannel = Real
  }
}

describe('a follower tab commits through the leader tab', () => {
  it('forwards, shows the commit in both tabs (live queries too), persists and pushes it from the leader', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await openTab('fw1', () => memoryStorage(files))
    const b = await openTab('fw1', () => memoryStorage(files))
    expect([role(a), role(b)]).toEqual(['leader', 'follower'])
    let pushes = 0
    a.store.sync.onPending(() => pushes++)
    const seen: number[] = []
    const stop = b.store.queryDb(todos.count()).subscribe((n) => seen.push(n))

    b.store.commit(events.todoCreated({ id: 'b1', title: 'from b' }))
    // Not optimistic: the follower's replica changes when the leader's records arrive.
    expect(b.store.query(todos.count())).toBe(0)
    await b.adapter.flush() // applied by the leader, durable, and visible here
    expect(titles(b)).toEqual(['from b'])
    expect(titles(a)).toEqual(['from b'])
    expect(seen).toEqual([0, 1])
    // The leader's sync client is told twice: at the commit (its count) and once the
    // journal write landed (only then may it push; decision 0036).
    expect(pushes).toBe(2)
    expect(a.store.sync.pending().map((e) => [e.name, e.seq])).toEqual([['v1.TodoCreated', 1]])
    expect(b.store.sync.pending()).toHaveLength(1)

    // Leader and follower keep committing: one log, one seq space.
    a.store.commit(events.todoCreated({ id: 'a1', title: 'from a' }))
    b.store.commit(events.todoCompleted({ id: 'b1' }), events.todoCreated({ id: 'b2', title: 'b two' }))
    await b.adapter.flush()
    expect(a.store.sync.pending().map((e) => e.seq)).toEqual([1, 2, 3, 4])
    expect(b.store.query(todos.where({ done: true }).count())).toBe(1)
    stop()
    await close(b)
    await close(a)

    const again = await openTab('fw1', () => memoryStorage(files))
    expect(titles(again)).toEqual(['from a', 'from b', 'b two'])
    await close(again)
  })

  it('validates synchronously in the follower; a materializer error in the leader comes back typed', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await openTab('fw2', () => memoryStorage(files))
    const b = await openTab('fw2', () => memoryStorage(files))
    expect(() => b.store.commit(events.todoCreated({ id: 7 as unknown as string, title: 'x' }))).toThrow(
      EventValidationError,
    )
    b.store.commit(events.todoCreated({ id: 'ok', title: 'fine' }))
    b.store.commit(events.todoExploded({ id: 'boom' }))
    b.store.commit(events.todoCreated({ id: 'ok2', title: 'after' }))
    const failure = await b.adapter.flush().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(failure).toBeInstanceOf(MaterializerError)
    expect((failure as MaterializerError).eventName).toBe('v1.TodoExploded')
    expect(b.errors).toHaveLength(1)
    expect(b.errors[0]).toBeInstanceOf(MaterializerError)
    // The failed commit was rolled back in the leader; the ones around it stand.
    expect(titles(b)).toEqual(['fine', 'after'])
    await b.adapter.flush() // reported once
    await close(b)
    await close(a)
  })

  it('the leader crashes after applying, before persisting or answering: the follower leads and keeps the commit, once', async () => {
    const files = new Map<string, Uint8Array>()
    // The leader's storage never finishes a write: nothing it does becomes durable, and
    // it never answers `done`. A new follower catches up from the leader, not storage.
    const stalled = (): DurableStorage => ({
      ...memoryStorage(files),
      write: () => new Promise<void>(() => {}),
    })
    const a = await openTab('fw3', stalled)
    a.store.commit(events.todoCreated({ id: 'a1', title: 'by a' }))
    const b = await openTab('fw3', () => memoryStorage(files))
    expect(titles(b)).toEqual(['by a'])
    b.store.commit(events.todoCreated({ id: 'b1', title: 'once' }))
    await until(() => b.store.query(todos.count()) === 2, 'the leader applied it')
    expect(files.size).toBe(0)
    locks.crash('strata-store:fw3') // tab A is gone (its zombie objects stay behind, silent)
    await until(() => role(b) === 'leader', 'b promoted')
    await b.adapter.flush() // answered by b itself: the tag says it is applied already
    expect(titles(b)).toEqual(['by a', 'once'])
    expect(b.store.sync.pending().map((e) => e.seq)).toEqual([1, 2])
    await close(b)
    const again = await openTab('fw3', () => memoryStorage(files))
    expect(titles(again)).toEqual(['by a', 'once'])
    await close(again)
  })

  it('a follower closed before the leader answered: flush rejects instead of hanging, the commit still lands', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await openTab('fw5', () => memoryStorage(files))
    const b = await openTab('fw5', () => memoryStorage(files))
    b.store.commit(events.todoCreated({ id: 'b1', title: 'sent, then closed' }))
    await close(b) // its channel is gone: the leader's answer can never arrive
    const flushed = await Promise.race([
      b.adapter.flush().then(
        () => 'resolved',
        (e: unknown) => e,
      ),
      new Promise((r) => setTimeout(() => r('still pending'), 500)),
    ])
    expect(flushed).toBeInstanceOf(StoreError)
    expect((flushed as StoreError).code).toBe('forward_unanswered')
    expect((flushed as StoreError).message).toMatch(
      /closed before the leader tab answered 1 forwarded commit/,
    )
    await b.adapter.flush() // reported once
    await until(() => a.store.query(todos.count()) === 1, 'the leader applied it anyway')
    await close(a)
  })

  it('the leader hangs holding the lock: flush rejects forward_timeout, the commit is neither dropped nor sent twice, a later flush reports it', async () => {
    const files = new Map<string, Uint8Array>()
    const leader = hangingStorage(files)
    const a = await openTab('fw9', leader.storage)
    const b = await openTab('fw9', () => memoryStorage(files), { forwardTimeoutMs: 150 })
    leader.hang()
    b.store.commit(events.todoCreated({ id: 'b1', title: 'sent during the hang' }))
    const started = Date.now()
    const flushed = await outcome(b.adapter.flush())
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(flushed).toBeInstanceOf(StoreError)
    expect((flushed as StoreError).code).toBe('forward_timeout')
    expect((flushed as StoreError).message).toMatch(
      /did not answer 1 forwarded commit within 150 ms: they were sent and may still be applied/,
    )
    // Still waiting for the answer (not dropped): the next flush times out again.
    expect(((await outcome(b.adapter.flush())) as StoreError).code).toBe('forward_timeout')
    b.store.commit(events.todoCreated({ id: 'b2', title: 'queued behind it' }))
    leader.wake() // the leader comes back and answers
    await b.adapter.flush()
    expect(titles(b)).toEqual(['sent during the hang', 'queued behind it'])
    expect(logged(a)).toEqual(['v1.TodoCreated b1', 'v1.TodoCreated b2'])
    await close(b)
    await close(a)
  })

  it('a late answer after forward_timeout is kept: a refusal is reported by the next flush, once', async () => {
    const files = new Map<string, Uint8Array>()
    const leader = hangingStorage(files)
    const a = await openTab('fw10', leader.storage)
    const b = await openTab('fw10', () => memoryStorage(files), { forwardTimeoutMs: 100 })
    leader.hang()
    b.store.commit(events.todoCreated({ id: 'b1', title: 'fine' })) // applied, never answered
    b.store.commit(events.todoExploded({ id: 'x' })) // queued behind it
    expect(((await outcome(b.adapter.flush())) as StoreError).code).toBe('forward_timeout')
    expect(b.errors).toEqual([])
    leader.wake()
    await until(() => b.errors.length === 1, 'the late refusal reached onForwardError')
    expect(await outcome(b.adapter.flush())).toBeInstanceOf(MaterializerError)
    await b.adapter.flush() // reported once
    expect(titles(b)).toEqual(['fine'])
    await close(b)
    await close(a)
  })

  it('a new leader that got the state from a snapshot (no record tags) still applies a retried commit once', async () => {
    const files = new Map<string, Uint8Array>()
    // a snapshots after every record; once it hangs, its writes land but never finish,
    // so it applies f's commit and persists it inside a snapshot, but never answers.
    const dying = hangingStorage(files, 'after')
    const a = await openTab('fw11', dying.storage, { snapshotEvery: 1 })
    a.store.commit(events.todoCreated({ id: 't1', title: 'one' }))
    await a.adapter.flush()
    // p is next in line for the lock and misses a's broadcasts from now on; it must load
    // what a persisted when promoted (the WASM engine can swap its image under a store).
    const p = await deafen(() => openTab('fw11', () => memoryStorage(files), { engine: wasmEngine }))
    const f = await openTab('fw11', () => memoryStorage(files))
    expect([role(a), role(p), role(f)]).toEqual(['leader', 'follower', 'follower'])
    deaf.on = true
    dying.hang()
    const snapshots = () => [...files.keys()].filter((n) => n.startsWith('s-')).sort()
    const before = snapshots().at(-1)
    f.store.commit(events.todoRenamed({ id: 't1', title: 'renamed once' }))
    await until(() => f.store.query(todos.where({ title: 'renamed once' }).count()) === 1, 'a applied it')
    await until(() => snapshots().at(-1) !== before, 'a snapshotted it')
    locks.crash('strata-store:fw11') // a dies before answering f
    deaf.on = false
    await until(() => role(p) === 'leader', 'p promoted')
    await f.adapter.flush() // f resent its commit to p, which answered it
    expect(titles(p)).toEqual(['renamed once'])
    expect(logged(p)).toEqual(['v1.TodoCreated t1', 'v1.TodoRenamed t1'])
    await close(f)
    await close(p)
    const again = await openTab('fw11', () => memoryStorage(files))
    expect(logged(again)).toEqual(['v1.TodoCreated t1', 'v1.TodoRenamed t1'])
    await close(again)
  })

  it('records the crashed leader broadcast that arrive after the lock passed are kept by the new leader (no divergence, no seq reuse)', async () => {
    const files = new Map<string, Uint8Array>()
    const stalled = (): DurableStorage => ({
      ...memoryStorage(files),
      write: () => new Promise<void>(() => {}),
    })
    // b's storage answers like OPFS does: not within the same task.
    const slow = (): DurableStorage => {
      const s = memoryStorage(files)
      return { ...s, list: () => new Promise((r) => setTimeout(() => r(s.list()), 20)) }
    }
    const a = await openTab('fw6', stalled)
    const b = await openTab('fw6', slow)
    const c = await openTab('fw6', () => memoryStorage(files))
    expect([role(a), role(b), role(c)]).toEqual(['leader', 'follower', 'follower'])
    // The leader commits (its record is on the channel, nothing is durable), then dies
    // before the message is delivered: the lock reaches b first.
    a.store.commit(events.todoCreated({ id: 'a1', title: 'broadcast, never persisted' }))
    locks.crash('strata-store:fw6')
    await until(() => role(b) === 'leader', 'b promoted')
    await b.store.sync.whenOwner?.()
    b.store.commit(events.todoCreated({ id: 'b1', title: 'after the hand-over' }))
    await b.adapter.flush()
    await until(() => c.store.query(todos.count()) === 2, 'c follows b')
    // Every tab shows the same thing, and b did not hand a1's seq to b1.
    expect(titles(b)).toEqual(['broadcast, never persisted', 'after the hand-over'])
    expect(titles(c)).toEqual(titles(b))
    expect(b.store.sync.pending().map((e) => [(e.args as { id: string }).id, e.seq])).toEqual([
      ['a1', 1],
      ['b1', 2],
    ])
    const shown = titles(b)
    await close(c)
    await close(b)
    const again = await openTab('fw6', () => memoryStorage(files))
    expect(titles(again)).toEqual(shown)
    await close(again)
  })

  it('the leader dies mid-write (an empty journal file is left): the promoted tab persists what it has, the store opens again', async () => {
    const files = new Map<string, Uint8Array>()
    let dying = false
    const dies = (): DurableStorage => {
      const s = memoryStorage(files)
      return {
        ...s,
        // The tab's last write: the file exists, its bytes never arrive.
        write: (name, bytes) => {
          if (!dying) return s.write(name, bytes)
          files.set(name, new Uint8Array())
          return new Promise<void>(() => {})
        },
      }
    }
    const a = await openTab('fw7', dies)
    const b = await openTab('fw7', () => memoryStorage(files))
    a.store.commit(events.todoCreated({ id: 'a0', title: 'durable' }))
    await a.adapter.flush()
    dying = true
    a.store.commit(events.todoCreated({ id: 'a1', title: 'seen by b, half written' }))
    await until(() => b.store.query(todos.count()) === 2, 'b shows a1')
    locks.crash('strata-store:fw7')
    await until(() => role(b) === 'leader', 'b promoted')
    await b.store.sync.whenOwner?.()
    b.store.commit(events.todoCreated({ id: 'b1', title: 'after' }))
    await b.adapter.flush()
    const shown = titles(b)
    expect(shown).toEqual(['durable', 'seen by b, half written', 'after'])
    await close(b)
    const again = await openTab('fw7', () => memoryStorage(files))
    expect(titles(again)).toEqual(shown)
    await close(again)
  })

  it('a tab opening while the leader writes a journal file does not delete it (only the owner tidies storage)', async () => {
    const files = new Map<string, Uint8Array>()
    // The leader's next write is slow: its file exists, empty, until the bytes land.
    let slowWrite = false
    let landed: () => void = () => {}
    const writes = new Promise<void>((r) => {
      landed = r
    })
    const leaderStorage = (): DurableStorage => {
      const s = memoryStorage(files)
      return {
        ...s,
        write: async (name, bytes) => {
          if (!slowWrite) return s.write(name, bytes)
          files.set(name, new Uint8Array())
          await new Promise((r) => setTimeout(r, 20))
          await s.write(name, bytes)
          landed()
        },
      }
    }
    // The new tab reads the empty file, then is slower than the leader's write.
    const newTabStorage = (): DurableStorage => {
      const s = memoryStorage(files)
      return {
        ...s,
        remove: async (names) => {
          await writes
          await s.remove(names)
        },
      }
    }
    const a = await openTab('fw8', leaderStorage)
    slowWrite = true
    a.store.commit(events.todoCreated({ id: 'a1', title: 'being written' }))
    const b = await openTab('fw8', newTabStorage)
    await a.adapter.flush()
    expect(titles(b)).toEqual(['being written'])
    await close(b)
    await close(a)
    const again = await openTab('fw8', () => memoryStorage(files))
    expect(titles(again)).toEqual(['being written'])
    await close(again)
  })

  it('commits made while the leader closes are resent to the next leader and applied once, in order', async () => {
    const files = new Map<string, Uint8Array>()
    const a = await openTab('fw4', () => memoryStorage(files))
    const b = await openTab('fw4', () => memoryStorage(files))
    const c = await openTab('fw4', () => memoryStorage(files))
    expect([role(a), role(b), role(c)]).toEqual(['leader', 'follower', 'follower'])
    c.store.commit(events.todoCreated({ id: 'c0', title: 'zero' }))
    await c.adapter.flush()
    // Only the owning tab may sync (its sync client waits for this before standing).
    let bOwns = false
    void b.store.sync.whenOwner?.().then(() => {
      bOwns = true
    })
    await a.store.sync.whenOwner?.()
    await new Promise((r) => setTimeout(r, 10))
    expect(bOwns).toBe(false)
    const closing = close(a) // no leader can apply anything until b has caught up
    c.store.commit(events.todoCreated({ id: 'c1', title: 'first' }))
    c.store.commit(events.todoCompleted({ id: 'c1' })) // queued behind the batch in flight
    b.store.commit(events.todoCreated({ id: 'b1', title: 'by b' }))
    expect(b.store.query(todos.count())).toBe(1)
    await closing
    await until(() => role(b) === 'leader', 'b promoted')
    await until(() => bOwns, 'b owns the store')
    await c.adapter.flush()
    await b.adapter.flush()
    expect(titles(c)).toEqual(['by b', 'zero', 'first'])
    expect(c.store.query(todos.where({ id: 'c1' }).first())?.done).toBe(true)
    // Each commit once; c's in the order it made them (b, promoted, applied its own first).
    expect(b.store.sync.pending().map((e) => `${e.name} ${(e.args as { id: string }).id}`)).toEqual([
      'v1.TodoCreated c0',
      'v1.TodoCreated b1',
      'v1.TodoCreated c1',
      'v1.TodoCompleted c1',
    ])
    await close(c)
    await close(b)
  })
})

describe('CommitForwarder', () => {
  const follower = (timeoutMs?: number) => {
    const posted: TabMessage[] = []
    let head = 0
    const forwarder = new CommitForwarder({
      storeId: 's',
      tabId: 't',
      post: (m) => posted.push(m),
      owns: () => false,
      head: () => head,
      durable: async () => {},
      timeoutMs,
    })
    const sent = () => posted.flatMap((m) => (m.t === 'commit' ? [m.batch.map((c) => c.id)] : []))
    const reach = (h: number) => {
      head = h
      forwarder.advanced()
    }
    return { forwarder, sent, reach }
  }

  it('settled() waits 10 s by default, then rejects forward_timeout; the answer that comes later is kept', async () => {
    vi.useFakeTimers()
    try {
      const { forwarder, sent, reach } = follower()
      forwarder.forward([{ name: 'v1.TodoCreated', args: { id: 'y', title: 'y' } }])
      let settled: unknown = 'pending'
      void outcome(forwarder.settled()).then((r) => {
        settled = r
      })
      await vi.advanceTimersByTimeAsync(9_999)
      expect(settled).toBe('pending')
      await vi.advanceTimersByTimeAsync(1)
      expect(settled).toBeInstanceOf(StoreError)
      expect((settled as StoreError).code).toBe('forward_timeout')
      expect((settled as StoreError).message).toBe(
        'Store "s": the leader tab did not answer 1 forwarded commit within 10000 ms: they were sent and may still be applied (they are not sent again; a later flush() reports the outcome)',
      )
      expect(forwarder.unanswered).toBe(1)
      expect(sent()).toEqual([['t.1']])
      // The leader answers after all; the records reach this tab later still.
      forwarder.answered({ t: 'done', tab: 't', head: 3, results: [{ id: 't.1' }] })
      const late = outcome(forwarder.settled())
      await vi.advanceTimersByTimeAsync(10_000)
      expect(((await late) as StoreError).message).toMatch(
        /answered, but its records did not reach this tab within 10000 ms/,
      )
      const shown = outcome(forwarder.settled())
      reach(3)
      expect(await shown).toBe('resolved')
      expect(sent()).toEqual([['t.1']]) // never sent twice
    } finally {
      vi.useRealTimers()
    }
  })

  it('settled() with timeoutMs Infinity waits as long as it takes; nothing to wait for resolves at once', async () => {
    vi.useFakeTimers()
    try {
      const { forwarder, reach } = follower(Number.POSITIVE_INFINITY)
      expect(await outcome(forwarder.settled())).toBe('resolved')
      forwarder.forward([{ name: 'v1.TodoCreated', args: { id: 'y', title: 'y' } }])
      let settled: unknown = 'pending'
      void outcome(forwarder.settled()).then((r) => {
        settled = r
      })
      await vi.advanceTimersByTimeAsync(3_600_000)
      expect(settled).toBe('pending')
      forwarder.answered({ t: 'done', tab: 't', head: 1, results: [{ id: 't.1' }] })
      reach(1)
      await vi.advanceTimersByTimeAsync(0)
      expect(settled).toBe('resolved')
    } finally {
      vi.useRealTimers()
    }
  })

  it("an onError callback that throws does not wedge the follower's outbox", () => {
    const posted: TabMessage[] = []
    const forwarder = new CommitForwarder({
      storeId: 's',
      tabId: 't',
      post: (m) => posted.push(m),
      owns: () => false,
      head: () => 0,
      durable: async () => {},
      onError: () => {
        throw new Error('app bug in onForwardError')
      },
    })
    forwarder.forward([{ name: 'v1.TodoExploded', args: { id: 'x' } }])
    forwarder.forward([{ name: 'v1.TodoCreated', args: { id: 'y', title: 'y' } }]) // queued behind
    const error = { code: 'materializer_failed', message: 'boom', event: 'v1.TodoExploded', cause: 'boom' }
    expect(() =>
      forwarder.answered({ t: 'done', tab: 't', head: 1, results: [{ id: 't.1', error }] }),
    ).toThrow('app bug in onForwardError')
    // The answered batch is done and the queued commit went out all the same.
    expect(forwarder.unanswered).toBe(1)
    expect(posted.map((m) => (m.t === 'commit' ? m.batch.map((c) => c.id) : m.t))).toEqual([['t.1'], ['t.2']])
  })
})
